"""Writes on policy versions (DESIGN.md section 4).

A version judges budgets, cycles and contracts from its effective date on, and results record
which version judged them. Changing a version already in force would silently re-judge past
decisions, so a version is frozen from its effective date: a change is a new version.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.forms.models import model_to_dict
from django.utils.translation import gettext as _

from portal import clock
from portal.choices import DeadlineKind
from portal.errors import Conflict
from portal.models import DeadlineLadder, PolicyVersion, User
from portal.rules import AFTER_FIELDS
from portal.scoping import CHANGE, ensure_may, ensure_may_add

FROZEN = "已生效的政策参数版本不可修改，请新建版本"
UNKNOWN_KIND = "没有这种期限类型：%(kind)s。"
LADDER_FIELDS = ["remind_before_days", *AFTER_FIELDS, "source"]
NOT_IN_FUTURE = "新版本的生效日期必须晚于今天（%(today)s）。"

# Everything a version holds except its identity and bookkeeping.
NOT_EDITABLE = {"id", "created_at", "updated_at"}


def policy_fields() -> list[str]:
    return [
        f.name
        for f in PolicyVersion._meta.concrete_fields
        if f.name not in NOT_EDITABLE and f.editable
    ]


def policy_version_initial(source: PolicyVersion | None) -> dict[str, Any]:
    """Values for a new version, copied from ``source`` (the one in force) without its date."""
    if source is None:
        return {}
    data = model_to_dict(source, fields=policy_fields())
    data.pop("effective_from", None)
    data["name"] = ""
    return data


def is_frozen(version: PolicyVersion, today=None) -> bool:
    today = today or clock.today()
    return version.effective_from <= today


def _check_future(version: PolicyVersion) -> None:
    today = clock.today()
    if version.effective_from is not None and version.effective_from <= today:
        raise ValidationError({"effective_from": _(NOT_IN_FUTURE) % {"today": today.isoformat()}})


def _assign(version: PolicyVersion, fields: dict[str, Any]) -> None:
    allowed = set(policy_fields())
    unknown = set(fields) - allowed
    if unknown:
        raise TypeError(f"not policy fields: {sorted(unknown)}")
    for name, value in fields.items():
        setattr(version, name, value)


@transaction.atomic
def policy_version_create(*, actor: User | None, **fields: Any) -> PolicyVersion:
    """A new version taking effect on a future date. Unset thresholds take the model defaults."""
    ensure_may_add(actor, PolicyVersion)
    version = PolicyVersion()
    _assign(version, fields)
    _check_future(version)
    version.full_clean()
    version.save()
    # The new version starts with the ladders in force before it, as its own rows: a version
    # states every rule it judges by, and editing it later changes no other version.
    from portal.selectors import ladders_of_version

    for kind, ladder in ladders_of_version(version).items():
        DeadlineLadder.objects.create(
            policy=version, kind=kind, **{f: getattr(ladder, f) for f in LADDER_FIELDS}
        )
    return version


@transaction.atomic
def policy_version_update(
    *, actor: User | None, version: PolicyVersion, **fields: Any
) -> PolicyVersion:
    """Change a version that is not yet in force; one in force or past answers Conflict."""
    ensure_may(actor, CHANGE, version)
    # Judge by the stored date under a row lock, not by what the caller sends or last read.
    stored = PolicyVersion.objects.select_for_update().get(pk=version.pk)
    if is_frozen(stored):
        raise Conflict(_(FROZEN))
    _assign(version, fields)
    _check_future(version)
    version.full_clean()
    version.save()
    return version


@transaction.atomic
def deadline_ladder_save(
    *, actor: User | None, version: PolicyVersion, kind: str, **fields: Any
) -> DeadlineLadder:
    """Set the reminder and escalation ladder of ``kind`` under a version not yet in force
    (the rule of ``policy_version_update``: one in force or past answers Conflict)."""
    ensure_may(actor, CHANGE, version)
    stored = PolicyVersion.objects.select_for_update().get(pk=version.pk)
    if is_frozen(stored):
        raise Conflict(_(FROZEN))
    if kind not in DeadlineKind.values:
        raise ValidationError({"kind": _(UNKNOWN_KIND) % {"kind": kind}})
    unknown = set(fields) - set(LADDER_FIELDS)
    if unknown:
        raise TypeError(f"not ladder fields: {sorted(unknown)}")
    ladder = DeadlineLadder.objects.filter(policy=stored, kind=kind).first()
    if ladder is None:
        ladder = DeadlineLadder(policy=stored, kind=kind)
    for name, value in fields.items():
        setattr(ladder, name, value)
    if ladder.remind_before_days:
        ladder.remind_before_days = sorted(set(ladder.remind_before_days), reverse=True)
    ladder.full_clean()
    ladder.save()
    return ladder
