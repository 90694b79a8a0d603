"""The inspections app's items on the home page's to-do list (a fixed number of queries).

Orders are the rectification app's (``rectification.todo``)."""

from __future__ import annotations

from django.db.models import Count, Min, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from inspections import selectors
from portal import clock
from portal.choices import Role
from portal.dashboards.todo import TodoItem


def visit_todos(user) -> list[TodoItem]:
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
    return items
