"""Services: hiring and moves, the full-time rule, certificates, registration, continuing
education from training, budgets, and the audited unmasking of ID numbers."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.http import Http404

from portal import crypto
from portal.choices import AuditAction, AuditOutcome
from portal.models import AuditEvent
from portal.scoping import SYSTEM
from talent import rules, services
from talent.choices import CertificateLevel, EmploymentType, Position, ProgrammeKind
from talent.models import CERecord, Employment, SocialWorker
from tests.talent.conftest import hire, new_id

pytestmark = pytest.mark.django_db


def test_an_id_number_is_stored_encrypted_hashed_and_masked_never_in_clear(people):
    row = SocialWorker.objects.filter(pk=people.ana.pk).values().get()
    assert people.ana_id not in str(row)
    assert row["id_number_masked"] == people.ana_id[:3] + "*" * 11 + people.ana_id[-4:]
    assert crypto.decrypt(row["id_number_cipher"]) == people.ana_id
    assert row["id_number_hash"] == services.id_number_hash(people.ana_id)
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM talent_socialworker")
        assert people.ana_id not in str(cursor.fetchall())
    assert row["sex"] == "female"


def test_the_audit_trail_stores_stars_for_the_encrypted_columns(people):
    event = AuditEvent.objects.filter(
        object_type="talent.socialworker", object_id=str(people.ana.pk), action=AuditAction.CREATE
    ).get()
    assert event.changes["id_number_cipher"] == "***"
    assert event.changes["id_number_hash"] == "***"
    assert people.ana_id not in str(event.changes)


def test_a_bad_id_number_is_refused_and_nothing_is_written(world):
    bad = new_id()[:17] + ("0" if new_id()[17] != "0" else "1")
    before = SocialWorker.objects.count()
    with pytest.raises(ValidationError) as error:
        hire(
            world.station_a1,
            id_number=bad[:17]
            + rules.ID_CHECK_CHARS[
                (rules.ID_CHECK_CHARS.index(rules.id_check_char(bad[:17])) + 1) % 11
            ],
        )
    assert error.value.message_dict["id_number"] == [rules.ID_BAD_CHECK]
    assert SocialWorker.objects.count() == before


def test_a_move_between_institutions_keeps_one_person_with_history(people, world):
    assert SocialWorker.objects.filter(name="蔡晓").count() == 1
    jobs = list(Employment.objects.filter(person=people.cai).order_by("starts_on"))
    assert [j.institution for j in jobs] == [world.institution_a, world.institution_b]


def test_rehiring_the_same_id_number_adds_an_employment_to_the_same_person(people, world):
    services.employment_end(
        actor=SYSTEM, employment=people.bo.employments.get(), ends_on=dt.date(2024, 6, 30)
    )
    again = hire(
        world.station_a2,
        name="陈博",
        id_number=services.worker_id_number_reveal(
            actor=world.city_admin, person=people.bo, reason="核对重新入职人员"
        ),
        starts_on=dt.date(2024, 7, 1),
    )
    assert again.pk == people.bo.pk
    assert people.bo.employments.count() == 2


def test_the_same_id_number_with_another_name_is_refused(people, world):
    with pytest.raises(ValidationError) as error:
        hire(world.station_a2, name="别人", id_number=people.ana_id)
    assert error.value.message_dict["name"] == [services.NAME_MISMATCH]


def test_full_time_at_two_stations_on_the_same_day_is_refused_naming_the_other(people, world):
    with pytest.raises(ValidationError) as error:
        services.employment_add(
            actor=SYSTEM,
            person=people.ana,
            station=world.station_a2,
            position=Position.FRONTLINE,
            starts_on=dt.date(2024, 1, 1),
        )
    message = error.value.message_dict["starts_on"][0]
    assert world.station_a1.name in message
    assert "同一天不能在两个社工站全职任职" in message
    # Part-time beside a full-time post is allowed.
    services.employment_add(
        actor=SYSTEM,
        person=people.ana,
        station=world.station_a2,
        position=Position.SUPERVISOR,
        starts_on=dt.date(2024, 1, 1),
        employment_type=EmploymentType.PART_TIME,
    )


def test_a_full_time_post_may_start_the_day_after_the_last_one_ends(people, world):
    job = people.ana.employments.get()
    services.employment_end(actor=SYSTEM, employment=job, ends_on=dt.date(2024, 5, 31))
    services.employment_add(
        actor=SYSTEM,
        person=people.ana,
        station=world.station_b1,
        position=Position.FRONTLINE,
        starts_on=dt.date(2024, 6, 1),
    )
    with pytest.raises(ValidationError):
        services.employment_add(
            actor=SYSTEM,
            person=people.ana,
            station=world.station_a2,
            position=Position.FRONTLINE,
            starts_on=dt.date(2024, 5, 31),
            ends_on=dt.date(2024, 5, 31),
        )


def test_an_institution_admin_cannot_hire_at_a_station_they_do_not_run(world):
    with pytest.raises(Http404):
        services.worker_hire(
            actor=world.institution_a_admin,
            name="王五",
            id_number=new_id(),
            station=world.station_b1,
            position=Position.FRONTLINE,
            starts_on=dt.date(2024, 1, 1),
        )
    _person, job = services.worker_hire(
        actor=world.institution_a_admin,
        name="王五",
        id_number=new_id(),
        station=world.station_a1,
        position=Position.FRONTLINE,
        starts_on=dt.date(2024, 1, 1),
    )
    assert job.institution == world.institution_a


def test_a_certificate_level_that_does_not_exist_is_refused(people):
    with pytest.raises(ValidationError) as error:
        services.certificate_add(
            actor=SYSTEM, person=people.ana, level="master", number="A-1", year_passed=2020
        )
    assert "证书等级“master”不存在" in error.value.message_dict["level"][0]


def test_registration_expiry_comes_from_the_policy_and_renewal_from_its_window(people):
    cert = services.certificate_add(
        actor=SYSTEM,
        person=people.ana,
        level=CertificateLevel.ASSISTANT,
        number="ZS-1",
        year_passed=2022,
    )
    reg = services.registration_add(actor=SYSTEM, certificate=cert, starts_on=dt.date(2023, 3, 1))
    assert reg.expires_on == dt.date(2026, 2, 28)
    people.ana.refresh_from_db()
    assert people.ana.registration_expires_on == dt.date(2026, 2, 28)
    assert people.ana.ce_required == 72
    assert people.ana.highest_level == CertificateLevel.ASSISTANT
    with pytest.raises(ValidationError) as error:
        services.registration_renew(actor=SYSTEM, registration=reg, on=dt.date(2025, 11, 28))
    assert "3个月内" in error.value.message_dict["registration"][0]
    renewal = services.registration_renew(actor=SYSTEM, registration=reg, on=dt.date(2025, 11, 29))
    assert (renewal.starts_on, renewal.expires_on) == (dt.date(2026, 3, 1), dt.date(2029, 2, 28))
    with pytest.raises(ValidationError):
        services.registration_renew(actor=SYSTEM, registration=reg, on=dt.date(2025, 12, 1))


def test_an_intermediate_needs_ninety_hours(people, today):
    cert = services.certificate_add(
        actor=SYSTEM,
        person=people.bo,
        level=CertificateLevel.INTERMEDIATE,
        number="ZS-2",
        year_passed=2021,
    )
    services.registration_add(actor=SYSTEM, certificate=cert, starts_on=today.replace(day=1))
    people.bo.refresh_from_db()
    assert people.bo.ce_required == 90


@pytest.fixture
def programme(world):
    return services.programme_create(
        actor=world.city_officer,
        year=2025,
        kind=ProgrammeKind.CONTINUING,
        title="继续教育专题",
        provider="广州市社会工作协会",
        budget=Decimal("400000.00"),
        places=2,
    )


def test_attended_training_credits_hours_automatically_once(people, world, programme, today):
    cert = services.certificate_add(
        actor=SYSTEM,
        person=people.ana,
        level=CertificateLevel.ASSISTANT,
        number="ZS-3",
        year_passed=2022,
    )
    services.registration_add(actor=SYSTEM, certificate=cert, starts_on=dt.date(2024, 1, 1))
    s1 = services.session_add(
        actor=world.city_officer,
        programme=programme,
        held_on=dt.date(2025, 4, 1),
        topic="伦理",
        hours=Decimal("6.0"),
    )
    services.session_add(
        actor=world.city_officer,
        programme=programme,
        held_on=dt.date(2025, 5, 1),
        topic="督导",
        hours=Decimal("6.0"),
    )
    enrolment = services.enrolment_add(
        actor=world.institution_a_admin, programme=programme, person=people.ana
    )
    assert enrolment.institution == world.institution_a
    services.attendance_record(actor=world.city_officer, session=s1, enrolments=[enrolment])
    services.attendance_record(actor=world.city_officer, session=s1, enrolments=[enrolment])
    record = services.enrolment_complete(
        actor=world.city_officer, enrolment=enrolment, completed_on=dt.date(2025, 5, 2)
    )
    assert record.hours == Decimal("6.0")
    again = services.enrolment_complete(actor=world.city_officer, enrolment=enrolment)
    assert again.pk == record.pk
    people.ana.refresh_from_db()
    assert people.ana.ce_hours == Decimal("6.0")


def test_hours_for_a_programme_the_person_did_not_attend_are_refused(people, world, programme):
    before = CERecord.objects.count()
    with pytest.raises(ValidationError) as error:
        services.ce_record_add(
            actor=world.institution_a_admin,
            person=people.ana,
            hours=Decimal("6"),
            completed_on=dt.date(2025, 5, 1),
            title="继续教育专题",
            programme=programme,
        )
    assert "未参加培训项目“继续教育专题”" in error.value.message_dict["programme"][0]
    enrolment = services.enrolment_add(
        actor=world.city_officer, programme=programme, person=people.ana
    )
    with pytest.raises(ValidationError):
        services.enrolment_complete(actor=world.city_officer, enrolment=enrolment)
    assert CERecord.objects.count() == before


def test_a_programme_is_full_at_its_places(people, world, programme):
    services.enrolment_add(actor=world.city_officer, programme=programme, person=people.ana)
    services.enrolment_add(actor=world.city_officer, programme=programme, person=people.bo)
    with pytest.raises(ValidationError) as error:
        services.enrolment_add(actor=world.city_officer, programme=programme, person=people.cai)
    assert "名额已满" in error.value.message_dict["programme"][0]


def test_the_years_programmes_stay_within_the_training_budget(world, programme):
    services.programme_create(
        actor=world.city_officer,
        year=2025,
        kind=ProgrammeKind.PRE_EXAM,
        title="考前培训",
        provider="协会",
        budget=Decimal("2600000.00"),
        places=10,
    )
    with pytest.raises(ValidationError) as error:
        services.programme_create(
            actor=world.city_officer,
            year=2025,
            kind=ProgrammeKind.NEW_STAFF,
            title="新入职",
            provider="协会",
            budget=Decimal("0.01"),
            places=10,
        )
    assert "3,000,000.00" in error.value.message_dict["budget"][0]


def test_only_city_roles_run_programmes(world):
    with pytest.raises(PermissionDenied):
        services.programme_create(
            actor=world.institution_a_admin,
            year=2025,
            kind=ProgrammeKind.PRE_EXAM,
            title="x",
            provider="y",
            budget=Decimal("1.00"),
            places=1,
        )


def test_the_city_admin_and_the_own_institution_admin_may_unmask_with_an_audit_row(people, world):
    number = services.worker_id_number_reveal(
        actor=world.institution_a_admin, person=people.ana, reason="核对社工登记信息"
    )
    assert number == people.ana_id
    event = AuditEvent.objects.filter(action=AuditAction.SENSITIVE_READ).latest("id")
    assert event.actor_id == world.institution_a_admin.pk
    assert event.object_id == str(people.ana.pk)
    assert "核对社工登记信息" in event.message and people.ana.name in event.message
    assert people.ana_id not in event.message
    assert (
        services.worker_id_number_reveal(
            actor=world.city_admin, person=people.ana, reason="市级核查"
        )
        == people.ana_id
    )


def test_others_may_not_unmask_and_the_refusal_is_recorded(people, world):
    with pytest.raises(PermissionDenied):
        services.worker_id_number_reveal(
            actor=world.station_a1_manager, person=people.ana, reason="想看看号码"
        )
    assert (
        AuditEvent.objects.filter(
            action=AuditAction.SENSITIVE_READ, outcome=AuditOutcome.DENIED
        ).count()
        == 1
    )
    with pytest.raises(PermissionDenied):
        services.worker_id_number_reveal(
            actor=world.city_officer, person=people.ana, reason="市级核查"
        )
    # Institution A no longer employs cai (moved to B): A's admin may not unmask.
    with pytest.raises((PermissionDenied, Http404)):
        services.worker_id_number_reveal(
            actor=world.institution_a_admin, person=people.cai, reason="核对离职人员"
        )
    with pytest.raises(Http404):
        services.worker_id_number_reveal(
            actor=world.institution_a_admin, person=people.bo, reason="核对"
        )


def test_unmasking_needs_a_reason(people, world):
    with pytest.raises(ValidationError):
        services.worker_id_number_reveal(actor=world.city_admin, person=people.ana, reason=" ")
