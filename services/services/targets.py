"""服务指标 (service targets) of a contract year, set by the purchaser or supervisor."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from portal.scoping import ensure_may, ensure_may_add
from services.models import ServiceTarget
from services.services.common import claim_version

TARGET_BAD = "「%(label)s」必须是不小于0的数字。"
FIELDS = {
    "direct_hours": "直接服务时长（小时）",
    "person_times": "服务人次",
    "cases": "个案数",
    "groups": "小组节数",
    "activities": "社区活动场次",
}


def _clean(values: dict[str, Any]) -> dict[str, Any]:
    clean, errors = {}, {}
    for key, label in FIELDS.items():
        raw = values.get(key, 0)
        try:
            value = Decimal(str(raw if raw not in (None, "") else 0))
            if not value.is_finite() or value < 0:
                raise InvalidOperation
            clean[key] = value.quantize(Decimal("0.01")) if key == "direct_hours" else int(value)
        except (InvalidOperation, ValueError):
            errors[key] = _(TARGET_BAD) % {"label": _(label)}
    if errors:
        raise ValidationError(errors)
    return clean


def target_set(*, actor, contract, values: dict[str, Any], version=None) -> ServiceTarget:
    """Create or change the targets of ``contract``'s service year."""
    clean = _clean(values)
    target = ServiceTarget.objects.filter(contract=contract).first()
    with transaction.atomic():
        if target is None:
            ensure_may_add(actor, ServiceTarget, station=contract.station)
            target = ServiceTarget(
                contract=contract, station=contract.station, service_year=contract.service_year
            )
        else:
            ensure_may(actor, "change", target)
            claim_version(target, version, what=_("服务指标"))
        for key, value in clean.items():
            setattr(target, key, value)
        target.save()
    return target
