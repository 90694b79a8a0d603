"""One FilterSet per list, shared by the pages and the API; choices narrowed to the user."""

from __future__ import annotations

import django_filters as filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from funding.choices import BudgetStatus, PeriodKind, ReportStatus, ResourceKind
from funding.models import Budget, FundingYear, SocialResource, SpendingReport
from portal.filtersets import PortalFilterSet
from portal.forms.base import FilterForm
from portal.scoping import VIEW
from stations.filtersets import LimitedModelChoiceFilter, district_choices, institution_choices
from stations.models import Contract


def contract_choices(request):
    return Contract.objects.restrict(getattr(request, "user", None), VIEW)


def id_filter(field_name: str, label):
    """A station or contract id: set by links (``?contract=12``), hidden on the filter bar."""
    return filters.NumberFilter(field_name=field_name, label=label, widget=forms.HiddenInput)


def year_filter(label):
    return filters.NumberFilter(
        field_name="service_year",
        label=label,
        widget=forms.NumberInput(attrs={"placeholder": _("全部年度"), "min": 2000, "max": 2100}),
    )


def search_station_or_contract(qs, name, value):
    value = (value or "").strip()
    if not value:
        return qs
    return qs.filter(Q(station__name__icontains=value) | Q(contract__code__icontains=value))


class FundingYearFilterSet(PortalFilterSet):
    service_year = filters.NumberFilter(label=_("服务年度"))
    district = LimitedModelChoiceFilter(queryset=district_choices, label=_("区"))
    institution = LimitedModelChoiceFilter(queryset=institution_choices, label=_("承接机构"))
    station = filters.NumberFilter(field_name="station_id", label=_("社工站"))
    is_comprehensive = filters.BooleanFilter(label=_("综合项目"))
    final = filters.BooleanFilter(label=_("已确定"))

    class Meta:
        model = FundingYear
        fields = ["service_year", "district", "institution", "station", "is_comprehensive", "final"]


class BudgetFilterSet(PortalFilterSet):
    q = filters.CharFilter(
        method="search",
        label=_("搜索"),
        max_length=100,
        widget=forms.TextInput(attrs={"placeholder": _("社工站名称或合同编号")}),
    )
    service_year = year_filter(_("服务年度"))
    status = filters.ChoiceFilter(
        choices=BudgetStatus.choices, label=_("状态"), empty_label=_("全部状态")
    )
    district = LimitedModelChoiceFilter(
        field_name="station__district",
        queryset=district_choices,
        label=_("区"),
        empty_label=_("全部区"),
    )
    station = id_filter("station_id", _("社工站"))
    contract = id_filter("contract_id", _("合同"))

    class Meta:
        model = Budget
        fields = ["service_year", "status", "district", "station", "contract"]
        form = FilterForm

    def search(self, qs, name, value):
        return search_station_or_contract(qs, name, value)


class ReportFilterSet(PortalFilterSet):
    q = filters.CharFilter(
        method="search",
        label=_("搜索"),
        max_length=100,
        widget=forms.TextInput(attrs={"placeholder": _("社工站名称或合同编号")}),
    )
    service_year = year_filter(_("服务年度"))
    status = filters.ChoiceFilter(
        choices=ReportStatus.choices, label=_("状态"), empty_label=_("全部状态")
    )
    period_kind = filters.ChoiceFilter(
        choices=PeriodKind.choices, label=_("报告周期"), empty_label=_("全部周期")
    )
    district = LimitedModelChoiceFilter(
        field_name="station__district",
        queryset=district_choices,
        label=_("区"),
        empty_label=_("全部区"),
    )
    station = id_filter("station_id", _("社工站"))
    contract = id_filter("contract_id", _("合同"))

    class Meta:
        model = SpendingReport
        fields = ["service_year", "status", "period_kind", "district", "station", "contract"]
        form = FilterForm

    def search(self, qs, name, value):
        return search_station_or_contract(qs, name, value)


class SocialResourceFilterSet(PortalFilterSet):
    q = filters.CharFilter(
        method="search",
        label=_("搜索"),
        max_length=100,
        widget=forms.TextInput(attrs={"placeholder": _("社工站名称或来源")}),
    )
    service_year = year_filter(_("年度"))
    kind = filters.ChoiceFilter(
        choices=ResourceKind.choices, label=_("类别"), empty_label=_("全部类别")
    )
    district = LimitedModelChoiceFilter(
        field_name="station__district",
        queryset=district_choices,
        label=_("区"),
        empty_label=_("全部区"),
    )
    station = id_filter("station_id", _("社工站"))

    class Meta:
        model = SocialResource
        fields = ["service_year", "kind", "district", "station"]
        form = FilterForm

    def search(self, qs, name, value):
        value = (value or "").strip()
        if not value:
            return qs
        return qs.filter(Q(station__name__icontains=value) | Q(source__icontains=value))
