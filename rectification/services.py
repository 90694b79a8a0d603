"""Writes and state transitions of the rectification app: one mechanism for every source.

``rectification_order_open`` opens an order from an evaluation or another source; the
inspections app opens the orders of a signed-off visit's findings through ``order_create``.
``rectification_respond`` (the station side) and ``rectification_verify`` (district, inspector
or city) move an order along; ``rectification_escalate_overdue`` (daily) raises late orders.
Every service takes ``actor`` first (``None`` is the system), re-checks scope and validates
before it writes. Error messages are module constants tests can match.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from portal import clock
from portal import rules as deadlines
from portal.choices import CITY_ROLES, DeadlineKind, Role
from portal.errors import Conflict
from portal.models import User
from portal.scoping import CHANGE, VIEW, ensure_may, ensure_may_add, roles_allowed
from portal.selectors import ladder_in_force, policy_in_force, users_responsible_for
from portal.services.notifications import notification_post
from portal.uploads import EVIDENCE_TYPES, check_upload
from rectification import rules, selectors, sources
from rectification.choices import EscalationLevel, OrderEventKind, OrderStatus, Severity, SourceKind
from rectification.models import (
    RectificationEvent,
    RectificationEvidence,
    RectificationOrder,
    RectificationResponse,
)
from stations.models import Station
from stations.selectors import operator_on

ORDER_NOT_ANSWERED = "整改单尚未反馈整改情况，不能核验。"
ORDER_CLOSED = "整改单已验收关闭，不能再修改。"
ORDER_NOT_AWAITING = "整改单当前状态为“%(status)s”，不能提交整改反馈。"
REJECT_NEEDS_REASON = "退回整改须填写退回原因。"
RESPONSE_EMPTY = "请填写整改情况。"
NOT_A_VERIFIER = "只有区民政局人员、督查人员或市级人员可以核验整改。"
NOT_A_RESPONDER = "只有社工站站长、承接机构管理员或市级人员可以提交整改反馈。"
FINDING_SOURCE = "督查发现问题的整改单由签署督查记录时自动生成。"
SOURCE_REF_REQUIRED = "请填写来源编号（如评估编号）。"
BAD_SEVERITY = "问题等级“%(value)s”无效。"


def _now():
    return clock.now()


def _today():
    return clock.today()


def _event(order, kind, from_status, actor, note=""):
    RectificationEvent.objects.create(
        order=order,
        kind=kind,
        from_status=from_status or "",
        to_status=order.status,
        actor=actor,
        note=note,
    )


def order_create(
    *,
    actor,
    station: Station,
    source_kind: str,
    source_ref: str,
    severity: str,
    title: str,
    description: str = "",
    area: str = "",
    finding=None,
    is_repeat: bool = False,
    institution=None,
    opened_on: dt.date | None = None,
    due_on: dt.date | None = None,
) -> RectificationOrder:
    opened_on = opened_on or _today()
    if severity not in Severity.values:
        raise ValidationError({"severity": _(BAD_SEVERITY) % {"value": severity}})
    policy = policy_in_force(opened_on)
    due_on = due_on or rules.due_date(opened_on, policy.rectification_days_for(severity))
    if institution is None:
        institution = operator_on(station_id=station.pk, on=opened_on)
    if finding is None and source_kind == SourceKind.INSPECTION_FINDING:
        raise ValidationError({"source_kind": _(FINDING_SOURCE)})
    order = RectificationOrder(
        source_kind=source_kind,
        finding=finding,
        source_ref=source_ref[:80],
        station=station,
        institution=institution,
        severity=severity,
        area=area or "",
        title=title,
        description=description,
        opened_on=opened_on,
        due_on=due_on,
        policy_version=policy,
        is_repeat=is_repeat,
        opened_by=actor,
    )
    order.full_clean()
    with transaction.atomic():
        order.save()
        _event(
            order,
            OrderEventKind.OPENED,
            "",
            actor,
            _("整改期限%(due)s（%(policy)s）") % {"due": due_on.isoformat(), "policy": policy},
        )
    station_id = station.pk
    # In the same transaction (the outbox): nothing is enqueued from a request.
    _notify_station_side(order.pk, station_id)
    return order


def rectification_order_open(
    *,
    actor,
    station: Station,
    source_kind: str,
    source_ref: str,
    severity: str,
    title: str,
    description: str = "",
    area: str = "",
    opened_on: dt.date | None = None,
    due_on: dt.date | None = None,
) -> RectificationOrder:
    """Open an order from an evaluation (``source_kind="evaluation"``) or another source.

    Orders from inspection findings are opened by ``inspection_sign_off``. The due date
    defaults to the policy's deadline for the severity (``PolicyVersion.rectification_days_for``).
    Evaluations call this with ``source_ref`` naming the evaluation (``evaluation:123``).
    """
    if actor is not None:
        ensure_may_add(actor, RectificationOrder, station=station)
    if source_kind == SourceKind.INSPECTION_FINDING:
        raise ValidationError({"source_kind": _(FINDING_SOURCE)})
    if source_kind not in SourceKind.values:
        raise ValidationError({"source_kind": _("来源“%(v)s”无效。") % {"v": source_kind}})
    if not source_ref.strip():
        raise ValidationError({"source_ref": _(SOURCE_REF_REQUIRED)})
    return order_create(
        actor=actor,
        station=station,
        source_kind=source_kind,
        source_ref=source_ref.strip(),
        severity=severity,
        title=title,
        description=description,
        area=area,
        opened_on=opened_on,
        due_on=due_on,
    )


def _responder(actor, order) -> None:
    if actor is None:
        return
    ensure_may(actor, VIEW, order)
    roles = roles_allowed(actor, RectificationResponse, "add")
    if not roles & {Role.STATION_MANAGER, Role.INSTITUTION_ADMIN, *CITY_ROLES}:
        raise PermissionDenied(_(NOT_A_RESPONDER))


def _verifier(actor, order) -> None:
    if actor is None:
        return
    ensure_may(actor, VIEW, order)
    roles = roles_allowed(actor, RectificationOrder, CHANGE)
    if not roles & {Role.DISTRICT_OFFICER, Role.INSPECTOR, *CITY_ROLES}:
        raise PermissionDenied(_(NOT_A_VERIFIER))


def rectification_respond(
    *, actor, order: RectificationOrder, text: str, files: Sequence = ()
) -> RectificationResponse:
    """The station answers with what it did and evidence; the order waits for verification."""
    _responder(actor, order)
    if order.status == OrderStatus.CLOSED:
        raise Conflict(_(ORDER_CLOSED))
    if not rules.can_respond(order.status):
        raise ValidationError(_(ORDER_NOT_AWAITING) % {"status": order.get_status_display()})
    if not (text or "").strip():
        raise ValidationError({"text": _(RESPONSE_EMPTY)})
    settings = sources.settings_in_force()
    types = [check_upload(f, allowed=EVIDENCE_TYPES, max_mb=settings.photo_max_mb) for f in files]
    with transaction.atomic():
        locked = RectificationOrder.objects.select_for_update().get(pk=order.pk)
        if not rules.can_respond(locked.status):
            raise Conflict(_(ORDER_NOT_AWAITING) % {"status": locked.get_status_display()})
        response = RectificationResponse.objects.create(
            order=order, text=text.strip(), responded_by=actor
        )
        for upload, content_type in zip(files, types, strict=True):
            RectificationEvidence.objects.create(
                response=response,
                order=order,
                file=upload,
                content_type=content_type,
                size=upload.size,
                name=(getattr(upload, "name", "") or "")[:200],
            )
        before = order.status
        order.status = OrderStatus.ANSWERED
        order.save()
        _event(order, OrderEventKind.ANSWERED, before, actor)
    return response


def rectification_verify(
    *, actor, order: RectificationOrder, accept: bool, reason: str = ""
) -> RectificationOrder:
    """Accept (closes the order) or reject with a reason (sends it back to the station)."""
    _verifier(actor, order)
    if order.status == OrderStatus.CLOSED:
        raise Conflict(_(ORDER_CLOSED))
    if not rules.can_verify(order.status):
        raise ValidationError(_(ORDER_NOT_ANSWERED))
    if not accept and not (reason or "").strip():
        raise ValidationError({"reason": _(REJECT_NEEDS_REASON)})
    with transaction.atomic():
        locked = RectificationOrder.objects.select_for_update().get(pk=order.pk)
        if not rules.can_verify(locked.status):
            raise Conflict(_(ORDER_NOT_ANSWERED))
        before = order.status
        if accept:
            order.status = OrderStatus.CLOSED
            order.closed_at = _now()
            kind = OrderEventKind.ACCEPTED
        else:
            order.status = OrderStatus.REOPENED
            kind = OrderEventKind.REJECTED
        order.save()
        _event(order, kind, before, actor, (reason or "").strip())
    if not accept:
        order_id, station_id = order.pk, order.station_id
        _notify_station_side(order_id, station_id, rejected=True)
    return order


def _station_side_users(station_id: int) -> list[User]:
    """The station's current managers and the admins of the institution running it today."""
    return users_responsible_for(
        [station_id], [Role.STATION_MANAGER, Role.INSTITUTION_ADMIN], _today()
    )[station_id]


