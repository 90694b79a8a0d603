"""Forms of the talent pages. Each takes ``user=`` and narrows its choices to what that user
may act on; the services check scope and policy again and their errors land on the fields."""

from __future__ import annotations

from django import forms
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from portal import clock
from portal.forms.base import BootstrapFormMixin, YearField
from portal.scoping import ADD, VIEW, stations_for
from stations.filtersets import LimitedModelChoiceField, ScopedChoiceWidget
from stations.models import District, Station
from talent import selectors
from talent.choices import (
    CertificateLevel,
    EducationLevel,
    EmploymentType,
    HonourKind,
    HonourLevel,
    Position,
    ProgrammeKind,
)
from talent.models import (
    Certificate,
    Employment,
    Enrolment,
    SocialWorker,
)

# The empty option of a required dropdown (Django's default is "---------").
CHOOSE = _("请选择")


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class UserForm(BootstrapFormMixin, forms.Form):
    def __init__(self, *args, user, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)


class IdLookupForm(UserForm):
    id_number = forms.CharField(
        label=_("身份证号"),
        max_length=18,
        min_length=18,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )


class WorkerHireForm(UserForm):
    name = forms.CharField(label=_("姓名"), max_length=40)
    id_number = forms.CharField(
        label=_("身份证号"),
        max_length=18,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
        help_text=_("18位，按GB 11643校验；出生日期和性别由身份证号得出。"),
    )
    phone = forms.CharField(label=_("手机号"), max_length=20, required=False)
    education_level = forms.ChoiceField(
        label=_("学历"), required=False, choices=[("", "—"), *EducationLevel.choices]
    )
    major = forms.CharField(label=_("专业"), max_length=60, required=False)
    school = forms.CharField(label=_("毕业院校"), max_length=80, required=False)
    station = LimitedModelChoiceField(
        label=_("社工站"), queryset=Station.objects.none(), empty_label=CHOOSE
    )
    position = forms.ChoiceField(label=_("岗位"), choices=Position.choices)
    employment_type = forms.ChoiceField(label=_("用工形式"), choices=EmploymentType.choices)
    starts_on = forms.DateField(label=_("入职日期"), widget=DateInput())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["station"].queryset = stations_for(self.user, Employment, ADD).order_by("code")


class WorkerUpdateForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = SocialWorker
        fields = ["name", "phone", "education_level", "major", "school", "note"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)


