"""Demo data for the funding app: budgets, monthly spending and social resources.

For every binding contract of the last ``DEMO_YEARS`` service years: an approved budget whose
lines add up to the fee; monthly reports up to last month, confirmed except the last month's,
which waits for the district (in January that is December of last year, so last year is not
final yet); past years finalised with the policy that judged them. Most stations spend 66-72% on
personnel; about 3% of station-years end under the floor, and this year about 5% run at a rate
that projects them under it. Written with bulk_create (see stations/demo/__init__.py).
"""

from __future__ import annotations

import calendar
from collections import defaultdict
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from portal import clock
from stations.demo import DemoContext, register_demo_step

DEMO_YEARS = 3
BATCH = 5000
CENT = Decimal("0.01")
# Non-personnel split of a budget (service activities first, as tenders ask).
OTHER_SPLIT = [
    ("service_activities", Decimal("0.55")),
    ("supervision_training", Decimal("0.12")),
    ("office_admin", Decimal("0.25")),
    ("other", Decimal("0.08")),
]
PERSONNEL_SPLIT = [
    ("salaries", Decimal("0.74")),
    ("social_insurance", Decimal("0.18")),
    ("bonuses", Decimal("0.08")),
]
RESOURCE_SOURCES = ["爱心企业", "社区居民", "辖区商户", "慈善会", "志愿者协会", "党员志愿者"]


def _split(total: Decimal, parts) -> dict[str, Decimal]:
    """``total`` split by shares, to the fen, the rounding rest on the first part (exact)."""
    out = {c: (total * share).quantize(CENT, rounding=ROUND_HALF_UP) for c, share in parts}
    first = parts[0][0]
    out[first] += total - sum(out.values())
    return out


def latest_ended_month(today: date) -> tuple[int, int]:
    """(year, month) of the last month that has ended before ``today``: its report is the one
    still waiting for the district (December of last year, all through January)."""
    return (today.year, today.month - 1) if today.month > 1 else (today.year - 1, 12)


