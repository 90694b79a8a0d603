"""Samples of the inspections app for the scope walk (tests/samples.py): a started, announced
visit to station A1 in a confirmed plan, with a finding and its rectification order, whose
team is an inspector other than ``world.inspector``."""

from __future__ import annotations

import datetime as dt

from django.core.files.base import ContentFile

from inspections import rules, services
from inspections.choices import (
    AnswerResult,
    Area,
    MemberBody,
    PlanStatus,
    Severity,
    VisitMode,
    VisitStatus,
)
from inspections.models import (
    Campaign,
    ChecklistItem,
    ChecklistTemplate,
    Finding,
    Inspection,
    InspectionAnswer,
    InspectionPhoto,
    InspectionSettings,
    InspectionTeamMember,
    QuarterPlan,
)
from portal import clock
from tests.portal.samples import assigned_inspector
from tests.samples import MARK, register, sample

# The smallest JPEG a browser shows (one white pixel is not needed: the walk never decodes).
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xd9"


@register(ChecklistTemplate)
def checklist(world) -> ChecklistTemplate:
    return ChecklistTemplate.objects.get(code="quarterly", version=1)


@register(ChecklistItem)
def checklist_item(world) -> ChecklistItem:
    return sample(world, ChecklistTemplate).items.order_by("sort_order", "pk").first()


@register(InspectionSettings)
def inspection_settings(world) -> InspectionSettings:
    # City-wide parameters: no district to anchor them in; only city roles see them.
    return InspectionSettings.objects.order_by("effective_from").first()


@register(QuarterPlan)
def plan(world) -> QuarterPlan:
    """This quarter's plan, confirmed, with its draw stored but no visits made from it (those
    would be district B's too): the sample visit is added to it by hand."""
    year, quarter = rules.quarter_of(clock.today())
    settings = sample(world, InspectionSettings)
    inputs = services.plan_inputs(
        year=year, quarter=quarter, seed=1, settings=settings, manual=[world.station_a1.pk]
    )
    return QuarterPlan.objects.create(
        year=year,
        quarter=quarter,
        status=PlanStatus.CONFIRMED,
        checklist=sample(world, ChecklistTemplate),
        settings=settings,
        seed=1,
        inputs=inputs,
        result=rules.draw(inputs),
        drawn_at=clock.now(),
        confirmed_at=clock.now(),
        confirmed_by=world.city_officer,
    )


@register(Campaign)
def campaign(world) -> Campaign:
    today = clock.today()
    campaign = Campaign.objects.create(
        name=f"{MARK}专项督查",
        theme=Area.SAFETY,
        description=f"{MARK}消防安全专项",
        starts_on=today - dt.timedelta(days=10),
        ends_on=today + dt.timedelta(days=50),
        checklist=sample(world, ChecklistTemplate),
    )
    campaign.stations.add(world.station_a1)
    campaign.institutions.add(world.institution_a)
    return campaign


@register(Inspection)
def inspection(world) -> Inspection:
    return Inspection.objects.create(
        plan=sample(world, QuarterPlan),
        station=world.station_a1,
        institution=world.institution_a,
        checklist=sample(world, ChecklistTemplate),
        mode=VisitMode.SCHEDULED,
        status=VisitStatus.IN_PROGRESS,
        added_by_hand=True,
        draw_reason="manual",
        scheduled_on=clock.today(),
        started_at=clock.now(),
        summary=f"{MARK}督查意见",
    )


@register(InspectionTeamMember)
def team_member(world) -> InspectionTeamMember:
    return InspectionTeamMember.objects.create(
        inspection=sample(world, Inspection),
        user=assigned_inspector(world),
        body=MemberBody.CITY_CENTRE,
        is_lead=True,
    )


@register(InspectionAnswer)
def answer(world) -> InspectionAnswer:
    sample(world, InspectionTeamMember)
    return InspectionAnswer.objects.create(
        inspection=sample(world, Inspection),
        item=sample(world, ChecklistItem),
        result=AnswerResult.FAIL,
        note=f"{MARK}检查备注",
    )


@register(InspectionPhoto)
def photo(world) -> InspectionPhoto:
    photo = InspectionPhoto(
        inspection=sample(world, Inspection),
        item=sample(world, ChecklistItem),
        content_type="image/jpeg",
        size=len(JPEG),
        caption=f"{MARK}照片",
        uploaded_by=assigned_inspector(world),
    )
    photo.file.save("sample-photo.jpg", ContentFile(JPEG), save=False)
    photo.save()
    return photo


@register(Finding)
def finding(world) -> Finding:
    sample(world, InspectionTeamMember)
    return Finding.objects.create(
        inspection=sample(world, Inspection),
        item=sample(world, ChecklistItem),
        station=world.station_a1,
        area=Area.SAFETY,
        severity=Severity.MAJOR,
        description=f"{MARK}发现问题",
        found_on=clock.today(),
    )
