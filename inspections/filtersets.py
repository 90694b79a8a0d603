"""One FilterSet per list, shared by the pages and the API. Dropdowns are narrowed through
``restrict`` (a district outside the user's scope is never offered)."""

from __future__ import annotations

import django_filters as filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from inspections.choices import (
    Area,
    Severity,
    VisitMode,
    VisitStatus,
)
from inspections.models import Finding, Inspection
from portal.filtersets import PortalFilterSet
from portal.forms.base import FilterForm
from portal.scoping import VIEW
from stations.models import District, Station


def _district_choices(request):
    user = getattr(request, "user", None)
    return District.objects.restrict(user, VIEW).filter(
        pk__in=Station.objects.restrict(user, VIEW).values("district_id")
    )


YES_NO = (("true", _("是")), ("false", _("否")))


def _yes_no(value) -> bool | None:
    """``True``/``False`` from a yes/no filter value (also 1/0 of older links), else None."""
    text = str(value).lower()
    if text in ("true", "1", "yes"):
        return True
    if text in ("false", "0", "no"):
        return False
    return None


class _Search(filters.CharFilter):
    def __init__(self, *args, fields=(), **kwargs):
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


class InspectionFilterSet(PortalFilterSet):
    q = _Search(fields=("station__name", "station__code"), label=_("社工站名称或编号"))
    year = filters.NumberFilter(
        field_name="scheduled_on__year", label=_("年度"), min_value=2000, max_value=2100
    )
    quarter = filters.NumberFilter(
        field_name="plan__quarter", label=_("季度"), min_value=1, max_value=4
    )
    district = filters.ModelChoiceFilter(
        field_name="station__district",
        queryset=_district_choices,
        label=_("区"),
        empty_label=_("全部区"),
    )
    mode = filters.ChoiceFilter(
        choices=VisitMode.choices, label=_("方式"), empty_label=_("全部方式")
    )
    status = filters.ChoiceFilter(
        choices=VisitStatus.choices, label=_("状态"), empty_label=_("全部状态")
    )
    campaign = filters.NumberFilter(field_name="campaign_id", label=_("专项督查"))
    station = filters.NumberFilter(field_name="station_id", label=_("社工站"))
    sort = filters.OrderingFilter(
        fields=(("scheduled_on", "date"), ("station__code", "station")),
        field_labels={"scheduled_on": _("日期"), "station__code": _("社工站")},
        label=_("排序"),
    )

    class Meta:
        model = Inspection
        form = FilterForm
        fields = ["q", "year", "quarter", "district", "mode", "status", "campaign", "station"]


class FindingFilterSet(PortalFilterSet):
    area = filters.ChoiceFilter(choices=Area.choices, label=_("领域"), empty_label=_("全部领域"))
    severity = filters.ChoiceFilter(
        choices=Severity.choices, label=_("问题等级"), empty_label=_("全部等级")
    )
    year = filters.NumberFilter(field_name="found_on__year", label=_("年度"))
    station = filters.NumberFilter(field_name="station_id", label=_("社工站"))

    class Meta:
        model = Finding
        form = FilterForm
        fields = ["area", "severity", "year", "station"]
