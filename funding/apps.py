from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FundingConfig(AppConfig):
    name = "funding"
    verbose_name = _("经费")

    def ready(self):
        from funding.todo import funding_todos
        from portal.dashboards.todo import register_todo_provider

        register_todo_provider(funding_todos)

        from funding.selectors import stations_projected_under_floor
        from portal.risk import register_risk_signal

        # A risk signal of the quarterly inspection draw.
        register_risk_signal("under_floor", _("人员经费低于下限"), stations_projected_under_floor)
        try:
            from stations.tabs import register_station_tab
        except ImportError:  # the stations page has no tab registry: our pages link instead
            return
        from funding.views import station_tab

        register_station_tab("funding", _("经费"), station_tab, order=30)
