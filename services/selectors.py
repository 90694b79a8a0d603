"""Reads of the services app. Every list goes through ``restrict``; boards read only the
monthly aggregate tables, so their query count is the same at every scale (stated on each).

No import of evaluations or inspections: they read services, not the other way round.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Count, Q, Sum

from portal import clock
from portal.scoping import VIEW
from services import rules
from services.choices import KindCode, ReportStatus
from services.models import (
    CatalogueVersion,
    GroupAggregate,
    MonthlyAggregate,
    MonthlyReport,
    ServiceRecord,
    ServiceTarget,
    ServiceUser,
    sensitive_q,
)
from services.services.common import catalogue_on, policy_on

# --- catalogue ------------------------------------------------------------------------------


def catalogue_in_force(on: date | None = None) -> CatalogueVersion:
    return catalogue_on(on or clock.today())


def catalogue_versions(user):
    return CatalogueVersion.objects.restrict(user, VIEW).order_by("-effective_from")


def catalogue_labels(version: CatalogueVersion) -> dict[str, dict[str, str]]:
    """Code -> name of each list of a version (3 queries)."""
    return {
        "field": dict(version.fields.values_list("code", "name")),
        "group": dict(version.target_groups.values_list("code", "name")),
        "kind": dict(version.kinds.values_list("kind", "name")),
    }


# --- people and records -----------------------------------------------------------------------


def service_user_list(user):
    """People ``user`` may see by name (1 query per page). Withdrawn people have no name and
    are left out: only anonymous counts remain of them."""
    return (
        ServiceUser.objects.restrict(user, VIEW)
        .filter(withdrawn_on__isnull=True)
        .select_related("station", "community")
        .prefetch_related("target_groups")
    )


def masked_name(name: str) -> str:
    """张三丰 -> 张**: exports and lists outside the serving station show no full name."""
    return (name[:1] + "*" * (len(name) - 1)) if name else ""


def sensitive_ids(ids, on: date | None = None) -> set[int]:
    on = on or clock.today()
    return set(
        ServiceUser.objects.filter(pk__in=list(ids))
        .filter(sensitive_q(on))
        .values_list("pk", flat=True)
    )


def service_user_counts(user, *, station_ids=None) -> dict:
    """Anonymous counts of the people of the stations ``user`` may see (boards): 1 query."""
    from stations.models import Station

    stations = Station.objects.restrict(user, VIEW)
    if station_ids is not None:
        stations = stations.filter(pk__in=list(station_ids))
    today = clock.today()
    return ServiceUser.objects.filter(station__in=stations.values("pk")).aggregate(
        registered=Count("pk", filter=Q(withdrawn_on__isnull=True)),
        withdrawn=Count("pk", filter=Q(withdrawn_on__isnull=False)),
        sensitive=Count("pk", filter=Q(withdrawn_on__isnull=True) & sensitive_q(today)),
        basic_guarantee=Count("pk", filter=Q(withdrawn_on__isnull=True, basic_guarantee=True)),
    )


def record_list(user):
    return (
        ServiceRecord.objects.restrict(user, VIEW)
        .select_related("station", "kind", "field", "community")
        .order_by("-service_on", "-pk")
    )


# --- reports ----------------------------------------------------------------------------------


def report_list(user):
    return MonthlyReport.objects.restrict(user, VIEW).select_related("station")


def reports_to_submit(user, *, on: date | None = None):
    """Reports waiting for ``user``'s station side (open or returned): the to-do rows."""
    from portal.scoping import CHANGE

    return MonthlyReport.objects.restrict(user, CHANGE).filter(
        status__in=[ReportStatus.OPEN, ReportStatus.RETURNED]
    )


def reports_to_review(user):
    from services.models import REVIEW

    return MonthlyReport.objects.restrict(user, REVIEW).filter(status=ReportStatus.SUBMITTED)


def reports_to_approve(user):
    from services.models import APPROVE

    return MonthlyReport.objects.restrict(user, APPROVE).filter(
        status=ReportStatus.SUBDISTRICT_APPROVED
    )


def late_reports(user, *, on: date | None = None):
    """Reports past their due day and not submitted (boards' "late" column)."""
    on = on or clock.today()
    return report_list(user).filter(
        due_on__lt=on, status__in=[ReportStatus.OPEN, ReportStatus.RETURNED]
    )


# --- targets and progress ---------------------------------------------------------------------


@dataclass
class Progress:
    key: str
    label: str
    target: Decimal
    done: Decimal
    projected: Decimal
    percent: Decimal | None
    warning: bool


TARGET_MEASURES = (
    ("direct_hours", "直接服务时长（小时）"),
    ("person_times", "服务人次"),
    ("cases", "个案数"),
    ("groups", "小组节数"),
    ("activities", "社区活动场次"),
)


def _year_done(station_ids, year: int, *, until: date) -> dict[int, dict[str, Decimal]]:
    """Per station, the year's figures to date from the aggregates (1 query)."""
    rows = (
        MonthlyAggregate.objects.filter(
            station_id__in=list(station_ids), year=year, month__lte=until.month
        )
        .values("station_id")
        .annotate(
            hours=Sum("hours"),
            pt=Sum("person_times"),
            cases=Sum("cases_opened"),
            groups=Sum("records", filter=Q(kind=KindCode.GROUP)),
            activities=Sum("records", filter=Q(kind=KindCode.ACTIVITY)),
        )
        .order_by()
    )
    return {
        r["station_id"]: {
            "direct_hours": Decimal(r["hours"] or 0),
            "person_times": Decimal(r["pt"] or 0),
            "cases": Decimal(r["cases"] or 0),
            "groups": Decimal(r["groups"] or 0),
            "activities": Decimal(r["activities"] or 0),
        }
        for r in rows
    }