def funding(ctx: DemoContext) -> None:
    from funding.choices import BudgetStatus, ReportStatus, ResourceKind
    from funding.models import Budget, BudgetLine, SocialResource, SpendingLine, SpendingReport
    from funding.services.years import funding_years_finalise_due, funding_years_refresh
    from portal.selectors import policy_for_service_year
    from stations.models import Contract

    rng = ctx.rng("funding")
    today = ctx.today
    years = list(range(today.year - DEMO_YEARS + 1, today.year + 1))
    contracts = list(
        Contract.objects.binding()
        .filter(service_year__in=years)
        .values(
            "id",
            "station_id",
            "service_year",
            "annual_fee",
            "starts_on",
            "ends_on",
            "is_comprehensive",
        )
        .order_by("service_year", "id")
    )
    now = clock.now()
    latest = latest_ended_month(today)
    budgets, budget_lines_for = [], []
    reports, report_lines_for = [], []
    for c in contracts:
        year, fee = c["service_year"], c["annual_fee"]
        floor = policy_for_service_year(year).personnel_floor_percent / 100
        planned_share = floor + Decimal(rng.randint(100, 700)) / 10000
        planned_personnel = (fee * planned_share).quantize(CENT)
        lines = _split(planned_personnel, PERSONNEL_SPLIT) | _split(
            fee - planned_personnel, OTHER_SPLIT
        )
        budgets.append(
            Budget(
                contract_id=c["id"],
                station_id=c["station_id"],
                service_year=year,
                fee=fee,
                revision=1,
                status=BudgetStatus.APPROVED,
                total=fee,
                personnel=planned_personnel,
                policy_version_id=policy_for_service_year(year).pk,
                floor_percent=floor * 100,
                checked_share=(planned_share * 100).quantize(CENT),
                submitted_at=now,
                decided_at=now,
            )
        )
        budget_lines_for.append(lines)
        # Actual spending: close to plan; a handful under the floor.
        roll = rng.random()
        if year == today.year and roll < 0.05:
            actual_share = floor - Decimal(rng.randint(50, 600)) / 10000
        elif roll < 0.03:
            actual_share = floor - Decimal(rng.randint(10, 500)) / 10000
        else:
            actual_share = planned_share + Decimal(rng.randint(-60, 40)) / 10000
        monthly_personnel = fee * actual_share / 12
        monthly_other = fee * (1 - actual_share) / 12 * Decimal(rng.randint(85, 100)) / 100
        last_month = 12 if year < today.year else today.month - 1
        for month in range(1, last_month + 1):
            start = date(year, month, 1)
            end = date(year, month, calendar.monthrange(year, month)[1])
            if end < c["starts_on"] or start > c["ends_on"]:
                continue
            noise = Decimal(rng.randint(95, 105)) / 100
            personnel = (monthly_personnel * noise).quantize(CENT)
            other = (monthly_other * Decimal(rng.randint(70, 130)) / 100).quantize(CENT)
            cats = _split(personnel, PERSONNEL_SPLIT) | _split(other, OTHER_SPLIT)
            current = (year, month) == latest
            reports.append(
                SpendingReport(
                    contract_id=c["id"],
                    station_id=c["station_id"],
                    service_year=year,
                    period_kind="monthly",
                    period=month,
                    months=1,
                    period_start=start,
                    period_end=end,
                    status=ReportStatus.SUBMITTED if current else ReportStatus.APPROVED,
                    total=personnel + other,
                    personnel=personnel,
                    submitted_at=now,
                    decided_at=None if current else now,
                )
            )
            report_lines_for.append(cats)
    Budget.objects.bulk_create(budgets, batch_size=BATCH)
    BudgetLine.objects.bulk_create(
        (
            BudgetLine(budget_id=b.pk, category=cat, amount=amount, note="")
            for b, lines in zip(budgets, budget_lines_for, strict=True)
            for cat, amount in lines.items()
        ),
        batch_size=BATCH,
    )
    ctx.log(f"    budgets: {len(budgets)}")
    for i in range(0, len(reports), BATCH):
        chunk = reports[i : i + BATCH]
        SpendingReport.objects.bulk_create(chunk, batch_size=BATCH)
        SpendingLine.objects.bulk_create(
            [
                SpendingLine(report_id=r.pk, category=cat, amount=amount, note="")
                for r, lines in zip(chunk, report_lines_for[i : i + BATCH], strict=True)
                for cat, amount in lines.items()
                if amount
            ],
            batch_size=BATCH,
        )
    ctx.log(f"    spending reports: {len(reports)}")
    for year in years:
        funding_years_refresh(service_year=year)
    funding_years_finalise_due(today=today)

    stations_by_year = defaultdict(set)
    for c in contracts:
        stations_by_year[c["service_year"]].add(c["station_id"])
    resources = []
    kinds = [
        ResourceKind.CHARITY_DONATION,
        ResourceKind.COMMUNITY_FUND,
        ResourceKind.IN_KIND,
        ResourceKind.TIME_BANK,
    ]
    for year, station_ids in stations_by_year.items():
        last_day = min(date(year, 12, 31), today - timedelta(days=1))
        span = (last_day - date(year, 1, 1)).days
        for sid in sorted(station_ids):
            for _k in range(rng.randint(2, 8)):
                kind = rng.choice(kinds)
                on = date(year, 1, 1) + timedelta(days=rng.randint(0, max(span, 0)))
                money = kind != ResourceKind.TIME_BANK
                resources.append(
                    SocialResource(
                        station_id=sid,
                        service_year=year,
                        kind=kind,
                        received_on=on,
                        amount=Decimal(rng.randint(200, 50000)) if money else None,
                        hours=None if money else Decimal(rng.randint(4, 400)) / 2,
                        source=rng.choice(RESOURCE_SOURCES),
                    )
                )
    SocialResource.objects.bulk_create(resources, batch_size=BATCH)
    ctx.log(f"    social resources: {len(resources)}")
    _revision_awaiting_review(ctx)


def _revision_awaiting_review(ctx: DemoContext) -> None:
    """The demo station has revised this year's approved budget and submitted the revision:
    it waits on the district officer's to-do list (the approved version stays in force)."""
    from funding import services
    from funding.choices import BudgetStatus
    from funding.models import Budget

    station = ctx.data.get("demo_station")
    manager = ctx.data.get("accounts", {}).get("station")
    if station is None or manager is None:
        return
    approved = (
        Budget.objects.filter(
            station=station,
            service_year=ctx.today.year,
            status=BudgetStatus.APPROVED,
            contract__is_comprehensive=True,
        )
        .order_by("pk")
        .first()
    )
    if approved is None:
        return
    revision = services.budget_revise(actor=manager, budget=approved)
    revision.note = "下半年活动调整，申请修订预算。"
    revision.save(update_fields=["note", "updated_at"])
    services.budget_submit(actor=manager, budget=revision, version=revision.version)
    ctx.log("    a budget revision awaiting the district's review")


register_demo_step("funding", funding, order=300)
