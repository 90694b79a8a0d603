"""Helpers for the funding tests: budget lines with a chosen personnel total."""

from __future__ import annotations

from decimal import Decimal

import pytest

from funding import services
from portal.scoping import SYSTEM

FEE = Decimal("2400000.00")


def lines_with_personnel(personnel, fee=FEE) -> list[dict]:
    """Seven lines adding up to ``fee`` exactly, of which ``personnel`` is personnel."""
    personnel, fee = Decimal(personnel), Decimal(fee)
    return [
        {"category": "salaries", "amount": personnel - Decimal("360000.00"), "note": "工资"},
        {"category": "social_insurance", "amount": Decimal("260000.00"), "note": "五险一金"},
        {"category": "bonuses", "amount": Decimal("100000.00"), "note": ""},
        {
            "category": "service_activities",
            "amount": fee - personnel - Decimal("340000.00"),
            "note": "活动",
        },
        {"category": "supervision_training", "amount": Decimal("100000.00"), "note": ""},
        {"category": "office_admin", "amount": Decimal("200000.00"), "note": ""},
        {"category": "other", "amount": Decimal("40000.00"), "note": ""},
    ]


def month_lines(personnel, other="30000.00") -> list[dict]:
    return [
        {"category": "salaries", "amount": Decimal(personnel), "note": ""},
        {"category": "service_activities", "amount": Decimal(other), "note": ""},
    ]


@pytest.fixture
def approved_budget(world):
    budget = services.budget_create(
        actor=world.station_a1_manager,
        contract=world.contract_a1,
        lines=lines_with_personnel("1600000.00"),
    )
    budget = services.budget_submit(
        actor=world.station_a1_manager, budget=budget, version=budget.version
    )
    return services.budget_approve(
        actor=world.district_a_officer, budget=budget, version=budget.version
    )


def report(world, period, personnel, *, status="submitted", contract=None, other="30000.00"):
    contract = contract or world.contract_a1
    r = services.report_create(
        actor=world.station_a1_manager if contract == world.contract_a1 else SYSTEM,
        contract=contract,
        period=period,
        lines=month_lines(personnel, other),
    )
    if status in ("submitted", "approved"):
        r = services.report_submit(actor=SYSTEM, report=r, version=r.version)
    if status == "approved":
        r = services.report_approve(actor=SYSTEM, report=r, version=r.version)
    return r
