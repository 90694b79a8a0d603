"""The service catalogue: the city officer edits words and flags; a used version is frozen."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils.translation import gettext as _

from portal import clock
from portal.errors import Conflict
from portal.scoping import CHANGE, is_system, roles_allowed
from services.models import CatalogueVersion, ServiceField, ServiceKind, TargetGroup, Tier

FROZEN = (
    "服务目录版本「%(name)s」已被服务记录使用，已冻结，不能修改（已上报的数据须保持原意）。"
    "请新建一个从以后某日起生效的版本再修改。"
)
NAME_REQUIRED = "名称不能为空。"
NEW_VERSION_NOT_FUTURE = "新版本的生效日期必须晚于今天（%(today)s）：已发生的服务按原版本统计。"
NEW_VERSION_EXISTS = "%(on)s已有一个服务目录版本。"
MAX_PERSON_TIMES_BAD = "单条记录人次上限必须是正整数。"
MAX_HOURS_BAD = "单条记录时长上限必须在0.25至24小时之间。"

ITEM_MODELS = {"tier": Tier, "field": ServiceField, "group": TargetGroup, "kind": ServiceKind}


def _ensure_editor(actor, model) -> None:
    if not is_system(actor) and not roles_allowed(actor, model, CHANGE):
        raise PermissionDenied


def catalogue_item_update(*, actor, item, values: dict[str, Any]):
    """Change one item's words (and flags or limits) while its version is not frozen."""
    _ensure_editor(actor, type(item))
    with transaction.atomic():
        version = CatalogueVersion.objects.select_for_update().get(pk=item.version_id)
        if version.frozen_at is not None:
            raise Conflict(_(FROZEN) % {"name": version.name})
        name = str(values.get("name", item.name)).strip()
        if not name:
            raise ValidationError({"name": _(NAME_REQUIRED)})
        item.name = name[:80]
        if "note" in values:
            item.note = str(values["note"] or "").strip()[:300]
        if isinstance(item, TargetGroup):
            for flag in ("basic_guarantee", "sensitive"):
                if flag in values:
                    setattr(item, flag, bool(values[flag]))
        if isinstance(item, ServiceField) and "sensitive" in values:
            item.sensitive = bool(values["sensitive"])
        if isinstance(item, ServiceKind):
            if "max_person_times" in values:
                try:
                    item.max_person_times = int(values["max_person_times"])
                except (TypeError, ValueError):
                    raise ValidationError({"max_person_times": _(MAX_PERSON_TIMES_BAD)}) from None
                if item.max_person_times < 1:
                    raise ValidationError({"max_person_times": _(MAX_PERSON_TIMES_BAD)})
            if "max_hours" in values:
                try:
                    item.max_hours = Decimal(str(values["max_hours"]))
                except (InvalidOperation, ValueError):
                    raise ValidationError({"max_hours": _(MAX_HOURS_BAD)}) from None
                if not (Decimal("0.25") <= item.max_hours <= Decimal("24")):
                    raise ValidationError({"max_hours": _(MAX_HOURS_BAD)})
        item.full_clean(exclude=["version", "parent", "tier"])
        item.save()
    return item


def catalogue_version_create(*, actor, effective_from: date, name: str) -> CatalogueVersion:
    """A new version from ``effective_from`` (after today), copying the latest one."""
    _ensure_editor(actor, CatalogueVersion)
    today = clock.today()
    if effective_from <= today:
        raise ValidationError(
            {"effective_from": _(NEW_VERSION_NOT_FUTURE) % {"today": today.isoformat()}}
        )
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _(NAME_REQUIRED)})
    source = CatalogueVersion.objects.order_by("-effective_from").first()
    try:
        with transaction.atomic():
            version = CatalogueVersion.objects.create(
                name=name[:120],
                effective_from=effective_from,
                source=source.source if source else "",
            )
            if source is not None:
                _copy_items(source, version)
    except IntegrityError:
        raise ValidationError(
            {"effective_from": _(NEW_VERSION_EXISTS) % {"on": effective_from.isoformat()}}
        ) from None
    return version


def _copy_items(source: CatalogueVersion, target: CatalogueVersion) -> None:
    tiers = {}
    for tier in source.tiers.all():
        old = tier.pk
        tier.pk, tier.version = None, target
        tier.save()
        tiers[old] = tier
    for item in source.fields.all():
        item.pk, item.version = None, target
        item.tier = tiers.get(item.tier_id)
        item.save()
    groups = {}
    for group in source.target_groups.order_by(F("parent_id").asc(nulls_first=True), "order", "pk"):
        old, parent = group.pk, group.parent_id
        group.pk, group.version = None, target
        group.parent = groups.get(parent)
        group.save()
        groups[old] = group
    for kind in source.kinds.all():
        kind.pk, kind.version = None, target
        kind.save()


def freeze(version: CatalogueVersion) -> None:
    """Freeze a version the first time a record uses it (idempotent, one UPDATE)."""
    if version.frozen_at is None:
        CatalogueVersion.objects.filter(pk=version.pk, frozen_at__isnull=True).update(
            frozen_at=clock.now()
        )
