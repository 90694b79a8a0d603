"""Samples of the talent app for the scope walk (tests/samples.py): a social worker employed
full-time at station A1 by institution A, with a certificate, a registration, hours, an
honour and a place on a (public) training programme."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from portal import clock
from portal.scoping import SYSTEM
from talent import rules, services
from talent.choices import CertificateLevel, HonourKind, HonourLevel, Position, ProgrammeKind
from talent.models import (
    Attendance,
    CERecord,
    Certificate,
    Employment,
    Enrolment,
    Honour,
    Registration,
    SocialWorker,
    TrainingProgramme,
    TrainingSession,
)
from tests.samples import MARK, register, sample


@register(TrainingProgramme)
def programme(world) -> TrainingProgramme:
    today = clock.today()
    return TrainingProgramme.objects.create(
        year=today.year,
        kind=ProgrammeKind.CONTINUING,
        title="社会工作继续教育公开课",
        provider="广州市社会工作协会",
        budget=Decimal("10000.00"),
        places=30,
        starts_on=today - dt.timedelta(days=20),
        ends_on=today + dt.timedelta(days=20),
    )


@register(TrainingSession)
def session(world) -> TrainingSession:
    return TrainingSession.objects.create(
        programme=sample(world, TrainingProgramme),
        held_on=clock.today() - dt.timedelta(days=10),
        topic="个案管理",
        hours=Decimal("3.0"),
    )


@register(SocialWorker)
def social_worker(world) -> SocialWorker:
    today = clock.today()
    person, _employment = services.worker_hire(
        actor=SYSTEM,
        name=f"{MARK}社工",
        id_number=rules.make_id_number(birth_date=dt.date(1990, 5, 17), male=False, sequence=901),
        station=world.station_a1,
        position=Position.FRONTLINE,
        starts_on=today - dt.timedelta(days=400),
        institution=world.institution_a,
        note=f"{MARK}备注",
    )
    return person


@register(Employment)
def employment(world) -> Employment:
    return sample(world, SocialWorker).employments.get()


@register(Certificate)
def certificate(world) -> Certificate:
    return services.certificate_add(
        actor=SYSTEM,
        person=sample(world, SocialWorker),
        level=CertificateLevel.ASSISTANT,
        number="SAMPLE-A1-0001",
        year_passed=clock.today().year - 2,
    )


@register(Registration)
def registration(world) -> Registration:
    return services.registration_add(
        actor=SYSTEM,
        certificate=sample(world, Certificate),
        starts_on=clock.today() - dt.timedelta(days=200),
    )


@register(CERecord)
def ce_record(world) -> CERecord:
    return services.ce_record_add(
        actor=SYSTEM,
        person=sample(world, SocialWorker),
        hours=Decimal("6.0"),
        completed_on=clock.today() - dt.timedelta(days=30),
        title=f"{MARK}继续教育",
        provider="广州市社会工作协会",
    )


@register(Honour)
def honour(world) -> Honour:
    return services.honour_add(
        actor=SYSTEM,
        person=sample(world, SocialWorker),
        level=HonourLevel.CITY,
        kind=HonourKind.OTHER,
        title=f"{MARK}荣誉",
        year=clock.today().year - 1,
        issuer="广州市民政局",
    )


@register(Enrolment)
def enrolment(world) -> Enrolment:
    return Enrolment.objects.create(
        programme=sample(world, TrainingProgramme),
        person=sample(world, SocialWorker),
        institution=world.institution_a,
    )


@register(Attendance)
def attendance(world) -> Attendance:
    return Attendance.objects.create(
        enrolment=sample(world, Enrolment), session=sample(world, TrainingSession)
    )
