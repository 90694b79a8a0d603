"""Fixtures of the inspections tests: the seeded checklist, plans and visits."""

from __future__ import annotations

import datetime as dt

import pytest

from inspections import rules
from inspections.choices import MemberBody, PlanStatus, VisitMode, VisitStatus
from inspections.models import (
    ChecklistTemplate,
    Inspection,
    InspectionSettings,
    InspectionTeamMember,
    QuarterPlan,
)
from portal import clock


@pytest.fixture
def checklist(db):
    return ChecklistTemplate.objects.get(code="quarterly", version=1)


@pytest.fixture
def plan(db, checklist, today):
    year, quarter = rules.quarter_of(today)
    return QuarterPlan.objects.create(
        year=year,
        quarter=quarter,
        status=PlanStatus.CONFIRMED,
        checklist=checklist,
        settings=InspectionSettings.objects.order_by("effective_from").first(),
        seed=1,
    )


def make_visit(
    *,
    station,
    plan=None,
    checklist=None,
    inspector=None,
    mode=VisitMode.SCHEDULED,
    scheduled_on=None,
    status=VisitStatus.PLANNED,
    institution=None,
) -> Inspection:
    checklist = checklist or (
        plan.checklist if plan else ChecklistTemplate.objects.get(code="quarterly", version=1)
    )
    visit = Inspection.objects.create(
        plan=plan,
        station=station,
        checklist=checklist,
        mode=mode,
        status=status,
        scheduled_on=scheduled_on or clock.today(),
        institution=institution,
    )
    if inspector is not None:
        InspectionTeamMember.objects.create(
            inspection=visit, user=inspector, body=MemberBody.CITY_CENTRE, is_lead=True
        )
    return visit


@pytest.fixture
def visit_factory():
    return make_visit


def tomorrow() -> dt.date:
    return clock.today() + dt.timedelta(days=1)


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
