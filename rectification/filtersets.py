"""The order list's filters, shared by the page and the API. Dropdowns are narrowed through
``restrict`` (a district outside the user's scope is never offered)."""

from __future__ import annotations

import django_filters as filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from portal import clock
from portal.filtersets import PortalFilterSet
from portal.forms.base import FilterForm
from portal.scoping import VIEW
from rectification.choices import (
    AWAITING_STATION,
    OPEN_ORDER_STATUSES,
    Area,
    OrderStatus,
    Severity,
    SourceKind,
)
from rectification.models import RectificationOrder
from rectification.selectors import overdue_q
from stations.models import District, Station


def _district_choices(request):
    user = getattr(request, "user", None)
    return District.objects.restrict(user, VIEW).filter(
        pk__in=Station.objects.restrict(user, VIEW).values("district_id")
    )


# The orders the station side still owes (open or sent back): what its to-do counts.
AWAITING = "awaiting"
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


class OrderFilterSet(PortalFilterSet):
    q = _Search(fields=("station__name", "station__code", "title"), label=_("社工站或事项"))
    status = filters.ChoiceFilter(
        choices=[
            *OrderStatus.choices,
            (AWAITING, _("待站点整改（待整改或退回）")),
            ("not_closed", _("未关闭")),
        ],
        method="filter_status",
        label=_("状态"),
        empty_label=_("全部状态"),
    )
    overdue = filters.ChoiceFilter(
        choices=YES_NO, method="filter_overdue", label=_("逾期"), empty_label=_("全部")
    )
    severity = filters.ChoiceFilter(
        choices=Severity.choices, label=_("问题等级"), empty_label=_("全部等级")
    )
    source_kind = filters.ChoiceFilter(
        choices=SourceKind.choices, label=_("来源"), empty_label=_("全部来源")
    )
    area = filters.ChoiceFilter(choices=Area.choices, label=_("领域"), empty_label=_("全部领域"))
    district = filters.ModelChoiceFilter(
        field_name="station__district",
        queryset=_district_choices,
        label=_("区"),
        empty_label=_("全部区"),
    )
    station = filters.NumberFilter(field_name="station_id", label=_("社工站"))
    is_repeat = filters.ChoiceFilter(
        choices=YES_NO, method="filter_is_repeat", label=_("重复问题"), empty_label=_("全部")
    )
    sort = filters.OrderingFilter(
        fields=(("due_on", "due"), ("opened_on", "opened")),
        field_labels={"due_on": _("整改期限"), "opened_on": _("下达日期")},
        label=_("排序"),
    )

    class Meta:
        model = RectificationOrder
        form = FilterForm
        fields = [
            "q",
            "status",
            "overdue",
            "severity",
            "source_kind",
            "area",
            "district",
            "station",
            "is_repeat",
        ]

    def filter_status(self, qs, name, value):
        if not value:
            return qs
        if value == "not_closed":
            return qs.filter(status__in=OPEN_ORDER_STATUSES)
        if value == AWAITING:
            return qs.filter(status__in=AWAITING_STATION)
        return qs.filter(status=value)

    def filter_overdue(self, qs, name, value):
        flag = _yes_no(value)
        if flag is True:
            return qs.filter(overdue_q(clock.today()))
        if flag is False:
            return qs.exclude(overdue_q(clock.today()))
        return qs

    def filter_is_repeat(self, qs, name, value):
        flag = _yes_no(value)
        return qs if flag is None else qs.filter(is_repeat=flag)
