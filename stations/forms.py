"""Forms of the stations pages. Each takes ``user=`` and narrows its choices to what that user
may act on; the services check scope and policy again and their Chinese errors land on the
form's fields."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import BLANK_CHOICE_DASH
from django.utils.translation import gettext_lazy as _

from portal import clock
from portal.choices import Role
from portal.scoping import (
    ADD,
    VIEW,
    Scope,
    assignment_condition,
    is_system,
    roles_allowed,
    stations_for,
)
from stations.filtersets import ScopedChoiceWidget
from stations.models import (
    Community,
    Contract,
    CreditRecord,
    Institution,
    Outpost,
    ProjectKind,
    Station,
    Subdistrict,
)

OUT_OF_REACH_SUBDISTRICT = _("所选镇街不在您可管理的范围内：区级人员只能选择本区的镇街。")
OUT_OF_REACH_STATION = _("所选社工站不在您可管理的范围内。")
INVALID_CHOICE = _("所选项不存在或不在您的可见范围内。")

# How a street/town reaches the anchors of a role assignment (for the street/town dropdowns).
_SUBDISTRICT_REACH = Scope(district="district", subdistrict="pk")


def subdistricts_for(user, model=Station, action: str = ADD):
    """Streets/towns under which ``user`` may ``action`` rows of ``model`` (a district officer:
    the streets/towns of their district; the city admin: all)."""
    if is_system(user):
        return Subdistrict.objects.all()
    if user is None:
        return Subdistrict.objects.none()
    base = Subdistrict.objects.restrict(user, VIEW).select_related("district")
    roles = roles_allowed(user, model, action)
    if not roles:
        return base.none()
    if Role.CITY_ADMIN in roles or Role.CITY_OFFICER in roles:
        return base
    today = clock.today()
    combined = None
    for assignment in user.active_assignments():
        if assignment.role not in roles:
            continue
        cond = assignment_condition(_SUBDISTRICT_REACH, assignment, user, today)
        if cond is None:
            return base
        combined = cond if combined is None else combined | cond
    return base.filter(combined) if combined is not None else base.none()


def apply_service_error(form: forms.Form, error: ValidationError) -> None:
    """Put a service's ValidationError on the form: per field where the field is on the form,
    otherwise at the top."""
    renames = getattr(form, "error_field_map", {})
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            field = renames.get(field, field)
            target = field if field in form.fields else None
            for e in errors:
                form.add_error(target, e)
    else:
        form.add_error(None, error)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


def _name_the_empty_choice(field: forms.Field) -> None:
    """Replace Django's "---------" with words: "请选择…" on a required dropdown, "（不填）"
    on an optional one (a field may say what an empty choice means in its own label)."""
    label = str(field.label or "")
    words = _("请选择%(label)s") % {"label": label} if field.required else _("（不填）")
    if isinstance(field, forms.ModelChoiceField):
        if field.empty_label == BLANK_CHOICE_DASH[0][1]:
            field.empty_label = words
    elif isinstance(field, forms.ChoiceField):
        choices = list(field.choices)
        if choices and choices[0] == BLANK_CHOICE_DASH[0]:
            field.choices = [("", words), *choices[1:]]


class BootstrapMixin:
    """Bootstrap 5 classes on every widget, so templates can render fields in a loop."""

    def _style(self):
        for field in self.fields.values():
            _name_the_empty_choice(field)
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                css = "form-check-input"
            elif isinstance(widget, forms.Select | forms.SelectMultiple):
                css = "form-select"
            else:
                css = "form-control"
            widget.attrs["class"] = (widget.attrs.get("class", "") + " " + css).strip()


class StationForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = Station
        fields = [
            "code",
            "name",
            "subdistrict",
            "address",
            "phone",
            "email",
            "head_name",
            "head_title",
            "deputy_head_name",
            "management_mode",
            "status",
            "established_on",
            "longitude",
            "latitude",
            "communities",
        ]
        labels = {"longitude": _("经度"), "latitude": _("纬度")}
        widgets = {
            "established_on": DateInput(),
            "communities": forms.SelectMultiple(attrs={"size": 10}),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        subdistricts = subdistricts_for(
            user, Station, ADD if self.instance.pk is None else "change"
        )
        if self.instance.pk:
            # Keep the current one selectable even if the user's reach changed since.
            subdistricts = subdistricts | Subdistrict.objects.filter(
                pk=self.instance.subdistrict_id
            )
        field = self.fields["subdistrict"]
        field.widget = ScopedChoiceWidget(source="any-subdistrict")
        field.queryset = subdistricts.order_by("code").select_related("district")
        field.label_from_instance = lambda s: f"{s.district.name} · {s.name}"
        field.error_messages["invalid_choice"] = OUT_OF_REACH_SUBDISTRICT
        communities = self.fields["communities"]
        if self.instance.pk:
            communities.queryset = Community.objects.restrict(user, VIEW).filter(
                subdistrict_id=self.instance.subdistrict_id
            )
            communities.help_text = _("本站所在镇街的村居；按住 Ctrl 可多选。")
        else:
            # The street/town is not chosen yet: communities are added once the station exists.
            del self.fields["communities"]
        self._style()


class InstitutionForm(BootstrapMixin, forms.ModelForm):
    confirm_invalid_code = forms.BooleanField(
        label=_("我确认该代码真实有效"),
        required=False,
        help_text=_(
            "仅当代码为18位、字符均合法而校验码不符（GB 32100），且经核实确为登记机关核发的"
            "真实代码时勾选；长度或字符不合法的代码不能确认。确认人和时间将被记录。"
        ),
    )

    class Meta:
        model = Institution
        fields = [
            "name",
            "credit_code",
            "legal_representative",
            "registration_authority",
            "registered_on",
            "rating",
            "status",
            "address",
            "phone",
            "email",
        ]
        widgets = {"registered_on": DateInput()}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        # Only the city admin may accept a code that fails the check (RULES.md, identifiers).
        if user is None or Role.CITY_ADMIN not in user.roles:
            del self.fields["confirm_invalid_code"]
        self._style()

    def clean_credit_code(self):
        return (self.cleaned_data.get("credit_code") or "").strip().upper()

    def _post_clean(self):
        # Uniqueness and model validation are the service's job (it reports in Chinese).
        pass


class ContractForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = Contract
        fields = [
            "code",
            "station",
            "institution",
            "purchaser",
            "kind",
            "service_year",
            "starts_on",
            "ends_on",
            "annual_fee",
            "status",
            "signed_on",
            "note",
        ]
        widgets = {"starts_on": DateInput(), "ends_on": DateInput(), "signed_on": DateInput()}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        action = ADD if self.instance.pk is None else "change"
        stations = stations_for(user, Contract, action).select_related("district")
        if self.instance.pk:
            # A contract stays with its station (void it and register a new one instead).
            del self.fields["station"]
        else:
            station = self.fields["station"]
            station.widget = ScopedChoiceWidget(source="station")
            station.queryset = stations.order_by("code")
            station.label_from_instance = lambda s: f"{s.code} {s.name}"
            station.error_messages["invalid_choice"] = OUT_OF_REACH_STATION
        self.fields["code"].required = False
        self.fields["code"].help_text = _("留空则自动编号（HT-服务年度-站点编号）。")
        self.fields["institution"].widget = ScopedChoiceWidget(source="any-institution")
        self.fields["institution"].queryset = Institution.objects.restrict(user, VIEW)
        self.fields["institution"].error_messages["invalid_choice"] = INVALID_CHOICE
        purchaser = self.fields["purchaser"]
        purchaser.widget = ScopedChoiceWidget(source="any-subdistrict")
        purchaser.queryset = (
            subdistricts_for(user, Contract, action).order_by("code").select_related("district")
        )
        if self.instance.pk:
            purchaser.queryset = purchaser.queryset | Subdistrict.objects.filter(
                pk=self.instance.purchaser_id
            )
        purchaser.label_from_instance = lambda s: f"{s.district.name} · {s.name}"
        purchaser.required = False
        purchaser.empty_label = _("（社工站所在镇街）")
        purchaser.help_text = _("留空则为社工站所在镇街。")
        purchaser.error_messages["invalid_choice"] = OUT_OF_REACH_SUBDISTRICT
        self.fields["kind"].queryset = ProjectKind.objects.restrict(user, VIEW).filter(
            active=True
        ) | ProjectKind.objects.filter(pk=self.instance.kind_id or 0)
        self.fields["annual_fee"].help_text = _(
            "默认取服务年度适用政策版本的标准经费；小型项目可改。"
        )
        self._style()

    def clean(self):
        data = super().clean()
        if data.get("station") and not data.get("purchaser"):
            data["purchaser"] = data["station"].subdistrict
        return data

    def _post_clean(self):
        pass


class OutpostForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = Outpost
        fields = ["name", "community", "address", "opened_on"]
        widgets = {"opened_on": DateInput()}

    def __init__(self, *args, user, station=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.station = station
        community = self.fields["community"]
        community.queryset = Community.objects.restrict(user, VIEW).filter(
            subdistrict_id=station.subdistrict_id
        )
        community.error_messages["invalid_choice"] = _("社工点须设在本站所在镇街的村居。")
        self._style()

    def _post_clean(self):
        pass


class OutpostCloseForm(BootstrapMixin, forms.Form):
    closed_on = forms.DateField(label=_("撤销日期"), widget=DateInput())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["closed_on"].initial = clock.today()
        self._style()


class CreditRecordForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = CreditRecord
        fields = ["kind", "listed_on", "authority", "reason"]
        widgets = {"listed_on": DateInput()}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self._style()

    def _post_clean(self):
        pass


class CreditRecordLiftForm(BootstrapMixin, forms.Form):
    lifted_on = forms.DateField(label=_("移出日期"), widget=DateInput())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lifted_on"].initial = clock.today()
        self._style()


class ContractTerminateForm(BootstrapMixin, forms.Form):
    terminated_on = forms.DateField(
        label=_("终止日期"), widget=DateInput(), help_text=_("承接机构服务的最后一天。")
    )
    reason = forms.CharField(label=_("终止原因"), max_length=300)

    error_field_map = {"ends_on": "terminated_on", "termination_reason": "reason"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["terminated_on"].initial = clock.today()
        self._style()


class ImportForm(BootstrapMixin, forms.Form):
    file = forms.FileField(label=_("Excel 文件（.xlsx）"))
    dry_run = forms.BooleanField(label=_("仅校验，不写入"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].widget.attrs["accept"] = (
            ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
        self._style()


__all__ = [
    "ContractForm",
    "ContractTerminateForm",
    "CreditRecordForm",
    "CreditRecordLiftForm",
    "ImportForm",
    "InstitutionForm",
    "OutpostCloseForm",
    "OutpostForm",
    "StationForm",
    "apply_service_error",
    "subdistricts_for",
]
