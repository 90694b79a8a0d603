"""A to-do count opens exactly its rows: for every role, each order item's count equals the
number of rows of the list page its link opens."""

from __future__ import annotations

import pytest

from portal.dashboards.todo import todos_for
from rectification import services
from rectification.choices import OrderStatus
from rectification.models import RectificationOrder

ROLES = [
    "station_a1_manager",
    "institution_a_admin",
    "district_a_officer",
    "inspector",
    "city_officer",
]


@pytest.fixture
def orders(world):
    """Orders of A1 in every state (two sent back: counted with the open ones), and one of
    district B that A's people must not count."""
    made = {}
    states = [
        OrderStatus.OPEN,
        OrderStatus.REOPENED,
        OrderStatus.REOPENED,
        OrderStatus.ANSWERED,
        OrderStatus.CLOSED,
    ]
    for i, status in enumerate(states):
        order = services.rectification_order_open(
            actor=None,
            station=world.station_a1,
            source_kind="other",
            source_ref=f"test:{i}",
            severity="minor",
            title=f"整改事项{i}",
        )
        RectificationOrder.objects.filter(pk=order.pk).update(status=status)
        made[i] = order
    services.rectification_order_open(
        actor=None,
        station=world.station_b1,
        source_kind="other",
        source_ref="test:b",
        severity="minor",
        title="乙区整改",
    )
    return made


@pytest.mark.parametrize("role", ROLES)
def test_each_order_count_opens_exactly_its_rows(world, orders, login, role):
    user = getattr(world, role)
    items = [i for i in todos_for(user) if i.source == "rectification"]
    client = login(user)
    for item in items:
        response = client.get(item.url)
        assert response.status_code == 200, item.url
        assert response.context["paginator"].count == item.count, (role, str(item.title))
    if role in ("station_a1_manager", "institution_a_admin"):
        owed = next(i for i in items if str(i.title) == "待提交整改反馈的整改单")
        assert owed.count == 3  # open and both sent back
    if role in ("district_a_officer", "city_officer"):
        assert any(str(i.title) == "待核验的整改反馈" and i.count == 1 for i in items)
