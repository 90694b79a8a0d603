from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def inspector_stations(user, today):
    """Stations an inspector visits: those of the visits assigned to them (a subquery)."""
    from inspections.models import Inspection

    return Inspection.objects.filter(team__user=user).values("station_id")


def _station_tab(request, station) -> str:
    from inspections.views import station_tab

    return station_tab(request, station)


def _finding_source(order) -> tuple[str, str] | None:
    """The visit an order's finding was recorded on: its page and a title."""
    from django.urls import reverse

    if not order.finding_id:
        return None
    visit = order.finding.inspection
    title = _("%(date)s %(station)s督查") % {
        "date": visit.scheduled_on.isoformat(),
        "station": visit.station.name,
    }
    return reverse("inspections:inspection_detail", args=[visit.pk]), str(title)


def _finding_audit_anchors(order) -> dict:
    from inspections import secrecy

    visit = order.finding.inspection if order.finding_id else None
    return secrecy.audit_anchors_for(order, visit)


def _hide_secret_orders(qs, prefix: str, *, user, assignments):
    """Orders of an unannounced visit stay invisible to the station side until it starts."""
    from inspections import secrecy

    return secrecy.hide_secret_visits(
        qs, f"{prefix}finding__inspection", user=user, assignments=assignments
    )


def _settings_in_force(on=None):
    from inspections.selectors import settings_in_force

    return settings_in_force(on)


def _register_rectification_source() -> None:
    """Orders of a signed-off visit's findings: their source, secrecy and settings."""
    from rectification import sources

    sources.register_source(
        "inspection_finding",
        _("督查发现问题"),
        _finding_source,
        audit_anchors=_finding_audit_anchors,
    )
    sources.register_visibility("inspections.secret_visits", _hide_secret_orders)
    # The evidence size limit and the escalation ladder are the inspection settings'.
    sources.register_settings(_settings_in_force)


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
        from inspections.visit_todo import visit_todos
        from portal.dashboards.todo import register_todo_provider

        register_todo_provider(visit_todos)
        _register_rectification_source()