def _notify_station_side(order_id: int, station_id: int, rejected: bool = False) -> None:
    order = RectificationOrder.objects.get(pk=order_id)
    if rejected:
        title = _("整改被退回：%(title)s") % {"title": order.title}
        key = f"inspections:order:{order_id}:rejected:{order.events.count()}"
    else:
        title = _("整改通知：%(title)s（期限%(due)s）") % {
            "title": order.title,
            "due": order.due_on.isoformat(),
        }
        key = f"inspections:order:{order_id}:opened"
    notification_post(
        recipients=_station_side_users(station_id),
        title=title,
        url=reverse("rectification:order_detail", args=[order_id]),
        kind="rectification",
        dedupe_key=key,
    )


LEVEL_ROLES = {
    EscalationLevel.STATION: Role.STATION_MANAGER,
    EscalationLevel.INSTITUTION: Role.INSTITUTION_ADMIN,
    EscalationLevel.DISTRICT: Role.DISTRICT_OFFICER,
}


def _recipients_for_level(order: RectificationOrder, level: int, on: dt.date) -> list[User]:
    """Who hears of an order raised to ``level``: those answering for its station on ``on``
    through that level's role (the city's officers at the top)."""
    role = LEVEL_ROLES.get(level, Role.CITY_OFFICER)
    # The institution the order was issued to answers for it, even once its contract ended.
    institutions = {order.station_id: {order.institution_id}} if order.institution_id else None
    return users_responsible_for([order.station_id], [role], on, institutions=institutions)[
        order.station_id
    ]


