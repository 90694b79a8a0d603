"""Forms of the services pages; every choice narrowed to what the user may see."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from portal import clock
from portal.forms.base import BootstrapFormMixin
from portal.scoping import ADD, VIEW, stations_for
from services.choices import CaseStep, ConsentMethod, Gender
from services.models import ServiceRecord, ServiceUser
from services.selectors import catalogue_in_force


def _one_station(stations, chosen):
    """Choices hanging off a station (communities, people) for one station only: the chosen
    one, or the user's only one. A city admin picks the station first (``?station=``)."""
    if chosen:
        try:
            return stations.filter(pk=int(getattr(chosen, "pk", chosen)))
        except (TypeError, ValueError):
            return stations.none()
    return stations if stations.count() == 1 else stations.none()


def _codes(qs):
    return [(i.code, i.name) for i in qs]


class StationChoiceMixin:
    """A station field when the user may act for more than one station."""

    def _station_field(self, user, model):
        stations = stations_for(user, model, ADD).order_by("code")
        self.fields["station"] = forms.ModelChoiceField(
            queryset=stations, label=_("社工站"), required=True
        )
        if stations.count() == 1:
            self.fields["station"].initial = stations.first()


class ServiceUserForm(BootstrapFormMixin, StationChoiceMixin, forms.Form):
    name = forms.CharField(label=_("姓名"), max_length=40)
    gender = forms.ChoiceField(
        label=_("性别"), choices=[("", "—"), *Gender.choices], required=False
    )
    birth_year = forms.IntegerField(label=_("出生年份"), required=False)
    community = forms.ModelChoiceField(queryset=None, label=_("村居"), required=False)
    contact = forms.CharField(label=_("联系方式"), max_length=40, required=False)
    id_number = forms.CharField(
        label=_("身份证号（选填）"),
        max_length=20,
        required=False,
        help_text=_("加密保存，页面只显示前3位和后4位。"),
    )
    target_groups = forms.MultipleChoiceField(
        label=_("服务对象类别"), required=False, widget=forms.CheckboxSelectMultiple
    )
    fields_ = forms.MultipleChoiceField(
        label=_("服务领域"), required=False, widget=forms.CheckboxSelectMultiple
    )
    consent_on = forms.DateField(
        label=_("同意日期"), widget=forms.DateInput(attrs={"type": "date"})
    )
    consent_method = forms.ChoiceField(label=_("同意方式"), choices=ConsentMethod.choices)

    def __init__(self, *args, user, instance: ServiceUser | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        from stations.models import Community

        version = catalogue_in_force()
        self.fields["target_groups"].choices = _codes(version.target_groups.all())
        self.fields["fields_"].choices = _codes(version.fields.all())
        self.station_chosen = True
        stations = _one_station(
            stations_for(user, ServiceUser, ADD),
            self.data.get("station") or self.initial.get("station"),
        )
        self.fields["community"].queryset = Community.objects.filter(
            subdistrict__in=stations.values("subdistrict_id")
        ).order_by("code")
        if instance is None:
            self._station_field(user, ServiceUser)
            self.fields["consent_on"].initial = clock.today()
        else:
            del self.fields["consent_on"], self.fields["consent_method"]
            self.fields["community"].queryset = Community.objects.filter(
                subdistrict_id=instance.station.subdistrict_id
            )

    def service_data(self) -> dict:
        data = dict(self.cleaned_data)
        data["fields"] = data.pop("fields_", [])
        data.pop("station", None)
        return data


class RecordForm(BootstrapFormMixin, StationChoiceMixin, forms.Form):
    service_on = forms.DateField(
        label=_("服务日期"), widget=forms.DateInput(attrs={"type": "date"})
    )
    kind = forms.ChoiceField(label=_("服务类型"))
    field = forms.ChoiceField(label=_("服务领域"))
    title = forms.CharField(label=_("主题"), max_length=80)
    community = forms.ModelChoiceField(queryset=None, label=_("村居"), required=False)
    target_groups = forms.MultipleChoiceField(
        label=_("服务对象类别"), required=False, widget=forms.CheckboxSelectMultiple
    )
    hours = forms.DecimalField(label=_("时长（小时）"), max_digits=5, decimal_places=2, min_value=0)
    person_times = forms.IntegerField(label=_("服务人次"), min_value=0)
    others_count = forms.IntegerField(label=_("未登记参与人数"), min_value=0, initial=0)
    attendees = forms.ModelMultipleChoiceField(
        queryset=None, label=_("出席的登记服务对象"), required=False
    )
    workers = forms.MultipleChoiceField(label=_("服务社工"), required=False)
    case_step = forms.ChoiceField(
        label=_("个案进展"), choices=[("", "—"), *CaseStep.choices], required=False
    )
    note = forms.CharField(
        label=_("简要记录"),
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, user, record: ServiceRecord | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        from stations.models import Community

        version = catalogue_in_force()
        self.fields["kind"].choices = [(k.code, k.name) for k in version.kinds.all()]
        self.fields["field"].choices = _codes(version.fields.all())
        self.fields["target_groups"].choices = _codes(version.target_groups.all())
        stations = (
            stations_for(user, ServiceRecord, ADD)
            if record is None
            else type(record.station).objects.filter(pk=record.station_id)
        )
        stations = _one_station(stations, self.data.get("station") or self.initial.get("station"))
        self.fields["community"].queryset = Community.objects.filter(
            subdistrict__in=stations.values("subdistrict_id")
        ).order_by("code")
        self.fields["attendees"].queryset = (
            ServiceUser.objects.restrict(user, VIEW)
            .filter(station__in=stations, withdrawn_on__isnull=True)
            .order_by("name", "pk")
        )
        self.fields["attendees"].label_from_instance = lambda u: (
            f"{u.name}（{u.birth_year or '—'}）"
        )
        from talent.selectors import station_staff

        one = stations.first() if stations.count() == 1 else None
        self.fields["workers"].choices = (
            [(str(e.person_id), e.person.name) for e in station_staff(user, station=one)]
            if one is not None
            else []
        )
        self.station_chosen = one is not None
        if record is None:
            self._station_field(user, ServiceRecord)
            self.fields["service_on"].initial = clock.today()

    def service_data(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("station", None)
        data["attendees"] = [u.pk for u in data.get("attendees") or []]
        data["workers"] = [int(w) for w in data.get("workers") or []]
        return data


class ReportForm(BootstrapFormMixin, forms.Form):
    narrative = forms.CharField(
        label=_("工作综述"), widget=forms.Textarea(attrs={"rows": 6}), required=False
    )
    highlights = forms.CharField(
        label=_("亮点与成效"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


class ReportDecisionForm(forms.Form):
    action = forms.ChoiceField(
        choices=[
            ("save", "save"),
            ("submit", "submit"),
            ("review", "review"),
            ("approve", "approve"),
            ("return", "return"),
        ]
    )
    version = forms.IntegerField()
    reason = forms.CharField(required=False, max_length=300)
    narrative = forms.CharField(required=False)
    highlights = forms.CharField(required=False)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("查看理由"), max_length=200, required=False)
