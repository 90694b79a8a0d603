"""Helpers shared by the services' writes: the optimistic lock and the catalogue in force."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from portal import versioning

STALE = (
    "保存失败：该%(what)s已被他人修改（您编辑的是第%(yours)s次修改，当前为第%(current)s次）。"
    "请刷新页面，核对最新内容后再提交。"
)
VERSION_REQUIRED = "缺少修改序号（version），无法确认您编辑的是最新内容。"
NO_CATALOGUE = "%(on)s没有生效的服务目录版本，请联系市级业务人员。"
NO_POLICY = "%(on)s没有生效的服务政策参数，请联系市级管理员。"


def claim_version(obj, version, *, what: str = "") -> None:
    """The services' state changes need the version the user read: ``portal.versioning``'s
    lock with ``required=True`` (a stale one answers 409 naming who changed it and when)."""
    versioning.claim_version(obj, version, required=True)


def catalogue_on(on: date):
    from services.models import CatalogueVersion

    version = (
        CatalogueVersion.objects.filter(effective_from__lte=on).order_by("-effective_from").first()
    )
    if version is None:
        raise ValidationError(_(NO_CATALOGUE) % {"on": on.isoformat()})
    return version


def policy_on(on: date):
    from services.models import ServicePolicy

    policy = (
        ServicePolicy.objects.filter(effective_from__lte=on).order_by("-effective_from").first()
    )
    if policy is None:
        raise ValidationError(_(NO_POLICY) % {"on": on.isoformat()})
    return policy
