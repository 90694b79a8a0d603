"""Audit trail: every create, change and delete of portal data, and every sign-in event.

Model changes are caught by signals for every model of the portal's own apps, so pages, API,
admin, imports and tasks are all covered by one mechanism. Bulk writes (imports, generators)
bypass signals and call ``record_bulk`` themselves.
"""

from __future__ import annotations

import datetime as dt
import decimal
import uuid
from collections.abc import Iterable
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.apps import apps
from django.db import models
from django.db.models.fields.files import FieldFile
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save

from portal import context
from portal.choices import AuditAction, AuditOutcome

AUDITED_APPS = {
    "portal",
    "stations",
    "evaluations",
    "inspections",
    "rectification",
    "talent",
    "funding",
    "services",
}
NOT_AUDITED = {
    "portal.auditevent",
    "portal.notification",
    "portal.outboxmessage",
    "portal.ratecounter",
    "portal.taskrun",
}
# Fields never copied into the trail (secrets, or noise).
ALWAYS_HIDDEN = {"password"}
IGNORED = {"last_login", "updated_at", "created_at"}
MASK = "***"


def _plain(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, FieldFile):
        return value.name or None
    if isinstance(value, bytes):
        return MASK
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def _hidden_fields(model: type[models.Model]) -> set[str]:
    return ALWAYS_HIDDEN | set(getattr(model, "audit_hidden_fields", ()))


def snapshot(instance: models.Model) -> dict[str, Any]:
    hidden = _hidden_fields(type(instance))
    ignored = IGNORED | set(getattr(type(instance), "audit_ignored_fields", ()))
    data = {}
    for f in instance._meta.concrete_fields:
        if f.name in ignored:
            continue
        value = getattr(instance, f.attname)
        data[f.name] = MASK if (f.name in hidden and value not in (None, "")) else _plain(value)
    return data


def _resolve(instance: models.Model, path: str | None) -> int | None:
    """Follow a scope path (``station__district``) on an instance to an id, or ``None``."""
    if not path:
        return None
    if path == "pk":
        return instance.pk
    obj: Any = instance
    parts = path.split("__")
    for i, part in enumerate(parts):
        if obj is None:
            return None
        last = i == len(parts) - 1
        if last:
            if part.endswith("_id"):
                return getattr(obj, part, None)
            try:
                field = obj._meta.get_field(part)
            except Exception:
                return getattr(obj, part, None)
            return getattr(obj, field.attname) if field.is_relation else getattr(obj, part)
        obj = getattr(obj, part, None)
    return None


def anchors(instance: models.Model) -> dict[str, int | None]:
    scope = getattr(type(instance), "scope", None)
    if scope is None:
        return {}
    custom = getattr(instance, "audit_anchors", None)
    if callable(custom):
        return custom()
    try:
        return {
            "station_id": _resolve(instance, scope.station),
            "subdistrict_id": _resolve(instance, scope.subdistrict),
            "district_id": _resolve(instance, scope.district),
            "institution_id": _resolve(instance, scope.institution),
        }
    except Exception:
        return {}


def _label(instance_or_model) -> str:
    return instance_or_model._meta.label_lower


def record(
    action: str,
    *,
    instance: models.Model | None = None,
    object_type: str = "",
    object_id: Any = "",
    object_repr: str = "",
    changes: dict | None = None,
    message: str = "",
    outcome: str = AuditOutcome.SUCCESS,
    actor_id: int | None = None,
    actor_name: str | None = None,
    extra_anchors: dict | None = None,
):
    """Write one audit row; who and from where come from the request context."""
    from portal.models import AuditEvent

    ctx = context.get()
    ctx_id, ctx_name = ctx.actor()
    row = AuditEvent(
        actor_id=actor_id if actor_id is not None else ctx_id,
        actor_name=(actor_name if actor_name is not None else ctx_name)[:150],
        action=action,
        outcome=outcome,
        object_type=_label(instance) if instance is not None else object_type,
        object_id=str(instance.pk if instance is not None else object_id)[:64],
        object_repr=(str(instance) if instance is not None else object_repr)[:200],
        changes=changes or {},
        message=message[:500],
        ip_address=ctx.ip_address,
        user_agent=ctx.user_agent[:300],
        request_id=ctx.request_id,
    )
    for key, value in (
        (anchors(instance) if instance is not None else {}) | (extra_anchors or {})
    ).items():
        setattr(row, key, value)
    row.save()
    return row


