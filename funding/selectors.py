"""Reads of the funding app. Every list runs a fixed number of queries whatever its length.

``with_floor_checks`` and ``FundingYear``'s generated ``status`` columns are the SQL twin of
``funding.rules.personnel_floor_check``: the same division-free comparison
``personnel * 12 * 100 >= fee * floor * months`` evaluated by the database
(``funding.expressions``, where the exact arithmetic is explained).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import (
    Aggregate,
    BooleanField,
    Case,
    Count,
    F,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)

from funding.choices import (
    COMPLIANCE_RANK,
    MONTHS_IN_PERIOD,
    PERSONNEL_CATEGORIES,
    BudgetCategory,
    ComplianceStatus,
    PeriodKind,
    ReportStatus,
    ResourceKind,
)
from funding.expressions import meets_floor
from funding.models import Budget, FundingYear, SocialResource, SpendingReport
from funding.rules import last_finished_period
from portal.scoping import VIEW
from portal.selectors import PolicyMissing, policy_for_service_year
from stations.models import District

CENT = Decimal("0.01")


def with_floor_checks(qs: QuerySet) -> QuerySet:
    """Annotate a FundingYear queryset with the floor verdicts (the SQL twin of the rule).

    ``planned_ok`` (budget), ``projected_ok`` (run rate of the months reported), ``final_ok``
    (the whole year's actual). The board ``status``, ``status_rank`` (worst first) and
    ``projected_share`` are the model's generated columns, built from the same expressions
    (``funding.expressions``); display values come from ``funding.rules`` on the row's own
    figures.
    """
    return qs.annotate(
        planned_ok=Case(
            When(planned_personnel__isnull=True, then=Value(None)),
            default=meets_floor("planned_personnel", Value(12)),
            output_field=BooleanField(null=True),
        ),
        projected_ok=Case(
            When(months_reported=0, then=Value(None)),
            default=meets_floor("actual_personnel", F("months_reported")),
            output_field=BooleanField(null=True),
        ),
        final_ok=meets_floor("actual_personnel", Value(12)),
    )


def funding_year_board(
    user,
    *,
    service_year: int,
    district=None,
    institution=None,
    project: str = "comprehensive",
    status: str = "",
) -> QuerySet:
    """The compliance board: every contract-year in scope, worst first.

    One query for the page (plus the count), whatever the number of rows.
    """
    qs = FundingYear.objects.restrict(user, VIEW).filter(service_year=service_year)
    if project == "comprehensive":
        qs = qs.filter(is_comprehensive=True)
    elif project == "special":
        qs = qs.filter(is_comprehensive=False)
    if district:
        qs = qs.filter(district=district)
    if institution:
        qs = qs.filter(institution=institution)
    qs = with_floor_checks(qs)
    if status:
        # The same rows as ``status=status`` (one rank per status), through the board index.
        ranks = {s.value: r for s, r in COMPLIANCE_RANK.items()}
        qs = qs.filter(status_rank=ranks[status]) if status in ranks else qs.none()
    return qs.select_related("station", "district", "institution", "contract__kind").order_by(
        "status_rank", F("projected_share").asc(nulls_last=True), "station__code"
    )


def board_summary(qs: QuerySet) -> dict[str, int]:
    """Count per status over a board queryset (one aggregate query)."""
    counts = {s.value: 0 for s in ComplianceStatus}
    for row in qs.order_by().values("status").annotate(n=Count("pk")):
        counts[row["status"]] = row["n"]
    return counts


@dataclass(frozen=True)
class PersonnelShare:
    """What the final evaluation's financial part reads for a station's service year."""

    station_id: int
    service_year: int
    fee: Decimal
    personnel: Decimal
    months_reported: int
    share: Decimal | None
    floor_percent: Decimal
    passed: bool | None
    final: bool
    policy_version_id: int


def personnel_share_for(station_id: int, service_year: int) -> PersonnelShare | None:
    """The personnel share of a station's comprehensive project for a year.

    Final years give the recorded result and the policy version that judged it; open years
    give the actual share so far (of the fee, over the months reported) with ``passed`` from
    the run-rate projection. ``None`` when the station had no comprehensive contract then.
    """
    from funding.rules import personnel_floor_check

    fy = (
        FundingYear.objects.filter(
            station_id=station_id, service_year=service_year, is_comprehensive=True
        )
        .order_by("-months_reported")
        .first()
    )
    if fy is None:
        return None
    if fy.final:
        share, passed = fy.final_share, fy.final_passed
    elif fy.months_reported:
        check = personnel_floor_check(
            personnel=fy.actual_personnel,
            fee=fy.fee,
            floor_percent=fy.floor_percent,
            months_covered=fy.months_reported,
        )
        share, passed = check.share, check.passed
    else:
        share, passed = None, None
    return PersonnelShare(
        station_id=station_id,
        service_year=service_year,
        fee=fy.fee,
        personnel=fy.actual_personnel,
        months_reported=fy.months_reported,
        share=share,
        floor_percent=fy.floor_percent,
        passed=passed,
        final=fy.final,
        policy_version_id=fy.policy_version_id,
    )


CATEGORIES = [c.value for c in BudgetCategory]


def _sums(prefix: str) -> dict:
    return {f"{prefix}_{c}": Sum(f"{prefix}_{c}") for c in CATEGORIES}


DISTRICTS_PER_PAGE = 50


def spending_overview(
    user,
    *,
    service_year: int,
    district=None,
    project: str = "all",
    page: int | str | None = None,
    per_page: int | None = DISTRICTS_PER_PAGE,
) -> dict:
    """City-wide spending: by district and category for a year, and by year (three queries).

    The district table is paginated (``per_page`` districts by code; ``None`` for all, as the
    Excel export wants): a province or the whole country has thousands of districts, and the
    page sums only the districts it shows. The year's totals are the by-year row of that year
    (the same rows summed), so they cover every district whatever the page.
    """
    from django.core.paginator import Paginator

    qs = FundingYear.objects.restrict(user, VIEW)
    if project == "comprehensive":
        qs = qs.filter(is_comprehensive=True)
    elif project == "special":
        qs = qs.filter(is_comprehensive=False)
    if district:
        qs = qs.filter(district=district)
    aggregates = {
        "fee": Sum("fee"),
        "stations": Count("station_id", distinct=True),
        **_sums("planned"),
        **_sums("actual"),
    }
    year_qs = qs.filter(service_year=service_year)
    district_ids = list(
        District.objects.restrict(user, VIEW)
        .filter(pk__in=year_qs.order_by().values("district_id"))
        .order_by("code")
        .values_list("pk", flat=True)
    )
    paginator = Paginator(district_ids, per_page or max(len(district_ids), 1))
    page_obj = paginator.get_page(page)
    by_district = list(
        year_qs.filter(district_id__in=list(page_obj.object_list))
        .order_by()
        .values("district_id", "district__code", "district__name")
        .annotate(**aggregates)
        .order_by("district__code")
    )
    by_year = list(
        qs.order_by().values("service_year").annotate(**aggregates).order_by("service_year")
    )
    for row in by_district + by_year:
        for key, value in list(row.items()):
            if isinstance(value, Decimal):
                row[key] = value.quantize(CENT)
        row["actual_total"] = sum((row[f"actual_{c}"] or Decimal("0")) for c in CATEGORIES)
        row["planned_total"] = sum((row[f"planned_{c}"] or Decimal("0")) for c in CATEGORIES)
        row["actual_personnel"] = sum(
            (row[f"actual_{c}"] or Decimal("0")) for c in PERSONNEL_CATEGORIES
        )
    year_row: dict = next((r for r in by_year if r["service_year"] == service_year), {})
    totals = {"fee": year_row.get("fee") or Decimal("0")}
    for c in CATEGORIES:
        totals[f"actual_{c}"] = year_row.get(f"actual_{c}") or Decimal("0")
        totals[f"planned_{c}"] = year_row.get(f"planned_{c}") or Decimal("0")
    totals["actual_total"] = year_row.get("actual_total") or Decimal("0")
    totals["planned_total"] = year_row.get("planned_total") or Decimal("0")
    totals["stations"] = year_row.get("stations") or 0
    return {
        "by_district": by_district,
        "by_year": by_year,
        "totals": totals,
        "page_obj": page_obj,
        "paginator": paginator,
        "is_paginated": paginator.num_pages > 1,
    }


def overview_chart_data(overview: dict) -> dict:
    """Plain numbers (floats are fine for drawing; the tables show the Decimal figures)."""
    labels = dict(BudgetCategory.choices)
    return {
        "districts": [r["district__name"] for r in overview["by_district"]],
        "categories": [str(labels[c]) for c in CATEGORIES],
        "series": [
            [float(r[f"actual_{c}"] or 0) for r in overview["by_district"]] for c in CATEGORIES
        ],
        "years": [r["service_year"] for r in overview["by_year"]],
        "year_actual": [float(r["actual_total"]) for r in overview["by_year"]],
        "year_personnel": [float(r["actual_personnel"]) for r in overview["by_year"]],
        "year_fee": [float(r["fee"] or 0) for r in overview["by_year"]],
    }


def social_resource_totals(
    user, *, service_year: int, by: str = "district", district=None
) -> list[dict]:
    """Totals per ``station``, ``district`` or ``city`` for a year: money by kind (yuan) and
    time-bank hours (= credits, 1 hour = 1 credit). One query."""
    qs = SocialResource.objects.restrict(user, VIEW).filter(service_year=service_year)
    if district:
        qs = qs.filter(station__district=district)
    group = {
        "station": ["station_id", "station__code", "station__name", "station__district__name"],
        "district": ["station__district_id", "station__district__code", "station__district__name"],
        "city": [],
    }[by]
    sums: dict[str, Aggregate] = {
        kind.value: Sum("amount", filter=Q(kind=kind))
        for kind in ResourceKind
        if kind != ResourceKind.TIME_BANK
    }
    sums["hours"] = Sum("hours", filter=Q(kind=ResourceKind.TIME_BANK))
    sums["entries"] = Count("pk")
    if group:
        rows = list(qs.order_by().values(*group).annotate(**sums).order_by(group[1]))
    else:
        rows = [qs.aggregate(**sums)]
    for row in rows:
        # SQLite sums decimals as floats-turned-Decimal ("3.5"): state money to the fen.
        for key, value in list(row.items()):
            if isinstance(value, Decimal):
                row[key] = value.quantize(CENT)
        row["money_total"] = sum(
            (row[k.value] or Decimal("0")) for k in ResourceKind if k != ResourceKind.TIME_BANK
        )
        row["credits"] = row["hours"] or Decimal("0")
    return rows


def budget_list(user) -> QuerySet:
    return Budget.objects.restrict(user, VIEW).select_related(
        "station", "contract", "contract__kind", "contract__institution"
    )


def budget_history(budget: Budget) -> QuerySet:
    """Every version of a contract's budget, newest first."""
    return (
        Budget.objects.filter(contract_id=budget.contract_id)
        .select_related("submitted_by", "decided_by", "policy_version")
        .order_by("-revision")
    )


def report_list(user) -> QuerySet:
    return SpendingReport.objects.restrict(user, VIEW).select_related(
        "station", "contract", "contract__kind"
    )


def station_funding(user, station, *, service_year: int) -> dict:
    """What the station's funding tab shows: the year's records, budgets and reports."""
    years = list(
        with_floor_checks(FundingYear.objects.restrict(user, VIEW).filter(station=station))
        .select_related("contract__kind")
        .order_by("-service_year", "-is_comprehensive")[:12]
    )
    budgets = list(
        Budget.objects.restrict(user, VIEW)
        .filter(station=station, service_year=service_year)
        .select_related("contract__kind")
        .order_by("contract_id", "-revision")
    )
    reports = list(
        SpendingReport.objects.restrict(user, VIEW)
        .filter(station=station, service_year=service_year)
        .select_related("contract__kind")
        .order_by("contract_id", "period_start")
    )
    return {
        "years": years,
        "budgets": budgets,
        "reports": reports,
        "pending_reports": sum(1 for r in reports if r.status == ReportStatus.SUBMITTED),
    }


def stations_projected_under_floor(*, station_ids, on: date) -> set[int]:
    """Stations whose comprehensive project is planned, projected or final under the floor.

    A risk signal for the quarterly inspection draw (inspections.selectors): one query over
    the service year of ``on``, using the same SQL verdicts as the compliance board.
    """
    qs = with_floor_checks(
        FundingYear.objects.filter(
            station_id__in=list(station_ids), service_year=on.year, is_comprehensive=True
        )
    ).filter(
        status__in=[
            ComplianceStatus.FAILED,
            ComplianceStatus.PROJECTED_UNDER,
            ComplianceStatus.PLANNED_UNDER,
        ]
    )
    return set(qs.values_list("station_id", flat=True))


def report_period_kind(service_year: int) -> str:
    """Monthly or quarterly, as the policy of the service year says (monthly, the seeded
    value, when no policy covers the year: the service refuses such a report anyway)."""
    try:
        return policy_for_service_year(service_year).spending_report_period
    except PolicyMissing:
        return PeriodKind.MONTHLY


def report_period_default(*, today: date, service_year: int | None = None) -> tuple[int, str]:
    """The period a new spending report most likely covers: the last finished one, of the kind
    the service year's policy says, as ``(period, kind)``.

    With no service year given (no contract chosen yet) it is the year of today, or the year
    before when none of this year's periods has ended (January, or the first quarter of a
    quarterly year). A year with no finished period yet (a contract of a year to come)
    defaults to its first.
    """
    year = service_year or today.year
    kind = report_period_kind(year)
    period = last_finished_period(months_per_period=MONTHS_IN_PERIOD[kind], year=year, today=today)
    if period == 0 and service_year is None:
        year -= 1
        kind = report_period_kind(year)
        period = last_finished_period(
            months_per_period=MONTHS_IN_PERIOD[kind], year=year, today=today
        )
    return max(period, 1), kind
