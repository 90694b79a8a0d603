"""One FilterSet per list, shared by the pages and the API.

Choice fields are narrowed to what the requesting user may see (restrict()), so a dropdown
never names a district, street/town or institution outside the user's scope. Large dropdowns
render at most ``CHOICE_LIMIT`` options until a district narrows them (nation scale has tens
of thousands of streets/towns); validation still accepts any row in scope.
"""

from __future__ import annotations

import django_filters as filters
from django import forms
from django.db.models import Q
from django.forms.models import ModelChoiceIterator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from portal.scoping import VIEW
from stations.choices import (
    BINDING_CONTRACT_STATUSES,
    ContractStatus,
    CreditListKind,
    InstitutionRating,
    InstitutionStatus,
    ManagementMode,
    StationStatus,
)
from stations.models import (
    Community,
    Contract,
    CreditRecord,
    District,
    Institution,
    Outpost,
    ProjectKind,
    Station,
    Subdistrict,
)

CHOICE_LIMIT = 500


class LimitedIterator(ModelChoiceIterator):
    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        queryset = self.queryset
        if not queryset._prefetch_related_lookups:
            queryset = queryset.iterator()
        for n, obj in enumerate(queryset):
            if n >= CHOICE_LIMIT:
                break
            yield self.choice(obj)


class LimitedModelChoiceField(filters.fields.ModelChoiceField):
    iterator = LimitedIterator


class LimitedModelChoiceFilter(filters.ModelChoiceFilter):
    field_class = LimitedModelChoiceField


@extend_schema_field(OpenApiTypes.INT)
class RunningInstitutionFilter(LimitedModelChoiceFilter):
    """The institution running a station today (a method filter: its id in the schema)."""


def _user(request):
    return getattr(request, "user", None)


def visible_stations(request):
    return Station.objects.restrict(_user(request), VIEW)


def district_choices(request):
    return District.objects.restrict(_user(request), VIEW).filter(
        pk__in=visible_stations(request).values("district_id")
    )


def subdistrict_choices(request):
    return (
        Subdistrict.objects.restrict(_user(request), VIEW)
        .filter(pk__in=visible_stations(request).values("subdistrict_id"))
        .select_related("district")
    )


def institution_choices(request):
    """Institutions that have a contract with a station the user may see."""
    user = _user(request)
    return Institution.objects.restrict(user, VIEW).filter(
        pk__in=Contract.objects.restrict(user, VIEW).values("institution_id")
    )


def station_choices(request):
    return visible_stations(request)


def project_kind_choices(request):
    return ProjectKind.objects.restrict(_user(request), VIEW)


