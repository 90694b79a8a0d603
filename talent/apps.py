from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TalentConfig(AppConfig):
    name = "talent"
    verbose_name = _("人才")

    def ready(self) -> None:
        from portal.dashboards.todo import register_todo_provider
        from stations.tabs import register_station_tab
        from talent.todo import talent_todos
        from talent.views import staff_tab

        register_todo_provider(talent_todos)

        register_station_tab("staff", _("社工"), staff_tab, order=20)
