from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FundingConfig(AppConfig):
    name = "funding"
    verbose_name = _("经费")

    def ready(self):
        from funding.todo import funding_todos
        from portal.dashboards.todo import register_todo_provider

        register_todo_provider(funding_todos)
        try:
            from stations.tabs import register_station_tab
        except ImportError:  # the stations page has no tab registry: our pages link instead
            return
        from funding.views import station_tab

        register_station_tab("funding", _("经费"), station_tab, order=30)
