from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def inspector_stations(user, today):
    """Stations an inspector visits: those of the visits assigned to them (a subquery)."""
    from inspections.models import Inspection

    return Inspection.objects.filter(team__user=user).values("station_id")


def _station_tab(request, station) -> str:
    from inspections.views import station_tab

    return station_tab(request, station)


class InspectionsConfig(AppConfig):
    name = "inspections"
    verbose_name = _("督查")

    def ready(self) -> None:
        from portal.choices import Role
        from portal.scoping import register_assignment_stations

        register_assignment_stations(Role.INSPECTOR, inspector_stations)
        try:
            from stations.tabs import register_station_tab
        except ImportError:  # pragma: no cover - the stations app always ships its tabs
            register_station_tab = None
        if register_station_tab is not None:
            register_station_tab("inspections", _("督查与整改"), _station_tab, order=20)
        from portal.dashboards.todo import register_todo_provider
        from rectification.todo import inspection_todos

        register_todo_provider(inspection_todos)
