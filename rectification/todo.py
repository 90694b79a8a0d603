"""The rectification app's items on the home page's to-do list (a fixed number of queries)."""

from __future__ import annotations

from django.db.models import Count, Min, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from portal import clock
from portal.choices import CITY_ROLES, Role
from portal.dashboards.todo import TodoItem
from portal.scoping import VIEW
from rectification.choices import AWAITING_STATION, OrderStatus
from rectification.filtersets import AWAITING
from rectification.models import RectificationOrder


def order_todos(user) -> list[TodoItem]:
    today = clock.today()
    roles = user.roles
    items: list[TodoItem] = []
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
                    url=reverse("rectification:order_list") + f"?status={AWAITING}",
                    source="rectification",
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
                    url=reverse("rectification:order_list") + "?status=answered",
                    source="rectification",
                )
            )
    return items
