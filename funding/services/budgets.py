"""Budgets: prepare, submit (personnel floor), approve or return, revise."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils.translation import gettext as _

from funding.choices import EDITABLE_STATUSES, OPEN_BUDGET_STATUSES, BudgetCategory, BudgetStatus
from funding.models import APPROVE, Budget, BudgetLine
from funding.rules import LINES_DO_NOT_ADD_UP, floor_message, money, personnel_floor_check
from funding.services.common import (
    claim_version,
    clean_lines,
    contract_open_for_budget,
    decision_notify,
    policy_for_year,
    totals,
)
from portal import clock
from portal.errors import Conflict
from portal.scoping import CHANGE, as_user, ensure_may, ensure_may_add
from stations.rules import fee_problem

BUDGET_LOCKED = "该预算状态为「%(status)s」，已锁定，不能修改。如需调整，请在批准后提交修订版本。"
BUDGET_OPEN_EXISTS = (
    "合同 %(code)s 已有一个未批准的预算版本（第%(rev)s版，%(status)s），请在该版本上修改。"
)
BUDGET_APPROVED_EXISTS = "合同 %(code)s 已有批准的预算，请使用「提交修订」生成新版本。"
NOT_SUBMITTED = "只有「已提交待审核」的预算才能审核，当前状态为「%(status)s」。"
ONLY_APPROVED_REVISED = "只有已批准的预算才能修订，当前状态为「%(status)s」。"
RETURN_REASON_REQUIRED = "退回时必须填写原因。"
WHAT = "预算"
APPROVED_TITLE = "%(station)s %(year)s年度预算（第%(rev)s版）已批准"
RETURNED_TITLE = "%(station)s %(year)s年度预算（第%(rev)s版）被退回"
RETURNED_BODY = "退回原因：%(reason)s。请修改后重新提交。"


def _check_adds_up(lines: list[dict], fee) -> None:
    total, _personnel = totals(lines)
    if total != fee:
        raise ValidationError(
            {
                "lines": [
                    _(LINES_DO_NOT_ADD_UP)
                    % {"total": money(total), "fee": money(fee), "diff": money(total - fee)}
                ]
            }
        )


def _write_lines(budget: Budget, lines: list[dict]) -> None:
    budget.lines.all().delete()
    objs = [BudgetLine(budget=budget, **line) for line in lines]
    for obj in objs:
        obj.full_clean(exclude=["budget"])
    BudgetLine.objects.bulk_create(objs)
    budget.total, budget.personnel = totals(lines)


def _full_lines(lines: Iterable[Mapping[str, Any]]) -> list[dict]:
    """Every category present (missing ones at 0.00), so a budget always shows all seven."""
    cleaned = clean_lines(lines)
    present = {line["category"] for line in cleaned}
    from decimal import Decimal

    for category in BudgetCategory:
        if category.value not in present:
            cleaned.append({"category": category.value, "amount": Decimal("0.00"), "note": ""})
    from funding.choices import CATEGORY_ORDER

    cleaned.sort(key=lambda line: CATEGORY_ORDER.index(line["category"]))
    return cleaned


def budget_create(*, actor, contract, lines: Iterable[Mapping[str, Any]], note: str = "") -> Budget:
    """A first (or next, after a rejection was withdrawn) draft budget for a contract."""
    ensure_may_add(actor, Budget, station=contract.station)
    contract_open_for_budget(contract)
    cleaned = _full_lines(lines)
    _check_adds_up(cleaned, contract.annual_fee)
    with transaction.atomic():
        existing = list(Budget.objects.select_for_update().filter(contract=contract))
        open_ = [b for b in existing if b.status in OPEN_BUDGET_STATUSES]
        if open_:
            raise Conflict(
                _(BUDGET_OPEN_EXISTS)
                % {
                    "code": contract.code,
                    "rev": open_[0].revision,
                    "status": open_[0].get_status_display(),
                }
            )
        if any(b.status == BudgetStatus.APPROVED for b in existing):
            raise Conflict(_(BUDGET_APPROVED_EXISTS) % {"code": contract.code})
        budget = Budget(
            contract=contract,
            station_id=contract.station_id,
            service_year=contract.service_year,
            fee=contract.annual_fee,
            revision=max((b.revision for b in existing), default=0) + 1,
            note=note,
            created_by=actor if getattr(actor, "pk", None) else None,
        )
        budget.full_clean()
        budget.save()
        _write_lines(budget, cleaned)
        budget.save(update_fields=["total", "personnel", "updated_at"])
    return budget


def budget_update(
    *, actor, budget: Budget, version, lines: Iterable[Mapping[str, Any]], note: str | None = None
) -> Budget:
    """Replace a draft or returned budget's lines; a stale ``version`` answers 409."""
    ensure_may(actor, CHANGE, budget)
    if budget.status not in EDITABLE_STATUSES:
        raise Conflict(_(BUDGET_LOCKED) % {"status": budget.get_status_display()})
    cleaned = _full_lines(lines)
    _check_adds_up(cleaned, budget.fee)
    with transaction.atomic():
        claim_version(budget, version, what=_(WHAT))
        _write_lines(budget, cleaned)
        if note is not None:
            budget.note = note
        budget.full_clean()
        budget.save()
    return budget


def budget_check(budget: Budget):
    """The personnel-floor verdict of a budget under its service year's policy."""
    policy = policy_for_year(budget.service_year)
    check = personnel_floor_check(
        personnel=budget.personnel, fee=budget.fee, floor_percent=policy.personnel_floor_percent
    )
    return policy, check


