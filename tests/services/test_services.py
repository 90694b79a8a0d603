import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from portal import crypto, idnumbers
from portal.choices import AuditAction, AuditOutcome
from portal.errors import Conflict
from portal.models import AuditEvent
from portal.scoping import SYSTEM
from services import rules, services
from services.choices import ReportStatus
from services.models import (
    CatalogueVersion,
    GroupAggregate,
    MonthlyAggregate,
    MonthlyReport,
    ServiceField,
    ServiceRecord,
    ServiceUser,
)
from services.services import catalogue as catalogue_services
from services.services import records as record_services
from services.services import reports as report_services
from services.services import users as user_services
from tests.services.conftest import person_data, record_data

pytestmark = pytest.mark.django_db


# --- catalogue --------------------------------------------------------------------------------


def test_the_catalogue_is_seeded_from_the_rules(today):
    version = CatalogueVersion.objects.get()
    assert set(version.kinds.values_list("kind", flat=True)) == {
        "case",
        "group",
        "activity",
        "home_visit",
        "referral",
    }
    groups = dict(version.target_groups.values_list("name", "basic_guarantee"))
    assert groups["低保"] is True and groups["社区居民（适度普惠）"] is False
    assert set(version.fields.filter(sensitive=True).values_list("code", flat=True)) == {
        "drug_rehab",
        "correction",
    }
    assert version.tiers.count() == 4


def test_the_city_officer_edits_words_until_a_record_uses_the_version(world, day):
    field = ServiceField.objects.get(code="elderly")
    catalogue_services.catalogue_item_update(
        actor=world.city_officer, item=field, values={"name": "长者服务"}
    )
    assert ServiceField.objects.get(pk=field.pk).name == "长者服务"
    services.service_record_create(
        actor=world.station_a1_manager, station=world.station_a1, data=record_data(day)
    )
    with pytest.raises(Conflict) as error:
        catalogue_services.catalogue_item_update(
            actor=world.city_officer, item=field, values={"name": "老年人"}
        )
    assert "已冻结" in error.value.message
    assert ServiceField.objects.get(pk=field.pk).name == "长者服务"


def test_a_station_manager_may_not_edit_the_catalogue(world):
    field = ServiceField.objects.get(code="elderly")
    with pytest.raises(PermissionDenied):
        catalogue_services.catalogue_item_update(
            actor=world.station_a1_manager, item=field, values={"name": "x"}
        )


def test_a_new_version_copies_the_lists_and_starts_after_today(world, today):
    with pytest.raises(ValidationError):
        services.catalogue_version_create(actor=world.city_officer, effective_from=today, name="v2")
    version = services.catalogue_version_create(
        actor=world.city_officer, effective_from=today + dt.timedelta(days=1), name="v2"
    )
    old = CatalogueVersion.objects.exclude(pk=version.pk).get()
    assert version.target_groups.count() == old.target_groups.count()
    child = version.target_groups.get(code="elderly_alone")
    assert child.parent.version_id == version.pk


# --- service users ----------------------------------------------------------------------------


def test_an_id_number_is_stored_as_talent_stores_it(world, today):
    number = idnumbers.make_id_number(birth_date=dt.date(1950, 3, 4), male=True, sequence=7)
    person = services.service_user_create(
        actor=world.station_a1_manager,
        station=world.station_a1,
        data=person_data(today, id_number=number, birth_year=None, gender=""),
    )
    person.refresh_from_db()
    assert crypto.decrypt(person.id_number_cipher) == number
    assert person.id_number_hash == crypto.id_number_hash(number)
    assert person.id_number_masked == idnumbers.mask_id_number(number)
    assert (person.gender, person.birth_year) == ("male", 1950)


def test_a_bad_id_number_is_refused_with_its_rule(world, today):
    with pytest.raises(ValidationError) as error:
        services.service_user_create(
            actor=world.station_a1_manager,
            station=world.station_a1,
            data=person_data(today, id_number="44010619500304001"),
        )
    assert error.value.message_dict["id_number"] == [idnumbers.ID_BAD_LENGTH]
    assert not ServiceUser.objects.exists()


def test_duplicates_within_a_station_are_found_by_id_hash_and_by_name_year_community(world, today):
    number = idnumbers.make_id_number(birth_date=dt.date(1950, 3, 4), male=True, sequence=7)
    data = person_data(today, id_number=number)
    services.service_user_create(
        actor=world.station_a1_manager, station=world.station_a1, data=data
    )
    with pytest.raises(ValidationError) as error:
        services.service_user_create(
            actor=world.station_a1_manager,
            station=world.station_a1,
            data=person_data(today, name="别名", id_number=number),
        )
    assert "请勿重复登记" in error.value.message_dict["id_number"][0]
    with pytest.raises(ValidationError) as error:
        services.service_user_create(
            actor=world.station_a1_manager,
            station=world.station_a1,
            data=person_data(today),
        )
    assert "可能是同一人" in error.value.message_dict["name"][0]
    # Another station registers the same person without a clash.
    services.service_user_create(actor=SYSTEM, station=world.station_b1, data=data)


