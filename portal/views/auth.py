"""Sign-in, sign-out, lockout, password change, second factor (TOTP), API tokens, and the
city admin's security pages (locked accounts, second factor per role)."""

from __future__ import annotations

import qrcode
import qrcode.image.svg
from axes.conf import settings as axes_settings
from axes.helpers import get_client_username
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render, resolve_url
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView
from django_otp import login as otp_login
from rest_framework.authtoken.models import Token

from portal import audit, clock
from portal.choices import AuditAction, Role
from portal.forms.auth import (
    LoginForm,
    PortalPasswordChangeForm,
    RoleSecurityForm,
    TotpCodeForm,
)
from portal.middleware import (
    MARKER_ABSOLUTE,
    clear_session_marker,
    read_session_marker,
    set_session_marker,
)
from portal.models import RoleSecurity, User
from portal.services import security
from portal.views.mixins import RoleRequiredMixin, public_view


def _safe_next(request, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return resolve_url(default)


def _minutes(delta) -> int:
    return int(delta.total_seconds() // 60)


# --- signing in and out -------------------------------------------------------------------------


class LoginView(auth_views.LoginView):
    form_class = LoginForm
    template_name = "registration/login.html"

    def session_notice(self) -> str:
        """Why the user is here again, when their session ended by itself."""
        if self.request.user.is_authenticated:
            return ""
        marker = read_session_marker(self.request)
        if marker == MARKER_ABSOLUTE:
            hours = settings.SESSION_ABSOLUTE_SECONDS // 3600
            return _("登录已超过%(h)d小时，为保障账号安全已自动退出，请重新登录。") % {"h": hours}
        if marker:
            minutes = settings.SESSION_COOKIE_AGE // 60
            return _("因长时间未操作（超过%(m)d分钟），登录已过期，请重新登录。") % {"m": minutes}
        return ""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # Django's LoginView puts the request's host in site_name; keep the portal's name.
        context["site_name"] = settings.PORTAL_SITE_NAME
        context["failure_limit"] = settings.AXES_FAILURE_LIMIT
        context["cooloff_minutes"] = _minutes(settings.AXES_COOLOFF_TIME)
        return context

    def get(self, request, *args, **kwargs):
        notice = self.session_notice()
        response = self.render_to_response(self.get_context_data(session_notice=notice))
        if notice:
            clear_session_marker(response)
        return response

    def form_valid(self, form):
        response = super().form_valid(form)
        set_session_marker(response)
        return response


class LogoutView(auth_views.LogoutView):
    """A GET asks for confirmation; only a POST signs out (a link cannot sign anyone out)."""

    http_method_names = ["get", "post", "options"]
    template_name = "registration/logout_confirm.html"

    def get(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect(settings.LOGIN_URL)
        return render(request, self.template_name)

    def post(self, request, *args, **kwargs):
        was_signed_in = request.user.is_authenticated
        response = super().post(request, *args, **kwargs)
        if was_signed_in:
            messages.success(request, _("您已安全退出。"))
        clear_session_marker(response)
        return response


def locked_out(request, original_response=None, credentials=None):
    """The page django-axes shows when a locked account tries to sign in (AXES_LOCKOUT_CALLABLE)."""
    username = get_client_username(request, credentials) or ""
    ends_at = security.lockout_ends_at(username, request=request) if username else None
    context = {
        "username": username,
        "failure_limit": settings.AXES_FAILURE_LIMIT,
        "cooloff_minutes": _minutes(settings.AXES_COOLOFF_TIME),
        "unlocks_at": timezone.localtime(ends_at) if ends_at else None,
    }
    return render(
        request,
        settings.AXES_LOCKOUT_TEMPLATE,
        context,
        status=axes_settings.AXES_HTTP_RESPONSE_CODE,
    )


# --- password -----------------------------------------------------------------------------------


class PasswordChangeView(LoginRequiredMixin, auth_views.PasswordChangeView):
    scoped = True  # acts on the signed-in user only
    form_class = PortalPasswordChangeForm
    template_name = "portal/security/password_change.html"

    def get_success_url(self):
        return reverse("portal_auth:password_change")

    def form_valid(self, form):
        response = super().form_valid(form)
        audit.record(AuditAction.ACTION, instance=self.request.user, message=_("修改密码"))
        messages.success(self.request, _("密码已修改。"))
        return response


# --- second factor -------------------------------------------------------------------------------


def qr_svg(data: str) -> str:
    """The QR code as inline SVG, drawn on the server (no image service, works offline)."""
    image = qrcode.make(data, image_factory=qrcode.image.svg.SvgPathImage, box_size=10, border=2)
    return image.to_string(encoding="unicode")


class OtpEnrolView(LoginRequiredMixin, View):
    """Enrol an authenticator app: QR code and secret, confirmed with a code; or show status."""

    scoped = True  # acts on the signed-in user's own device only
    template_name = "portal/security/otp_enrol.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not security.may_use_second_factor(request.user):
            raise PermissionDenied(security.ERR_TOTP_NOT_ALLOWED)
        return super().dispatch(request, *args, **kwargs)

    def context(self, *, form=None, remove_form=None):
        user = self.request.user
        device = security.totp_device(user)
        ctx = {
            "device": device,
            "required": security.second_factor_required(user),
            "verified": user.is_verified(),
            "next": self.request.POST.get("next") or self.request.GET.get("next", ""),
        }
        if device is None:
            pending = security.totp_enrolment_start(actor=user)
            ctx.update(
                pending=pending,
                qr_svg=qr_svg(pending.config_url),
                secret=security.totp_secret(pending),
                form=form or TotpCodeForm(),
            )
        else:
            ctx["remove_form"] = remove_form or TotpCodeForm(prefix="remove")
        return ctx

    def get(self, request):
        return render(request, self.template_name, self.context())

    def post(self, request):
        pending = security.totp_device(request.user, confirmed=False)
        form = TotpCodeForm(request.POST)
        if pending is None or not form.is_valid():
            return render(request, self.template_name, self.context(form=form), status=400)
        try:
            device = security.totp_enrolment_confirm(
                actor=request.user, device=pending, code=form.cleaned_data["code"]
            )
        except ValidationError as exc:
            form.add_error("code", exc.message_dict["code"])
            return render(request, self.template_name, self.context(form=form), status=400)
        otp_login(request, device)
        request.session[security.SESSION_TOTP_ENROLLED] = True
        messages.success(request, _("双因素认证已启用。今后登录时需输入认证器应用中的验证码。"))
        return redirect(_safe_next(request, "portal:home"))


class OtpRemoveView(LoginRequiredMixin, View):
    scoped = True  # acts on the signed-in user's own device only
    http_method_names = ["post"]

    def post(self, request):
        form = TotpCodeForm(request.POST, prefix="remove")
        if form.is_valid():
            try:
                security.totp_remove(actor=request.user, code=form.cleaned_data["code"])
            except ValidationError as exc:
                form.add_error("code", exc.message_dict["code"])
        if form.errors:
            enrol = OtpEnrolView()
            enrol.setup(request)
            return render(request, enrol.template_name, enrol.context(remove_form=form), status=400)
        request.session[security.SESSION_TOTP_ENROLLED] = False
        messages.success(request, _("双因素认证已停用。"))
        return redirect("portal_auth:otp_enrol")


class OtpVerifyView(LoginRequiredMixin, View):
    """Enter the current code once per sign-in (required when the city admin asks for it)."""

    scoped = True  # acts on the signed-in user's own device only
    template_name = "portal/security/otp_verify.html"

    def get(self, request):
        if security.totp_device(request.user) is None:
            if not security.may_use_second_factor(request.user):
                raise PermissionDenied(security.ERR_TOTP_NOT_ALLOWED)
            target = reverse("portal_auth:otp_enrol")
            if request.GET.get("next"):
                target += "?" + request.GET.urlencode()
            return redirect(target)
        return render(request, self.template_name, self.context(TotpCodeForm()))

    def context(self, form):
        return {
            "form": form,
            "required": security.second_factor_required(self.request.user),
            "next": self.request.POST.get("next") or self.request.GET.get("next", ""),
        }

    def post(self, request):
        form = TotpCodeForm(request.POST)
        if form.is_valid():
            try:
                device = security.totp_verify(actor=request.user, code=form.cleaned_data["code"])
            except ValidationError as exc:
                form.add_error("code", exc.message_dict["code"])
            else:
                otp_login(request, device)
                return redirect(_safe_next(request, "portal:home"))
        return render(request, self.template_name, self.context(form), status=400)


# --- API token -----------------------------------------------------------------------------------


class ApiTokenView(LoginRequiredMixin, View):
    """Create, rotate or revoke one's own API token; a new key is shown once, never again."""

    scoped = True  # acts on the signed-in user's own token only
    template_name = "portal/security/api_token.html"

    def render_page(self, *, new_key: str = ""):
        token = Token.objects.filter(user=self.request.user).first()
        context = {
            "token": token,
            "expires_at": security.api_token_expires_at(token) if token else None,
            "expired": bool(token and security.api_token_expires_at(token) < clock.now()),
            "new_key": new_key,
            "token_days": settings.API_TOKEN_DAYS,
        }
        response = render(self.request, self.template_name, context)
        if new_key:
            response["Cache-Control"] = "no-store"
        return response

    def get(self, request):
        return self.render_page()

    def post(self, request):
        if request.POST.get("action") == "revoke":
            if security.api_token_revoke(actor=request.user):
                messages.success(request, _("API令牌已作废。"))
            return redirect("portal_auth:api_token")
        token = security.api_token_rotate(actor=request.user)
        return self.render_page(new_key=token.key)


# --- city admin: locked accounts and second factor per role -------------------------------------


class LockedAccountsView(RoleRequiredMixin, TemplateView):
    roles = frozenset({Role.CITY_ADMIN})
    template_name = "portal/security/locked_accounts.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["locked"] = security.locked_accounts(actor=self.request.user)
        return ctx


class UnlockView(RoleRequiredMixin, View):
    roles = frozenset({Role.CITY_ADMIN})
    http_method_names = ["post"]

    def post(self, request, pk: int):
        user = get_object_or_404(User.objects.restrict(request.user, "change"), pk=pk)
        security.account_unlock(actor=request.user, user=user)
        messages.success(request, _("已解除账号“%(u)s”的锁定。") % {"u": user.get_username()})
        return redirect(_safe_next(request, "security:locked"))


class RoleSecurityView(RoleRequiredMixin, View):
    roles = frozenset({Role.CITY_ADMIN})
    template_name = "portal/security/role_security.html"

    def rows(self):
        # One row per role, seeded by migration 0004; settings, not user data.
        return list(RoleSecurity.objects.order_by("id"))

    def render_page(self, form, status=200):
        rows = self.rows()
        eligible = security.SECOND_FACTOR_ROLES
        table = [
            {
                "role": role,
                "field": form[role.value] if role in eligible else None,
                "required": next(
                    (r.require_second_factor for r in rows if r.role == role.value), False
                ),
            }
            for role in Role
        ]
        return render(
            self.request, self.template_name, {"form": form, "table": table}, status=status
        )

    def get(self, request):
        return self.render_page(RoleSecurityForm(rows=self.rows()))

    def post(self, request):
        form = RoleSecurityForm(request.POST, rows=self.rows())
        if not form.is_valid():
            return self.render_page(form, status=400)
        for role, required in form.roles().items():
            security.role_security_update(
                actor=request.user, role=role, require_second_factor=required
            )
        messages.success(request, _("角色安全设置已保存。"))
        return redirect("security:roles")


login_view = public_view(LoginView.as_view())
logout_view = public_view(LogoutView.as_view())
