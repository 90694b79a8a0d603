"""Helpers shared by the funding services: line validation, the optimistic lock, policy."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from funding.choices import CATEGORY_ORDER, PERSONNEL_CATEGORIES, BudgetCategory
from funding.rules import money_problem
from portal import clock, versioning
from portal.selectors import PolicyMissing, policy_for_service_year
from stations.choices import BINDING_CONTRACT_STATUSES

LINE_PROBLEM = "第%(n)s行「%(category)s」：%(problem)s"
LINE_BAD_CATEGORY = "第%(n)s行：科目「%(category)s」不是可选科目之一。"
LINE_DUPLICATE = "第%(n)s行：科目「%(category)s」重复，每个科目只能填一行。"
LINE_NOT_A_NUMBER = "第%(n)s行「%(category)s」：金额不是有效数字。"
NO_POLICY_FOR_YEAR = "%(year)s年度没有适用的政策参数版本，请联系市级管理员。"
CONTRACT_NOT_IN_FORCE = (
    "合同 %(code)s 状态为「%(status)s」或已于 %(ends)s 结束，不是在履行的合同，不能编制预算。"
)
CONTRACT_NOT_BINDING = "合同 %(code)s 状态为「%(status)s」，不能填报支出。"


def policy_for_year(year: int):
    try:
        return policy_for_service_year(year)
    except PolicyMissing as exc:
        raise ValidationError(_(NO_POLICY_FOR_YEAR) % {"year": year}) from exc


def clean_lines(lines: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Validate ``[{category, amount, note}]``: every problem listed, naming line and rule."""
    labels = dict(BudgetCategory.choices)
    errors: list[str] = []
    seen: set[str] = set()
    cleaned = []
    for n, line in enumerate(lines, start=1):
        category = str(line.get("category", "")).strip()
        label = str(labels.get(category, category))
        if category not in labels:
            errors.append(_(LINE_BAD_CATEGORY) % {"n": n, "category": category})
            continue
        if category in seen:
            errors.append(_(LINE_DUPLICATE) % {"n": n, "category": label})
            continue
        seen.add(category)
        raw = line.get("amount")
        try:
            amount = Decimal(str(raw).strip().replace(",", "")) if raw not in (None, "") else None
        except InvalidOperation:
            amount = None
        if amount is None or not amount.is_finite():
            errors.append(_(LINE_NOT_A_NUMBER) % {"n": n, "category": label})
            continue
        problem = money_problem(amount)
        if problem:
            errors.append(_(LINE_PROBLEM) % {"n": n, "category": label, "problem": _(problem)})
            continue
        cleaned.append(
            {
                "category": category,
                "amount": amount,
                "note": str(line.get("note") or "").strip()[:300],
            }
        )
    if errors:
        raise ValidationError({"lines": errors})
    cleaned.sort(key=lambda line: CATEGORY_ORDER.index(line["category"]))
    return cleaned


def totals(lines: Iterable[Mapping[str, Any]]) -> tuple[Decimal, Decimal]:
    """``(total, personnel)`` of cleaned lines, exact."""
    total = personnel = Decimal("0.00")
    for line in lines:
        total += line["amount"]
        if line["category"] in PERSONNEL_CATEGORIES:
            personnel += line["amount"]
    return total, personnel


def claim_version(obj, version, *, what: str = "") -> None:
    """Funding's state changes need the version the user read: ``portal.versioning``'s lock
    with ``required=True`` (a stale one answers 409 naming who changed it and when)."""
    versioning.claim_version(obj, version, required=True)


def contract_open_for_budget(contract, today: date | None = None) -> None:
    today = today or clock.today()
    if contract.status not in BINDING_CONTRACT_STATUSES or contract.ends_on < today:
        raise ValidationError(
            {
                "contract": _(CONTRACT_NOT_IN_FORCE)
                % {
                    "code": contract.code,
                    "status": contract.get_status_display(),
                    "ends": contract.ends_on.isoformat(),
                }
            }
        )


def contract_binding(contract) -> None:
    if contract.status not in BINDING_CONTRACT_STATUSES:
        raise ValidationError(
            {
                "contract": _(CONTRACT_NOT_BINDING)
                % {"code": contract.code, "status": contract.get_status_display()}
            }
        )


def decision_notify(obj, *, title: str, body: str, url: str, kind: str) -> None:
    """Tell the station side (its manager and the admins of the contract's institution) that
    its budget or report was decided: an inbox message, and e-mail where configured."""
    from portal.choices import Role
    from portal.selectors import users_responsible_for
    from portal.services.notifications import notification_post

    recipients = users_responsible_for(
        [obj.station_id],
        {Role.STATION_MANAGER, Role.INSTITUTION_ADMIN},
        institutions={obj.station_id: [obj.contract.institution_id]},
    )[obj.station_id]
    notification_post(recipients=recipients, title=title, body=body, url=url, kind=kind)
