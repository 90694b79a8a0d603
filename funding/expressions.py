"""The SQL twin of ``funding.rules``: the floor verdicts and the board status as expressions.

``personnel * 12 * 100 >= fee * floor * months``, evaluated by the database exactly. Money and
percentages are first turned into whole fen and basis points (``ROUND(x * 100)``) because
SQLite keeps decimals as binary floats; on PostgreSQL the arithmetic is exact numeric either
way. The largest product (about 3e8 fen x 12 x 10^4) stays far below 2^53, so even SQLite's
floats hold it exactly.

The expressions read only the row's own columns, so ``FundingYear`` stores the board status,
its rank and the projected share as generated columns (``GeneratedField``, computed by the
database on every write): the board sorts and filters on indexed columns instead of
computing the verdict for every station-year of the country on each request.
``funding.selectors.with_floor_checks`` adds the three verdicts (planned, projected, final).
"""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Case, DecimalField, F, IntegerField, Value, When
from django.db.models.functions import Round
from django.db.models.lookups import GreaterThanOrEqual

from funding.choices import COMPLIANCE_RANK, ComplianceStatus

SHARE = DecimalField(max_digits=20, decimal_places=4)


def hundredths(field: str):
    """A money or percent column as a whole number of hundredths (fen, basis points)."""
    return Round(F(field) * Value(100))


def meets_floor(personnel: str, months):
    """``personnel * 12 * 100 >= fee * floor * months`` in the database, exactly.

    In hundredths both sides gain a factor 100 x 100 except the personnel side's own 100:
    ``fen(personnel) * 12 * 100 * 100 >= fen(fee) * bp(floor) * months``.
    """
    return GreaterThanOrEqual(
        hundredths(personnel) * Value(12 * 100 * 100),
        hundredths("fee") * hundredths("floor_percent") * months,
    )


def _verdict(out, output_field=None):
    """The board status in order of precedence, each status mapped through ``out``:
    final (passed/failed), run rate of the months reported (on track/projected under),
    the budget (planned under), else no data."""
    S = ComplianceStatus
    return Case(
        When(
            final=True,
            then=Case(
                When(meets_floor("actual_personnel", Value(12)), then=out(S.PASSED)),
                default=out(S.FAILED),
            ),
        ),
        When(
            months_reported__gt=0,
            then=Case(
                When(meets_floor("actual_personnel", F("months_reported")), then=out(S.ON_TRACK)),
                default=out(S.PROJECTED_UNDER),
            ),
        ),
        When(planned_personnel__isnull=True, then=out(S.NO_DATA)),
        When(meets_floor("planned_personnel", Value(12)), then=out(S.NO_DATA)),
        default=out(S.PLANNED_UNDER),
        output_field=output_field,
    )


def compliance_status():
    return _verdict(lambda s: Value(s.value))


def compliance_rank():
    return _verdict(lambda s: Value(COMPLIANCE_RANK[s]), output_field=IntegerField())


def projected_share():
    """Run-rate share of the fee in percent: ``personnel * 1200 / (fee * months)``."""
    return Case(
        When(months_reported=0, then=Value(None)),
        When(fee=0, then=Value(None)),
        default=F("actual_personnel") * Value(Decimal("1200")) / (F("fee") * F("months_reported")),
        output_field=SHARE,
    )
