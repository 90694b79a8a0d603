from __future__ import annotations

import time
import uuid

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import JsonResponse
from django.shortcuts import resolve_url
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


# A small signed cookie that outlives the session: set at sign-in, cleared at sign-out. When a
# request comes without a session but with this cookie, the session ended by itself, and the
# login page can say why (idle or absolute limit) instead of showing a bare form.
SESSION_MARKER_COOKIE = "portal_signed_in"
SESSION_MARKER_SALT = "portal.session-marker"
MARKER_ACTIVE = "active"
MARKER_ABSOLUTE = "absolute"


def set_session_marker(response, reason: str = MARKER_ACTIVE) -> None:
    response.set_signed_cookie(
        SESSION_MARKER_COOKIE,
        reason,
        salt=SESSION_MARKER_SALT,
        max_age=settings.SESSION_ABSOLUTE_SECONDS + settings.SESSION_COOKIE_AGE,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )


def read_session_marker(request) -> str | None:
    return request.get_signed_cookie(SESSION_MARKER_COOKIE, default=None, salt=SESSION_MARKER_SALT)


def clear_session_marker(response) -> None:
    response.delete_cookie(SESSION_MARKER_COOKIE, samesite="Lax")


class SessionLifetimeMiddleware:
    """End a session 12 hours after sign-in, however active (the idle limit is the cookie age).

    The sign-in time is stored in the session by ``portal.signals.on_login``.
    """

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
                    response = self.get_response(request)
                else:
                    response = redirect_to_login(
                        request.get_full_path(), resolve_url(settings.LOGIN_URL)
                    )
                set_session_marker(response, MARKER_ABSOLUTE)
                return response
        return self.get_response(request)


class RequestContextMiddleware:
    """Make who and from where available to audit rows written during the request.

    The user is not read here: an API token is authenticated by DRF inside the view, after
    this middleware, so the context keeps the request and reads its user when a row is
    written (``RequestContext.actor``).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = context.current.set(
            context.RequestContext(
                ip_address=client_ip(request),
                user_agent=request.META.get("HTTP_USER_AGENT", "")[:300],
                request_id=uuid.uuid4().hex,
                request=request,
            )
        )
        try:
            return self.get_response(request)
        finally:
            context.current.reset(token)


class SecondFactorRequiredMiddleware:
    """Send users whose role requires TOTP, or who enrolled one, to enrol or verify first.

    Only signing in and out, the second-factor pages and public resources stay reachable;
    the API answers 403 JSON to a session that has not verified. Token requests carry no
    session, so they are not affected here; a token can only be created from a verified
    session.
    """

    ALLOWED_PREFIXES = (
        "/accounts/login/",
        "/accounts/logout/",
        "/accounts/otp/",
        "/static/",
        "/i18n/",
        "/api/schema/",
        "/api/docs/",
        "/healthz",
    )

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not request.path.startswith(self.ALLOWED_PREFIXES)
        ):
            from portal.services.security import second_factor_due, second_factor_required

            if not user.is_verified() and second_factor_due(user, request.session):
                if request.path.startswith("/api/"):
                    message = (
                        _("您的角色要求双因素认证，请先在网页上完成验证。")
                        if second_factor_required(user)
                        else _("您已启用双因素认证，请先在网页上完成验证。")
                    )
                    return JsonResponse({"detail": message}, status=403)
                return redirect_to_login(request.get_full_path(), reverse("portal_auth:otp_verify"))
        return self.get_response(request)


class ChineseFirstLocaleMiddleware:
    """Simplified Chinese unless the user chose otherwise with the language switch.

    Django's LocaleMiddleware would follow the browser's Accept-Language, so a bureau PC with
    an English Windows would open the portal in English; here only the user's own choice
    (the language cookie set by the switch) changes the language.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from django.utils import translation

        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        supported = {code for code, _name in settings.LANGUAGES}
        language = chosen if chosen in supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", request.LANGUAGE_CODE)
        patch = response.headers.get("Vary", "")
        if "Cookie" not in patch:
            response.headers["Vary"] = f"{patch}, Cookie" if patch else "Cookie"
        return response
