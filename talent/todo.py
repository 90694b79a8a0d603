"""The talent app's items on the home page's to-do list (a fixed number of queries).

Each item counts exactly the rows its link lists: the list page's own FilterSet over the
list page's own queryset, with the link's query string.
"""

from __future__ import annotations

from types import SimpleNamespace
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from portal.choices import CITY_ROLES, Role
from portal.dashboards.todo import TodoItem
from talent import selectors
from talent.filtersets import ProgrammeFilterSet, WorkerFilterSet

# Who keeps the staff records and renews registrations (STAFF_ACTIONS "change"), city aside.
STAFF_KEEPERS = frozenset({Role.INSTITUTION_ADMIN, Role.STATION_MANAGER})
RENEWALS = {"registration": "expiring", "in_post": "true"}
TO_COMPLETE = {"state": "to_complete"}


def _count(filterset_class, params, queryset, user) -> int:
    return filterset_class(params, queryset=queryset, request=SimpleNamespace(user=user)).qs.count()


def talent_todos(user) -> list[TodoItem]:
    roles = user.roles
    items: list[TodoItem] = []
    if roles & STAFF_KEEPERS:
        n = _count(WorkerFilterSet, RENEWALS, selectors.worker_rows(user), user)
        if n:
            items.append(
                TodoItem(
                    title=_("登记即将到期、待续期的在岗社工"),
                    count=n,
                    url=f"{reverse('talent:worker_list')}?{urlencode(RENEWALS)}",
                    source="talent",
                )
            )
    if roles & CITY_ROLES:
        n = _count(ProgrammeFilterSet, TO_COMPLETE, selectors.programme_rows(user), user)
        if n:
            items.append(
                TodoItem(
                    title=_("已结束、待登记结业的培训项目"),
                    count=n,
                    url=f"{reverse('talent:programme_list')}?{urlencode(TO_COMPLETE)}",
                    source="talent",
                )
            )
    return items
