"""Spending reports: fill in per category, attach receipts, submit, approve or return."""

from __future__ import annotations

import calendar
import os
from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from funding.choices import (
    EDITABLE_STATUSES,
    MONTHS_IN_PERIOD,
    PERIODS_IN_YEAR,
    AttachmentKind,
    PeriodKind,
    ReportStatus,
)
from funding.models import APPROVE, SpendingAttachment, SpendingLine, SpendingReport
from funding.services.common import (
    claim_version,
    clean_lines,
    contract_binding,
    decision_notify,
    policy_for_year,
    totals,
)
from portal import clock
from portal.errors import Conflict
from portal.scoping import CHANGE, as_user, ensure_may, ensure_may_add

APPROVED_TITLE = "%(station)s %(report)s已确认"
RETURNED_TITLE = "%(station)s %(report)s被退回"
RETURNED_BODY = "退回原因：%(reason)s。请修改后重新提交。"
REPORT_LOCKED = "%(report)s状态为「%(status)s」，该期间已锁定，不能修改。"
REPORT_EXISTS = "%(report)s已存在（%(status)s），请在原报告上修改。"
PERIOD_OUT_OF_RANGE = "期次 %(period)s 无效：%(kind)s报告的期次应为 1 到 %(max)s。"
PERIOD_IN_FUTURE = "%(start)s 开始的期间尚未到来，不能提前填报支出。"
PERIOD_OUTSIDE_CONTRACT = "该期间（%(start)s 至 %(end)s）不在合同 %(code)s 的服务期内。"
PERIOD_KIND_NOT_POLICY = (
    "%(year)s年度的政策参数（%(policy)s）规定支出报告按%(expected)s填报，不能按%(kind)s填报。"
)
PERIOD_KIND_MIXED = "合同 %(code)s 已按%(kind)s报告支出，同一合同不能混用月度和季度报告。"
NO_LINES = "支出报告至少要填写一个科目的金额。"
NOT_SUBMITTED = "只有「已提交待审核」的报告才能审核，当前状态为「%(status)s」。"
RETURN_REASON_REQUIRED = "退回时必须填写原因。"
WHAT = "支出报告"

