"""Excel import of spending lines: the whole file is checked first; nothing is written unless
every row is clean, and every bad row is listed with its row number and reason."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from funding.choices import EDITABLE_STATUSES, MONTHS_IN_PERIOD, BudgetCategory, PeriodKind
from funding.models import SpendingReport
from funding.rules import money_problem
from funding.services.common import contract_binding
from funding.services.reports import _write_lines, check_period, policy_period_kind
from portal import audit
from portal.choices import AuditAction
from portal.imports import (
    Column,
    ImportRefused,
    RowError,
    choice,
    decimal_value,
    integer_value,
    read_rows,
    text,
)
from portal.scoping import ensure_may_add

COLUMNS = [
    Column(
        "period",
        "期次",
        integer_value,
        required=True,
        example=1,
        help="月度报告填月份 1-12；季度报告填季度 1-4",
    ),
    Column(
        "category",
        "科目",
        choice(BudgetCategory.choices),
        required=True,
        example=BudgetCategory.SALARIES.label,
    ),
    Column("amount", "金额（元）", decimal_value, required=True, example="120000.00"),
    Column("note", "说明", text(300), example="3月工资"),
]
DUPLICATE_ROW = "与第%(first)s行重复：同一期次的同一科目只能出现一次。"
PERIOD_LOCKED = "%(report)s已%(status)s，该期间已锁定，不能导入。"
KIND_MIXED = "该合同已按%(kind)s报告，不能导入%(other)s数据。"


@dataclass
class SpendingImport:
    errors: list[RowError] = field(default_factory=list)
    created: int = 0
    updated: int = 0
    rows: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors


def spending_import(*, actor, contract, fileobj, period_kind: str | None = None) -> SpendingImport:
    """Import spending lines for a contract's periods into draft reports.

    Periods are months or quarters as the policy of the service year says.

    A period that already has a draft or returned report gets its lines replaced; a period
    submitted or confirmed is locked and refused.
    """
    ensure_may_add(actor, SpendingReport, station=contract.station)
    result = SpendingImport()
    try:
        contract_binding(contract)
        period_kind = policy_period_kind(contract, period_kind)
    except ValidationError as error:
        result.errors.append(RowError(1, "", " ".join(error.messages)))
        return result
    try:
        sheet = read_rows(fileobj, COLUMNS, max_rows=2000)
    except ImportRefused as refused:
        result.errors.append(RowError(1, "", refused.message))
        return result
    result.errors.extend(sheet.errors)
    result.rows = len(sheet.rows)
    existing = {r.period: r for r in SpendingReport.objects.filter(contract=contract)}
    other_kinds = {r.period_kind for r in existing.values()} - {period_kind}
    if other_kinds:
        result.errors.append(
            RowError(
                1,
                "",
                _(KIND_MIXED)
                % {
                    "kind": PeriodKind(other_kinds.pop()).label,
                    "other": PeriodKind(period_kind).label,
                },
            )
        )
        return result
    seen: dict[tuple[int, str], int] = {}
    by_period: dict[int, list[dict]] = defaultdict(list)
    bad_rows = {e.row for e in sheet.errors}
    for number, record in sheet.rows:
        if number in bad_rows or not {"period", "category", "amount"} <= set(record):
            continue
        period, category, amount = record["period"], record["category"], record["amount"]
        try:
            check_period(contract, period_kind, period)
        except ValidationError as error:
            result.errors.append(RowError(number, "期次", " ".join(error.messages)))
            continue
        problem = money_problem(amount)
        if problem:
            result.errors.append(RowError(number, "金额（元）", _(problem)))
            continue
        report = existing.get(period)
        if report is not None and report.status not in EDITABLE_STATUSES:
            result.errors.append(
                RowError(
                    number,
                    "期次",
                    _(PERIOD_LOCKED)
                    % {"report": report, "status": report.get_status_display().replace("已", "")},
                )
            )
            continue
        key = (period, category)
        if key in seen:
            result.errors.append(RowError(number, "科目", _(DUPLICATE_ROW) % {"first": seen[key]}))
            continue
        seen[key] = number
        by_period[period].append(
            {"category": category, "amount": amount, "note": record.get("note", "")}
        )
    if result.errors:
        result.errors.sort(key=lambda e: e.row)
        return result
    from funding.services.reports import period_dates

    with transaction.atomic():
        for period, lines in sorted(by_period.items()):
            report = existing.get(period)
            if report is None:
                start, end = period_dates(contract.service_year, period_kind, period)
                report = SpendingReport(
                    contract=contract,
                    station_id=contract.station_id,
                    service_year=contract.service_year,
                    period_kind=period_kind,
                    period=period,
                    months=MONTHS_IN_PERIOD[period_kind],
                    period_start=start,
                    period_end=end,
                    created_by=actor if getattr(actor, "pk", None) else None,
                )
                report.full_clean()
                report.save()
                result.created += 1
            else:
                # Bump the lock so an editor holding the old version is told, not overwritten.
                SpendingReport.objects.filter(pk=report.pk).update(version=F("version") + 1)
                report.refresh_from_db()
                result.updated += 1
            _write_lines(report, lines)
            report.save(update_fields=["total", "personnel", "updated_at"])
        audit.record(
            AuditAction.IMPORT,
            instance=contract,
            message=_("导入支出明细%(n)s行（新建%(c)s期，更新%(u)s期）")
            % {"n": result.rows, "c": result.created, "u": result.updated},
        )
    return result
