"""The evaluations app's items on the home page's to-do list (a fixed number of queries)."""

from __future__ import annotations

from django.db.models import Count, Min
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from evaluations.choices import CycleStatus
from evaluations.filtersets import TODO_FILTERS
from evaluations.models import Evaluation
from portal import clock
from portal.choices import CITY_ROLES, Role
from portal.dashboards.todo import TodoItem
from portal.scoping import VIEW


def evaluation_todos(user) -> list[TodoItem]:
    roles = user.roles
    today = clock.today()
    items: list[TodoItem] = []
    base = reverse("evaluations:evaluation_list")

    def url(todo: str) -> str:
        # Every open cycle (cycle=all), narrowed as the count is (EvaluationFilterSet.todo).
        return f"{base}?cycle=all&todo={todo}"

    qs = Evaluation.objects.restrict(user, VIEW).filter(cycle__status=CycleStatus.OPEN)
    if Role.STATION_MANAGER in roles:
        agg = qs.filter(TODO_FILTERS["self_assessment"]).aggregate(
            n=Count("pk"), due=Min("cycle__self_due_on")
        )
        if agg["n"]:
            items.append(
                TodoItem(
                    title=_("待提交的评估自评"),
                    count=agg["n"],
                    due_on=agg["due"],
                    urgent=bool(agg["due"] and agg["due"] < today),
                    url=url("self_assessment"),
                    source="evaluations",
                )
            )
    if Role.EVALUATOR in roles:
        agg = qs.filter(TODO_FILTERS["to_score"]).aggregate(
            n=Count("pk"), due=Min("cycle__scoring_due_on")
        )
        if agg["n"]:
            items.append(
                TodoItem(
                    title=_("待完成评分的评估"),
                    count=agg["n"],
                    due_on=agg["due"],
                    url=url("to_score"),
                    source="evaluations",
                )
            )
        appeals = qs.filter(TODO_FILTERS["appeal_filed"]).count()
        if appeals:
            items.append(
                TodoItem(
                    title=_("待答复的评估申诉"),
                    count=appeals,
                    url=url("appeal_filed"),
                    source="evaluations",
                )
            )
    if roles & CITY_ROLES:
        n = qs.filter(TODO_FILTERS["appeal_answered"]).count()
        if n:
            items.append(
                TodoItem(
                    title=_("待裁定的评估申诉"),
                    count=n,
                    url=url("appeal_answered"),
                    source="evaluations",
                )
            )
    return items
