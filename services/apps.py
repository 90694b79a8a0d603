from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ServicesConfig(AppConfig):
    name = "services"
    verbose_name = _("服务")

    def ready(self):
        from portal.dashboards.todo import register_todo_provider
        from services.todo import service_report_todos
        from services.views import station_tab
        from stations.tabs import register_station_tab

        register_station_tab("services", _("服务"), station_tab, order=40)
        register_todo_provider(service_report_todos)
