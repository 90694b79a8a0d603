"""Account security: lockout release, second factor (TOTP), per-role requirements, API tokens."""

from __future__ import annotations

import base64
from datetime import datetime, timedelta

from axes.helpers import get_cool_off
from axes.models import AccessAttempt
from axes.utils import reset as axes_reset
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.authtoken.models import Token

from portal import audit, clock
from portal.choices import AuditAction, AuditOutcome, Role
from portal.models import RoleSecurity, User

# Who may enrol a second factor (issue 2: "City and district users can enrol a second factor").
SECOND_FACTOR_ROLES = frozenset({Role.CITY_ADMIN, Role.CITY_OFFICER, Role.DISTRICT_OFFICER})
TOTP_DEVICE_NAME = "portal"

ERR_NOT_CITY_ADMIN = gettext_lazy("只有市级管理员可以执行此操作。")
ERR_TOTP_NOT_ALLOWED = gettext_lazy("您的角色无需也不能启用双因素认证。")
ERR_TOTP_CODE = gettext_lazy("验证码不正确或已过期，请输入认证器应用当前显示的6位数字。")
ERR_TOTP_THROTTLED = gettext_lazy("验证码错误次数过多，请%(s)d秒后再试。")
ERR_TOTP_ROLE_NOT_ELIGIBLE = gettext_lazy("角色“%(role)s”不能启用双因素认证，因此不能要求。")


def _ensure_city_admin(actor) -> None:
    if actor is not None and not actor.has_role(Role.CITY_ADMIN):
        raise PermissionDenied(ERR_NOT_CITY_ADMIN)


# --- lockout --------------------------------------------------------------------------------


def _locks(username: str | None = None, *, request=None) -> dict[str, datetime]:
    """Locked usernames and when each lock lifts, mirroring how axes decides.

    An account is locked while the failures recorded within the last cool-off period reach
    the limit. Axes keeps one row per username, address and browser with the time of its
    latest failure, so the lock lifts a cool-off period after the row that, counting back
    from the newest, brings the count to the limit.
    """
    cool_off = get_cool_off(request)
    rows = AccessAttempt.objects.filter(
        attempt_time__gte=clock.now() - cool_off, username__isnull=False
    )
    if username is not None:
        rows = rows.filter(username=username)
    by_name: dict[str, list[tuple[datetime, int]]] = {}
    for name, attempt_time, failures in rows.values_list(
        "username", "attempt_time", "failures_since_start"
    ):
        by_name.setdefault(name, []).append((attempt_time, failures))
    locks: dict[str, datetime] = {}
    for name, attempts in by_name.items():
        total = 0
        for attempt_time, failures in sorted(attempts, reverse=True):
            total += failures
            if total >= settings.AXES_FAILURE_LIMIT:
                locks[name] = attempt_time + cool_off
                break
    return locks


def lockout_ends_at(username: str, *, request=None) -> datetime | None:
    """When the lock on ``username`` lifts, or ``None`` when it is not locked."""
    return _locks(username, request=request).get(username)


def locked_accounts(*, actor) -> list[dict]:
    """Accounts locked right now, with the user (when one exists) and when each lock lifts."""
    _ensure_city_admin(actor)
    locks = _locks()
    users = {
        u.username: u for u in User.objects.restrict(actor, "view").filter(username__in=list(locks))
    }
    return [
        {"username": name, "user": users.get(name), "unlocks_at": ends}
        for name, ends in sorted(locks.items())
    ]


def is_locked_out(user) -> bool:
    return lockout_ends_at(user.get_username()) is not None


def account_unlock(*, actor, user) -> int:
    """Release a locked account before its 30 minutes are up (city admin only); audited."""
    _ensure_city_admin(actor)
    username = user.get_username()
    was_locked = is_locked_out(user)
    cleared = axes_reset(username=username)
    audit.record(
        AuditAction.UNLOCK,
        instance=user,
        actor_id=getattr(actor, "pk", None),
        actor_name=actor.get_username() if actor is not None else "system",
        message=_("解除账号锁定") if was_locked else _("清除登录失败记录（账号未锁定）"),
    )
    return cleared


# --- second factor ----------------------------------------------------------------------------


def may_use_second_factor(user) -> bool:
    return bool(user.roles & SECOND_FACTOR_ROLES)


def second_factor_required(user) -> bool:
    """Whether any role the user holds requires a second factor (set by the city admin)."""
    roles = user.roles & SECOND_FACTOR_ROLES
    if not roles:
        return False
    cached = getattr(user, "_second_factor_required", None)
    if cached is None:
        cached = RoleSecurity.objects.filter(role__in=roles, require_second_factor=True).exists()
        user._second_factor_required = cached
    return cached


# Set at sign-in (portal.signals.on_login) and by enrolment and removal: whether the user has
# a confirmed device. Kept in the session so each request needs no query to know it.
SESSION_TOTP_ENROLLED = "portal_totp_enrolled"


