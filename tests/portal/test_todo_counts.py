"""A count opens exactly its rows: for every registered to-do provider and every demo account,
the number on a to-do item equals the number of rows of the list page its link opens."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from portal.dashboards.todo import todo_providers
from portal.models import User

pytestmark = pytest.mark.django_db

DEMO_ACCOUNTS = (
    "admin",
    "city",
    "district",
    "street",
    "institution",
    "station",
    "evaluator",
    "inspector",
)


def rows_behind(response) -> int:
    """The rows of a list page: its paginator's count (every row, over all pages), else the
    length of its object list."""
    context = response.context
    paginator = context.get("paginator")
    if paginator is not None:
        return paginator.count
    object_list = context.get("object_list")
    assert object_list is not None, f"{response.request['PATH_INFO']} is not a list page"
    return len(object_list)


def test_every_count_on_every_demo_accounts_to_do_list_equals_the_rows_its_link_opens(client):
    call_command("demo", scale="city", seed=1, verbosity=0)
    checked: dict[str, int] = {}
    mismatches = []
    for username in DEMO_ACCOUNTS:
        user = User.objects.get(username=username)
        client.force_login(user)
        for provider in todo_providers():
            for item in provider(user):
                if item.count is None:
                    continue
                assert item.url, (username, str(item.title))
                response = client.get(item.url)
                assert response.status_code == 200, (username, item.url)
                rows = rows_behind(response)
                if rows != item.count:
                    mismatches.append((username, str(item.title), item.count, item.url, rows))
                checked[provider.__module__] = checked.get(provider.__module__, 0) + 1
    assert mismatches == []
    # Every provider has something to count in the demo, so none of them goes unchecked.
    assert set(checked) == {p.__module__ for p in todo_providers()}, checked
