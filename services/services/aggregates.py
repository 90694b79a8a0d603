"""The monthly aggregate tables boards read: rebuilt per station-month by record writes, and
for whole months by the nightly task. Each rebuild is a delete and two grouped inserts, so it
costs the same whatever the number of records."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Q, Sum

from services import rules
from services.choices import CaseStep
from services.models import GroupAggregate, MonthlyAggregate, ServiceRecord


def _records(year: int, month: int, station_ids=None):
    first, last = rules.month_bounds(year, month)
    qs = ServiceRecord.objects.filter(service_on__gte=first, service_on__lte=last)
    if station_ids is not None:
        qs = qs.filter(station_id__in=list(station_ids))
    return qs


def _rebuild(year: int, month: int, station_ids=None) -> int:
    records = _records(year, month, station_ids)
    through = ServiceRecord.target_groups.through
    basic = Exists(
        through.objects.filter(servicerecord_id=OuterRef("pk"), targetgroup__basic_guarantee=True)
    )
    rows = (
        records.values("station_id", "station__district_id", "kind__kind", "field__code")
        .annotate(
            n=Count("pk"),
            pt=Sum("person_times"),
            h=Sum("hours"),
            bg=Sum("person_times", filter=Q(basic)),
            opened=Count("pk", filter=Q(case_step=CaseStep.OPENED)),
            closed=Count("pk", filter=Q(case_step=CaseStep.CLOSED)),
        )
        .order_by()
    )
    kept = [
        MonthlyAggregate(
            station_id=r["station_id"],
            district_id=r["station__district_id"],
            year=year,
            month=month,
            kind=r["kind__kind"],
            field_code=r["field__code"],
            records=r["n"],
            person_times=r["pt"] or 0,
            hours=r["h"] or 0,
            basic_guarantee_person_times=r["bg"] or 0,
            cases_opened=r["opened"],
            cases_closed=r["closed"],
        )
        for r in rows
    ]
    group_rows = (
        through.objects.filter(servicerecord__in=records.values("pk"))
        .values(
            "servicerecord__station_id",
            "servicerecord__station__district_id",
            "targetgroup__code",
        )
        .annotate(
            n=Count("servicerecord_id"),
            pt=Sum("servicerecord__person_times"),
            bg=Count("pk", filter=Q(targetgroup__basic_guarantee=True)),
        )
        .order_by()
    )
    groups = [
        GroupAggregate(
            station_id=r["servicerecord__station_id"],
            district_id=r["servicerecord__station__district_id"],
            year=year,
            month=month,
            group_code=r["targetgroup__code"],
            basic_guarantee=bool(r["bg"]),
            records=r["n"],
            person_times=r["pt"] or 0,
        )
        for r in group_rows
    ]
    old = MonthlyAggregate.objects.filter(year=year, month=month)
    old_groups = GroupAggregate.objects.filter(year=year, month=month)
    if station_ids is not None:
        old = old.filter(station_id__in=list(station_ids))
        old_groups = old_groups.filter(station_id__in=list(station_ids))
    # Aggregates are derived data: no audit rows (``_raw_delete`` skips signals; the bulk
    # insert sends none).
    old._raw_delete(old.db)
    old_groups._raw_delete(old_groups.db)
    MonthlyAggregate.objects.bulk_create(kept, batch_size=2000)
    GroupAggregate.objects.bulk_create(groups, batch_size=2000)
    return len(kept)


def aggregates_refresh(*, station_id: int, year: int, month: int) -> int:
    """Rebuild one station's month (called inside the record write's transaction)."""
    with transaction.atomic():
        return _rebuild(year, month, [station_id])


def aggregates_refresh_month(*, year: int, month: int) -> int:
    """Rebuild a whole month for every station (the nightly task)."""
    with transaction.atomic():
        return _rebuild(year, month)
