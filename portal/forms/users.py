"""Forms of the user management pages. They check shape; the services check the rules."""

from __future__ import annotations

import json

from django import forms
from django.utils.translation import gettext_lazy as _

from portal import clock
from portal.choices import ROLE_ANCHOR
from portal.forms.base import BootstrapFormMixin
from portal.models import RoleAssignment, User
from portal.scoping import VIEW
from stations.filtersets import ScopedChoiceWidget

PASSWORD_HELP = _(
    "至少8位，包含大写字母、小写字母、数字、符号中的至少3类，不能是常见密码。"
    "留空则由系统生成一个随机密码，只显示一次。"
)
DATE_WIDGET = {"type": "date"}
# The search source (stations.views.choices) of each anchor once its list is too long to
# render: every row the actor may see, not only places that have stations.
ANCHOR_SOURCES = {
    "district": "district",
    "subdistrict": "any-subdistrict",
    "institution": "any-institution",
    "station": "station",
}
ANCHOR_PROMPTS = {
    "district": _("请选择区"),
    "subdistrict": _("请选择镇街"),
    "institution": _("请选择承接机构"),
    "station": _("请选择社工站"),
}


class PasswordField(forms.CharField):
    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("初始密码"))
        kwargs.setdefault("required", False)
        kwargs.setdefault("strip", False)
        kwargs.setdefault("help_text", PASSWORD_HELP)
        kwargs.setdefault("widget", forms.PasswordInput(attrs={"autocomplete": "new-password"}))
        super().__init__(**kwargs)


class UserCreateForm(BootstrapFormMixin, forms.ModelForm):
    password = PasswordField()

    class Meta:
        model = User
        fields = ["username", "display_name", "email", "phone", "organisation"]


class UserUpdateForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = User
        fields = ["display_name", "email", "phone", "organisation"]


class PasswordResetForm(BootstrapFormMixin, forms.Form):
    password = PasswordField(label=_("新密码"))


class RoleAssignmentForm(BootstrapFormMixin, forms.ModelForm):
    """Add a role: the anchor fields offered are those the actor may see (restrict())."""

    anchor_fields = ("district", "subdistrict", "institution", "station")

    class Meta:
        model = RoleAssignment
        fields = [
            "role",
            "district",
            "subdistrict",
            "institution",
            "station",
            "starts_on",
            "ends_on",
            "note",
        ]
        widgets = {
            "starts_on": forms.DateInput(attrs=DATE_WIDGET, format="%Y-%m-%d"),
            "ends_on": forms.DateInput(attrs=DATE_WIDGET, format="%Y-%m-%d"),
        }

    def __init__(self, *args, actor, target: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.user = target
        # A prompt, not Django's "---------", in the empty choice of every select.
        self.fields["role"].choices = [("", _("请选择角色"))] + [
            choice for choice in self.fields["role"].choices if choice[0]
        ]
        for name in self.anchor_fields:
            field = self.fields[name]
            # Up to stations.filtersets.CHOICE_LIMIT rows a plain <select>; beyond, a search
            # box (static/js/stations_autocomplete.js). Set before the queryset, which the
            # field hands on to its widget.
            field.widget = ScopedChoiceWidget(
                attrs=field.widget.attrs, source=ANCHOR_SOURCES[name], narrows=False
            )
            field.queryset = field.queryset.model.objects.restrict(actor, VIEW)
            field.empty_label = ANCHOR_PROMPTS[name]
            field.widget.attrs["data-anchor"] = name
        # static/js/role-anchor.js shows only the anchor the chosen role needs.
        self.fields["role"].widget.attrs["data-anchor-map"] = json.dumps(
            {str(role): anchor or "" for role, anchor in ROLE_ANCHOR.items()}
        )
        if not self.is_bound and "starts_on" not in self.initial:
            self.initial["starts_on"] = clock.today()

    def anchor_bound_fields(self):
        return [self[name] for name in self.anchor_fields]

    def other_bound_fields(self):
        return [self[name] for name in ("starts_on", "ends_on", "note")]


class RoleAssignmentEndForm(BootstrapFormMixin, forms.Form):
    ends_on = forms.DateField(
        label=_("截止日期"),
        widget=forms.DateInput(attrs=DATE_WIDGET, format="%Y-%m-%d"),
        help_text=_("选择今天则立即结束，角色马上失效；选择以后的日期，角色在该日当天仍然有效。"),
    )
