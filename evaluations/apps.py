from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def evaluator_stations(user, today):
    """Stations an evaluator evaluates: those of their assignments in force (a subquery)."""
    from evaluations.models import EvaluatorAssignment, active_assignment_q

    return EvaluatorAssignment.objects.filter(active_assignment_q(today), evaluator=user).values(
        "evaluation__station_id"
    )


def _station_tab(request, station) -> str:
    from evaluations.views import station_tab

    return station_tab(request, station)


class EvaluationsConfig(AppConfig):
    name = "evaluations"
    verbose_name = _("评估")

    def ready(self) -> None:
        from portal.choices import Role
        from portal.scoping import register_assignment_stations

        register_assignment_stations(Role.EVALUATOR, evaluator_stations)
        try:
            from stations.tabs import register_station_tab
        except ImportError:  # pragma: no cover
            register_station_tab = None
        if register_station_tab is not None:
            register_station_tab("evaluations", _("评估"), _station_tab, order=10)
        try:
            from portal.dashboards.todo import register_todo_provider
        except ImportError:  # pragma: no cover
            return
        from evaluations.todo import evaluation_todos

        register_todo_provider(evaluation_todos)
