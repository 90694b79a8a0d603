"""服务月报 (monthly service report): opened on the 1st, filled and submitted by the station
manager, reviewed by the street/town, approved by the district. Approval locks the month's
records (``records.month_locked``).

Reminders to stations that have not submitted go through the shared reminder ladder
(``service_report`` kind, being added beside evaluations'); this module does not send any.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.utils.translation import gettext as _

from portal import clock
from portal.errors import Conflict
from portal.scoping import CHANGE, as_user, ensure_may
from services import rules
from services.choices import REPORT_EDITABLE, ReportStatus
from services.models import (
    APPROVE,
    REVIEW,
    Attendance,
    GroupAggregate,
    MonthlyAggregate,
    MonthlyReport,
)
from services.services.common import claim_version, policy_on

NOT_EDITABLE = "该服务月报状态为「%(status)s」，不能再修改（退回后方可修改）。"
WRONG_STEP = "该服务月报状态为「%(status)s」，不能执行此操作。"
NARRATIVE_REQUIRED = "提交前请填写工作综述。"
REASON_REQUIRED = "退回须说明原因（至少4个字）。"


def month_figures(*, year: int, month: int, station_ids=None) -> dict[int, dict]:
    """Each station's figures for a month, from the aggregates and the attendance (3 queries
    whatever the number of stations)."""
    empty = lambda: {  # noqa: E731
        "totals": {
            "records": 0,
            "person_times": 0,
            "hours": "0.00",
            "cases_opened": 0,
            "cases_closed": 0,
            "basic_guarantee_person_times": 0,
            "persons": 0,
            "basic_guarantee_persons": 0,
        },
        "by_kind": {},
        "by_field": {},
        "by_group": {},
    }
    figures: dict[int, dict] = defaultdict(empty)
    aggs = MonthlyAggregate.objects.filter(year=year, month=month)
    groups = GroupAggregate.objects.filter(year=year, month=month)
    first, last = rules.month_bounds(year, month)
    seen = Attendance.objects.filter(record__service_on__gte=first, record__service_on__lte=last)
    if station_ids is not None:
        ids = list(station_ids)
        aggs, groups = aggs.filter(station_id__in=ids), groups.filter(station_id__in=ids)
        seen = seen.filter(record__station_id__in=ids)
    for a in aggs:
        f = figures[a.station_id]
        t = f["totals"]
        t["records"] += a.records
        t["person_times"] += a.person_times
        t["hours"] = str(rules.Decimal(t["hours"]) + a.hours)
        t["cases_opened"] += a.cases_opened
        t["cases_closed"] += a.cases_closed
        t["basic_guarantee_person_times"] += a.basic_guarantee_person_times
        for key, code in (("by_kind", a.kind), ("by_field", a.field_code)):
            row = f[key].setdefault(code, {"records": 0, "person_times": 0, "hours": "0.00"})
            row["records"] += a.records
            row["person_times"] += a.person_times
            row["hours"] = str(rules.Decimal(row["hours"]) + a.hours)
    for g in groups:
        figures[g.station_id]["by_group"][g.group_code] = g.person_times
    for row in (
        seen.values("record__station_id")
        .annotate(
            persons=Count("user_id", distinct=True),
            basic=Count("user_id", distinct=True, filter=Q(user__basic_guarantee=True)),
        )
        .order_by()
    ):
        t = figures[row["record__station_id"]]["totals"]
        t["persons"], t["basic_guarantee_persons"] = row["persons"], row["basic"]
    return figures


def reports_open(*, on: date | None = None) -> int:
    """Open last month's report for every station with a contract in force in that month.
    Idempotent: the unique (station, year, month) constraint makes a rerun create nothing."""
    from stations.models import Contract

    on = on or clock.today()
    year, month = rules.previous_month(on)
    first, last = rules.month_bounds(year, month)
    policy = policy_on(first)
    due = rules.report_due_on(year, month, due_day=policy.report_due_day)
    station_ids = set(
        Contract.objects.filter(starts_on__lte=last, ends_on__gte=first)
        .filter(status__in=_binding())
        .values_list("station_id", flat=True)
    )
    existing = set(
        MonthlyReport.objects.filter(year=year, month=month).values_list("station_id", flat=True)
    )
    todo = sorted(station_ids - existing)
    figures = month_figures(year=year, month=month, station_ids=todo) if todo else {}
    made = MonthlyReport.objects.bulk_create(
        [
            MonthlyReport(
                station_id=sid,
                year=year,
                month=month,
                due_on=due,
                policy=policy,
                figures=figures[sid],
            )
            for sid in todo
        ],
        batch_size=2000,
        ignore_conflicts=True,
    )
    return len(made)


def _binding():
    from stations.choices import BINDING_CONTRACT_STATUSES

    return BINDING_CONTRACT_STATUSES


def _refresh_figures(report: MonthlyReport) -> None:
    report.figures = month_figures(
        year=report.year, month=report.month, station_ids=[report.station_id]
    )[report.station_id]


def _expect(report: MonthlyReport, *statuses) -> None:
    if report.status not in statuses:
        raise Conflict(_(WRONG_STEP) % {"status": report.get_status_display()})


def report_update(*, actor, report: MonthlyReport, version, narrative: str, highlights: str):
    ensure_may(actor, CHANGE, report)
    if report.status not in REPORT_EDITABLE:
        raise Conflict(_(NOT_EDITABLE) % {"status": report.get_status_display()})
    with transaction.atomic():
        claim_version(report, version, what=_("服务月报"))
        report.narrative = (narrative or "").strip()[:5000]
        report.highlights = (highlights or "").strip()[:5000]
        _refresh_figures(report)
        report.save()
    return report


def report_submit(*, actor, report: MonthlyReport, version):
    ensure_may(actor, CHANGE, report)
    _expect(report, *REPORT_EDITABLE)
    if not report.narrative.strip():
        raise ValidationError({"narrative": _(NARRATIVE_REQUIRED)})
    with transaction.atomic():
        claim_version(report, version, what=_("服务月报"))
        _refresh_figures(report)
        report.status = ReportStatus.SUBMITTED
        report.submitted_at, report.submitted_by = clock.now(), as_user(actor)
        report.return_reason = ""
        report.save()
    return report


def report_review(*, actor, report: MonthlyReport, version):
    """The street/town (purchaser) checks the report and passes it to the district."""
    ensure_may(actor, REVIEW, report)
    _expect(report, ReportStatus.SUBMITTED)
    with transaction.atomic():
        claim_version(report, version, what=_("服务月报"))
        report.status = ReportStatus.SUBDISTRICT_APPROVED
        report.reviewed_at, report.reviewed_by = clock.now(), as_user(actor)
        report.save()
    return report


def report_approve(*, actor, report: MonthlyReport, version):
    """The district approves: the month's records are locked from now on."""
    ensure_may(actor, APPROVE, report)
    _expect(report, ReportStatus.SUBDISTRICT_APPROVED)
    with transaction.atomic():
        claim_version(report, version, what=_("服务月报"))
        report.status = ReportStatus.APPROVED
        report.approved_at, report.approved_by = clock.now(), as_user(actor)
        report.save()
    return report


def report_return(*, actor, report: MonthlyReport, version, reason: str):
    """Either reviewer sends the report back to the station with a reason."""
    step = REVIEW if report.status == ReportStatus.SUBMITTED else APPROVE
    ensure_may(actor, step, report)
    _expect(report, ReportStatus.SUBMITTED, ReportStatus.SUBDISTRICT_APPROVED)
    reason = (reason or "").strip()
    if len(reason) < 4:
        raise ValidationError({"reason": _(REASON_REQUIRED)})
    with transaction.atomic():
        claim_version(report, version, what=_("服务月报"))
        report.status = ReportStatus.RETURNED
        report.return_reason = reason[:300]
        report.save()
    return report
