"""One FilterSet per list, shared by the pages and the API; choices narrowed to the user."""

from __future__ import annotations

import django_filters as filters
from django.utils.translation import gettext_lazy as _

from portal.filtersets import PortalFilterSet
from services.choices import KindCode, ReportStatus
from services.models import MonthlyReport, ServiceRecord, ServiceTarget, ServiceUser
from stations.filtersets import LimitedModelChoiceFilter, district_choices, station_choices


class ServiceUserFilterSet(PortalFilterSet):
    station = LimitedModelChoiceFilter(queryset=station_choices, label=_("社工站"))
    name = filters.CharFilter(lookup_expr="icontains", label=_("姓名"))

    class Meta:
        model = ServiceUser
        fields = ["station", "name"]


class RecordFilterSet(PortalFilterSet):
    station = LimitedModelChoiceFilter(queryset=station_choices, label=_("社工站"))
    district = LimitedModelChoiceFilter(
        field_name="station__district", queryset=district_choices, label=_("区")
    )
    kind = filters.ChoiceFilter(
        field_name="kind__kind", choices=KindCode.choices, label=_("服务类型")
    )
    field = filters.CharFilter(field_name="field__code", label=_("服务领域代码"))
    since = filters.DateFilter(field_name="service_on", lookup_expr="gte", label=_("起始日期"))
    until = filters.DateFilter(field_name="service_on", lookup_expr="lte", label=_("截止日期"))

    class Meta:
        model = ServiceRecord
        fields = ["station", "district", "kind", "field", "since", "until"]


class ReportFilterSet(PortalFilterSet):
    station = LimitedModelChoiceFilter(queryset=station_choices, label=_("社工站"))
    district = LimitedModelChoiceFilter(
        field_name="station__district", queryset=district_choices, label=_("区")
    )
    year = filters.NumberFilter(label=_("年"))
    month = filters.NumberFilter(label=_("月"))
    status = filters.MultipleChoiceFilter(choices=ReportStatus.choices, label=_("状态"))

    class Meta:
        model = MonthlyReport
        fields = ["station", "district", "year", "month", "status"]


class TargetFilterSet(PortalFilterSet):
    station = LimitedModelChoiceFilter(queryset=station_choices, label=_("社工站"))
    service_year = filters.NumberFilter(label=_("服务年度"))

    class Meta:
        model = ServiceTarget
        fields = ["station", "service_year"]