def record_bulk(action: str, instances: Iterable[models.Model], *, message: str = "") -> int:
    """One row per instance for bulk writes that bypass model signals (imports)."""
    from portal.models import AuditEvent

    ctx = context.get()
    ctx_id, ctx_name = ctx.actor()
    rows = []
    for instance in instances:
        row = AuditEvent(
            actor_id=ctx_id,
            actor_name=ctx_name[:150],
            action=action,
            object_type=_label(instance),
            object_id=str(instance.pk)[:64],
            object_repr=str(instance)[:200],
            changes=snapshot(instance) if action == AuditAction.CREATE else {},
            message=message[:500],
            ip_address=ctx.ip_address,
            user_agent=ctx.user_agent[:300],
            request_id=ctx.request_id,
        )
        for key, value in anchors(instance).items():
            setattr(row, key, value)
        rows.append(row)
    AuditEvent.objects.bulk_create(rows, batch_size=1000)
    return len(rows)


def history(instance: models.Model):
    """Audit rows of one object, newest first. Callers have already passed ``restrict``."""
    from portal.models import AuditEvent

    # A model that moved to another app keeps its older rows under its former label
    # (``audit_former_labels``): the trail is append-only, so they are read, not rewritten.
    labels = [_label(instance), *getattr(type(instance), "audit_former_labels", ())]
    return AuditEvent.objects.filter(object_type__in=labels, object_id=str(instance.pk))


# --- signal receivers ---------------------------------------------------------------------

_suspended: ContextVar[bool] = ContextVar("portal_audit_suspended", default=False)


@contextmanager
def suspended():
    """Write no model-change rows inside the block: for restoring reference data that
    migrations seed (tests), never for anything a user does."""
    token = _suspended.set(True)
    try:
        yield
    finally:
        _suspended.reset(token)


def _audited(sender) -> bool:
    if _suspended.get():
        return False
    meta = getattr(sender, "_meta", None)
    return (
        bool(meta)
        and meta.app_label in AUDITED_APPS
        and meta.label_lower not in NOT_AUDITED
        and not meta.auto_created
    )


def _pre_save(sender, instance, raw=False, **kwargs):
    if raw or not _audited(sender) or instance._state.adding or instance.pk is None:
        return
    old = sender._base_manager.filter(pk=instance.pk).first()
    instance._audit_before = snapshot(old) if old is not None else None


def _post_save(sender, instance, created, raw=False, update_fields=None, **kwargs):
    if raw or not _audited(sender):
        return
    after = snapshot(instance)
    if created:
        record(AuditAction.CREATE, instance=instance, changes=after)
        return
    before = getattr(instance, "_audit_before", None) or {}
    diff = {k: [before.get(k), v] for k, v in after.items() if before.get(k) != v}
    instance._audit_before = after
    if diff:
        record(AuditAction.UPDATE, instance=instance, changes=diff)


def _post_delete(sender, instance, **kwargs):
    if not _audited(sender):
        return
    record(AuditAction.DELETE, instance=instance, changes=snapshot(instance))


def _m2m_changed(sender, instance, action, pk_set, model, reverse=False, **kwargs):
    if action not in {"post_add", "post_remove", "post_clear"} or not _audited(type(instance)):
        return
    field = next(
        (f.name for f in instance._meta.many_to_many if f.remote_field.through is sender), "m2m"
    )
    verb = {"post_add": "added", "post_remove": "removed", "post_clear": "cleared"}[action]
    record(AuditAction.UPDATE, instance=instance, changes={field: {verb: sorted(pk_set or [])}})


def connect_model_signals() -> None:
    for model in apps.get_models():
        if _audited(model):
            uid = f"audit:{model._meta.label_lower}"
            pre_save.connect(_pre_save, sender=model, dispatch_uid=uid + ":pre")
            post_save.connect(_post_save, sender=model, dispatch_uid=uid + ":post")
            post_delete.connect(_post_delete, sender=model, dispatch_uid=uid + ":del")
    m2m_changed.connect(_m2m_changed, dispatch_uid="audit:m2m")
