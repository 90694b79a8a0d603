"""Sign-in events into the audit trail (the model-change receivers live in portal.audit)."""

from __future__ import annotations

from axes.signals import user_locked_out
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from portal import audit, context
from portal.choices import AuditAction, AuditOutcome


def _client(request) -> tuple[str | None, str]:
    if request is None:
        ctx = context.get()
        return ctx.ip_address, ctx.user_agent
    from portal.middleware import client_ip

    return client_ip(request), request.META.get("HTTP_USER_AGENT", "")[:300]


def _record_auth(action, *, request, username: str, user=None, outcome, message=""):
    ip, agent = _client(request)
    token = context.current.set(
        context.RequestContext(
            user_id=getattr(user, "pk", None),
            user_name=username or "",
            ip_address=ip,
            user_agent=agent,
        )
    )
    try:
        audit.record(
            action,
            object_type="portal.user",
            object_id=getattr(user, "pk", "") or "",
            object_repr=username or "",
            outcome=outcome,
            message=message,
        )
    finally:
        context.current.reset(token)


@receiver(user_logged_in, dispatch_uid="audit:login")
def on_login(sender, request, user, **kwargs):
    if request is not None:
        # Start of the absolute session lifetime (portal.middleware.SessionLifetimeMiddleware).
        import time

        request.session["portal_login_at"] = int(time.time())
        from portal.services import security

        # An enrolled second factor is asked for at every sign-in (SecondFactorRequiredMiddleware).
        if security.may_use_second_factor(user):
            request.session[security.SESSION_TOTP_ENROLLED] = security.totp_device(user) is not None
    _record_auth(
        AuditAction.LOGIN,
        request=request,
        username=user.get_username(),
        user=user,
        outcome=AuditOutcome.SUCCESS,
    )


@receiver(user_logged_out, dispatch_uid="audit:logout")
def on_logout(sender, request, user, **kwargs):
    if user is None:
        return
    _record_auth(
        AuditAction.LOGOUT,
        request=request,
        username=user.get_username(),
        user=user,
        outcome=AuditOutcome.SUCCESS,
    )


def _refused_while_locked(request) -> bool:
    """The attempt was refused because the account was already locked (axes ran first)."""
    return bool(
        request is not None
        and getattr(request, "axes_locked_out", False)
        and getattr(request, "axes_failures_since_start", None) is None
    )


@receiver(user_login_failed, dispatch_uid="audit:login_failed")
def on_login_failed(sender, credentials, request=None, **kwargs):
    username = (credentials or {}).get("username", "")
    user = get_user_model().objects.filter(username=username).first() if username else None
    if _refused_while_locked(request):
        _record_auth(
            AuditAction.LOGIN_FAILED,
            request=request,
            username=username,
            user=user,
            outcome=AuditOutcome.DENIED,
            message="账号已锁定，拒绝登录",
        )
        return
    failures = getattr(request, "axes_failures_since_start", None)
    _record_auth(
        AuditAction.LOGIN_FAILED,
        request=request,
        username=username,
        user=user,
        outcome=AuditOutcome.FAILURE,
        message=f"连续第{failures}次失败" if failures else "",
    )


@receiver(user_locked_out, dispatch_uid="audit:lockout")
def on_locked_out(sender, request, username, ip_address, **kwargs):
    # axes signals again for every attempt during the lock; only the moment of locking is a
    # lockout event (the refused attempts are recorded as failed logins).
    if _refused_while_locked(request):
        return
    user = get_user_model().objects.filter(username=username).first() if username else None
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    _record_auth(
        AuditAction.LOCKOUT,
        request=request,
        username=username,
        user=user,
        outcome=AuditOutcome.DENIED,
        message=f"{settings.AXES_FAILURE_LIMIT}次登录失败，账号锁定{minutes}分钟",
    )
