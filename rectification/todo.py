"""The inspections app's items on the home page's to-do list (a fixed number of queries)."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Min, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from inspections.choices import AWAITING_STATION, OrderStatus, VisitStatus
from inspections.models import Inspection, RectificationOrder
from portal import clock
from portal.choices import CITY_ROLES, Role
from portal.dashboards.todo import TodoItem
from portal.scoping import VIEW

SOON_DAYS = 14


def inspection_todos(user) -> list[TodoItem]:
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
    if roles & {Role.STATION_MANAGER, Role.INSTITUTION_ADMIN}:
        owed = (
            RectificationOrder.objects.restrict(user, VIEW)
            .filter(status__in=AWAITING_STATION)
            .aggregate(
                n=Count("pk"), first=Min("due_on"), late=Count("pk", filter=Q(due_on__lt=today))
            )
        )
        if owed["n"]:
            items.append(
                TodoItem(
                    title=_("待提交整改反馈的整改单"),
                    count=owed["n"],
                    due_on=owed["first"],
                    urgent=bool(owed["late"]),
                    url=reverse("inspections:order_list") + "?status=open",
                    source="inspections",
                )
            )
    if roles & ({Role.DISTRICT_OFFICER, Role.INSPECTOR} | CITY_ROLES):
        answered = (
            RectificationOrder.objects.restrict(user, VIEW)
            .filter(status=OrderStatus.ANSWERED)
            .count()
        )
        if answered:
            items.append(
                TodoItem(
                    title=_("待核验的整改反馈"),
                    count=answered,
                    url=reverse("inspections:order_list") + "?status=answered",
                    source="inspections",
                )
            )
    return items
