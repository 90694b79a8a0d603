"""Forms of the rectification pages: responding (with evidence files), verifying, opening."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from portal.forms.base import BootstrapFormMixin
from portal.scoping import VIEW
from rectification.choices import Area, Severity, SourceKind
from stations.models import Station


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data if d]
        return [single(data, initial)] if data else []


class RespondForm(BootstrapFormMixin, forms.Form):
    text = forms.CharField(label=_("整改情况"), widget=forms.Textarea(attrs={"rows": 4}))
    files = MultipleFileField(label=_("佐证材料"), required=False)


class VerifyForm(BootstrapFormMixin, forms.Form):
    decision = forms.ChoiceField(
        choices=[("accept", _("通过，关闭整改单")), ("reject", _("退回重新整改"))],
        label=_("核验结论"),
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("退回原因"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class OrderOpenForm(BootstrapFormMixin, forms.Form):
    station = forms.ModelChoiceField(
        queryset=Station.objects.none(), label=_("社工站"), empty_label=_("请选择社工站")
    )
    source_kind = forms.ChoiceField(
        choices=[(k, v) for k, v in SourceKind.choices if k != SourceKind.INSPECTION_FINDING],
        label=_("来源"),
    )
    source_ref = forms.CharField(label=_("来源编号"), max_length=80)
    severity = forms.ChoiceField(choices=Severity.choices, label=_("问题等级"))
    area = forms.ChoiceField(
        choices=[("", _("不指定领域")), *list(Area.choices)], required=False, label=_("领域")
    )
    title = forms.CharField(label=_("整改事项"), max_length=200)
    description = forms.CharField(label=_("问题与要求"), required=False, widget=forms.Textarea)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["station"].queryset = Station.objects.restrict(user, VIEW).order_by("code")