def test_unknown_target_groups_are_refused(world, today):
    with pytest.raises(ValidationError) as error:
        services.service_user_create(
            actor=world.station_a1_manager,
            station=world.station_a1,
            data=person_data(today, target_groups=["martians"]),
        )
    assert "martians" in error.value.message_dict["target_groups"][0]


def test_minors_and_sensitive_groups_are_flagged(world, today, minor, elder):
    assert minor.sensitive_on(today)
    assert not elder.sensitive_on(today)
    assert ServiceUser.objects.get(pk=minor.pk).basic_guarantee


def test_a_sensitive_person_is_hidden_from_the_institution_and_districts(world, minor, elder):
    inst = ServiceUser.objects.restrict(world.institution_a_admin)
    assert list(inst) == [elder]
    assert not ServiceUser.objects.restrict(world.district_a_officer).exists()
    assert not ServiceUser.objects.restrict(world.city_officer).exists()
    assert set(ServiceUser.objects.restrict(world.station_a1_manager)) == {minor, elder}
    assert not ServiceUser.objects.restrict(world.station_b1_manager).exists()


def test_every_read_of_a_sensitive_record_is_audited(world, minor, elder):
    services.service_user_read(actor=world.station_a1_manager, person=minor)
    services.service_user_read(actor=world.station_a1_manager, person=elder)
    reads = AuditEvent.objects.filter(action=AuditAction.SENSITIVE_READ)
    assert list(reads.values_list("object_id", flat=True)) == [str(minor.pk)]


def test_the_city_admin_opens_a_sensitive_record_only_with_a_reason(world, minor):
    with pytest.raises(PermissionDenied):
        services.service_user_read(actor=world.city_admin, person=minor, reason="")
    services.service_user_read(actor=world.city_admin, person=minor, reason="核查投诉线索")
    outcomes = list(
        AuditEvent.objects.filter(action=AuditAction.SENSITIVE_READ)
        .order_by("pk")
        .values_list("outcome", "message")
    )
    assert outcomes[0][0] == AuditOutcome.DENIED
    assert outcomes[1][0] == AuditOutcome.SUCCESS and "核查投诉线索" in outcomes[1][1]


def test_an_outsider_gets_404_for_a_service_user(world, minor):
    with pytest.raises(Http404):
        services.service_user_read(actor=world.station_b1_manager, person=minor)


def test_withdrawal_leaves_only_anonymous_counts(world, today, minor):
    services.service_user_withdraw(actor=world.station_a1_manager, person=minor, version=1)
    row = ServiceUser.objects.get(pk=minor.pk)
    assert (row.name, row.contact, row.birth_year, row.id_number_hash) == ("", "", None, "")
    assert row.withdrawn_on == today
    assert row.target_groups.exists()  # anonymous counts by category remain
    with pytest.raises(ValidationError):
        services.service_user_update(
            actor=world.station_a1_manager, person=row, version=row.version, data={"name": "x"}
        )


def test_a_stale_edit_of_a_service_user_answers_409(world, today, elder):
    services.service_user_update(
        actor=world.station_a1_manager,
        person=elder,
        version=1,
        data=person_data(today, contact="1"),
    )
    stale = ServiceUser.objects.get(pk=elder.pk)
    stale.version = 1
    with pytest.raises(Conflict):
        services.service_user_update(
            actor=world.station_a1_manager, person=stale, version=1, data=person_data(today)
        )


# --- records ----------------------------------------------------------------------------------


def _create(world, data):
    return services.service_record_create(
        actor=world.station_a1_manager, station=world.station_a1, data=data
    )


def _refused(world, data, field) -> str:
    with pytest.raises(ValidationError) as error:
        _create(world, data)
    assert not ServiceRecord.objects.exists()
    return error.value.message_dict[field][0]


def test_a_record_in_the_future_is_refused(world, today):
    tomorrow = today + dt.timedelta(days=1)
    assert _refused(world, record_data(tomorrow), "service_on") == rules.FUTURE_DATE % {
        "on": tomorrow.isoformat()
    }