# Attachments: receipts, payroll summaries, bank statements, e-invoices (OFD). What a file is
# comes from its first bytes, not from its name or the browser's claim.
ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024
ATTACHMENT_TYPES = {
    ".pdf": ("application/pdf", (b"%PDF-",)),
    ".jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
    ".xlsx": (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        (b"PK\x03\x04",),
    ),
    ".docx": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        (b"PK\x03\x04",),
    ),
    ".xls": ("application/vnd.ms-excel", (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",)),
    ".doc": ("application/msword", (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",)),
    ".ofd": ("application/ofd", (b"PK\x03\x04",)),
}
EXECUTABLE_MAGIC = (
    b"MZ",
    b"\x7fELF",
    b"#!",
    b"\xca\xfe\xba\xbe",
    b"\xcf\xfa\xed\xfe",
    b"\xce\xfa\xed\xfe",
)
ATTACHMENT_TOO_LARGE = "附件「%(name)s」超过 %(limit)s MB，请压缩或拆分后上传。"
ATTACHMENT_EMPTY = "附件「%(name)s」是空文件。"
ATTACHMENT_BAD_TYPE = (
    "附件「%(name)s」的类型不被接受：只能上传 PDF、JPG、PNG、Excel、Word 或 OFD 电子发票。"
)
ATTACHMENT_MISMATCH = "附件「%(name)s」的内容与扩展名不符，已拒绝。"
ATTACHMENT_EXECUTABLE = "附件「%(name)s」是可执行程序或脚本，已拒绝。"


def period_dates(year: int, kind: str, period: int) -> tuple[date, date]:
    months = MONTHS_IN_PERIOD[kind]
    first_month = (period - 1) * months + 1
    last_month = first_month + months - 1
    return (
        date(year, first_month, 1),
        date(year, last_month, calendar.monthrange(year, last_month)[1]),
    )


def report_label(year: int, kind: str, period: int) -> str:
    if kind == PeriodKind.QUARTERLY:
        return _("%(year)s年第%(p)s季度支出报告") % {"year": year, "p": period}
    return _("%(year)s年%(p)s月支出报告") % {"year": year, "p": period}


def policy_period_kind(contract, kind: str | None = None) -> str:
    """The period kind the policy of the contract's service year prescribes.

    ``kind`` is what the user asked for (``None``/empty: the policy's); asking for another
    one is refused, naming the policy.
    """
    policy = policy_for_year(contract.service_year)
    expected = policy.spending_report_period
    if kind and kind != expected:
        if kind not in PeriodKind.values:
            raise ValidationError({"period_kind": _("报告周期无效。")})
        raise ValidationError(
            {
                "period_kind": _(PERIOD_KIND_NOT_POLICY)
                % {
                    "year": contract.service_year,
                    "policy": policy.name,
                    "expected": PeriodKind(expected).label,
                    "kind": PeriodKind(kind).label,
                }
            }
        )
    return expected


def check_period(contract, kind: str, period: int, today: date | None = None) -> tuple[date, date]:
    """The dates of a period, or a ValidationError saying why it cannot be reported."""
    today = today or clock.today()
    if kind not in PeriodKind.values:
        raise ValidationError({"period_kind": _("报告周期无效。")})
    if not 1 <= int(period) <= PERIODS_IN_YEAR[kind]:
        raise ValidationError(
            {
                "period": _(PERIOD_OUT_OF_RANGE)
                % {"period": period, "kind": PeriodKind(kind).label, "max": PERIODS_IN_YEAR[kind]}
            }
        )
    start, end = period_dates(contract.service_year, kind, int(period))
    if start > today:
        raise ValidationError({"period": _(PERIOD_IN_FUTURE) % {"start": start.isoformat()}})
    if end < contract.starts_on or start > contract.ends_on:
        raise ValidationError(
            {
                "period": _(PERIOD_OUTSIDE_CONTRACT)
                % {"start": start.isoformat(), "end": end.isoformat(), "code": contract.code}
            }
        )
    return start, end


def _write_lines(report: SpendingReport, lines: list[dict]) -> None:
    report.lines.all().delete()
    objs = [SpendingLine(report=report, **line) for line in lines]
    for obj in objs:
        obj.full_clean(exclude=["report"])
    SpendingLine.objects.bulk_create(objs)
    report.total, report.personnel = totals(lines)


def report_create(
    *,
    actor,
    contract,
    period: int,
    lines: Iterable[Mapping[str, Any]],
    period_kind: str | None = None,
    note: str = "",
) -> SpendingReport:
    """A draft report for one period of a contract's service year.

    Monthly or quarterly as the policy of the service year says (``period_kind`` may be left
    out; another kind than the policy's is refused).
    """
    ensure_may_add(actor, SpendingReport, station=contract.station)
    contract_binding(contract)
    period_kind = policy_period_kind(contract, period_kind)
    start, end = check_period(contract, period_kind, period)
    cleaned = clean_lines(lines)
    if not cleaned:
        raise ValidationError({"lines": [_(NO_LINES)]})
    other_kind = (
        SpendingReport.objects.filter(contract=contract).exclude(period_kind=period_kind).first()
    )
    if other_kind is not None:
        raise ValidationError(
            {
                "period_kind": _(PERIOD_KIND_MIXED)
                % {"code": contract.code, "kind": other_kind.get_period_kind_display()}
            }
        )
    existing = SpendingReport.objects.filter(
        contract=contract, period_kind=period_kind, period=period
    ).first()
    if existing is not None:
        raise Conflict(
            _(REPORT_EXISTS) % {"report": existing, "status": existing.get_status_display()}
        )
    report = SpendingReport(
        contract=contract,
        station_id=contract.station_id,
        service_year=contract.service_year,
        period_kind=period_kind,
        period=period,
        months=MONTHS_IN_PERIOD[period_kind],
        period_start=start,
        period_end=end,
        note=note,
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    report.full_clean()
    try:
        with transaction.atomic():
            report.save()
            _write_lines(report, cleaned)
            report.save(update_fields=["total", "personnel", "updated_at"])
    except IntegrityError as exc:
        raise Conflict(
            _(REPORT_EXISTS) % {"report": report, "status": ReportStatus.DRAFT.label}
        ) from exc
    return report


def report_update(
    *,
    actor,
    report: SpendingReport,
    version,
    lines: Iterable[Mapping[str, Any]],
    note: str | None = None,
) -> SpendingReport:
    """Replace the lines of a draft or returned report; a stale ``version`` answers 409."""
    ensure_may(actor, CHANGE, report)
    _ensure_editable(report)
    cleaned = clean_lines(lines)
    if not cleaned:
        raise ValidationError({"lines": [_(NO_LINES)]})
    with transaction.atomic():
        claim_version(report, version, what=_(WHAT))
        _write_lines(report, cleaned)
        if note is not None:
            report.note = note
        report.full_clean()
        report.save()
    return report


def _ensure_editable(report: SpendingReport) -> None:
    if report.status not in EDITABLE_STATUSES:
        raise Conflict(_(REPORT_LOCKED) % {"report": report, "status": report.get_status_display()})


def report_submit(*, actor, report: SpendingReport, version) -> SpendingReport:
    """Submit a report: its amounts count towards the year's actuals from now on."""
    ensure_may(actor, CHANGE, report)
    _ensure_editable(report)
    if not report.lines.exists():
        raise ValidationError({"lines": [_(NO_LINES)]})
    with transaction.atomic():
        claim_version(report, version, what=_(WHAT))
        report.status = ReportStatus.SUBMITTED
        report.submitted_at = clock.now()
        report.submitted_by = as_user(actor)
        report.return_reason = ""
        report.save()
    _refresh_year(report)
    return report


def report_approve(*, actor, report: SpendingReport, version) -> SpendingReport:
    """The district confirms a report; its period is locked from then on."""
    ensure_may(actor, APPROVE, report)
    if report.status != ReportStatus.SUBMITTED:
        raise Conflict(_(NOT_SUBMITTED) % {"status": report.get_status_display()})
    with transaction.atomic():
        claim_version(report, version, what=_(WHAT))
        report.status = ReportStatus.APPROVED
        report.decided_at = clock.now()
        report.decided_by = as_user(actor)
        report.save()
        _notify(report, _(APPROVED_TITLE), "")
    _refresh_year(report)
    return report


def report_return(*, actor, report: SpendingReport, version, reason: str) -> SpendingReport:
    ensure_may(actor, APPROVE, report)
    if not (reason or "").strip():
        raise ValidationError({"reason": _(RETURN_REASON_REQUIRED)})
    if report.status != ReportStatus.SUBMITTED:
        raise Conflict(_(NOT_SUBMITTED) % {"status": report.get_status_display()})
    with transaction.atomic():
        claim_version(report, version, what=_(WHAT))
        report.status = ReportStatus.RETURNED
        report.return_reason = reason.strip()
        report.decided_at = clock.now()
        report.decided_by = as_user(actor)
        report.save()
        _notify(report, _(RETURNED_TITLE), _(RETURNED_BODY) % {"reason": report.return_reason})
    _refresh_year(report)
    return report


def _notify(report: SpendingReport, title: str, body: str) -> None:
    """The station side hears the district's decision (inbox; e-mail where configured)."""
    decision_notify(
        report,
        title=title % {"station": report.station.name, "report": report},
        body=body,
        url=reverse("funding:report_detail", args=[report.pk]),
        kind="funding_report_decision",
    )


def attachment_check(upload) -> tuple[str, str]:
    """``(extension, content type)`` of an acceptable upload, or a ValidationError."""
    name = os.path.basename(getattr(upload, "name", "") or "")
    size = getattr(upload, "size", None)
    if size is None:
        upload.seek(0, 2)
        size = upload.tell()
    if size > ATTACHMENT_MAX_BYTES:
        raise ValidationError(
            {
                "file": _(ATTACHMENT_TOO_LARGE)
                % {"name": name, "limit": ATTACHMENT_MAX_BYTES // (1024 * 1024)}
            }
        )
    if size == 0:
        raise ValidationError({"file": _(ATTACHMENT_EMPTY) % {"name": name}})
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    if head.startswith(EXECUTABLE_MAGIC):
        raise ValidationError({"file": _(ATTACHMENT_EXECUTABLE) % {"name": name}})
    extension = os.path.splitext(name)[1].lower()
    if extension not in ATTACHMENT_TYPES:
        raise ValidationError({"file": _(ATTACHMENT_BAD_TYPE) % {"name": name}})
    content_type, magics = ATTACHMENT_TYPES[extension]
    if not head.startswith(magics):
        raise ValidationError({"file": _(ATTACHMENT_MISMATCH) % {"name": name}})
    return extension, content_type


def attachment_add(
    *, actor, report: SpendingReport, upload, kind: str = AttachmentKind.RECEIPT
) -> SpendingAttachment:
    """Attach a receipt or payroll summary to a report not yet confirmed."""
    ensure_may(actor, CHANGE, report)
    if report.status == ReportStatus.APPROVED:
        raise Conflict(_(REPORT_LOCKED) % {"report": report, "status": report.get_status_display()})
    _extension, content_type = attachment_check(upload)
    name = os.path.basename(upload.name)[:200]
    attachment = SpendingAttachment(
        report=report,
        kind=kind,
        original_name=name,
        content_type=content_type,
        size=upload.size,
        uploaded_by=actor if getattr(actor, "pk", None) else None,
    )
    attachment.file.save(name, upload, save=False)
    attachment.full_clean()
    attachment.save()
    return attachment


def attachment_delete(*, actor, attachment: SpendingAttachment) -> None:
    ensure_may(actor, CHANGE, attachment.report)
    if attachment.report.status == ReportStatus.APPROVED:
        raise Conflict(
            _(REPORT_LOCKED)
            % {"report": attachment.report, "status": attachment.report.get_status_display()}
        )
    attachment.file.delete(save=False)
    attachment.delete()


def _refresh_year(report: SpendingReport) -> None:
    from funding.services.years import funding_year_refresh

    funding_year_refresh(contract=report.contract)
