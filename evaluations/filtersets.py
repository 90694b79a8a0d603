"""FilterSets of the evaluations lists, shared by the pages and the API. Choices are narrowed
to what the requesting user may see.

The district dropdown is the stations app's ``LimitedModelChoiceFilter``: at most
``CHOICE_LIMIT`` options are rendered, and beyond that (nation scale has thousands of
districts) only the chosen one, with a search box backed by ``stations:choice_search``."""

from __future__ import annotations

import django_filters as filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from evaluations.choices import CycleStatus, EvaluationStatus, Grade
from evaluations.models import Cycle, Evaluation
from portal.filtersets import PortalFilterSet
from portal.scoping import VIEW
from stations.filtersets import LimitedModelChoiceFilter, district_choices


def _user(request):
    return getattr(request, "user", None)


def _cycles(request):
    return Cycle.objects.restrict(_user(request), VIEW)


def _districts(request):
    """Districts with a station the user may see (the search box's source too)."""
    return district_choices(request)


# What a to-do item links to (``evaluations.todo``): its rows in the open cycles.
TODO_FILTERS = {
    "self_assessment": Q(status=EvaluationStatus.NOT_STARTED),
    "to_score": Q(status__in=[EvaluationStatus.NOT_STARTED, EvaluationStatus.SUBMITTED]),
    "appeal_filed": Q(appeal__status="filed"),
    "appeal_answered": Q(appeal__status="answered"),
}
TODO_CHOICES = (
    ("self_assessment", _("待提交自评")),
    ("to_score", _("待评分")),
    ("appeal_filed", _("申诉待答复")),
    ("appeal_answered", _("申诉待裁定")),
)


class EvaluationFilterSet(PortalFilterSet):
    cycle = LimitedModelChoiceFilter(
        queryset=_cycles, label=_("评估周期"), empty_label=_("全部周期")
    )
    district = LimitedModelChoiceFilter(
        field_name="station__district", queryset=_districts, label=_("区")
    )
    status = filters.ChoiceFilter(choices=EvaluationStatus.choices, label=_("状态"))
    grade = filters.ChoiceFilter(choices=Grade.choices, label=_("等级"))
    q = filters.CharFilter(method="search", label=_("站点名称或编号"))
    todo = filters.ChoiceFilter(choices=TODO_CHOICES, method="by_todo", label=_("待办"))

    class Meta:
        model = Evaluation
        fields = ["cycle", "district", "status", "grade", "q", "todo"]

    def by_todo(self, queryset, name, value):
        return queryset.filter(TODO_FILTERS[value], cycle__status=CycleStatus.OPEN)

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(station__name__icontains=value) | Q(station__code__icontains=value)
        )
