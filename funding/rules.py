"""Pure policy checks on plain values (no database, no settings).

The personnel floor (穗府办规〔2018〕13号): personnel spending is at least ``floor_percent`` of
the project fee. The comparison never divides: ``personnel * 100 >= fee * floor_percent``.
The threshold is always passed in from the policy version in force for the service year.

The compliance board's selector (``funding.selectors.funding_year_board``) evaluates the same
comparison in SQL; ``tests/funding/test_selectors.py`` shows both agree on the same rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_CEILING, ROUND_DOWN, ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
# A failing share that rounds up to the floor is shown to four places, truncated.
SHARE_BELOW_FLOOR_PLACES = Decimal("0.0001")
MONTHS_IN_YEAR = 12

MONEY_NEGATIVE = "金额不能为负数。"
MONEY_TOO_PRECISE = "金额最多保留两位小数（精确到分）。"
LINES_DO_NOT_ADD_UP = (
    "预算各科目合计 %(total)s 元，与合同年度项目经费 %(fee)s 元不一致（相差 %(diff)s 元）："
    "各科目之和必须等于项目经费。"
)
FLOOR_NOT_MET = (
    "人员经费占比 %(share)s%%，低于政策规定的 %(floor)s%%（%(policy)s）："
    "人员经费 %(personnel)s 元，至少应为 %(required)s 元，还差 %(shortfall)s 元。"
)


@dataclass(frozen=True)
class FloorCheck:
    """The verdict of the personnel floor on one set of figures.

    ``share`` is personnel as a percentage of the base, rounded half-up to two places for
    display; when that rounding would hide a failure (64.995% shows as 65.00%) ``share_text``
    gives four places instead, truncated (never rounded): truncation never raises a figure,
    so a share below the floor reads below it (64.99999958% reads 64.9999%, not 65.0000%).
    ``passed`` comes from the exact comparison, never from ``share``. ``shortfall`` is what
    personnel spending lacks, in yuan, rounded *up* to the fen so that adding it passes;
    ``required`` likewise.
    """

    personnel: Decimal
    fee: Decimal
    floor_percent: Decimal
    months_covered: int
    passed: bool
    share: Decimal | None
    share_text: str
    required: Decimal
    shortfall: Decimal

    @property
    def projected_personnel(self) -> Decimal:
        """Run-rate personnel for a whole year, rounded half-up to the fen (display only)."""
        return (self.personnel * MONTHS_IN_YEAR / self.months_covered).quantize(
            CENT, rounding=ROUND_HALF_UP
        )


def personnel_floor_check(
    *, personnel: Decimal, fee: Decimal, floor_percent: Decimal, months_covered: int = 12
) -> FloorCheck:
    """Whether ``personnel`` meets the floor of ``fee``.

    ``months_covered`` < 12 projects to the year end at the run rate of the months reported
    (personnel so far / months reported x 12). The comparison stays division-free:
    ``personnel * 12 * 100 >= fee * floor_percent * months_covered``; with 12 months it is the
    plain rule ``personnel * 100 >= fee * floor_percent``.
    """
    if not 1 <= months_covered <= MONTHS_IN_YEAR:
        raise ValueError("months_covered must be between 1 and 12")
    personnel, fee, floor_percent = Decimal(personnel), Decimal(fee), Decimal(floor_percent)
    passed = personnel * MONTHS_IN_YEAR * 100 >= fee * floor_percent * months_covered
    annual_personnel = personnel * MONTHS_IN_YEAR / months_covered
    required = (fee * floor_percent / 100).quantize(CENT, rounding=ROUND_CEILING)
    if fee > 0:
        exact_share = annual_personnel * 100 / fee
        share = exact_share.quantize(CENT, rounding=ROUND_HALF_UP)
        if not passed and share >= floor_percent:
            share_text = f"{exact_share.quantize(SHARE_BELOW_FLOOR_PLACES, rounding=ROUND_DOWN)}"
        else:
            share_text = f"{share}"
    else:
        share, share_text = None, "—"
    shortfall = Decimal("0.00")
    if not passed:
        lacking = fee * floor_percent / 100 - annual_personnel
        shortfall = max(lacking.quantize(CENT, rounding=ROUND_CEILING), CENT)
    return FloorCheck(
        personnel=personnel,
        fee=fee,
        floor_percent=floor_percent,
        months_covered=months_covered,
        passed=passed,
        share=share,
        share_text=share_text,
        required=required,
        shortfall=shortfall,
    )


def floor_message(check: FloorCheck, *, policy_name: str = "") -> str:
    """The Chinese message a failed check shows: share, floor and shortfall in yuan."""
    from django.utils.translation import gettext as _

    return _(FLOOR_NOT_MET) % {
        "share": check.share_text,
        "floor": f"{check.floor_percent}",
        "policy": policy_name or _("现行政策"),
        "personnel": money(check.personnel),
        "required": money(check.required),
        "shortfall": money(check.shortfall),
    }


def money(value: Decimal) -> str:
    """``1,560,000.00``: yuan with thousands separators and two places."""
    return f"{Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP):,.2f}"


def money_problem(value: Decimal) -> str | None:
    """Why an amount is not valid money (negative, finer than a fen), or ``None``."""
    value = Decimal(value)
    if not value.is_finite():
        return MONEY_TOO_PRECISE
    if value < 0:
        return MONEY_NEGATIVE
    if value != value.quantize(CENT):
        return MONEY_TOO_PRECISE
    return None


def lines_total(amounts) -> Decimal:
    """The exact sum of line amounts (Decimal; no float anywhere)."""
    return sum((Decimal(a) for a in amounts), Decimal("0.00"))


def personnel_total(lines, personnel_categories) -> Decimal:
    """Sum of the amounts of ``(category, amount)`` pairs in the personnel categories."""
    return sum(
        (Decimal(amount) for category, amount in lines if category in personnel_categories),
        Decimal("0.00"),
    )


def lines_add_up(amounts, fee: Decimal) -> tuple[bool, Decimal, Decimal]:
    """``(adds_up, total, difference)``: whether the lines sum exactly to the fee."""
    total = lines_total(amounts)
    return total == Decimal(fee), total, total - Decimal(fee)


def compliance_status(
    *,
    fee: Decimal,
    floor_percent: Decimal,
    planned_personnel: Decimal | None,
    actual_personnel: Decimal,
    months_reported: int,
    final: bool,
) -> str:
    """The board's status of a station's service year (``ComplianceStatus`` value).

    Final results judge on the actual personnel of the whole year; otherwise the run-rate
    projection of the months reported; with nothing reported yet, the budget's plan.
    """
    from funding.choices import ComplianceStatus

    if final:
        check = personnel_floor_check(
            personnel=actual_personnel, fee=fee, floor_percent=floor_percent
        )
        return ComplianceStatus.PASSED if check.passed else ComplianceStatus.FAILED
    if months_reported > 0:
        check = personnel_floor_check(
            personnel=actual_personnel,
            fee=fee,
            floor_percent=floor_percent,
            months_covered=min(months_reported, MONTHS_IN_YEAR),
        )
        return ComplianceStatus.ON_TRACK if check.passed else ComplianceStatus.PROJECTED_UNDER
    if (
        planned_personnel is not None
        and not personnel_floor_check(
            personnel=planned_personnel, fee=fee, floor_percent=floor_percent
        ).passed
    ):
        return ComplianceStatus.PLANNED_UNDER
    return ComplianceStatus.NO_DATA


def last_finished_period(*, months_per_period: int, year: int, today: date) -> int:
    """The number of the last reporting period of ``year`` that has ended before ``today``
    (months for ``months_per_period=1``, quarters for 3); 0 when none has ended yet."""
    if today.year > year:
        return MONTHS_IN_YEAR // months_per_period
    if today.year < year:
        return 0
    return (today.month - 1) // months_per_period
