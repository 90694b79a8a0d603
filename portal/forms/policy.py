"""The policy version form: every threshold, with its source as help text."""

from __future__ import annotations

from django import forms

from portal.forms.base import BootstrapFormMixin
from portal.models import PolicyVersion
from portal.services.policy import policy_fields


class PolicyVersionForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = PolicyVersion
        fields = policy_fields()
        widgets = {
            "effective_from": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "source": forms.Textarea(attrs={"rows": 3}),
            "note": forms.Textarea(attrs={"rows": 3}),
        }
