"""The inspections app's items on the home page's to-do list (a fixed number of queries).

Orders are the rectification app's (``rectification.todo``)."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Min, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from inspections.choices import VisitStatus
from inspections.models import Inspection
from portal import clock
from portal.choices import Role
from portal.dashboards.todo import TodoItem
from portal.scoping import VIEW

SOON_DAYS = 14


def visit_todos(user) -> list[TodoItem]:
    today = clock.today()
    roles = user.roles
    items: list[TodoItem] = []
    if Role.INSPECTOR in roles:
        mine = (
            Inspection.objects.restrict(user, VIEW)
            .filter(team__user=user)
            .filter(
                Q(status=VisitStatus.IN_PROGRESS)
                | Q(
                    status=VisitStatus.PLANNED,
                    scheduled_on__lte=today + dt.timedelta(days=SOON_DAYS),
                )
            )
            .aggregate(n=Count("pk"), first=Min("scheduled_on"))
        )
        if mine["n"]:
            items.append(
                TodoItem(
                    title=_("待完成的督查走访"),
                    count=mine["n"],
                    due_on=mine["first"],
                    url=reverse("inspections:my_visits"),
                    source="inspections",
                )
            )
    return items
