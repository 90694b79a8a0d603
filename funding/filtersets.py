"""One FilterSet per list, shared by the pages and the API; choices narrowed to the user."""

from __future__ import annotations

import django_filters as filters
from django.utils.translation import gettext_lazy as _

from funding.choices import BudgetStatus, ReportStatus, ResourceKind
from funding.models import Budget, FundingYear, SocialResource, SpendingReport
from portal.scoping import VIEW
from stations.filtersets import LimitedModelChoiceFilter, district_choices, institution_choices
from stations.models import Contract


def contract_choices(request):
    return Contract.objects.restrict(getattr(request, "user", None), VIEW)


class FundingYearFilterSet(filters.FilterSet):
    service_year = filters.NumberFilter(label=_("服务年度"))
    district = LimitedModelChoiceFilter(queryset=district_choices, label=_("区"))
    institution = LimitedModelChoiceFilter(queryset=institution_choices, label=_("承接机构"))
    station = filters.NumberFilter(field_name="station_id", label=_("社工站"))
    is_comprehensive = filters.BooleanFilter(label=_("综合项目"))
    final = filters.BooleanFilter(label=_("已确定"))

    class Meta:
        model = FundingYear
        fields = ["service_year", "district", "institution", "station", "is_comprehensive", "final"]


class BudgetFilterSet(filters.FilterSet):
    service_year = filters.NumberFilter(label=_("服务年度"))
    status = filters.ChoiceFilter(choices=BudgetStatus.choices, label=_("状态"))
    district = LimitedModelChoiceFilter(
        field_name="station__district", queryset=district_choices, label=_("区")
    )
    station = filters.NumberFilter(field_name="station_id", label=_("社工站"))
    contract = filters.NumberFilter(field_name="contract_id", label=_("合同"))
    q = filters.CharFilter(method="search", label=_("搜索"), max_length=100)

    class Meta:
        model = Budget
        fields = ["service_year", "status", "district", "station", "contract"]

    def search(self, qs, name, value):
        value = (value or "").strip()
        if not value:
            return qs
        return qs.filter(station__name__icontains=value) | qs.filter(
            contract__code__icontains=value
        )


class ReportFilterSet(filters.FilterSet):
    service_year = filters.NumberFilter(label=_("服务年度"))
    status = filters.ChoiceFilter(choices=ReportStatus.choices, label=_("状态"))
    district = LimitedModelChoiceFilter(
        field_name="station__district", queryset=district_choices, label=_("区")
    )
    station = filters.NumberFilter(field_name="station_id", label=_("社工站"))
    contract = filters.NumberFilter(field_name="contract_id", label=_("合同"))

    class Meta:
        model = SpendingReport
        fields = ["service_year", "status", "district", "station", "contract", "period_kind"]


class SocialResourceFilterSet(filters.FilterSet):
    service_year = filters.NumberFilter(label=_("年度"))
    kind = filters.ChoiceFilter(choices=ResourceKind.choices, label=_("类别"))
    district = LimitedModelChoiceFilter(
        field_name="station__district", queryset=district_choices, label=_("区")
    )
    station = filters.NumberFilter(field_name="station_id", label=_("社工站"))

    class Meta:
        model = SocialResource
        fields = ["service_year", "kind", "district", "station"]
