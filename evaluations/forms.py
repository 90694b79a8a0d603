"""Forms of the evaluations pages; dropdowns narrowed to what the user may see."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from evaluations.choices import Phase, RespondentGroup
from evaluations.models import Cycle, Framework
from portal.choices import Role
from portal.models import User
from portal.scoping import VIEW
from portal.selectors import users_in_role
from stations.forms import BootstrapMixin, DateInput

DATE = DateInput()  # ISO values, so a browser's date picker shows a saved date


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(d, initial) for d in data if d]
        return [super().clean(data, initial)] if data else []


class CycleForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = Cycle
        fields = [
            "service_year",
            "phase",
            "framework",
            "name",
            "opens_on",
            "self_due_on",
            "scoring_starts_on",
            "scoring_due_on",
            "appeal_starts_on",
            "appeal_due_on",
            "publish_on",
        ]
        widgets = dict.fromkeys(
            [
                "opens_on",
                "self_due_on",
                "scoring_starts_on",
                "scoring_due_on",
                "appeal_starts_on",
                "appeal_due_on",
                "publish_on",
            ],
            DATE,
        )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["framework"].queryset = Framework.objects.restrict(user, VIEW).exclude(
            status="retired"
        )
        self.fields["framework"].empty_label = _("请选择指标体系")
        self.fields["name"].required = False
        self.fields["name"].help_text = _("留空则按“年度+阶段”自动命名")
        self.fields["phase"].choices = Phase.choices
        self._style()

    def validate_unique(self):
        pass  # the service explains a duplicate in Chinese


class FrameworkForm(BootstrapMixin, forms.Form):
    code = forms.SlugField(label=_("体系代码"), max_length=40)
    name = forms.CharField(label=_("名称"), max_length=120)
    note = forms.CharField(
        label=_("说明"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._style()


class FrameworkImportForm(FrameworkForm):
    file = forms.FileField(label=_("Excel文件（.xlsx）"))


class AssignForm(BootstrapMixin, forms.Form):
    evaluator = forms.ModelChoiceField(queryset=User.objects.none(), label=_("评估人员"))
    starts_on = forms.DateField(label=_("开始日期"), widget=DATE, required=False)
    ends_on = forms.DateField(label=_("结束日期"), widget=DATE, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["evaluator"].queryset = users_in_role(Role.EVALUATOR).order_by("username")
        self.fields["evaluator"].empty_label = _("请选择评估人员")
        self._style()


class SurveyIssueForm(BootstrapMixin, forms.Form):
    group = forms.ChoiceField(choices=RespondentGroup.choices, label=_("对象类别"))
    count = forms.IntegerField(label=_("链接数量"), min_value=1, max_value=200, initial=10)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._style()
