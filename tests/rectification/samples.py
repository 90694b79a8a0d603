"""Samples of the rectification app for the scope walk (tests/samples.py): the order of the
inspections sample's finding (station A1, announced visit already started), answered, with a
response, its evidence and an event."""

from __future__ import annotations

import datetime as dt

from django.core.files.base import ContentFile

from inspections.models import Finding
from portal import clock
from portal.selectors import policy_for_service_year
from rectification.choices import Area, OrderEventKind, OrderStatus, Severity, SourceKind
from rectification.models import (
    RectificationEvent,
    RectificationEvidence,
    RectificationOrder,
    RectificationResponse,
)
from tests.inspections.samples import JPEG
from tests.portal.samples import assigned_inspector
from tests.samples import MARK, register, sample


@register(RectificationOrder)
def order(world) -> RectificationOrder:
    today = clock.today()
    return RectificationOrder.objects.create(
        source_kind=SourceKind.INSPECTION_FINDING,
        finding=sample(world, Finding),
        station=world.station_a1,
        institution=world.institution_a,
        severity=Severity.MAJOR,
        area=Area.SAFETY,
        title=f"{MARK}整改事项",
        description=f"{MARK}整改要求",
        opened_on=today,
        due_on=today + dt.timedelta(days=30),
        policy_version=policy_for_service_year(today.year),
        status=OrderStatus.ANSWERED,
        opened_by=assigned_inspector(world),
    )


@register(RectificationResponse)
def response(world) -> RectificationResponse:
    return RectificationResponse.objects.create(
        order=sample(world, RectificationOrder),
        text=f"{MARK}整改情况",
        responded_by=world.station_a1_manager,
    )


@register(RectificationEvidence)
def order_evidence(world) -> RectificationEvidence:
    evidence = RectificationEvidence(
        response=sample(world, RectificationResponse),
        order=sample(world, RectificationOrder),
        content_type="image/jpeg",
        size=len(JPEG),
        name=f"{MARK}整改佐证.jpg",
    )
    evidence.file.save("sample-evidence.jpg", ContentFile(JPEG), save=False)
    evidence.save()
    return evidence


@register(RectificationEvent)
def order_event(world) -> RectificationEvent:
    return RectificationEvent.objects.create(
        order=sample(world, RectificationOrder),
        kind=OrderEventKind.ANSWERED,
        from_status=OrderStatus.OPEN,
        to_status=OrderStatus.ANSWERED,
        note=f"{MARK}整改反馈",
        actor=world.station_a1_manager,
    )
