"""Helpers shared by the services' writes: the optimistic lock and the catalogue in force."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db.models import F
from django.utils.translation import gettext as _

from portal.errors import Conflict

STALE = (
    "保存失败：该%(what)s已被他人修改（您编辑的是第%(yours)s次修改，当前为第%(current)s次）。"
    "请刷新页面，核对最新内容后再提交。"
)
VERSION_REQUIRED = "缺少修改序号（version），无法确认您编辑的是最新内容。"
NO_CATALOGUE = "%(on)s没有生效的服务目录版本，请联系市级业务人员。"
NO_POLICY = "%(on)s没有生效的服务政策参数，请联系市级管理员。"


def claim_version(obj, version, *, what: str) -> None:
    """Bump ``obj.version`` only if it is still ``version`` (one conditional UPDATE), or 409."""
    if version in (None, ""):
        raise ValidationError({"version": _(VERSION_REQUIRED)})
    try:
        version = int(version)
    except (TypeError, ValueError) as exc:
        raise ValidationError({"version": _(VERSION_REQUIRED)}) from exc
    model = type(obj)
    claimed = model.objects.filter(pk=obj.pk, version=version).update(version=F("version") + 1)
    if not claimed:
        current = model.objects.filter(pk=obj.pk).values_list("version", flat=True).first()
        raise Conflict(_(STALE) % {"what": what, "yours": version, "current": current})
    obj.version = version + 1


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
