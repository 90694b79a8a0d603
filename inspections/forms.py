from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from inspections.choices import Area, MemberBody, Severity, VisitMode
from inspections.models import Campaign, ChecklistTemplate, InspectionSettings
from portal import clock
from portal.choices import Role
from portal.forms.base import BootstrapFormMixin
from portal.models import User
from portal.scoping import VIEW
from portal.selectors import users_in_role
from stations.models import Institution, Station


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


def inspector_users():
    """Inspectors who may be put on a team today (role in force, active account)."""
    return users_in_role(Role.INSPECTOR).order_by("username")


class PlanDrawForm(BootstrapFormMixin, forms.Form):
    year = forms.IntegerField(label=_("年度"), min_value=2018, max_value=2100)
    quarter = forms.IntegerField(label=_("季度"), min_value=1, max_value=4)
    seed = forms.IntegerField(
        label=_("随机种子（可选）"),
        required=False,
        min_value=0,
        max_value=2**63 - 1,  # stored in a bigint column
        help_text=_("留空则随机生成；种子与输入一并保存，可复核。"),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        today = clock.today()
        self.fields["year"].initial = today.year
        self.fields["quarter"].initial = (today.month - 1) // 3 + 1


class AddStationForm(BootstrapFormMixin, forms.Form):
    station = forms.ModelChoiceField(
        queryset=Station.objects.none(), label=_("社工站"), empty_label=_("请选择社工站")
    )
    mode = forms.ChoiceField(choices=VisitMode.choices, label=_("方式"))
    scheduled_on = forms.DateField(label=_("计划日期"), widget=DateInput())

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["station"].queryset = Station.objects.restrict(user, VIEW).order_by("code")


class TeamForm(BootstrapFormMixin, forms.Form):
    inspectors = forms.ModelMultipleChoiceField(queryset=User.objects.none(), label=_("督查人员"))
    body = forms.ChoiceField(choices=MemberBody.choices, label=_("所属单位"))
    lead = forms.ModelChoiceField(
        queryset=User.objects.none(),
        label=_("组长"),
        required=False,
        empty_label=_("由第一位督查人员担任"),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["inspectors"].queryset = inspector_users()
        self.fields["lead"].queryset = inspector_users()


class RescheduleForm(BootstrapFormMixin, forms.Form):
    scheduled_on = forms.DateField(label=_("计划日期"), widget=DateInput())
    mode = forms.ChoiceField(choices=VisitMode.choices, label=_("方式"))


class PhotoForm(BootstrapFormMixin, forms.Form):
    photo = forms.FileField(label=_("照片"))
    item = forms.IntegerField(required=False, widget=forms.HiddenInput)
    caption = forms.CharField(label=_("说明"), max_length=200, required=False)


class FindingForm(BootstrapFormMixin, forms.Form):
    item = forms.IntegerField(required=False, label=_("清单条目"))
    area = forms.ChoiceField(
        choices=[("", _("按条目")), *list(Area.choices)], required=False, label=_("领域")
    )
    severity = forms.ChoiceField(
        choices=[("", _("按条目默认")), *list(Severity.choices)],
        required=False,
        label=_("问题等级"),
    )
    description = forms.CharField(label=_("问题描述"), widget=forms.Textarea(attrs={"rows": 3}))


class SignOffForm(BootstrapFormMixin, forms.Form):
    representative_name = forms.CharField(label=_("站方在场代表"), max_length=40)
    representative_title = forms.CharField(label=_("代表职务"), max_length=60, required=False)
    summary = forms.CharField(
        label=_("总体意见"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class CampaignForm(BootstrapFormMixin, forms.ModelForm):
    stations = forms.ModelMultipleChoiceField(
        queryset=Station.objects.none(), required=False, label=_("督查社工站")
    )
    institutions = forms.ModelMultipleChoiceField(
        queryset=Institution.objects.none(), required=False, label=_("督查承接机构")
    )

    class Meta:
        model = Campaign
        fields = ["name", "theme", "description", "starts_on", "ends_on", "checklist"]
        widgets = {"starts_on": DateInput(), "ends_on": DateInput()}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["stations"].queryset = Station.objects.restrict(user, VIEW).order_by("code")
        self.fields["institutions"].queryset = Institution.objects.restrict(user, VIEW)
        self.fields["checklist"].queryset = ChecklistTemplate.objects.restrict(user, VIEW)
        self.fields["checklist"].empty_label = _("请选择督查清单")
        self.fields["theme"].choices = [("", _("请选择主题领域")), *Area.choices]


class ChecklistImportForm(BootstrapFormMixin, forms.Form):
    code = forms.SlugField(label=_("清单代码"), max_length=40)
    name = forms.CharField(label=_("名称"), max_length=120)
    file = forms.FileField(label=_("Excel文件"))


class SettingsForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = InspectionSettings
        fields = [
            "effective_from",
            "sample_mode",
            "sample_rate",
            "sample_count",
            "min_per_district",
            "unannounced_percent",
            "weight_grade_failed",
            "weight_grade_pass",
            "weight_open_order",
            "weight_overdue_order",
            "weight_under_floor",
            "weight_complaint",
            "complaint_cap",
            "repeat_window_days",
            "photo_max_mb",
            "default_checklist",
            "note",
        ]
        widgets = {"effective_from": DateInput()}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["default_checklist"].queryset = ChecklistTemplate.objects.restrict(user, VIEW)
        self.fields["default_checklist"].empty_label = _("使用启用中的季度督查清单")
