"""Sign-in, password and second-factor forms, with Chinese messages."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm
from django.utils.translation import gettext_lazy as _

from portal.choices import Role
from portal.services.security import SECOND_FACTOR_ROLES

ERR_INVALID_LOGIN = _("用户名或密码错误，请检查后重试（用户名区分大小写）。")
ERR_INACTIVE = _("该账号已停用，请联系市级管理员。")


class LoginForm(AuthenticationForm):
    username = forms.CharField(
        label=_("用户名"),
        max_length=150,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"}),
    )
    password = forms.CharField(
        label=_("密码"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    error_messages = {
        "invalid_login": ERR_INVALID_LOGIN,
        "inactive": ERR_INACTIVE,
    }

    def get_invalid_login_error(self):
        message = str(ERR_INVALID_LOGIN)
        # Set by django-axes while it recorded this failure.
        failures = getattr(self.request, "axes_failures_since_start", None)
        remaining = settings.AXES_FAILURE_LIMIT - failures if failures else 0
        if remaining > 0:
            minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
            message += " " + str(
                _("再失败%(n)d次，账号将被锁定%(m)d分钟。") % {"n": remaining, "m": minutes}
            )
        return forms.ValidationError(message, code="invalid_login")


class PortalPasswordChangeForm(PasswordChangeForm):
    error_messages = {
        **PasswordChangeForm.error_messages,
        "password_incorrect": _("原密码不正确，请重新输入。"),
        "password_mismatch": _("两次输入的新密码不一致。"),
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["old_password"].label = _("原密码")
        self.fields["new_password1"].label = _("新密码")
        self.fields["new_password2"].label = _("确认新密码")


class TotpCodeForm(forms.Form):
    code = forms.CharField(
        label=_("6位验证码"),
        min_length=6,
        max_length=8,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
        error_messages={
            "required": _("请输入认证器应用显示的6位验证码。"),
            "min_length": _("验证码为6位数字。"),
            "max_length": _("验证码为6位数字。"),
        },
    )

    def clean_code(self) -> str:
        code = self.cleaned_data["code"].replace(" ", "")
        if not code.isdigit():
            raise forms.ValidationError(_("验证码只能包含数字。"))
        return code


class RoleSecurityForm(forms.Form):
    """One checkbox per role that may enrol a second factor."""

    def __init__(self, *args, rows, **kwargs):
        super().__init__(*args, **kwargs)
        current = {row.role: row.require_second_factor for row in rows}
        for role in Role:
            if role in SECOND_FACTOR_ROLES:
                self.fields[role.value] = forms.BooleanField(
                    label=role.label, required=False, initial=current.get(role.value, False)
                )

    def roles(self) -> dict[str, bool]:
        return {role: bool(value) for role, value in self.cleaned_data.items()}
