from __future__ import annotations

import time
import uuid

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from portal import context


def client_ip(request) -> str | None:
    """The client address; behind ``PROXY_COUNT`` trusted proxies, from X-Forwarded-For."""
    proxies = getattr(settings, "AXES_IPWARE_PROXY_COUNT", 0)
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if proxies and forwarded:
        hops = [h.strip() for h in forwarded.split(",") if h.strip()]
        if len(hops) >= proxies:
            return hops[-proxies]
    return request.META.get("REMOTE_ADDR") or None


class SessionLifetimeMiddleware:
    """End a session 12 hours after sign-in, however active (the idle limit is the cookie age)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and hasattr(request, "session"):
            started = request.session.get("portal_login_at")
            now = int(time.time())
            if started is None:
                request.session["portal_login_at"] = now
            elif now - int(started) > settings.SESSION_ABSOLUTE_SECONDS:
                logout(request)
                if request.path.startswith("/api/"):
                    return self.get_response(request)
                messages.info(request, _("登录已超过12小时，请重新登录。"))
                return redirect(f"{reverse(settings.LOGIN_URL)}?next={request.path}")
        return self.get_response(request)


class RequestContextMiddleware:
    """Make who and from where available to audit rows written during the request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        authenticated = user is not None and user.is_authenticated
        token = context.current.set(
            context.RequestContext(
                user_id=user.pk if authenticated else None,
                user_name=user.get_username() if authenticated else "",
                ip_address=client_ip(request),
                user_agent=request.META.get("HTTP_USER_AGENT", "")[:300],
                request_id=uuid.uuid4().hex,
            )
        )
        try:
            return self.get_response(request)
        finally:
            context.current.reset(token)


class SecondFactorRequiredMiddleware:
    """Send users whose role requires TOTP to enrol or verify before anything else."""

    ALLOWED_PREFIXES = ("/accounts/", "/static/", "/i18n/", "/media/", "/api/schema/")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not request.path.startswith(self.ALLOWED_PREFIXES)
            and not getattr(request, "auth_via_token", False)
        ):
            from portal.services.security import second_factor_required

            if second_factor_required(user) and not user.is_verified():
                if request.path.startswith("/api/"):
                    return JsonResponse(
                        {"detail": _("您的角色要求双因素认证，请先在网页上完成验证。")}, status=403
                    )
                return redirect(reverse("portal:otp_verify") + f"?next={request.path}")
        return self.get_response(request)
