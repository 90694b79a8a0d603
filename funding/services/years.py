"""The yearly record of each contract: refresh, projection warnings, late reports, year end."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from funding.choices import (
    COUNTED_REPORT_STATUSES,
    MONTHS_IN_PERIOD,
    PERIODS_IN_YEAR,
    BudgetCategory,
    BudgetStatus,
    ReportStatus,
)
from funding.models import APPROVE, Budget, BudgetLine, FundingYear, SpendingLine, SpendingReport
from funding.rules import money, personnel_floor_check
from funding.services.common import policy_for_year
from portal import clock
from portal import rules as deadlines
from portal.choices import LEVEL_ROLES, DeadlineKind, LadderLevel
from portal.errors import Conflict
from portal.scoping import ensure_may
from portal.selectors import PolicyMissing, ladder_in_force, users_responsible_for
from stations.models import Contract

ZERO = Decimal("0.00")
CATEGORY_FIELDS = [c.value for c in BudgetCategory]
# Django's bulk_update writes one CASE per column with a WHEN per row: its SQL grows with the
# square of the batch and building it costs seconds of Python per thousand rows (2,124 rows
# took 47 s at province scale). ``_update_rows`` sends one plain UPDATE per row instead, all
# in one executemany round of the driver.
UPDATE_CHUNK = 2000
REFRESH_FIELDS = (
    [
        "district_id",
        "institution_id",
        "is_comprehensive",
        "fee",
        "policy_version_id",
        "floor_percent",
        "budget_id",
        "planned_personnel",
        "actual_total",
        "actual_personnel",
        "months_reported",
        "refreshed_at",
    ]
    + [f"planned_{c}" for c in CATEGORY_FIELDS]
    + [f"actual_{c}" for c in CATEGORY_FIELDS]
)
ALREADY_FINAL = "%(year)s年度结果已于 %(on)s 确定，不能重复确定。"
YEAR_NOT_OVER = "%(year)s年度尚未结束，不能确定年度结果。"

PROJECTION_TITLE = "人员经费预计不达标：%(station)s（%(year)s年度）"
PROJECTION_BODY = (
    "按已报告 %(months)s 个月的支出速度（月均人员经费 × 12）推算，年末人员经费约 %(projected)s 元，"
    "占项目经费 %(share)s%%，低于 %(floor)s%% 的下限，预计还差 %(shortfall)s 元。"
    "请在年底前调整支出安排。"
)
LATE_TITLE = "支出报告逾期：%(station)s %(period)s"
LATE_BODY = "%(period)s应于 %(due)s 前提交，已逾期 %(days)s 天。未提交的期间：%(missing)s。"
ESCALATE_TITLE = "支出报告逾期未交（已升级至区民政局）：%(station)s %(period)s"


def funding_years_refresh(*, service_year: int, contract_ids=None) -> int:
    """Recompute the yearly record of every binding contract of a year (or of some).

    Set-based: a handful of aggregate queries and one bulk write, whatever the number of
    stations, so the periodic run stays inside a minute at nation scale. Final years are
    left as they were judged.
    """
    policy = policy_for_year(service_year)
    contracts = Contract.objects.binding().filter(service_year=service_year)
    if contract_ids is not None:
        contracts = contracts.filter(pk__in=list(contract_ids))
    rows = list(
        contracts.values(
            "id",
            "station_id",
            "station__district_id",
            "institution_id",
            "is_comprehensive",
            "annual_fee",
        )
    )
    if not rows:
        return 0
    ids = [r["id"] for r in rows]
    chosen: dict[int, dict] = {}
    for b in Budget.objects.filter(
        contract_id__in=ids, status__in=[BudgetStatus.APPROVED, BudgetStatus.SUBMITTED]
    ).values("id", "contract_id", "status", "personnel"):
        current = chosen.get(b["contract_id"])
        if current is None or (
            current["status"] != BudgetStatus.APPROVED and b["status"] == BudgetStatus.APPROVED
        ):
            chosen[b["contract_id"]] = b
    planned: dict[int, dict[str, Decimal]] = defaultdict(dict)
    budget_contract = {b["id"]: c for c, b in chosen.items()}
    for line in BudgetLine.objects.filter(budget_id__in=list(budget_contract)).values(
        "budget_id", "category", "amount"
    ):
        planned[budget_contract[line["budget_id"]]][line["category"]] = line["amount"]
    actual: dict[int, dict[str, Decimal]] = defaultdict(dict)
    for line in (
        SpendingLine.objects.filter(
            report__contract_id__in=ids, report__status__in=COUNTED_REPORT_STATUSES
        )
        .values("report__contract_id", "category")
        .annotate(total=Sum("amount"))
        .order_by()
    ):
        actual[line["report__contract_id"]][line["category"]] = line["total"]
    months = dict(
        SpendingReport.objects.filter(contract_id__in=ids, status__in=COUNTED_REPORT_STATUSES)
        .values("contract_id")
        .annotate(m=Sum("months"))
        .order_by()
        .values_list("contract_id", "m")
    )
    existing = {fy.contract_id: fy for fy in FundingYear.objects.filter(contract_id__in=ids)}
    now = clock.now()
    to_create, to_update = [], []
    for r in rows:
        fy = existing.get(r["id"])
        if fy is not None and fy.final:
            continue
        if fy is None:
            fy = FundingYear(
                contract_id=r["id"], station_id=r["station_id"], service_year=service_year
            )
            to_create.append(fy)
        else:
            to_update.append(fy)
        fy.district_id = r["station__district_id"]
        fy.institution_id = r["institution_id"]
        fy.is_comprehensive = r["is_comprehensive"]
        fy.fee = r["annual_fee"]
        fy.policy_version_id = policy.pk
        fy.floor_percent = policy.personnel_floor_percent
        budget = chosen.get(r["id"])
        fy.budget_id = budget["id"] if budget else None
        fy.planned_personnel = budget["personnel"] if budget else None
        for c in CATEGORY_FIELDS:
            setattr(fy, f"planned_{c}", planned[r["id"]].get(c, ZERO))
            setattr(fy, f"actual_{c}", actual[r["id"]].get(c, ZERO))
        fy.actual_total = sum(actual[r["id"]].values(), ZERO)
        fy.actual_personnel = sum(
            (v for c, v in actual[r["id"]].items() if c in _personnel()), ZERO
        )
        fy.months_reported = min(months.get(r["id"]) or 0, 12)
        fy.refreshed_at = now
    with transaction.atomic():
        FundingYear.objects.bulk_create(to_create, batch_size=2000)
        _update_rows(to_update, REFRESH_FIELDS)
    return len(to_create) + len(to_update)


def _personnel():
    from funding.choices import PERSONNEL_CATEGORIES

    return PERSONNEL_CATEGORIES


def _update_rows(rows: list[FundingYear], attnames: list[str]) -> None:
    """``UPDATE funding_fundingyear SET ... WHERE id = %s`` for each row (executemany)."""
    if not rows:
        return
    fields = [FundingYear._meta.get_field(a.removesuffix("_id")) for a in attnames]
    quote = connection.ops.quote_name
    # Identifiers come from the model's own metadata, quoted; every value is a parameter.
    sql = "UPDATE {} SET {} WHERE {} = %s".format(  # noqa: S608
        quote(FundingYear._meta.db_table),
        ", ".join(f"{quote(f.column)} = %s" for f in fields),
        quote(FundingYear._meta.pk.column),
    )
    with connection.cursor() as cursor:
        for start in range(0, len(rows), UPDATE_CHUNK):
            cursor.executemany(
                sql,
                [
                    [f.get_db_prep_save(getattr(row, f.attname), connection) for f in fields]
                    + [row.pk]
                    for row in rows[start : start + UPDATE_CHUNK]
                ],
            )


def funding_year_refresh(*, contract) -> FundingYear | None:
    funding_years_refresh(service_year=contract.service_year, contract_ids=[contract.pk])
    return FundingYear.objects.filter(contract_id=contract.pk).first()


def funding_year_finalise(
    *, actor, funding_year: FundingYear, today: date | None = None
) -> FundingYear:
    """Record the year's actual personnel share as final, with the policy version that judged
    it. Reads the reports once more first, so the result is what was reported."""
    today = today or clock.today()
    ensure_may(actor, APPROVE, funding_year)
    if funding_year.final:
        raise Conflict(
            _(ALREADY_FINAL)
            % {
                "year": funding_year.service_year,
                "on": timezone.localtime(funding_year.finalised_at).date().isoformat(),
            }
        )
    if date(funding_year.service_year, 12, 31) >= today:
        raise ValidationError(_(YEAR_NOT_OVER) % {"year": funding_year.service_year})
    funding_years_refresh(
        service_year=funding_year.service_year, contract_ids=[funding_year.contract_id]
    )
    funding_year.refresh_from_db()
    policy = policy_for_year(funding_year.service_year)
    check = personnel_floor_check(
        personnel=funding_year.actual_personnel,
        fee=funding_year.fee,
        floor_percent=policy.personnel_floor_percent,
    )
    funding_year.final = True
    funding_year.final_share = check.share
    funding_year.final_passed = check.passed
    funding_year.policy_version = policy
    funding_year.floor_percent = policy.personnel_floor_percent
    funding_year.finalised_at = clock.now()
    funding_year.full_clean()
    funding_year.save()
    return funding_year


def funding_years_finalise_due(*, today: date | None = None) -> int:
    """Finalise past years whose twelve months are confirmed or whose grace period is over.

    Set-based, like the refresh: the records are read again from the reports first, then the
    verdicts are computed with the rule in Python and written in one bulk update.
    """
    today = today or clock.today()
    pending = FundingYear.objects.filter(final=False, service_year__lt=today.year)
    approved_months = dict(
        SpendingReport.objects.filter(
            status=ReportStatus.APPROVED, contract_id__in=pending.values("contract_id")
        )
        .values("contract_id")
        .annotate(m=Sum("months"))
        .order_by()
        .values_list("contract_id", "m")
    )
    due: dict[int, list[int]] = defaultdict(list)
    policies: dict[int, object] = {}
    for contract_id, year in pending.values_list("contract_id", "service_year"):
        if year not in policies:
            try:
                policies[year] = policy_for_year(year)
            except ValidationError:
                policies[year] = None  # no policy judges that year: nothing to finalise it by
        if policies[year] is None:
            continue
        # The grace before a year is final comes from the policy of that year (stated default
        # 90 days: ``PolicyVersion.funding_finalise_grace_days``).
        grace = timedelta(days=policies[year].funding_finalise_grace_days)
        grace_over = today >= date(year + 1, 1, 1) + grace
        if grace_over or (approved_months.get(contract_id) or 0) >= 12:
            due[year].append(contract_id)
    done = 0
    now = clock.now()
    for year, contract_ids in due.items():
        funding_years_refresh(service_year=year, contract_ids=contract_ids)
        policy = policies[year]
        rows = list(FundingYear.objects.filter(contract_id__in=contract_ids, final=False))
        for fy in rows:
            check = personnel_floor_check(
                personnel=fy.actual_personnel,
                fee=fy.fee,
                floor_percent=policy.personnel_floor_percent,
            )
            fy.final, fy.final_share, fy.final_passed = True, check.share, check.passed
            fy.policy_version_id = policy.pk
            fy.floor_percent = policy.personnel_floor_percent
            fy.finalised_at = now
        _update_rows(
            rows,
            [
                "final",
                "final_share",
                "final_passed",
                "policy_version_id",
                "floor_percent",
                "finalised_at",
            ],
        )
        done += len(rows)
    return done


def recipients_by_station(
    station_ids, *, include_district: bool = True, on: date | None = None
) -> dict[int, list]:
    """Station id -> users to warn on ``on`` (today): its managers, the admins of the
    institution running it under a contract in force, and (optionally) its district's
    officers (``portal.selectors.users_responsible_for``). Three queries."""
    from portal.choices import Role
    from portal.selectors import users_responsible_for

    roles = [Role.STATION_MANAGER, Role.INSTITUTION_ADMIN]
    if include_district:
        roles.append(Role.DISTRICT_OFFICER)
    return users_responsible_for(station_ids, roles, on or clock.today())


def projection_warnings_send(*, service_year: int, today: date | None = None) -> int:
    """Warn everyone responsible for each station projected under the floor at year end.

    The projection is the run rate of the months reported. The dedupe key carries the month,
    so a station still under is warned again each month until it is resolved, and a rerun in
    the same month posts nothing.
    """
    from funding.selectors import with_floor_checks
    from portal.services.notifications import notification_post

    today = today or clock.today()
    if today > date(service_year, 12, 31):
        return 0
    rows = list(
        with_floor_checks(
            FundingYear.objects.filter(
                service_year=service_year,
                final=False,
                months_reported__gt=0,
                months_reported__lt=12,
            )
        )
        .filter(projected_ok=False)
        .select_related("station")
    )
    recipients = recipients_by_station({r.station_id for r in rows}, on=today)
    posted = 0
    for fy in rows:
        check = personnel_floor_check(
            personnel=fy.actual_personnel,
            fee=fy.fee,
            floor_percent=fy.floor_percent,
            months_covered=fy.months_reported,
        )
        posted += len(
            notification_post(
                recipients=recipients.get(fy.station_id, []),
                title=_(PROJECTION_TITLE) % {"station": fy.station.name, "year": service_year},
                body=_(PROJECTION_BODY)
                % {
                    "months": fy.months_reported,
                    "projected": money(check.projected_personnel),
                    "share": check.share_text,
                    "floor": fy.floor_percent,
                    "shortfall": money(check.shortfall),
                },
                url=reverse("funding:year_detail", args=[fy.pk]),
                kind="funding_projection",
                dedupe_key=f"funding:projection:{fy.pk}:{today:%Y-%m}",
            )
        )
    return posted


STATION_SIDE_LEVELS = (LadderLevel.STATION, LadderLevel.INSTITUTION)


def _users_at(per_level, station_id: int, reached, levels) -> list:
    """The users of ``station_id`` at each level both reached and among ``levels``."""
    users = {}
    for level in reached:
        if level in levels:
            users |= {u.pk: u for u in per_level[level].get(station_id, [])}
    return [users[pk] for pk in sorted(users)]


def late_report_reminders_send(*, today: date | None = None) -> int:
    """Remind the station side of reports past due; escalate to the district when later still.

    The period kind and the days a report is due after its period ends come from the policy
    version of the contract's service year (``spending_report_period``,
    ``spending_report_due_days``); who is told from which day late comes from that version's
    ``DeadlineKind.FUNDING_REPORT`` ladder (``portal.rules``; seeded: station and institution
    from the first day, the district after 15 days, never the city). The station side gets
    one notice; once the district (or the city) is reached, everyone reached gets the
    escalation notice. Keys make reruns post nothing.
    """
    from funding.services.reports import period_dates, report_label
    from portal.services.notifications import notification_post

    today = today or clock.today()
    contracts = list(
        Contract.objects.binding()
        .filter(
            service_year__gte=today.year - 1,
            service_year__lte=today.year,
            starts_on__lte=today,
        )
        .select_related("station")
    )
    if not contracts:
        return 0
    reported = defaultdict(set)
    kinds = {}
    for cid, kind, period, status in SpendingReport.objects.filter(
        contract_id__in=[c.pk for c in contracts]
    ).values_list("contract_id", "period_kind", "period", "status"):
        kinds[cid] = kind
        if status in COUNTED_REPORT_STATUSES:
            reported[cid].add(period)
    policies = {}
    ladders = {}
    for year in {c.service_year for c in contracts}:
        try:
            policies[year] = policy_for_year(year)
            ladders[year] = ladder_in_force(DeadlineKind.FUNDING_REPORT, date(year, 1, 1)).as_rule()
        except (ValidationError, PolicyMissing):
            policies.pop(year, None)
            continue
    late = []
    for contract in contracts:
        policy = policies.get(contract.service_year)
        if policy is None:
            continue
        kind = kinds.get(contract.pk, policy.spending_report_period)
        missing = []
        for period in range(1, PERIODS_IN_YEAR[kind] + 1):
            start, end = period_dates(contract.service_year, kind, period)
            if end < contract.starts_on or start > contract.ends_on:
                continue
            due = end + timedelta(days=policy.spending_report_due_days)
            if due >= today:
                break
            if period not in reported[contract.pk]:
                missing.append((period, due))
        if missing:
            late.append((contract, kind, missing))
    reached_by = {
        contract.pk: deadlines.levels_reached(
            (today - missing[0][1]).days, ladders[contract.service_year]
        )
        for contract, _k, missing in late
    }
    # Station id -> users, per level some report has reached (at most three queries each).
    per_level = {
        level: users_responsible_for(
            {c.station_id for c, _k, _m in late if level in reached_by[c.pk]},
            [LEVEL_ROLES[level]],
            today,
        )
        for level in {lv for levels in reached_by.values() for lv in levels}
    }
    posted = 0
    for contract, kind, missing in late:
        period, due = missing[0]
        days = (today - due).days
        reached = reached_by[contract.pk]
        station_side = _users_at(per_level, contract.station_id, reached, STATION_SIDE_LEVELS)
        escalated = [lv for lv in reached if lv not in STATION_SIDE_LEVELS]
        everyone = _users_at(per_level, contract.station_id, reached, reached)
        label = report_label(contract.service_year, kind, period)
        pattern = _("%(p)s月") if MONTHS_IN_PERIOD[kind] == 1 else _("第%(p)s季度")
        names = "、".join(pattern % {"p": p} for p, _d in missing)
        body = _(LATE_BODY) % {
            "period": label,
            "due": due.isoformat(),
            "days": days,
            "missing": names,
        }
        posted += len(
            notification_post(
                recipients=station_side,
                title=_(LATE_TITLE) % {"station": contract.station.name, "period": label},
                body=body,
                url=reverse("funding:report_list") + f"?contract={contract.pk}",
                kind="funding_late_report",
                dedupe_key=f"funding:late:{contract.pk}:{kind}:{period}:remind",
            )
        )
        if escalated:
            posted += len(
                notification_post(
                    recipients=everyone,
                    title=_(ESCALATE_TITLE) % {"station": contract.station.name, "period": label},
                    body=body,
                    url=reverse("funding:report_list") + f"?contract={contract.pk}",
                    kind="funding_late_report",
                    dedupe_key=f"funding:late:{contract.pk}:{kind}:{period}:escalate",
                )
            )
    return posted


def check_summary(funding_year: FundingYear):
    """The floor check a page shows for a year: final, projected, or nothing yet."""
    if funding_year.final:
        return personnel_floor_check(
            personnel=funding_year.actual_personnel,
            fee=funding_year.fee,
            floor_percent=funding_year.floor_percent,
        )
    if funding_year.months_reported:
        return personnel_floor_check(
            personnel=funding_year.actual_personnel,
            fee=funding_year.fee,
            floor_percent=funding_year.floor_percent,
            months_covered=funding_year.months_reported,
        )
    return None
