"""The policy version form: every threshold, with its source as help text."""

from __future__ import annotations

from django import forms

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


class DeadlineLadderForm(BootstrapFormMixin, forms.ModelForm):
    """One kind's reminder days and escalation days; the kind and version come from the URL."""

    class Meta:
        model = DeadlineLadder
        fields = LADDER_FIELDS
        widgets = {"source": forms.Textarea(attrs={"rows": 3})}