def second_factor_due(user, session) -> bool:
    """Whether this session must verify a code: the role requires it, or the user enrolled.

    A second factor the user set up is asked for at every sign-in, required or not; otherwise
    enrolling would protect nothing.
    """
    return bool(session.get(SESSION_TOTP_ENROLLED)) or second_factor_required(user)


def totp_device(user, *, confirmed: bool | None = True) -> TOTPDevice | None:
    qs = TOTPDevice.objects.filter(user=user, name=TOTP_DEVICE_NAME)
    if confirmed is not None:
        qs = qs.filter(confirmed=confirmed)
    return qs.order_by("-id").first()


def totp_secret(device: TOTPDevice) -> str:
    """The base32 secret an authenticator app accepts for manual entry, in groups of four."""
    secret = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def totp_enrolment_start(*, actor) -> TOTPDevice:
    """The unconfirmed device shown while the user scans the QR code (reused until confirmed)."""
    if not may_use_second_factor(actor):
        raise PermissionDenied(ERR_TOTP_NOT_ALLOWED)
    device = totp_device(actor, confirmed=False)
    if device is None:
        device = TOTPDevice(user=actor, name=TOTP_DEVICE_NAME, confirmed=False)
        device.full_clean()
        device.save()
    return device


def _check_code(device: TOTPDevice, code: str) -> None:
    # django-otp doubles the wait after each wrong code (1 s, 2 s, 4 s ...), against guessing.
    allowed, info = device.verify_is_allowed()
    if not allowed:
        until = (info or {}).get("locked_until")
        seconds = max(1, int((until - clock.now()).total_seconds()) + 1) if until else 1
        raise ValidationError({"code": ERR_TOTP_THROTTLED % {"s": seconds}})
    if not device.verify_token((code or "").strip().replace(" ", "")):
        raise ValidationError({"code": ERR_TOTP_CODE})


@transaction.atomic
def totp_enrolment_confirm(*, actor, device: TOTPDevice, code: str) -> TOTPDevice:
    """Confirm enrolment with a code from the app; an older confirmed device is replaced."""
    if not may_use_second_factor(actor) or device.user_id != actor.pk:
        raise PermissionDenied(ERR_TOTP_NOT_ALLOWED)
    _check_code(device, code)
    TOTPDevice.objects.filter(user=actor).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    audit.record(
        AuditAction.ACTION,
        object_type="otp_totp.totpdevice",
        object_id=device.pk,
        object_repr=actor.get_username(),
        message=_("启用双因素认证"),
    )
    return device


def totp_verify(*, actor, code: str) -> TOTPDevice:
    """Check a code against the user's confirmed device; failures are audited."""
    device = totp_device(actor)
    if device is None:
        raise ValidationError({"code": _("您尚未启用双因素认证。")})
    try:
        _check_code(device, code)
    except ValidationError:
        audit.record(
            AuditAction.ACTION,
            object_type="otp_totp.totpdevice",
            object_id=device.pk,
            object_repr=actor.get_username(),
            outcome=AuditOutcome.FAILURE,
            message=_("双因素验证码错误"),
        )
        raise
    return device


@transaction.atomic
def totp_remove(*, actor, code: str) -> None:
    """Remove the user's second factor; the current code proves they hold it."""
    device = totp_verify(actor=actor, code=code)
    TOTPDevice.objects.filter(user=actor).delete()
    audit.record(
        AuditAction.ACTION,
        object_type="otp_totp.totpdevice",
        object_id=device.pk,
        object_repr=actor.get_username(),
        message=_("停用双因素认证"),
    )


def role_security_update(*, actor, role: str, require_second_factor: bool) -> RoleSecurity:
    """Require (or stop requiring) a second factor for one role; audited by the model signals."""
    _ensure_city_admin(actor)
    if require_second_factor and role not in SECOND_FACTOR_ROLES:
        raise ValidationError(
            {"require_second_factor": ERR_TOTP_ROLE_NOT_ELIGIBLE % {"role": Role(role).label}}
        )
    row, _created = RoleSecurity.objects.get_or_create(role=role)
    if row.require_second_factor != require_second_factor:
        row.require_second_factor = require_second_factor
        row.full_clean()
        row.save()
    return row


# --- API tokens ---------------------------------------------------------------------------------


def api_token_expires_at(token: Token) -> datetime:
    return token.created + timedelta(days=settings.API_TOKEN_DAYS)


@transaction.atomic
def api_token_rotate(*, actor) -> Token:
    """Issue a new API token for ``actor``; the previous one stops working at once."""
    replaced = Token.objects.filter(user=actor).delete()[0] > 0
    token = Token.objects.create(user=actor)
    audit.record(
        AuditAction.ACTION,
        object_type="authtoken.token",
        object_id=actor.pk,
        object_repr=actor.get_username(),
        message=_("更换API令牌") if replaced else _("生成API令牌"),
    )
    return token


def api_token_revoke(*, actor) -> bool:
    revoked = Token.objects.filter(user=actor).delete()[0] > 0
    if revoked:
        audit.record(
            AuditAction.ACTION,
            object_type="authtoken.token",
            object_id=actor.pk,
            object_repr=actor.get_username(),
            message=_("作废API令牌"),
        )
    return revoked