def test_a_home_visit_of_5000_person_times_is_refused(world, day, elder):
    message = _refused(
        world,
        record_data(day, kind="home_visit", person_times=5000, attendees=[elder.pk]),
        "person_times",
    )
    assert message == rules.PERSON_TIMES_ABSURD % {"kind": "探访", "max": 20, "n": 5000}


def test_a_group_may_not_count_more_than_registered_plus_others(world, day, elder, minor):
    data = record_data(day, kind="group", attendees=[elder.pk, minor.pk], others_count=3)
    assert "超过了出席" in _refused(world, {**data, "person_times": 6}, "person_times")
    record = _create(world, {**data, "person_times": 5})
    assert record.attendance.count() == 2


def test_a_case_needs_one_registered_person_and_a_step(world, day, elder):
    assert _refused(world, record_data(day, kind="case", person_times=1), "attendees") == (
        rules.CASE_NEEDS_ONE_USER
    )
    record = _create(
        world,
        record_data(day, kind="case", person_times=1, attendees=[elder.pk], case_step="opened"),
    )
    assert record.case_step == "opened"


def test_a_service_user_of_another_station_is_refused(world, day, today):
    other = services.service_user_create(
        actor=SYSTEM, station=world.station_b1, data=person_data(today)
    )
    message = _refused(
        world, record_data(day, kind="group", attendees=[other.pk], person_times=1), "attendees"
    )
    assert message == record_services.USER_OTHER_STATION % {"pk": other.pk}


def test_a_withdrawn_person_is_refused(world, day, elder):
    services.service_user_withdraw(actor=world.station_a1_manager, person=elder, version=1)
    message = _refused(
        world, record_data(day, kind="group", attendees=[elder.pk], person_times=1), "attendees"
    )
    assert message == record_services.USER_WITHDRAWN % {"pk": elder.pk}


def test_unknown_categories_are_refused(world, day):
    assert "magic" in _refused(world, record_data(day, kind="magic"), "kind")
    assert "nowhere" in _refused(world, record_data(day, field="nowhere"), "field")
    assert "aliens" in _refused(world, record_data(day, target_groups=["aliens"]), "target_groups")


def test_a_worker_cannot_serve_more_than_24_hours_a_day(world, day):
    from talent.models import SocialWorker
    from tests.samples import sample

    worker = sample(world, SocialWorker)
    for _ in range(2):
        _create(world, record_data(day, hours=Decimal("12"), workers=[worker.pk]))
    message = _refused_after(world, record_data(day, hours=Decimal("0.25"), workers=[worker.pk]))
    assert message == rules.HOURS_OVER_DAY % {
        "worker": worker.name,
        "on": day.isoformat(),
        "total": Decimal("24.25"),
    }


def _refused_after(world, data) -> str:
    before = ServiceRecord.objects.count()
    with pytest.raises(ValidationError) as error:
        _create(world, data)
    assert ServiceRecord.objects.count() == before
    return error.value.message_dict["workers"][0]


def test_a_worker_of_another_station_is_refused(world, day):
    from talent.models import SocialWorker
    from tests.samples import sample

    worker = sample(world, SocialWorker)
    with pytest.raises(ValidationError) as error:
        services.service_record_create(
            actor=world.station_b1_manager,
            station=world.station_b1,
            data=record_data(day, workers=[worker.pk]),
        )
    assert error.value.message_dict["workers"][0] == record_services.WORKER_NOT_HERE % {
        "pk": worker.pk
    }


def test_an_outsider_cannot_enter_a_record_for_station_a1(world, day):
    with pytest.raises(Http404):
        services.service_record_create(
            actor=world.station_b1_manager, station=world.station_a1, data=record_data(day)
        )
    with pytest.raises(PermissionDenied):
        services.service_record_create(
            actor=world.district_a_officer, station=world.station_a1, data=record_data(day)
        )


def test_record_writes_keep_the_monthly_aggregates(world, day, elder):
    record = _create(world, record_data(day, target_groups=["dibao", "general"]))
    agg = MonthlyAggregate.objects.get(station=world.station_a1)
    assert (agg.records, agg.person_times, agg.hours) == (1, 120, Decimal("3.00"))
    assert agg.basic_guarantee_person_times == 120
    assert set(GroupAggregate.objects.values_list("group_code", "person_times")) == {
        ("dibao", 120),
        ("general", 120),
    }
    services.service_record_update(
        actor=world.station_a1_manager,
        record=record,
        version=1,
        data=record_data(day, person_times=80, target_groups=["general"]),
    )
    agg = MonthlyAggregate.objects.get(station=world.station_a1)
    assert (agg.person_times, agg.basic_guarantee_person_times) == (80, 0)
    services.service_record_delete(actor=world.station_a1_manager, record=record)
    assert not MonthlyAggregate.objects.exists()
    assert not GroupAggregate.objects.exists()


