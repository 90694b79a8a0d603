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


def _evaluation_source(order) -> tuple[str, str] | None:
    """The evaluation an order names (``source_ref`` ``evaluation:<id>``): its page and title."""
    from django.urls import reverse

    from evaluations.models import Evaluation

    kind, _sep, pk = order.source_ref.partition(":")
    if kind != "evaluation" or not pk.isdigit():
        return None
    evaluation = Evaluation.objects.select_related("cycle", "station").filter(pk=int(pk)).first()
    if evaluation is None:
        return None
    title = _("%(cycle)s · %(station)s") % {
        "cycle": evaluation.cycle.name,
        "station": evaluation.station.name,
    }
    return reverse("evaluations:evaluation_detail", args=[evaluation.pk]), str(title)


class EvaluationsConfig(AppConfig):
    name = "evaluations"
    verbose_name = _("评估")

    def ready(self) -> None:
        from portal.choices import Role
        from portal.scoping import register_assignment_stations

        register_assignment_stations(Role.EVALUATOR, evaluator_stations)
        from rectification.sources import register_source

        # A failing grade opens a rectification order (``services.rectification_open_for``).
        register_source("evaluation", _("评估不合格"), _evaluation_source)
        from evaluations.selectors import latest_grades_for
        from portal.risk import register_risk_signal

        # A risk signal of the quarterly inspection draw.
        register_risk_signal("grade", _("评估等级"), latest_grades_for)
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