def budget_submit(*, actor, budget: Budget, version) -> Budget:
    """Submit for approval: the fee is positive, the lines add up to it and personnel meets
    the floor.

    A failing budget changes nothing; the message gives share, floor and shortfall in yuan.
    A fee of 0 (the contract form refuses it, an ORM write or an import may not) would pass
    the floor on any personnel figure, so it is refused with the contract form's own rule
    and message (``stations.rules.fee_problem``).
    """
    ensure_may(actor, CHANGE, budget)
    if budget.status not in EDITABLE_STATUSES:
        raise Conflict(_(BUDGET_LOCKED) % {"status": budget.get_status_display()})
    problem = fee_problem(budget.fee)
    if problem:
        raise ValidationError({"fee": [problem]})
    lines = list(budget.lines.values("category", "amount", "note"))
    _check_adds_up(lines, budget.fee)
    policy, check = budget_check(budget)
    if not check.passed:
        raise ValidationError({"lines": [floor_message(check, policy_name=policy.name)]})
    with transaction.atomic():
        claim_version(budget, version, what=_(WHAT))
        budget.status = BudgetStatus.SUBMITTED
        budget.policy_version = policy
        budget.floor_percent = policy.personnel_floor_percent
        budget.checked_share = check.share
        budget.submitted_at = clock.now()
        budget.submitted_by = as_user(actor)
        budget.return_reason = ""
        budget.full_clean()
        budget.save()
    _refresh_year(budget)
    return budget


def budget_approve(*, actor, budget: Budget, version) -> Budget:
    """The district approves: the budget is locked and replaces any earlier approved one."""
    ensure_may(actor, APPROVE, budget)
    if budget.status != BudgetStatus.SUBMITTED:
        raise Conflict(_(NOT_SUBMITTED) % {"status": budget.get_status_display()})
    with transaction.atomic():
        claim_version(budget, version, what=_(WHAT))
        for older in (
            Budget.objects.select_for_update()
            .filter(contract_id=budget.contract_id, status=BudgetStatus.APPROVED)
            .exclude(pk=budget.pk)
        ):
            older.status = BudgetStatus.SUPERSEDED
            older.save(update_fields=["status", "updated_at"])
        budget.status = BudgetStatus.APPROVED
        budget.decided_at = clock.now()
        budget.decided_by = as_user(actor)
        budget.save()
        _notify(budget, _(APPROVED_TITLE), "")
    _refresh_year(budget)
    return budget


def budget_return(*, actor, budget: Budget, version, reason: str) -> Budget:
    """The district returns a submitted budget to the station with a reason."""
    ensure_may(actor, APPROVE, budget)
    if not (reason or "").strip():
        raise ValidationError({"reason": _(RETURN_REASON_REQUIRED)})
    if budget.status != BudgetStatus.SUBMITTED:
        raise Conflict(_(NOT_SUBMITTED) % {"status": budget.get_status_display()})
    with transaction.atomic():
        claim_version(budget, version, what=_(WHAT))
        budget.status = BudgetStatus.RETURNED
        budget.return_reason = reason.strip()
        budget.decided_at = clock.now()
        budget.decided_by = as_user(actor)
        budget.save()
        _notify(budget, _(RETURNED_TITLE), _(RETURNED_BODY) % {"reason": budget.return_reason})
    _refresh_year(budget)
    return budget


def _notify(budget: Budget, title: str, body: str) -> None:
    """The station side hears the district's decision (inbox; e-mail where configured)."""
    decision_notify(
        budget,
        title=title
        % {"station": budget.station.name, "year": budget.service_year, "rev": budget.revision},
        body=body,
        url=reverse("funding:budget_detail", args=[budget.pk]),
        kind="funding_budget_decision",
    )


def budget_revise(*, actor, budget: Budget) -> Budget:
    """Start a revision of an approved budget: a new draft version copying its lines.

    The approved version stays in force (and locked) until the revision is approved.
    """
    ensure_may(actor, CHANGE, budget)
    if budget.status != BudgetStatus.APPROVED:
        raise Conflict(_(ONLY_APPROVED_REVISED) % {"status": budget.get_status_display()})
    with transaction.atomic():
        existing = Budget.objects.select_for_update().filter(contract_id=budget.contract_id)
        open_ = existing.filter(status__in=OPEN_BUDGET_STATUSES).first()
        if open_ is not None:
            raise Conflict(
                _(BUDGET_OPEN_EXISTS)
                % {
                    "code": budget.contract.code,
                    "rev": open_.revision,
                    "status": open_.get_status_display(),
                }
            )
        top = existing.aggregate(top=Max("revision"))["top"] or 0
        revision = Budget(
            contract_id=budget.contract_id,
            station_id=budget.station_id,
            service_year=budget.service_year,
            fee=budget.fee,
            revision=top + 1,
            supersedes=budget,
            note=budget.note,
            created_by=actor if getattr(actor, "pk", None) else None,
        )
        revision.full_clean()
        revision.save()
        _write_lines(revision, list(budget.lines.values("category", "amount", "note")))
        revision.save(update_fields=["total", "personnel", "updated_at"])
    return revision


def _refresh_year(budget: Budget) -> None:
    from funding.services.years import funding_year_refresh

    funding_year_refresh(contract=budget.contract)
