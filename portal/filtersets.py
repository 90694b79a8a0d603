"""FilterSets of the portal's own lists, shared by the management pages and the API.

Choice fields are narrowed with ``restrict()`` to what the requesting user may see, so a
dropdown never names a district outside the user's scope.
"""

from __future__ import annotations

import copy

import django_filters as filters
from django import forms
from django.apps import apps
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_filters.utils import get_model_field
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from portal import clock
from portal.audit import AUDITED_APPS
from portal.choices import AuditAction, AuditOutcome, Role
from portal.forms.audit import AuditFilterForm
from portal.forms.base import (
    FilterForm,
    IntegerField,
    QuarterField,
    YearField,
)
from portal.models import AuditEvent, PolicyVersion, RoleAssignment, User, role_in_force_q
from portal.scoping import VIEW
from stations.models import District, Institution, Station, Subdistrict

# --- the base of every FilterSet: one place where filter input is checked ----------------


class IntegerFilter(filters.NumberFilter):
    """A number that names a row or counts something: "1.5" is refused, not rounded.

    The schema states the type and bounds of these filters (``portal.api.schema``)."""

    field_class = IntegerField


class YearFilter(filters.NumberFilter):
    field_class = YearField


class QuarterFilter(filters.NumberFilter):
    field_class = QuarterField


def _number_filter_class(model, name: str, number: filters.NumberFilter):
    """What a plain ``NumberFilter`` really filters on: a year, a quarter, an integer, or
    (money and hours) a decimal, which keeps django-filter's own field."""
    target = (number.field_name or name).rsplit("__", 1)[-1]
    if target.endswith("year") or name.endswith("year"):
        return YearFilter
    if target == "quarter" or name == "quarter":
        return QuarterFilter
    field = get_model_field(model, number.field_name) if model and number.field_name else None
    if isinstance(field, models.DecimalField | models.FloatField):
        return None
    return IntegerFilter


class PortalFilterSet(filters.FilterSet):
    """Base of every list filter, page and API alike (``portal.api.filters`` makes it the base
    of ``filterset_fields`` too).

    - The form is a ``FilterForm``: yes/no filters refuse unknown words.
    - A row chosen by id, or a choice filtered by a method, offers no "null" (未填写) choice.
    - A plain ``NumberFilter`` becomes a ``YearFilter`` (2000..2100) when it filters a year, a
      ``QuarterFilter`` (1..4) for a quarter, and an ``IntegerFilter`` otherwise, so ``?year=0``
      or ``?year=99999999999`` is a message on the field, never a date computed from it.
    - Invalid input is a message on its filter: a page shows it and leaves that filter
      unapplied (django-filter's way); the API answers 400 with it before filtering.
    """

    @classmethod
    def get_filters(cls):
        found = super().get_filters()
        model = cls._meta.model
        for name, each in list(found.items()):
            if type(each) is filters.NumberFilter:
                kind = _number_filter_class(model, name, each)
                if kind is not None:
                    found[name] = copy.deepcopy(each)
                    found[name].__class__ = kind
            elif (
                isinstance(each, filters.ModelChoiceFilter)
                or (isinstance(each, filters.ChoiceFilter) and each.method is not None)
            ) and "null_label" not in each.extra:
                # django-filter offers "null" (未填写) on every choice. A row (a district, a
                # station) is chosen by its id, never "null"; and a filter method would get
                # the word "null" as a value.
                found[name] = copy.deepcopy(each)
                found[name].extra["null_label"] = None
        return found

    def get_form_class(self):
        base = self._meta.form if issubclass(self._meta.form, FilterForm) else FilterForm
        fields = {name: f.field for name, f in self.filters.items()}
        return type(f"{type(self).__name__}Form", (base,), fields)


def _districts(request):
    return District.objects.restrict(getattr(request, "user", None), VIEW)


def in_force_today() -> Q:
    return role_in_force_q(clock.today())


def anchored_in_district(district) -> Q:
    """Role assignments whose anchor lies in ``district`` (district, street/town or station)."""
    return Q(district=district) | Q(subdistrict__district=district) | Q(station__district=district)


class YesNoWidget(filters.widgets.BooleanWidget):
    """A yes/no filter (true/false, as the API schema says) whose unset state reads 全部."""

    def __init__(self, attrs=None):
        super().__init__(attrs)
        self.choices = [("", _("全部")), ("true", _("是")), ("false", _("否"))]


@extend_schema_field(OpenApiTypes.INT)
class DistrictIdFilter(filters.ModelChoiceFilter):
    """A district chosen by id; filtered by a method, so the schema is told its type."""


