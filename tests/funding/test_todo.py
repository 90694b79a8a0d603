"""Budgets and reports reach the next person: the district's to-do list when submitted, the
station side's inbox when decided, the station side's to-do list when returned."""

from __future__ import annotations

import pytest

from funding import services
from funding.todo import funding_todos
from portal.models import Notification
from tests.funding.conftest import lines_with_personnel, report

pytestmark = pytest.mark.django_db


def _submitted(world):
    budget = services.budget_create(
        actor=world.station_a1_manager,
        contract=world.contract_a1,
        lines=lines_with_personnel("1600000.00"),
    )
    return services.budget_submit(
        actor=world.station_a1_manager, budget=budget, version=budget.version
    )


def _titles(user):
    return {str(item.title): item for item in funding_todos(user)}


def test_a_submitted_budget_and_report_wait_on_the_district_officers_list_not_elsewhere(world):
    _submitted(world)
    report(world, 1, "130000.00")
    mine = _titles(world.district_a_officer)
    assert mine["待审核的预算"].count == 1
    assert mine["待审核的预算"].url.endswith("?status=submitted")
    assert mine["待审核的支出报告"].count == 1
    assert _titles(world.district_b_officer) == {}
    # The street officer sees the station but cannot approve: nothing to do there.
    assert _titles(world.subdistrict_a1_officer) == {}


def test_an_approved_budget_tells_the_station_side_and_a_returned_one_waits_on_its_list(
    world, django_assert_max_num_queries
):
    budget = _submitted(world)
    services.budget_approve(actor=world.district_a_officer, budget=budget, version=budget.version)
    told = Notification.objects.filter(kind="funding_budget_decision")
    assert set(told.values_list("recipient", flat=True)) == {
        world.station_a1_manager.pk,
        world.institution_a_admin.pk,
    }
    assert "已批准" in told.first().title

    r = report(world, 1, "130000.00")
    services.report_return(
        actor=world.district_a_officer, report=r, version=r.version, reason="缺票据"
    )
    returned = Notification.objects.get(
        kind="funding_report_decision", recipient=world.station_a1_manager
    )
    assert "被退回" in returned.title and "缺票据" in returned.body
    with django_assert_max_num_queries(4):
        mine = _titles(world.station_a1_manager)
    assert mine["被退回待修改的支出报告"].count == 1
    assert mine["被退回待修改的支出报告"].urgent
    assert not Notification.objects.filter(recipient=world.station_b1_manager).exists()