# --- monthly reports ------------------------------------------------------------------------


def _month_start_after(day: dt.date) -> dt.date:
    return (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def test_reports_open_once_per_station_with_the_months_figures(world, day, elder):
    _create(world, record_data(day, kind="group", attendees=[elder.pk], person_times=1))
    opened_on = _month_start_after(day)
    assert services.reports_open(on=opened_on) == 3  # A1, A2 and B1 have contracts
    assert services.reports_open(on=opened_on) == 0
    report = MonthlyReport.objects.get(station=world.station_a1)
    assert report.figures["totals"]["person_times"] == 1
    assert report.figures["totals"]["persons"] == 1
    assert report.figures["by_kind"]["group"]["records"] == 1
    assert report.due_on == rules.report_due_on(day.year, day.month, due_day=10)


def test_the_report_goes_through_street_town_then_district_and_locks_the_month(world, day):
    record = _create(world, record_data(day))
    services.reports_open(on=_month_start_after(day))
    report = MonthlyReport.objects.get(station=world.station_a1)
    with pytest.raises(ValidationError):
        services.report_submit(actor=world.station_a1_manager, report=report, version=1)
    report = services.report_update(
        actor=world.station_a1_manager,
        report=report,
        version=1,
        narrative="本月开展长者活动。",
        highlights="",
    )
    with pytest.raises(PermissionDenied):
        services.report_review(actor=world.district_a_officer, report=report, version=2)
    report = services.report_submit(actor=world.station_a1_manager, report=report, version=2)
    report = services.report_return(
        actor=world.subdistrict_a1_officer, report=report, version=3, reason="请补充亮点"
    )
    assert report.status == ReportStatus.RETURNED
    report = services.report_submit(actor=world.station_a1_manager, report=report, version=4)
    report = services.report_review(actor=world.subdistrict_a1_officer, report=report, version=5)
    with pytest.raises(Conflict):
        services.report_review(actor=world.subdistrict_a1_officer, report=report, version=6)
    report = services.report_approve(actor=world.district_a_officer, report=report, version=6)
    assert report.status == ReportStatus.APPROVED
    with pytest.raises(Conflict) as error:
        services.service_record_update(
            actor=world.station_a1_manager, record=record, version=1, data=record_data(day)
        )
    assert error.value.message == rules.LOCKED_MONTH % {"year": day.year, "month": day.month}
    with pytest.raises(Conflict):
        _create(world, record_data(day))
    with pytest.raises(Conflict):
        services.service_record_delete(actor=world.station_a1_manager, record=record)


def test_a_return_needs_a_reason(world, day):
    services.reports_open(on=_month_start_after(day))
    report = MonthlyReport.objects.get(station=world.station_a1)
    report.narrative, report.status = "综述", ReportStatus.SUBMITTED
    report.save()
    with pytest.raises(ValidationError) as error:
        services.report_return(
            actor=world.subdistrict_a1_officer, report=report, version=1, reason=" "
        )
    assert error.value.message_dict["reason"] == [report_services.REASON_REQUIRED]


def test_an_outsider_cannot_see_or_approve_station_a1s_report(world, day):
    services.reports_open(on=_month_start_after(day))
    report = MonthlyReport.objects.get(station=world.station_a1)
    with pytest.raises(Http404):
        services.report_approve(actor=world.district_b_officer, report=report, version=1)


def test_user_services_name_their_messages_in_chinese():
    assert user_services.REASON_REQUIRED.startswith("查看敏感")


def test_key_rotation_re_encrypts_service_users_id_numbers(world, today, settings):
    from cryptography.fernet import Fernet
    from django.core.management import call_command

    number = idnumbers.make_id_number(birth_date=dt.date(1960, 1, 2), male=False, sequence=3)
    person = services.service_user_create(
        actor=SYSTEM, station=world.station_a1, data=person_data(today, id_number=number)
    )
    old = ServiceUser.objects.get(pk=person.pk).id_number_cipher
    settings.PORTAL_FIELD_KEYS = [Fernet.generate_key().decode(), *settings.PORTAL_FIELD_KEYS]
    call_command("rotate_service_user_keys", stdout=None)
    settings.PORTAL_FIELD_KEYS = settings.PORTAL_FIELD_KEYS[:1]
    row = ServiceUser.objects.get(pk=person.pk)
    assert row.id_number_cipher != old
    assert crypto.decrypt(row.id_number_cipher) == number