class UserFilterSet(PortalFilterSet):
    q = filters.CharFilter(method="search", label=_("搜索"), help_text=_("用户名或姓名"))
    role = filters.ChoiceFilter(choices=Role.choices, method="with_role", label=_("角色"))
    district = DistrictIdFilter(queryset=_districts, method="in_district", label=_("区"))
    is_active = filters.BooleanFilter(widget=YesNoWidget, label=_("启用"))
    o = filters.OrderingFilter(
        fields=(
            ("username", "username"),
            ("display_name", "display_name"),
            ("date_joined", "date_joined"),
            ("last_login", "last_login"),
        ),
        field_labels={
            "username": _("用户名"),
            "display_name": _("姓名"),
            "date_joined": _("创建时间"),
            "last_login": _("最近登录"),
        },
        label=_("排序"),
    )

    class Meta:
        model = User
        form = FilterForm
        fields = ["q", "role", "district", "is_active"]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(username__icontains=value) | Q(display_name__icontains=value))

    def with_role(self, queryset, name, value):
        held = RoleAssignment.objects.filter(in_force_today(), role=value).values("user_id")
        return queryset.filter(pk__in=held)

    def in_district(self, queryset, name, value):
        held = RoleAssignment.objects.filter(in_force_today(), anchored_in_district(value)).values(
            "user_id"
        )
        return queryset.filter(pk__in=held)


def _scoped(model):
    def queryset(request):
        return model.objects.restrict(getattr(request, "user", None), VIEW)

    return queryset


class RoleAssignmentFilterSet(PortalFilterSet):
    user = filters.ModelChoiceFilter(queryset=_scoped(User), label=_("用户"))
    role = filters.ChoiceFilter(choices=Role.choices, label=_("角色"))
    district = DistrictIdFilter(queryset=_districts, method="in_district", label=_("区"))
    subdistrict = filters.ModelChoiceFilter(queryset=_scoped(Subdistrict), label=_("镇街"))
    institution = filters.ModelChoiceFilter(queryset=_scoped(Institution), label=_("承接机构"))
    station = filters.ModelChoiceFilter(queryset=_scoped(Station), label=_("社工站"))
    in_force = filters.BooleanFilter(method="filter_in_force", label=_("当前有效"))

    class Meta:
        model = RoleAssignment
        form = FilterForm
        fields = ["user", "role", "district", "subdistrict", "institution", "station", "in_force"]

    def in_district(self, queryset, name, value):
        return queryset.filter(anchored_in_district(value))

    def filter_in_force(self, queryset, name, value):
        return queryset.filter(in_force_today()) if value else queryset.exclude(in_force_today())


class PolicyVersionFilterSet(PortalFilterSet):
    effective_from = filters.DateFromToRangeFilter(label=_("生效日期"))
    name = filters.CharFilter(lookup_expr="icontains", label=_("版本名称"))

    class Meta:
        model = PolicyVersion
        form = FilterForm
        fields = ["effective_from", "name"]


def audited_object_types() -> list[tuple[str, str]]:
    """Object types the trail records, with their Chinese names (no query)."""
    return sorted(
        (m._meta.label_lower, f"{m._meta.verbose_name}（{m._meta.label_lower}）")
        for m in apps.get_models()
        if m._meta.app_label in AUDITED_APPS
    )


class IPAddressFilter(filters.CharFilter):
    # A malformed address is a form error, not a database error on PostgreSQL's inet.
    field_class = forms.GenericIPAddressField


class AuditEventFilterSet(PortalFilterSet):
    at = filters.DateFromToRangeFilter(label=_("时间范围"))
    actor = filters.CharFilter(
        method="by_actor", label=_("操作人"), help_text=_("用户名，或操作人ID")
    )
    action = filters.ChoiceFilter(choices=AuditAction.choices, label=_("动作"))
    outcome = filters.ChoiceFilter(choices=AuditOutcome.choices, label=_("结果"))
    object_type = filters.CharFilter(
        label=_("对象类型"), help_text=_("如 portal.user、stations.station")
    )
    object_id = filters.CharFilter(label=_("对象ID"))
    ip_address = IPAddressFilter(label=_("来源地址"))

    class Meta:
        model = AuditEvent
        form = AuditFilterForm
        fields = ["at", "actor", "action", "outcome", "object_type", "object_id", "ip_address"]

    def by_actor(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        if value.isdigit():
            return queryset.filter(Q(actor_id=int(value)) | Q(actor_name=value))
        return queryset.filter(actor_name__iexact=value)