def rectification_escalate_overdue(*, today: dt.date | None = None) -> int:
    """Daily: raise each overdue order to the level its lateness reaches and tell that level
    (station, institution, district, city); each level hears once (dedupe key)."""
    today = today or _today()
    # The one deadline ladder of the policy in force (``DeadlineKind.RECTIFICATION``).
    ladder = ladder_in_force(DeadlineKind.RECTIFICATION, today).as_rule()
    raised = 0
    for order in selectors.overdue_orders(today=today).select_related("station"):
        level = deadlines.escalation_level((today - order.due_on).days, ladder)
        if level <= order.escalation_level:
            continue
        for step in range(order.escalation_level + 1, level + 1):
            notification_post(
                recipients=_recipients_for_level(order, step, today),
                title=_("整改逾期：%(station)s · %(title)s（期限%(due)s）")
                % {
                    "station": order.station.name,
                    "title": order.title,
                    "due": order.due_on.isoformat(),
                },
                url=reverse("rectification:order_detail", args=[order.pk]),
                kind="rectification_overdue",
                dedupe_key=f"inspections:order:{order.pk}:overdue:{step}",
            )
        before = order.status
        order.escalation_level = level
        order.save(update_fields=["escalation_level", "updated_at"])
        _event(
            order,
            OrderEventKind.ESCALATED,
            before,
            None,
            _("逾期升级至%(level)s") % {"level": EscalationLevel(level).label},
        )
        raised += 1
    return raised
