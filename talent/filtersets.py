"""FilterSets shared by the talent pages and the API; choices narrowed by ``restrict``."""

from __future__ import annotations

import django_filters as filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_filters.widgets import BooleanWidget
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from portal import clock
from portal.filtersets import PortalFilterSet
from portal.forms.base import FilterForm
from portal.scoping import VIEW
from portal.selectors import policy_in_force
from stations.filtersets import LimitedModelChoiceFilter
from stations.models import District, Station
from talent.choices import (
    CertificateLevel,
    EmploymentType,
    EnrolmentStatus,
    Position,
    ProgrammeKind,
)
from talent.models import Employment, Enrolment, Honour, SocialWorker, TrainingProgramme
from talent.rules import add_months


def _scoped(model):
    def queryset(request):
        return model.objects.restrict(getattr(request, "user", None), VIEW)

    return queryset


@extend_schema_field(OpenApiTypes.INT)
class IdChoiceFilter(LimitedModelChoiceFilter):
    """A choice of a scoped row by id, filtered by a method (schema: an integer). Its
    dropdown turns into a search box past ``CHOICE_LIMIT`` rows (40,000 stations at nation
    scale never reach the page)."""


class AllYesNoWidget(BooleanWidget):
    """A yes/no filter whose unset state reads 全部, not Django's "未知" (Unknown)."""

    def __init__(self, attrs=None):
        super().__init__(attrs)
        self.choices = [("", _("全部")), ("true", _("是")), ("false", _("否"))]


REGISTRATION_STATES = (
    ("valid", _("有效")),
    ("expiring", _("续期期内到期")),
    ("lapsed", _("已过期")),
    ("none", _("未登记")),
)


class WorkerFilterSet(PortalFilterSet):
    q = filters.CharFilter(method="search", label=_("姓名"))
    district = IdChoiceFilter(queryset=_scoped(District), method="in_district", label=_("区"))
    station = IdChoiceFilter(queryset=_scoped(Station), method="at_station", label=_("社工站"))
    position = filters.ChoiceFilter(choices=Position.choices, method="in_position", label=_("岗位"))
    level = filters.ChoiceFilter(
        field_name="highest_level", choices=CertificateLevel.choices, label=_("最高证书等级")
    )
    registration = filters.ChoiceFilter(
        choices=REGISTRATION_STATES, method="by_registration", label=_("登记状态")
    )
    in_post = filters.BooleanFilter(method="filter_in_post", label=_("在岗"), widget=AllYesNoWidget)
    o = filters.OrderingFilter(
        fields=(
            ("name", "name"),
            ("registration_expires_on", "registration_expires_on"),
            ("ce_hours", "ce_hours"),
        ),
        field_labels={
            "name": _("姓名"),
            "registration_expires_on": _("登记有效期至"),
            "ce_hours": _("本期继续教育学时"),
        },
        label=_("排序"),
    )

    class Meta:
        model = SocialWorker
        form = FilterForm
        fields = ["q", "district", "station", "position", "level", "registration", "in_post"]

    def _posts(self, **kwargs):
        # Only posts the viewer may see: filtering by position or "in post" must not reveal a
        # person's post at a station outside the viewer's scope.
        today = clock.today()
        return (
            Employment.objects.restrict(getattr(self.request, "user", None), VIEW)
            .filter(starts_on__lte=today, **kwargs)
            .exclude(ends_on__lt=today)
            .values("person_id")
        )

    def search(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(name__icontains=value) if value else queryset

    def in_district(self, queryset, name, value):
        return queryset.filter(pk__in=self._posts(station__district=value))

    def at_station(self, queryset, name, value):
        return queryset.filter(pk__in=self._posts(station=value))

    def in_position(self, queryset, name, value):
        return queryset.filter(pk__in=self._posts(position=value))

    def filter_in_post(self, queryset, name, value):
        posts = self._posts()
        return queryset.filter(pk__in=posts) if value else queryset.exclude(pk__in=posts)

    def by_registration(self, queryset, name, value):
        today = clock.today()
        if value == "valid":
            return queryset.filter(registration_expires_on__gte=today)
        if value == "expiring":
            # In the renewal window (registration_renewal_window_months of the policy in
            # force, 民发〔2009〕44号: the last 3 months), as the board counts it.
            months = policy_in_force(today).registration_renewal_window_months
            return queryset.filter(
                registration_expires_on__gte=today,
                registration_expires_on__lte=add_months(today, months),
            )
        if value == "lapsed":
            return queryset.filter(registration_expires_on__lt=today)
        return queryset.filter(registration_expires_on__isnull=True)


class EmploymentFilterSet(PortalFilterSet):
    station = filters.ModelChoiceFilter(queryset=_scoped(Station), label=_("社工站"))
    person = filters.NumberFilter(field_name="person_id", label=_("社工ID"))
    position = filters.ChoiceFilter(choices=Position.choices, label=_("岗位"))
    employment_type = filters.ChoiceFilter(choices=EmploymentType.choices, label=_("用工形式"))
    current = filters.BooleanFilter(method="filter_current", label=_("在岗"), widget=AllYesNoWidget)

    class Meta:
        model = Employment
        form = FilterForm
        fields = ["station", "person", "position", "employment_type", "current"]

    def filter_current(self, queryset, name, value):
        today = clock.today()
        now = Q(starts_on__lte=today) & (Q(ends_on__isnull=True) | Q(ends_on__gte=today))
        return queryset.filter(now) if value else queryset.exclude(now)


PROGRAMME_STATES = (("to_complete", _("已结束、待登记结业")),)


class ProgrammeFilterSet(PortalFilterSet):
    year = filters.NumberFilter(label=_("年度"))
    kind = filters.ChoiceFilter(choices=ProgrammeKind.choices, label=_("类别"))
    state = filters.ChoiceFilter(choices=PROGRAMME_STATES, method="by_state", label=_("进度"))

    class Meta:
        model = TrainingProgramme
        form = FilterForm
        fields = ["year", "kind", "state"]

    def by_state(self, queryset, name, value):
        """Programmes that have ended with people still enrolled (neither completed nor
        withdrawn): the city officer records their completion next."""
        waiting = Enrolment.objects.filter(status=EnrolmentStatus.ENROLLED).values("programme_id")
        return queryset.filter(ends_on__lt=clock.today(), pk__in=waiting)


class HonourFilterSet(PortalFilterSet):
    class Meta:
        model = Honour
        form = FilterForm
        fields = ["level", "kind", "year"]