class NarrowingMixin:
    """Narrow the street/town and institution dropdowns to the chosen district."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        district = (self.data or {}).get("district")
        if district and str(district).isdigit():
            for name, lookup in (("subdistrict", "district"),):
                if name in self.filters:
                    field = self.form.fields[name]
                    field.queryset = field.queryset.filter(**{lookup: district})


class SearchFilter(filters.CharFilter):
    """Free-text search over a few columns (``icontains`` on each, OR-ed)."""

    def __init__(self, *args, fields: tuple[str, ...] = (), **kwargs):
        self.search_fields = fields
        kwargs.setdefault("label", _("搜索"))
        kwargs.setdefault("max_length", 100)
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        value = (value or "").strip()
        if not value:
            return qs
        cond = Q()
        for name in self.search_fields:
            cond |= Q(**{f"{name}__icontains": value})
        return qs.filter(cond)


class StationFilterSet(NarrowingMixin, filters.FilterSet):
    q = SearchFilter(fields=("name", "code"), label=_("名称或编号"))
    district = filters.ModelChoiceFilter(
        queryset=district_choices, label=_("区"), empty_label=_("全部区")
    )
    subdistrict = LimitedModelChoiceFilter(
        queryset=subdistrict_choices, label=_("镇街"), empty_label=_("全部镇街")
    )
    institution = RunningInstitutionFilter(
        queryset=institution_choices,
        label=_("当前承接机构"),
        method="filter_institution",
        empty_label=_("全部机构"),
    )
    status = filters.ChoiceFilter(
        choices=StationStatus.choices, label=_("状态"), empty_label=_("全部状态")
    )
    service_year = filters.NumberFilter(
        method="filter_service_year", label=_("服务年度"), min_value=2000, max_value=2100
    )
    management_mode = filters.ChoiceFilter(
        choices=ManagementMode.choices, label=_("管理模式"), empty_label=_("全部模式")
    )
    sort = filters.OrderingFilter(
        fields=(
            ("code", "code"),
            ("name", "name"),
            ("district__code", "district"),
            ("operator_name", "institution"),
        ),
        field_labels={
            "code": _("编号"),
            "name": _("名称"),
            "district__code": _("区"),
            "operator_name": _("承接机构"),
        },
        label=_("排序"),
    )

    class Meta:
        model = Station
        fields = [
            "q",
            "district",
            "subdistrict",
            "institution",
            "status",
            "service_year",
            "management_mode",
        ]

    def filter_institution(self, qs, name, value):
        if not value:
            return qs
        running = Contract.objects.in_force(timezone.localdate()).filter(
            institution=value, is_comprehensive=True
        )
        return qs.filter(pk__in=running.values("station_id"))

    def filter_service_year(self, qs, name, value):
        if value in (None, ""):
            return qs
        contracted = Contract.objects.filter(service_year=value).exclude(
            status=ContractStatus.CANCELLED
        )
        return qs.filter(pk__in=contracted.values("station_id"))


class InstitutionFilterSet(filters.FilterSet):
    q = SearchFilter(fields=("name", "credit_code"), label=_("名称或信用代码"))
    rating = filters.ChoiceFilter(
        choices=InstitutionRating.choices, label=_("等级"), empty_label=_("全部等级")
    )
    status = filters.ChoiceFilter(
        choices=InstitutionStatus.choices, label=_("状态"), empty_label=_("全部状态")
    )
    listed = filters.BooleanFilter(method="filter_listed", label=_("有未移出的信用记录"))
    sort = filters.OrderingFilter(
        fields=(
            ("name", "name"),
            ("credit_code", "credit_code"),
            ("registered_on", "registered_on"),
        ),
        field_labels={
            "name": _("名称"),
            "credit_code": _("信用代码"),
            "registered_on": _("登记日期"),
        },
        label=_("排序"),
    )

    class Meta:
        model = Institution
        fields = ["q", "rating", "status", "listed"]

    def filter_listed(self, qs, name, value):
        if value is None:
            return qs
        open_records = CreditRecord.objects.filter(lifted_on__isnull=True).values("institution_id")
        return qs.filter(pk__in=open_records) if value else qs.exclude(pk__in=open_records)


class ContractFilterSet(NarrowingMixin, filters.FilterSet):
    q = SearchFilter(
        fields=("code", "station__name", "station__code", "institution__name"),
        label=_("合同编号、站点或机构"),
    )
    station = LimitedModelChoiceFilter(
        queryset=station_choices, label=_("社工站"), empty_label=_("全部站点")
    )
    institution = LimitedModelChoiceFilter(
        queryset=institution_choices, label=_("承接机构"), empty_label=_("全部机构")
    )
    district = filters.ModelChoiceFilter(
        queryset=district_choices,
        label=_("区"),
        field_name="station__district",
        empty_label=_("全部区"),
    )
    kind = filters.ModelChoiceFilter(
        queryset=project_kind_choices, label=_("项目类型"), empty_label=_("全部类型")
    )
    service_year = filters.NumberFilter(label=_("服务年度"), min_value=2000, max_value=2100)
    status = filters.ChoiceFilter(
        choices=ContractStatus.choices, label=_("状态"), empty_label=_("全部状态")
    )
    in_force_on = filters.DateFilter(
        method="filter_in_force_on",
        label=_("在该日期生效"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    sort = filters.OrderingFilter(
        fields=(
            ("code", "code"),
            ("service_year", "service_year"),
            ("starts_on", "starts_on"),
            ("station__code", "station"),
            ("institution__name", "institution"),
            ("annual_fee", "annual_fee"),
        ),
        field_labels={
            "code": _("合同编号"),
            "service_year": _("服务年度"),
            "starts_on": _("开始日期"),
            "station__code": _("社工站"),
            "institution__name": _("承接机构"),
            "annual_fee": _("年度经费"),
        },
        label=_("排序"),
    )

    class Meta:
        model = Contract
        fields = [
            "q",
            "station",
            "institution",
            "district",
            "kind",
            "service_year",
            "status",
            "in_force_on",
        ]

    def filter_in_force_on(self, qs, name, value):
        if not value:
            return qs
        return qs.filter(
            status__in=BINDING_CONTRACT_STATUSES, starts_on__lte=value, ends_on__gte=value
        )


class SubdistrictFilterSet(filters.FilterSet):
    q = SearchFilter(fields=("name", "code"))
    district = filters.ModelChoiceFilter(
        queryset=lambda request: District.objects.restrict(_user(request), VIEW)
    )

    class Meta:
        model = Subdistrict
        fields = ["q", "district", "kind"]


class CommunityFilterSet(filters.FilterSet):
    q = SearchFilter(fields=("name", "code"))
    subdistrict = filters.NumberFilter(field_name="subdistrict_id")
    district = filters.NumberFilter(field_name="subdistrict__district_id")

    class Meta:
        model = Community
        fields = ["q", "subdistrict", "district", "kind"]


class OutpostFilterSet(filters.FilterSet):
    station = filters.NumberFilter(field_name="station_id")
    open = filters.BooleanFilter(field_name="closed_on", lookup_expr="isnull", label=_("未撤销"))

    class Meta:
        model = Outpost
        fields = ["station", "open"]


class CreditRecordFilterSet(filters.FilterSet):
    institution = filters.NumberFilter(field_name="institution_id")
    kind = filters.ChoiceFilter(choices=CreditListKind.choices)
    lifted = filters.BooleanFilter(
        field_name="lifted_on", lookup_expr="isnull", exclude=True, label=_("已移出")
    )

    class Meta:
        model = CreditRecord
        fields = ["institution", "kind", "lifted"]
