"""One FilterSet per list, shared by the pages and the API.

Choice fields are narrowed to what the requesting user may see (restrict()), so a dropdown
never names a district, street/town or institution outside the user's scope.

Dropdowns over places, institutions and stations use ``ScopedChoiceWidget``: one query of at
most ``CHOICE_LIMIT + 1`` rows, options written without a template per option. When the scope
holds more than ``CHOICE_LIMIT`` rows (nation scale has thousands of districts and tens of
thousands of streets/towns) only the chosen value is rendered, and static/js/
stations_autocomplete.js turns the dropdown into a search box backed by
``stations:choice_search``, which answers from the same scoped choice functions below.
Validation is the field's as ever: any row in scope is accepted, page and API alike.
"""

from __future__ import annotations

import django_filters as filters
from django import forms
from django.db.models import Q
from django.forms.models import ModelChoiceIterator
from django.forms.utils import flatatt
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from portal import clock
from portal.filtersets import PortalFilterSet
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

CHOICE_LIMIT = 200

# The autocomplete source of each model (stations.views.choices.ChoiceSearchView), and
# whether its suggestions follow the district chosen in the same form.
AUTOCOMPLETE_SOURCES = {
    District: ("district", False),
    Subdistrict: ("subdistrict", True),
    Institution: ("institution", False),
    Station: ("station", True),
}


class ScopedChoiceWidget(forms.Select):
    """A ``<select>`` over a model choice field that stays cheap at any scale.

    It reads at most ``CHOICE_LIMIT + 1`` rows of the field's (scoped) queryset in one query.
    Up to ``CHOICE_LIMIT`` rows: every option, written in one pass. More: only the empty and
    the chosen option, plus ``data-autocomplete`` for the search box script. The chosen row
    comes from the field's own cleaning (``selected``), so a filtered list costs no extra query.
    """

    def __init__(self, attrs=None, source: str | None = None, narrows: bool = False):
        super().__init__(attrs)
        self.selected = None
        self.source = (source, narrows) if source else None

    def _source(self, model):
        source = self.source or AUTOCOMPLETE_SOURCES.get(model)
        if source is None:
            return {}
        key, narrows = source
        attrs = {
            "data-autocomplete": reverse("stations:choice_search", args=[key]),
            # The search box's hint, in the user's language (the script has a Chinese fallback).
            "data-placeholder": str(_("输入名称或代码搜索")),
        }
        if narrows:
            attrs["data-narrow-by"] = "district"
        return attrs

    def use_required_attribute(self, initial):
        # Django's check iterates the choices (a query); the first option is the empty one
        # exactly when the field has an empty label.
        field = getattr(self.choices, "field", None)
        if field is None:
            return super().use_required_attribute(initial)
        return not self.is_hidden and field.empty_label is not None

    def render(self, name, value, attrs=None, renderer=None):
        iterator = self.choices
        field = getattr(iterator, "field", None)
        if field is None:  # not a model choice field: Django's own rendering
            return super().render(name, value, attrs, renderer)
        if isinstance(value, list | tuple):
            value = value[0] if value else None
        value = "" if value is None else str(getattr(value, "pk", value))
        rows = list(iterator.queryset[: CHOICE_LIMIT + 1])
        final_attrs = self.build_attrs(self.attrs, attrs)
        final_attrs["name"] = name
        options = []
        if field.empty_label is not None:
            options.append(("", field.empty_label))
        if len(rows) <= CHOICE_LIMIT:
            options += [(str(row.pk), field.label_from_instance(row)) for row in rows]
        else:
            final_attrs.update(self._source(iterator.queryset.model))
            chosen = self.selected
            if value and (chosen is None or str(chosen.pk) != value):
                chosen = next((row for row in rows if str(row.pk) == value), None)
                if chosen is None and value.isdigit():
                    chosen = iterator.queryset.filter(pk=value).first()
            if chosen is not None:
                options.append((str(chosen.pk), field.label_from_instance(chosen)))
        body = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            ((v, " selected" if v == value else "", label) for v, label in options),
        )
        return format_html("<select{}>{}</select>", flatatt(final_attrs), body)


class AnyYesNoSelect(forms.Select):
    """A yes/no filter whose unset choice reads "全部" (django-filter's own says "未知")."""

    def __init__(self, attrs=None):
        super().__init__(attrs, choices=[("", _("全部")), ("true", _("是")), ("false", _("否"))])


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
    """A model choice whose dropdown is a ``ScopedChoiceWidget`` and whose choices, when
    iterated, stop after ``CHOICE_LIMIT`` rows."""

    iterator = LimitedIterator
    widget = ScopedChoiceWidget

    def to_python(self, value):
        chosen = super().to_python(value)
        if isinstance(self.widget, ScopedChoiceWidget):
            self.widget.selected = chosen
        return chosen


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


class StationFilterSet(NarrowingMixin, PortalFilterSet):
    q = SearchFilter(fields=("name", "code"), label=_("名称或编号"))
    district = LimitedModelChoiceFilter(
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
        running = Contract.objects.in_force(clock.today()).filter(
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


class InstitutionFilterSet(PortalFilterSet):
    q = SearchFilter(fields=("name", "credit_code"), label=_("名称或信用代码"))
    rating = filters.ChoiceFilter(
        choices=InstitutionRating.choices, label=_("等级"), empty_label=_("全部等级")
    )
    status = filters.ChoiceFilter(
        choices=InstitutionStatus.choices, label=_("状态"), empty_label=_("全部状态")
    )
    listed = filters.BooleanFilter(
        method="filter_listed", label=_("有未移出的信用记录"), widget=AnyYesNoSelect
    )
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


class ContractFilterSet(NarrowingMixin, PortalFilterSet):
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
    district = LimitedModelChoiceFilter(
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


class SubdistrictFilterSet(PortalFilterSet):
    q = SearchFilter(fields=("name", "code"))
    district = filters.ModelChoiceFilter(
        queryset=lambda request: District.objects.restrict(_user(request), VIEW)
    )

    class Meta:
        model = Subdistrict
        fields = ["q", "district", "kind"]


class CommunityFilterSet(PortalFilterSet):
    q = SearchFilter(fields=("name", "code"))
    subdistrict = filters.NumberFilter(field_name="subdistrict_id")
    district = filters.NumberFilter(field_name="subdistrict__district_id")

    class Meta:
        model = Community
        fields = ["q", "subdistrict", "district", "kind"]


class OutpostFilterSet(PortalFilterSet):
    station = filters.NumberFilter(field_name="station_id")
    open = filters.BooleanFilter(
        field_name="closed_on", lookup_expr="isnull", label=_("未撤销"), widget=AnyYesNoSelect
    )

    class Meta:
        model = Outpost
        fields = ["station", "open"]


class CreditRecordFilterSet(PortalFilterSet):
    institution = filters.NumberFilter(field_name="institution_id")
    kind = filters.ChoiceFilter(choices=CreditListKind.choices)
    lifted = filters.BooleanFilter(
        field_name="lifted_on",
        lookup_expr="isnull",
        exclude=True,
        label=_("已移出"),
        widget=AnyYesNoSelect,
    )

    class Meta:
        model = CreditRecord
        fields = ["institution", "kind", "lifted"]