def progress_for(targets, *, on: date | None = None) -> dict[int, list[Progress]]:
    """Target id -> progress per measure, with the run-rate projection and early warning.

    Runs 2 queries (aggregates, policy) whatever the number of targets. Before and after the
    service year the projection is the figure itself.
    """
    on = on or clock.today()
    targets = list(targets)
    if not targets:
        return {}
    policy = policy_on(on)
    out: dict[int, list[Progress]] = {}
    by_year: dict[int, list] = {}
    for t in targets:
        by_year.setdefault(t.service_year, []).append(t)
    for year, group in by_year.items():
        until = min(on, date(year, 12, 31))
        done = (
            _year_done([t.station_id for t in group], year, until=until)
            if until.year == year and until >= date(year, 1, 1)
            else {}
        )
        year_days = 366 if calendar.isleap(year) else 365
        elapsed = (until - date(year, 1, 1)).days + 1 if until.year == year else 0
        for t in group:
            figures = done.get(t.station_id, {})
            rows = []
            for key, label in TARGET_MEASURES:
                target = Decimal(getattr(t, key))
                value = figures.get(key, Decimal("0"))
                proj = (
                    rules.projected(value, elapsed_days=elapsed, year_days=year_days)
                    if 0 < elapsed < year_days
                    else Decimal(value)
                )
                rows.append(
                    Progress(
                        key=key,
                        label=label,
                        target=target,
                        done=value,
                        projected=proj,
                        percent=rules.percent_of(value, target),
                        warning=rules.projected_short(
                            projected_value=proj,
                            target=target,
                            warning_percent=policy.projection_warning_percent,
                        ),
                    )
                )
            out[t.pk] = rows
    return out


def target_progress(user, *, year: int, on: date | None = None):
    """The targets of ``year`` the user may see, each with its progress (3 queries)."""
    targets = list(
        ServiceTarget.objects.restrict(user, VIEW)
        .filter(service_year=year)
        .select_related("station")
        .order_by("station__code")
    )
    progress = progress_for(targets, on=on)
    return [(t, progress.get(t.pk, [])) for t in targets]


def quantity_figures(*, station_ids, year: int, on: date | None = None) -> dict[int, dict]:
    """For the final evaluation's quantity indicators (read as the system, no user): per
    station, each measure's target, figure to date and percent of target. 3 queries."""
    targets = list(
        ServiceTarget.objects.filter(station_id__in=list(station_ids), service_year=year)
    )
    progress = progress_for(targets, on=on)
    return {
        t.station_id: {
            p.key: {"target": p.target, "done": p.done, "percent": p.percent}
            for p in progress.get(t.pk, [])
        }
        for t in targets
    }


def stations_projected_short(*, station_ids, on: date) -> set[int]:
    """Stations projected to miss a target of the year of ``on`` (early warning)."""
    targets = list(
        ServiceTarget.objects.filter(station_id__in=list(station_ids), service_year=on.year)
    )
    progress = progress_for(targets, on=on)
    return {t.station_id for t in targets if any(p.warning for p in progress.get(t.pk, []))}


# --- boards -----------------------------------------------------------------------------------


@dataclass
class Board:
    year: int
    by_month: list[dict]
    by_kind: list[dict]
    by_field: list[dict]
    by_group: list[dict]
    by_district: list[dict]
    totals: dict
    late: list


def board(user, *, year: int, district_id: int | None = None, station_id: int | None = None):
    """The district or city board for ``year``: person-times by month, kind, field, target
    group and district, 兜底 coverage and late reports. 7 queries at every scale (the scope
    filter is a subquery on stations)."""
    aggs = MonthlyAggregate.objects.restrict(user, VIEW).filter(year=year)
    groups = GroupAggregate.objects.restrict(user, VIEW).filter(year=year)
    if district_id:
        aggs, groups = aggs.filter(district_id=district_id), groups.filter(district_id=district_id)
    if station_id:
        aggs, groups = aggs.filter(station_id=station_id), groups.filter(station_id=station_id)
    sums = {
        "records": Sum("records"),
        "person_times": Sum("person_times"),
        "hours": Sum("hours"),
        "basic": Sum("basic_guarantee_person_times"),
    }
    totals = aggs.aggregate(**sums, opened=Sum("cases_opened"), closed=Sum("cases_closed"))
    by_month = list(aggs.values("month").annotate(**sums).order_by("month"))
    by_kind = list(aggs.values("kind").annotate(**sums).order_by("kind"))
    by_field = list(aggs.values("field_code").annotate(**sums).order_by("field_code"))
    by_district = list(
        aggs.values("district_id", "district__name").annotate(**sums).order_by("district__name")
    )
    by_group = list(
        groups.values("group_code", "basic_guarantee")
        .annotate(person_times=Sum("person_times"), records=Sum("records"))
        .order_by("-person_times")
    )
    late = late_reports(user)
    if district_id:
        late = late.filter(station__district_id=district_id)
    if station_id:
        late = late.filter(station_id=station_id)
    late = list(late.order_by("due_on", "station__code")[:50])
    return Board(
        year=year,
        by_month=by_month,
        by_kind=by_kind,
        by_field=by_field,
        by_group=by_group,
        by_district=by_district,
        totals={k: v or 0 for k, v in totals.items()},
        late=late,
    )


def basic_guarantee_share(totals: dict) -> Decimal | None:
    return rules.percent_of(totals.get("basic") or 0, totals.get("person_times") or 0)
