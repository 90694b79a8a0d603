"""Samples of the services app for the scope walk (tests/samples.py): a service user of
station A1 (sensitive: a minor), a group session with her attendance, the month's aggregates,
last month's report and the contract year's targets; the seeded catalogue rows."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from portal import clock
from portal.scoping import SYSTEM
from services import services
from services.models import (
    Attendance,
    CatalogueVersion,
    GroupAggregate,
    MonthlyAggregate,
    MonthlyReport,
    ServiceField,
    ServiceKind,
    ServicePolicy,
    ServiceRecord,
    ServiceTarget,
    ServiceUser,
    TargetGroup,
    Tier,
)
from tests.samples import MARK, register, sample


@register(CatalogueVersion)
def catalogue_version(world) -> CatalogueVersion:
    return CatalogueVersion.objects.order_by("effective_from").first()


@register(Tier)
def tier(world) -> Tier:
    return Tier.objects.filter(version=sample(world, CatalogueVersion)).first()


@register(ServiceField)
def service_field(world) -> ServiceField:
    return ServiceField.objects.get(version=sample(world, CatalogueVersion), code="youth")


@register(TargetGroup)
def target_group(world) -> TargetGroup:
    return TargetGroup.objects.get(
        version=sample(world, CatalogueVersion), code="child_in_difficulty"
    )


@register(ServiceKind)
def service_kind(world) -> ServiceKind:
    return ServiceKind.objects.get(version=sample(world, CatalogueVersion), code="group")


@register(ServicePolicy)
def service_policy(world) -> ServicePolicy:
    return ServicePolicy.objects.order_by("effective_from").first()


@register(ServiceUser)
def service_user(world) -> ServiceUser:
    today = clock.today()
    return services.service_user_create(
        actor=SYSTEM,
        station=world.station_a1,
        data={
            "name": f"{MARK}对象",
            "gender": "female",
            "birth_year": today.year - 12,
            "contact": "13800000000",
            "target_groups": ["child_in_difficulty"],
            "fields": ["youth"],
            "consent_on": today - dt.timedelta(days=30),
            "consent_method": "guardian",
        },
    )


def _day(world) -> dt.date:
    """Today: its month has no report yet, so nothing is locked."""
    return clock.today()


@register(ServiceRecord)
def service_record(world) -> ServiceRecord:
    return services.service_record_create(
        actor=SYSTEM,
        station=world.station_a1,
        data={
            "service_on": _day(world),
            "kind": "group",
            "field": "youth",
            "target_groups": ["child_in_difficulty"],
            "title": f"{MARK}小组",
            "hours": Decimal("2"),
            "person_times": 3,
            "others_count": 2,
            "attendees": [sample(world, ServiceUser).pk],
            "note": f"{MARK}记录",
        },
    )


@register(Attendance)
def attendance(world) -> Attendance:
    return sample(world, ServiceRecord).attendance.get()


@register(MonthlyAggregate)
def monthly_aggregate(world) -> MonthlyAggregate:
    record = sample(world, ServiceRecord)
    return MonthlyAggregate.objects.get(
        station=record.station, year=record.service_on.year, month=record.service_on.month
    )


@register(GroupAggregate)
def group_aggregate(world) -> GroupAggregate:
    record = sample(world, ServiceRecord)
    return GroupAggregate.objects.get(
        station=record.station, year=record.service_on.year, month=record.service_on.month
    )


@register(MonthlyReport)
def monthly_report(world) -> MonthlyReport:
    sample(world, ServiceRecord)
    today = clock.today()
    # Open this month's report (the task opens last month's on the 1st; contract A1 covers
    # this month on every pinned day).
    services.reports_open(on=(today.replace(day=28) + dt.timedelta(days=4)).replace(day=1))
    report = MonthlyReport.objects.get(station=world.station_a1)
    report.narrative = f"{MARK}综述"
    report.save()
    return report


@register(ServiceTarget)
def service_target(world) -> ServiceTarget:
    return services.target_set(
        actor=SYSTEM,
        contract=world.contract_a1,
        values={"direct_hours": "35244", "person_times": 20000, "cases": 60, "groups": 40},
    )
