"""Social resources: donations, community funds, in-kind gifts and time-bank hours."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from funding.choices import ResourceKind
from funding.models import SocialResource
from funding.rules import money_problem
from portal.scoping import CHANGE, DELETE, ensure_may, ensure_may_add

HOURS_REQUIRED = "时间银行登记志愿服务时数（1小时=1积分），不填金额。"
AMOUNT_REQUIRED = "捐赠、社区基金和物资捐赠须登记金额（物资按折价），不填时数。"
HOURS_TOO_PRECISE = "时数最多保留两位小数。"
FIELDS = {"kind", "received_on", "amount", "hours", "source", "description"}


def _clean_measure(kind: str, amount: Decimal | None, hours: Decimal | None) -> None:
    if kind == ResourceKind.TIME_BANK:
        if amount not in (None, "") or hours in (None, "") or Decimal(hours) <= 0:
            raise ValidationError({"hours": _(HOURS_REQUIRED)})
        if Decimal(hours) != Decimal(hours).quantize(Decimal("0.01")):
            raise ValidationError({"hours": _(HOURS_TOO_PRECISE)})
        return
    if hours not in (None, "") or amount in (None, "") or Decimal(amount) <= 0:
        raise ValidationError({"amount": _(AMOUNT_REQUIRED)})
    problem = money_problem(amount)
    if problem:
        raise ValidationError({"amount": _(problem)})


def social_resource_create(
    *,
    actor,
    station,
    kind: str,
    received_on: date,
    amount: Decimal | None = None,
    hours: Decimal | None = None,
    source: str = "",
    description: str = "",
) -> SocialResource:
    ensure_may_add(actor, SocialResource, station=station)
    _clean_measure(kind, amount, hours)
    resource = SocialResource(
        station=station,
        kind=kind,
        received_on=received_on,
        service_year=received_on.year,
        amount=amount,
        hours=hours,
        source=source,
        description=description,
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    resource.full_clean()
    resource.save()
    return resource


def social_resource_update(*, actor, resource: SocialResource, **fields) -> SocialResource:
    unknown = set(fields) - FIELDS
    if unknown:
        raise TypeError(f"unknown fields: {', '.join(sorted(unknown))}")
    ensure_may(actor, CHANGE, resource)
    for key, value in fields.items():
        setattr(resource, key, value)
    _clean_measure(resource.kind, resource.amount, resource.hours)
    resource.service_year = resource.received_on.year
    resource.full_clean()
    resource.save()
    return resource


def social_resource_delete(*, actor, resource: SocialResource) -> None:
    ensure_may(actor, DELETE, resource)
    resource.delete()
