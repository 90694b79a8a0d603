"""The policy version form: every threshold, with its source as help text."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from portal.forms.base import BootstrapFormMixin
from portal.models import DeadlineLadder, PolicyVersion
from portal.services.policy import LADDER_FIELDS, policy_fields


class PolicyVersionForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = PolicyVersion
        fields = policy_fields()
        widgets = {
            "effective_from": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "source": forms.Textarea(attrs={"rows": 3}),
            "note": forms.Textarea(attrs={"rows": 3}),
        }


class DaysField(forms.CharField):
    """Day counts written "90,30,7" (or with 、 or spaces); an empty list when left blank."""

    def prepare_value(self, value):
        if isinstance(value, list | tuple):
            return ",".join(str(v) for v in value)
        return value

    def to_python(self, value):
        text = (super().to_python(value) or "").replace("、", ",").replace("，", ",")
        days = []
        for part in text.replace(" ", ",").split(","):
            if not part.strip():
                continue
            if not part.strip().isdigit():
                raise forms.ValidationError(_("请填写天数（非负整数），多个用逗号分隔。"))
            days.append(int(part))
        return days


class DeadlineLadderForm(BootstrapFormMixin, forms.ModelForm):
    """One kind's reminder days and escalation days; the kind and version come from the URL."""

    remind_before_days = DaysField(
        label=_("提前提醒（到期前天数）"),
        required=False,
        help_text=_("到期前第几天提醒，多个用逗号分隔，例如 90,30,7；留空则不提前提醒。"),
    )

    class Meta:
        model = DeadlineLadder
        fields = LADDER_FIELDS
        widgets = {"source": forms.Textarea(attrs={"rows": 3})}
