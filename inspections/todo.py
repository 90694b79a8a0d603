"""The inspections app's items on the home page's to-do list (a fixed number of queries)."""

from __future__ import annotations

from django.db.models import Count, Min, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from inspections import selectors
from inspections.choices import AWAITING_STATION, OrderStatus
from inspections.models import RectificationOrder
from portal import clock
from portal.choices import CITY_ROLES, Role
from portal.dashboards.todo import TodoItem
from portal.scoping import VIEW


def inspection_todos(user) -> list[TodoItem]:
    today = clock.today()
    roles = user.roles
    items: list[TodoItem] = []
    if Role.INSPECTOR in roles:
        # The visits "my visits" lists (to do or to sign off), so the count is its row count;
        # urgent when one is already past its day.
        mine = selectors.my_visits(user).aggregate(
            n=Count("pk"),
            first=Min("scheduled_on"),
            late=Count("pk", filter=Q(scheduled_on__lt=today)),
        )
        if mine["n"]:
            items.append(
                TodoItem(
                    title=_("待完成的督查走访"),
                    count=mine["n"],
                    due_on=mine["first"],
                    urgent=bool(mine["late"]),
                    url=reverse("inspections:my_visits"),
                    source="inspections",
                )
            )
    if roles & {Role.STATION_MANAGER, Role.INSTITUTION_ADMIN}:
        # One item per status the station owes an answer on (AWAITING_STATION), each linking
        # to the list filtered by that status, so that its count is the list's row count.
        owed = RectificationOrder.objects.restrict(user, VIEW).aggregate(
            **{
                f"{key}_{status}": agg
                for status in AWAITING_STATION
                for key, agg in (
                    ("n", Count("pk", filter=Q(status=status))),
                    ("first", Min("due_on", filter=Q(status=status))),
                    ("late", Count("pk", filter=Q(status=status, due_on__lt=today))),
                )
            }
        )
        titles = {
            OrderStatus.OPEN: _("待提交整改反馈的整改单"),
            OrderStatus.REOPENED: _("被退回、待重新整改的整改单"),
        }
        for status in AWAITING_STATION:
            if owed[f"n_{status}"]:
                items.append(
                    TodoItem(
                        title=titles[status],
                        count=owed[f"n_{status}"],
                        due_on=owed[f"first_{status}"],
                        urgent=bool(owed[f"late_{status}"]),
                        url=reverse("inspections:order_list") + f"?status={status}",
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