class EmploymentForm(UserForm):
    station = LimitedModelChoiceField(
        label=_("社工站"), queryset=Station.objects.none(), empty_label=CHOOSE
    )
    position = forms.ChoiceField(label=_("岗位"), choices=Position.choices)
    employment_type = forms.ChoiceField(label=_("用工形式"), choices=EmploymentType.choices)
    starts_on = forms.DateField(label=_("入职日期"), widget=DateInput())
    ends_on = forms.DateField(label=_("离职日期"), widget=DateInput(), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["station"].queryset = stations_for(self.user, Employment, ADD).order_by("code")


class EmploymentEndForm(UserForm):
    ends_on = forms.DateField(label=_("离职日期"), widget=DateInput())
    leave_reason = forms.CharField(label=_("离职原因"), max_length=200, required=False)


class CertificateForm(UserForm):
    level = forms.ChoiceField(label=_("证书等级"), choices=CertificateLevel.choices)
    number = forms.CharField(label=_("证书编号"), max_length=40)
    year_passed = forms.IntegerField(label=_("取证年份"))


class RegistrationForm(UserForm):
    certificate = forms.ModelChoiceField(label=_("证书"), queryset=None, empty_label=CHOOSE)
    starts_on = forms.DateField(label=_("登记日期"), widget=DateInput())

    def __init__(self, *args, person=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["certificate"].queryset = Certificate.objects.restrict(self.user, VIEW).filter(
            person=person
        )


class CERecordForm(UserForm):
    title = forms.CharField(label=_("内容"), max_length=120)
    provider = forms.CharField(label=_("提供单位"), max_length=120, required=False)
    hours = forms.DecimalField(label=_("学时"), max_digits=5, decimal_places=1)
    completed_on = forms.DateField(label=_("完成日期"), widget=DateInput())


class HonourForm(UserForm):
    level = forms.ChoiceField(label=_("级别"), choices=HonourLevel.choices)
    kind = forms.ChoiceField(label=_("类别"), choices=HonourKind.choices)
    title = forms.CharField(label=_("荣誉名称"), max_length=120)
    year = forms.IntegerField(label=_("年度"))
    issuer = forms.CharField(label=_("授予单位"), max_length=120)


class UnmaskForm(UserForm):
    reason = forms.CharField(
        label=_("查看原因"),
        max_length=200,
        help_text=_("将记入审计日志，例如：办理社工登记续期核对身份。"),
    )


class ProgrammeForm(UserForm):
    year = YearField(label=_("年度"))
    kind = forms.ChoiceField(label=_("类别"), choices=ProgrammeKind.choices)
    title = forms.CharField(label=_("项目名称"), max_length=120)
    provider = forms.CharField(label=_("承办单位"), max_length=120)
    budget = forms.DecimalField(label=_("预算（元）"), max_digits=12, decimal_places=2)
    places = forms.IntegerField(label=_("名额"), min_value=1)
    starts_on = forms.DateField(label=_("开始日期"), widget=DateInput(), required=False)
    ends_on = forms.DateField(label=_("结束日期"), widget=DateInput(), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].initial = clock.today().year


class SessionForm(UserForm):
    held_on = forms.DateField(label=_("日期"), widget=DateInput())
    topic = forms.CharField(label=_("主题"), max_length=120)
    hours = forms.DecimalField(label=_("学时"), max_digits=4, decimal_places=1)
    location = forms.CharField(label=_("地点"), max_length=120, required=False)


PERSON_SEARCH_HINT = _("输入姓名或身份证号后四位搜索")


class PersonChoiceWidget(ScopedChoiceWidget):
    """The person dropdown: every option while the scope holds few people in post, else a
    search box (static/js/stations_autocomplete.js) asking ``talent:person_search``, which
    answers from the same scoped list with name and masked ID number only."""

    def _source(self, model):
        return {
            "data-autocomplete": reverse("talent:person_search"),
            "data-placeholder": str(PERSON_SEARCH_HINT),
        }


class EnrolForm(UserForm):
    person = LimitedModelChoiceField(
        label=_("社工"),
        queryset=SocialWorker.objects.none(),
        empty_label=CHOOSE,
        widget=PersonChoiceWidget,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = selectors.people_in_post(self.user)
        self.fields["person"].label_from_instance = selectors.person_label


class AttendanceForm(UserForm):
    enrolments = forms.ModelMultipleChoiceField(
        label=_("出勤人员"), queryset=None, widget=forms.CheckboxSelectMultiple, required=False
    )

    def __init__(self, *args, session=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enrolments"].queryset = (
            Enrolment.objects.restrict(self.user, VIEW)
            .filter(programme_id=session.programme_id)
            .select_related("person")
        )
        self.fields["enrolments"].label_from_instance = lambda e: e.person.name


class CompleteForm(UserForm):
    completed_on = forms.DateField(label=_("结业日期"), widget=DateInput())
    exam_passed = forms.NullBooleanField(
        label=_("通过考试（考前培训）"),
        required=False,
        widget=forms.Select(
            choices=[("unknown", "—"), ("true", _("通过")), ("false", _("未通过"))]
        ),
    )


class RosterUploadForm(UserForm):
    file = forms.FileField(label=_("名册文件（.xlsx）"))


class RegistrationRenewForm(UserForm):
    pass


class BoardFilterForm(UserForm):
    """The staffing board's district filter: a dropdown of the districts in scope, written in
    one pass (``ScopedChoiceWidget``); beyond ``CHOICE_LIMIT`` districts (nation scale) a
    search box instead of thousands of options."""

    district = LimitedModelChoiceField(
        queryset=District.objects.none(), required=False, label=_("区"), empty_label=_("全部")
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["district"].queryset = District.objects.restrict(self.user, VIEW).order_by(
            "code"
        )
        self.fields["district"].widget.attrs["id"] = "board-district"
