"""The personnel floor as a pure function, checked against exact rational arithmetic."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from funding.choices import PERSONNEL_CATEGORIES, BudgetCategory, ComplianceStatus
from funding.rules import (
    compliance_status,
    floor_message,
    lines_add_up,
    money_problem,
    personnel_floor_check,
    personnel_total,
)

FEE = Decimal("2400000.00")
FLOOR = Decimal("65.00")

fen = st.integers(min_value=0, max_value=10**10).map(lambda n: Decimal(n) / 100)
fees = st.integers(min_value=1, max_value=10**10).map(lambda n: Decimal(n) / 100)
floors = st.integers(min_value=0, max_value=10000).map(lambda n: Decimal(n) / 100)


def test_exactly_65_percent_passes():
    check = personnel_floor_check(personnel=Decimal("1560000.00"), fee=FEE, floor_percent=FLOOR)
    assert check.passed
    assert check.share == Decimal("65.00")
    assert check.shortfall == Decimal("0.00")


def test_64_99_percent_fails_with_the_shortfall_in_yuan():
    check = personnel_floor_check(personnel=Decimal("1559760.00"), fee=FEE, floor_percent=FLOOR)
    assert not check.passed
    assert check.share == Decimal("64.99")
    assert check.shortfall == Decimal("240.00")


def test_one_fen_under_the_floor_fails_and_does_not_round_itself_to_65():
    check = personnel_floor_check(personnel=Decimal("1559999.99"), fee=FEE, floor_percent=FLOOR)
    assert not check.passed
    assert check.shortfall == Decimal("0.01")
    # 64.99999958% would show as 65.00% rounded half-up (and 65.0000% to four places); the
    # text truncates, so the failure reads below the floor.
    assert check.share_text == "64.9999"


def test_the_message_one_fen_under_the_floor_reads_below_the_floor():
    check = personnel_floor_check(personnel=Decimal("1559999.99"), fee=FEE, floor_percent=FLOOR)
    message = floor_message(check, policy_name="2018年版")
    assert message.startswith("人员经费占比 64.9999%，低于政策规定的 65.00%")
    assert "65.0000%" not in message
    assert "还差 0.01 元" in message


def test_at_exactly_the_floor_the_share_reads_65_00_and_passes():
    check = personnel_floor_check(personnel=Decimal("1560000.00"), fee=FEE, floor_percent=FLOOR)
    assert check.passed and check.share_text == "65.00"


def test_the_message_gives_share_floor_and_shortfall():
    check = personnel_floor_check(personnel=Decimal("1200000.00"), fee=FEE, floor_percent=FLOOR)
    message = floor_message(check, policy_name="2018年版")
    assert "50.00%" in message
    assert "65.00%" in message
    assert "360,000.00" in message
    assert "2018年版" in message


def test_the_projection_scales_the_months_reported_to_a_year():
    # Six months at 130,000 a month: 1,560,000 a year = exactly 65%.
    check = personnel_floor_check(
        personnel=Decimal("780000.00"), fee=FEE, floor_percent=FLOOR, months_covered=6
    )
    assert check.passed
    assert check.projected_personnel == Decimal("1560000.00")
    under = personnel_floor_check(
        personnel=Decimal("779999.99"), fee=FEE, floor_percent=FLOOR, months_covered=6
    )
    assert not under.passed


@pytest.mark.parametrize("months", [0, 13])
def test_months_outside_a_year_are_refused(months):
    with pytest.raises(ValueError):
        personnel_floor_check(personnel=FEE, fee=FEE, floor_percent=FLOOR, months_covered=months)


@given(personnel=fen, fee=fees, floor=floors, months=st.integers(min_value=1, max_value=12))
@settings(max_examples=400, deadline=None)
def test_the_floor_check_agrees_with_exact_fractions(personnel, fee, floor, months):
    check = personnel_floor_check(
        personnel=personnel, fee=fee, floor_percent=floor, months_covered=months
    )
    exact = Fraction(personnel) * 12 / months >= Fraction(fee) * Fraction(floor) / 100
    assert check.passed == exact
    if not check.passed:
        # Adding the stated shortfall (rounded up to the fen) is enough to pass.
        required = Fraction(fee) * Fraction(floor) / 100
        assert Fraction(check.shortfall) >= required - Fraction(personnel) * 12 / months
        assert check.shortfall > 0


@given(fee=fees, floor=floors)
@settings(max_examples=300, deadline=None)
def test_at_every_boundary_the_least_passing_fen_passes_and_one_fen_less_fails(fee, floor):
    required = Fraction(fee) * Fraction(floor) / 100
    least = Fraction(-((-required * 100).__floor__()), 100)  # ceil to the fen
    least_dec = Decimal(least.numerator) / Decimal(least.denominator)
    assert personnel_floor_check(personnel=least_dec, fee=fee, floor_percent=floor).passed
    if least_dec >= Decimal("0.01"):
        below = least_dec - Decimal("0.01")
        assert not personnel_floor_check(personnel=below, fee=fee, floor_percent=floor).passed


@given(personnel=fen, fee=fees, floor=floors, months=st.integers(min_value=1, max_value=12))
@settings(max_examples=400, deadline=None)
def test_the_share_shown_reads_below_the_floor_exactly_when_the_check_fails(
    personnel, fee, floor, months
):
    check = personnel_floor_check(
        personnel=personnel, fee=fee, floor_percent=floor, months_covered=months
    )
    shown = Decimal(check.share_text)
    assert (shown >= floor) == check.passed


@given(fee=fees, floor=floors)
@settings(max_examples=300, deadline=None)
def test_one_fen_below_every_boundary_the_share_reads_below_the_floor(fee, floor):
    required = Fraction(fee) * Fraction(floor) / 100
    least = Fraction(-((-required * 100).__floor__()), 100)  # ceil to the fen
    least_dec = Decimal(least.numerator) / Decimal(least.denominator)
    at = personnel_floor_check(personnel=least_dec, fee=fee, floor_percent=floor)
    assert at.passed and Decimal(at.share_text) >= floor
    if least_dec >= Decimal("0.01"):
        below = personnel_floor_check(
            personnel=least_dec - Decimal("0.01"), fee=fee, floor_percent=floor
        )
        assert not below.passed and Decimal(below.share_text) < floor
        message = floor_message(below)
        assert f"{below.share_text}%，低于政策规定的 {floor}%" in message


@given(st.lists(st.tuples(st.sampled_from(list(BudgetCategory)), fen), max_size=20))
@settings(max_examples=300, deadline=None)
def test_budget_lines_always_add_up_exactly(lines):
    amounts = [amount for _category, amount in lines]
    exact = sum((Fraction(a) for a in amounts), Fraction(0))
    adds_up, total, diff = lines_add_up(amounts, Decimal(exact.numerator) / exact.denominator)
    assert adds_up and Fraction(total) == exact and diff == 0
    personnel = personnel_total(lines, PERSONNEL_CATEGORIES)
    others = sum((a for c, a in lines if c not in PERSONNEL_CATEGORIES), Decimal("0"))
    assert personnel + others == total


def test_money_with_more_than_two_places_or_negative_is_named():
    assert money_problem(Decimal("1.005")) == "金额最多保留两位小数（精确到分）。"
    assert money_problem(Decimal("-1")) == "金额不能为负数。"
    assert money_problem(Decimal("1.50")) is None


def test_the_status_prefers_final_then_projection_then_plan():
    args = {"fee": FEE, "floor_percent": FLOOR}
    assert (
        compliance_status(
            **args,
            planned_personnel=None,
            actual_personnel=Decimal("0"),
            months_reported=0,
            final=False,
        )
        == ComplianceStatus.NO_DATA
    )
    assert (
        compliance_status(
            **args,
            planned_personnel=Decimal("1000000"),
            actual_personnel=Decimal("0"),
            months_reported=0,
            final=False,
        )
        == ComplianceStatus.PLANNED_UNDER
    )
    assert (
        compliance_status(
            **args,
            planned_personnel=Decimal("1000000"),
            actual_personnel=Decimal("130000"),
            months_reported=1,
            final=False,
        )
        == ComplianceStatus.ON_TRACK
    )
    assert (
        compliance_status(
            **args,
            planned_personnel=None,
            actual_personnel=Decimal("1559999.99"),
            months_reported=12,
            final=True,
        )
        == ComplianceStatus.FAILED
    )


@pytest.mark.parametrize(
    ("months", "year", "day", "expected"),
    [
        (1, 2026, "2026-11-27", 10),
        (1, 2026, "2026-01-31", 0),
        (1, 2026, "2026-12-31", 11),
        (1, 2025, "2026-01-01", 12),
        (3, 2026, "2026-11-27", 3),
        (3, 2026, "2026-03-31", 0),
        (3, 2026, "2026-04-01", 1),
        (3, 2025, "2026-02-10", 4),
        (3, 2027, "2026-11-27", 0),
    ],
)
def test_the_last_finished_period_counts_months_or_quarters_ended_before_today(
    months, year, day, expected
):
    from datetime import date

    from funding.rules import last_finished_period

    assert (
        last_finished_period(months_per_period=months, year=year, today=date.fromisoformat(day))
        == expected
    )
