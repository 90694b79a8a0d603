"""The evaluations app's items on the home page's to-do list (a fixed number of queries)."""

from __future__ import annotations

from django.db.models import Count, Min
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from evaluations.choices import CycleStatus, EvaluationStatus
from evaluations.models import Evaluation
from portal import clock
from portal.choices import CITY_ROLES, Role
from portal.dashboards.todo import TodoItem
from portal.scoping import VIEW


def evaluation_todos(user) -> list[TodoItem]:
    roles = user.roles
    today = clock.today()
    items: list[TodoItem] = []
    url = reverse("evaluations:evaluation_list")
    qs = Evaluation.objects.restrict(user, VIEW).filter(cycle__status=CycleStatus.OPEN)
    if Role.STATION_MANAGER in roles:
        agg = qs.filter(status=EvaluationStatus.NOT_STARTED).aggregate(
            n=Count("pk"), due=Min("cycle__self_due_on")
        )
        if agg["n"]:
            items.append(
                TodoItem(
                    title=_("待提交的评估自评"),
                    count=agg["n"],
                    due_on=agg["due"],
                    urgent=bool(agg["due"] and agg["due"] < today),
                    url=url,
                    source="evaluations",
                )
            )
    if Role.EVALUATOR in roles:
        agg = qs.filter(
            status__in=[EvaluationStatus.NOT_STARTED, EvaluationStatus.SUBMITTED]
        ).aggregate(n=Count("pk"), due=Min("cycle__scoring_due_on"))
        if agg["n"]:
            items.append(
                TodoItem(
                    title=_("待完成评分的评估"),
                    count=agg["n"],
                    due_on=agg["due"],
                    url=url,
                    source="evaluations",
                )
            )
        appeals = qs.filter(appeal__status="filed").count()
        if appeals:
            items.append(
                TodoItem(title=_("待答复的评估申诉"), count=appeals, url=url, source="evaluations")
            )
    if roles & CITY_ROLES:
        n = qs.filter(appeal__status="answered").count()
        if n:
            items.append(
                TodoItem(title=_("待裁定的评估申诉"), count=n, url=url, source="evaluations")
            )
    return items
