"""Writes of the stations app: scope, Chinese messages naming field and rule, nothing changed
on refusal, and one comprehensive contract per station per day."""

from __future__ import annotations

import datetime as dt
import threading
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection
from django.http import Http404

from portal.errors import Conflict
from portal.models import AuditEvent
from portal.scoping import SYSTEM
from stations import services
from stations.choices import ContractStatus, CreditListKind, ManagementMode
from stations.models import Contract, Institution, Outpost, ProjectKind, Station
from stations.rules import make_credit_code
from stations.selectors import (
    contract_history,
    institution_stations,
    operator_on,
    operators_on,
)
from tests.factories import (
    CommunityFactory,
    ContractFactory,
    InstitutionFactory,
    StationFactory,
    SubdistrictFactory,
)

BAD_CODE = "52440106MJL164262W"  # check character should be 1


def _messages(exc: ValidationError, field: str) -> str:
    return " ".join(exc.message_dict[field])


# --- institutions -------------------------------------------------------------------------


def test_a_city_admin_registers_an_institution_with_a_valid_code(world):
    code = make_credit_code(7)
    inst = services.institution_create(
        actor=world.city_admin, name=" 广州市新航社会工作服务中心 ", credit_code=code.lower()
    )
    assert inst.name == "广州市新航社会工作服务中心"
    assert inst.credit_code == code
    assert inst.credit_code_confirmed_by is None


def test_an_invalid_code_is_refused_naming_the_field_and_the_rule(world):
    before = Institution.objects.count()
    with pytest.raises(ValidationError) as caught:
        services.institution_create(actor=world.city_admin, name="某机构", credit_code=BAD_CODE)
    message = _messages(caught.value, "credit_code")
    assert "GB 32100" in message and "第18位校验码应为1，实为W" in message
    assert Institution.objects.count() == before


def test_a_city_admin_may_confirm_a_real_code_that_fails_the_check(world):
    inst = services.institution_create(
        actor=world.city_admin, name="某机构", credit_code=BAD_CODE, confirm_invalid_code=True
    )
    assert inst.credit_code_confirmed_by == world.city_admin
    assert inst.credit_code_confirmed_at is not None
    row = AuditEvent.objects.get(
        object_type="stations.institution", object_id=str(inst.pk), action="action"
    )
    assert BAD_CODE in row.message and "第18位校验码应为1" in row.message
    assert row.actor_id == world.city_admin.pk


def test_a_district_officer_cannot_confirm_an_invalid_code(world):
    with pytest.raises(ValidationError) as caught:
        services.institution_create(
            actor=world.district_a_officer,
            name="某机构",
            credit_code=BAD_CODE,
            confirm_invalid_code=True,
        )
    assert "credit_code" in caught.value.message_dict


def test_changing_to_an_invalid_code_is_refused_and_an_unchanged_code_is_not_rechecked(world):
    inst = world.institution_a
    with pytest.raises(ValidationError):
        services.institution_update(actor=world.city_admin, institution=inst, credit_code=BAD_CODE)
    inst.refresh_from_db()
    services.institution_update(
        actor=world.city_admin,
        institution=inst,
        credit_code=inst.credit_code,
        legal_representative="李四",
    )
    inst.refresh_from_db()
    assert inst.legal_representative == "李四"


def test_only_the_city_admin_changes_an_institution(world):
    with pytest.raises(PermissionDenied):
        services.institution_update(
            actor=world.district_a_officer, institution=world.institution_a, phone="020-1"
        )


def test_a_credit_listing_is_recorded_and_lifted_once(world):
    record = services.credit_record_add(
        actor=world.city_admin,
        institution=world.institution_a,
        kind=CreditListKind.ABNORMAL_OPERATION,
        listed_on=dt.date(2024, 3, 1),
        reason="未按时报送年度工作报告",
        authority="广州市民政局",
    )
    with pytest.raises(ValidationError) as caught:
        services.credit_record_lift(
            actor=world.city_admin, record=record, lifted_on=dt.date(2024, 2, 1)
        )
    assert _messages(caught.value, "lifted_on") == "移出日期不能早于列入日期（2024-03-01）。"
    services.credit_record_lift(
        actor=world.city_admin, record=record, lifted_on=dt.date(2024, 9, 1)
    )
    with pytest.raises(Conflict):
        services.credit_record_lift(
            actor=world.city_admin, record=record, lifted_on=dt.date(2024, 10, 1)
        )


def test_district_officers_do_not_keep_credit_records(world):
    with pytest.raises(PermissionDenied):
        services.credit_record_add(
            actor=world.district_a_officer,
            institution=world.institution_a,
            kind=CreditListKind.ABNORMAL_OPERATION,
            listed_on=dt.date(2024, 3, 1),
            reason="x",
        )


# --- stations -----------------------------------------------------------------------------


def test_a_district_officer_sets_up_a_station_in_their_district(world):
    community = CommunityFactory(subdistrict=world.subdistrict_a1)
    station = services.station_create(
        actor=world.district_a_officer,
        code="TH-099",
        name="五山街第二社工服务站",
        subdistrict=world.subdistrict_a1,
        communities=[community],
    )
    assert station.district == world.district_a
    assert list(station.communities.all()) == [community]


def test_a_street_outside_the_officers_district_is_refused(world):
    before = Station.objects.count()
    with pytest.raises(ValidationError) as caught:
        services.station_create(
            actor=world.district_a_officer,
            code="HZ-099",
            name="x",
            subdistrict=world.subdistrict_b1,
        )
    assert _messages(caught.value, "subdistrict") == "镇街“赤岗街道”不在您的管辖范围内。"
    assert Station.objects.count() == before


def test_roles_that_only_read_cannot_set_up_stations(world):
    with pytest.raises(PermissionDenied):
        services.station_create(
            actor=world.subdistrict_a1_officer,
            code="TH-098",
            name="x",
            subdistrict=world.subdistrict_a1,
        )


def test_a_station_serves_only_communities_of_its_street_or_town(world):
    elsewhere = CommunityFactory(subdistrict=world.subdistrict_b1, name="别处社区居委会")
    with pytest.raises(ValidationError) as caught:
        services.station_update(
            actor=world.city_admin, station=world.station_a1, communities=[elsewhere]
        )
    assert _messages(caught.value, "communities") == (
        "村居“别处社区居委会”不属于本站所在镇街“五山街道”。"
    )


def test_an_officer_of_another_district_gets_not_found_and_a_reader_gets_forbidden(world):
    with pytest.raises(Http404):
        services.station_update(
            actor=world.district_b_officer, station=world.station_a1, phone="020-1"
        )
    with pytest.raises(PermissionDenied):
        services.station_update(
            actor=world.subdistrict_a1_officer, station=world.station_a1, phone="020-1"
        )
    world.station_a1.refresh_from_db()
    assert world.station_a1.phone == ""


def test_a_district_officer_cannot_move_a_station_out_of_their_district(world):
    with pytest.raises(ValidationError) as caught:
        services.station_update(
            actor=world.district_a_officer,
            station=world.station_a1,
            subdistrict=world.subdistrict_b1,
        )
    assert "subdistrict" in caught.value.message_dict
    world.station_a1.refresh_from_db()
    assert world.station_a1.district == world.district_a


def test_the_pilot_mode_needs_a_town_a_head_title_and_a_deputy(world):
    town = SubdistrictFactory(district=world.district_a, name="某镇", kind="town")
    with pytest.raises(ValidationError) as caught:
        services.station_create(
            actor=world.city_admin,
            code="P-1",
            name="某镇社工服务站",
            subdistrict=world.subdistrict_a1,
            management_mode=ManagementMode.PILOT_2019,
        )
    assert set(caught.value.message_dict) == {"management_mode", "head_title", "deputy_head_name"}
    station = services.station_create(
        actor=world.city_admin,
        code="P-1",
        name="某镇社工服务站",
        subdistrict=town,
        management_mode=ManagementMode.PILOT_2019,
        head_name="王伟",
        head_title="镇社会事务办主任",
        deputy_head_name="李芳",
    )
    assert station.management_mode == ManagementMode.PILOT_2019


def test_an_outpost_opens_in_a_served_community_and_closes_once(world):
    mine = CommunityFactory(subdistrict=world.subdistrict_a1, name="五山社区居委会")
    services.station_update(actor=world.city_admin, station=world.station_a1, communities=[mine])
    other = CommunityFactory(subdistrict=world.subdistrict_a1, name="华工社区居委会")
    with pytest.raises(ValidationError) as caught:
        services.outpost_create(
            actor=world.district_a_officer, station=world.station_a1, community=other
        )
    assert _messages(caught.value, "community") == "村居“华工社区居委会”不在本站服务的村居范围内。"
    outpost = services.outpost_create(
        actor=world.district_a_officer,
        station=world.station_a1,
        community=mine,
        opened_on=dt.date(2024, 1, 1),
    )
    assert outpost.name == "五山社区居委会社工点"
    services.outpost_close(
        actor=world.district_a_officer, outpost=outpost, closed_on=dt.date(2025, 1, 1)
    )
    with pytest.raises(Conflict):
        services.outpost_close(
            actor=world.district_a_officer, outpost=outpost, closed_on=dt.date(2025, 2, 1)
        )
    assert Outpost.objects.filter(closed_on__isnull=True).count() == 0


# --- contracts ----------------------------------------------------------------------------


@pytest.fixture
def empty_station(world):
    return StationFactory(
        code="TH-010",
        name="石牌街社工服务站",
        subdistrict=SubdistrictFactory(district=world.district_a, name="石牌街道"),
    )


def test_a_contract_takes_the_fee_of_the_policy_that_judges_its_service_year(world, empty_station):
    c2024 = services.contract_create(
        actor=world.city_admin,
        station=empty_station,
        institution=world.institution_a,
        service_year=2024,
    )
    assert c2024.annual_fee == Decimal("2400000.00")
    assert c2024.policy_version.effective_from == dt.date(2018, 1, 1)
    assert c2024.purchaser == empty_station.subdistrict
    assert (c2024.starts_on, c2024.ends_on) == (dt.date(2024, 1, 1), dt.date(2024, 12, 31))
    assert c2024.code == "HT-2024-TH-010"
    c2017 = services.contract_create(
        actor=world.city_admin,
        station=empty_station,
        institution=world.institution_a,
        service_year=2017,
    )
    assert c2017.annual_fee == Decimal("2000000.00")


def test_an_overlapping_comprehensive_contract_is_refused_naming_the_other(world, empty_station):
    services.contract_create(
        actor=world.city_admin,
        station=empty_station,
        institution=world.institution_a,
        service_year=2024,
    )
    with pytest.raises(ValidationError) as caught:
        services.contract_create(
            actor=world.city_admin,
            station=empty_station,
            institution=world.institution_b,
            service_year=2024,
            starts_on=dt.date(2024, 7, 1),
            ends_on=dt.date(2025, 6, 30),
        )
    assert _messages(caught.value, "starts_on") == (
        "同一社工站同一天只能有一份生效的综合项目合同：与合同HT-2024-TH-010"
        "（承接机构：广州市甲社会工作服务中心，2024-01-01至2024-12-31）的期限重叠。"
    )
    assert empty_station.contracts.count() == 1


def test_a_special_project_may_run_beside_the_comprehensive_contract(world, empty_station):
    services.contract_create(
        actor=world.city_admin,
        station=empty_station,
        institution=world.institution_a,
        service_year=2024,
    )
    medical = ProjectKind.objects.get(code="medical")
    special = services.contract_create(
        actor=world.city_admin,
        station=empty_station,
        institution=world.institution_b,
        service_year=2024,
        kind=medical,
        annual_fee=Decimal("500000.00"),
    )
    assert not special.is_comprehensive


def test_a_negative_fee_is_refused_and_nothing_is_saved(world, empty_station):
    with pytest.raises(ValidationError) as caught:
        services.contract_create(
            actor=world.city_admin,
            station=empty_station,
            institution=world.institution_a,
            service_year=2024,
            annual_fee=Decimal("-2400000.00"),
        )
    assert _messages(caught.value, "annual_fee") == "年度项目经费必须大于0元。"
    assert not empty_station.contracts.exists()


def test_a_contract_longer_than_one_term_is_refused(world, empty_station):
    with pytest.raises(ValidationError) as caught:
        services.contract_create(
            actor=world.city_admin,
            station=empty_station,
            institution=world.institution_a,
            service_year=2024,
            ends_on=dt.date(2027, 6, 30),
        )
    assert _messages(caught.value, "ends_on") == "合同期限不能超过3年（政策参数：合同周期）。"


def test_a_contract_without_a_recorded_version_takes_the_term_of_its_service_year(
    world, empty_station
):
    from portal.models import PolicyVersion

    contract = services.contract_create(
        actor=world.city_admin,
        station=empty_station,
        institution=world.institution_a,
        service_year=2024,
    )
    Contract.objects.filter(pk=contract.pk).update(policy_version=None)
    contract.refresh_from_db()
    PolicyVersion.objects.filter(effective_from=dt.date(2018, 1, 1)).update(contract_term_years=1)
    with pytest.raises(ValidationError) as caught:
        services.contract_update(
            actor=world.city_admin, contract=contract, ends_on=dt.date(2025, 3, 31)
        )
    assert _messages(caught.value, "ends_on") == "合同期限不能超过1年（政策参数：合同周期）。"


def test_a_purchaser_from_another_district_is_refused(world, empty_station):
    with pytest.raises(ValidationError) as caught:
        services.contract_create(
            actor=world.city_admin,
            station=empty_station,
            institution=world.institution_a,
            service_year=2024,
            purchaser=world.subdistrict_b1,
        )
    assert _messages(caught.value, "purchaser") == "购买方镇街“赤岗街道”应与社工站在同一区。"


def test_contracts_out_of_district_are_not_found_and_readers_are_forbidden(world):
    with pytest.raises(Http404):
        services.contract_create(
            actor=world.district_a_officer,
            station=world.station_b1,
            institution=world.institution_a,
            service_year=2025,
        )
    with pytest.raises(PermissionDenied):
        services.contract_create(
            actor=world.station_a1_manager,
            station=world.station_a1,
            institution=world.institution_a,
            service_year=2025,
        )
    with pytest.raises(Http404):
        services.contract_update(
            actor=world.district_a_officer, contract=world.contract_b1, annual_fee=Decimal("1.00")
        )


def test_updating_a_contract_rechecks_overlaps(world, empty_station):
    services.contract_create(
        actor=world.city_admin,
        station=empty_station,
        institution=world.institution_a,
        service_year=2023,
    )
    c2024 = services.contract_create(
        actor=world.city_admin,
        station=empty_station,
        institution=world.institution_a,
        service_year=2024,
    )
    with pytest.raises(ValidationError) as caught:
        services.contract_update(
            actor=world.district_a_officer,
            contract=c2024,
            service_year=2023,
            starts_on=dt.date(2023, 6, 1),
        )
    assert "HT-2023-TH-010" in _messages(caught.value, "starts_on")
    assert c2024.starts_on == dt.date(2024, 1, 1)  # the refused change left nothing behind
    services.contract_update(
        actor=world.district_a_officer, contract=c2024, annual_fee=Decimal("1854000.00")
    )
    c2024.refresh_from_db()
    assert c2024.annual_fee == Decimal("1854000.00")


def test_the_operator_is_answerable_on_any_date_across_a_change(world, empty_station):
    first = services.contract_create(
        actor=world.city_admin,
        station=empty_station,
        institution=world.institution_a,
        service_year=2024,
    )
    services.contract_terminate(
        actor=world.district_a_officer,
        contract=first,
        terminated_on=dt.date(2024, 6, 30),
        reason="机构主动退出",
    )
    services.contract_create(
        actor=world.city_admin,
        station=empty_station,
        institution=world.institution_b,
        service_year=2024,
        starts_on=dt.date(2024, 7, 1),
    )
    first.refresh_from_db()
    assert first.status == ContractStatus.TERMINATED
    assert first.planned_ends_on == dt.date(2024, 12, 31)
    assert operator_on(station_id=empty_station.pk, on=dt.date(2024, 6, 30)) == world.institution_a
    assert operator_on(station_id=empty_station.pk, on=dt.date(2024, 7, 1)) == world.institution_b
    assert operator_on(station_id=empty_station.pk, on=dt.date(2025, 1, 1)) is None
    assert [c.institution for c in contract_history(station=empty_station)] == [
        world.institution_b,
        world.institution_a,
    ]
    with pytest.raises(Conflict):
        services.contract_update(actor=world.city_admin, contract=first, note="x")


def test_operators_on_answers_many_stations_in_one_query(world, django_assert_num_queries, today):
    ids = [world.station_a1.pk, world.station_a2.pk, world.station_b1.pk]
    with django_assert_num_queries(1):
        ops = operators_on(station_ids=ids, on=dt.date(today.year, 6, 1))
    assert ops == {
        world.station_a1.pk: world.institution_a,
        world.station_a2.pk: world.institution_b,
        world.station_b1.pk: world.institution_b,
    }


def test_an_institution_lists_the_stations_it_runs_now_and_ran_before(world):
    inst = InstitutionFactory()
    now = StationFactory()
    before = StationFactory()
    for year in (2021, 2022, 2023):
        ContractFactory(station=before, institution=inst, service_year=year)
    ContractFactory(station=before, service_year=2024)
    for year in (2024, 2025, 2026):
        ContractFactory(station=now, institution=inst, service_year=year)
    result = institution_stations(institution=inst, on=dt.date(2026, 3, 1))
    assert [(t.station, t.starts_on, t.ends_on) for t in result.current] == [
        (now, dt.date(2024, 1, 1), dt.date(2026, 12, 31))
    ]
    assert [(t.station, t.starts_on, t.ends_on) for t in result.former] == [
        (before, dt.date(2021, 1, 1), dt.date(2023, 12, 31))
    ]


# --- concurrency (PostgreSQL) ---------------------------------------------------------------


def _in_thread(fn, results, key):
    def run():
        try:
            results[key] = fn()
        except Exception as exc:  # the test inspects what happened
            results[key] = exc
        finally:
            connection.close()

    return threading.Thread(target=run)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_concurrent_signings_for_one_station_end_with_exactly_one_contract():
    station = StationFactory()
    insts = [InstitutionFactory(), InstitutionFactory()]
    barrier = threading.Barrier(2)
    results: dict[int, object] = {}

    def sign(inst):
        def go():
            barrier.wait(timeout=10)
            return services.contract_create(
                actor=SYSTEM,
                station=station,
                institution=inst,
                service_year=2025,
                code=f"RACE-{inst.pk}",
            )

        return go

    threads = [_in_thread(sign(inst), results, i) for i, inst in enumerate(insts)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    outcomes = sorted(type(r).__name__ for r in results.values())
    assert outcomes == ["Contract", "ValidationError"]
    assert Contract.objects.filter(station=station).count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_exclusion_constraint_catches_a_writer_that_skipped_the_service():
    """A row inserted without the station lock is caught by PostgreSQL, and the service turns
    the constraint violation into the same Chinese message."""
    from django.db import transaction

    station = StationFactory()
    rogue_inst, inst = InstitutionFactory(), InstitutionFactory()
    inserted, waiting = threading.Event(), threading.Event()
    results: dict[str, object] = {}

    def rogue():
        with transaction.atomic():
            contract = ContractFactory(
                station=station, institution=rogue_inst, service_year=2025, code="ROGUE-1"
            )
            inserted.set()
            waiting.wait(timeout=10)
            # Let the service pass its check and block on the constraint before committing.
            threading.Event().wait(0.5)
        return contract

    def service():
        inserted.wait(timeout=10)
        waiting.set()
        return services.contract_create(
            actor=SYSTEM, station=station, institution=inst, service_year=2025
        )

    threads = [_in_thread(rogue, results, "rogue"), _in_thread(service, results, "service")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert isinstance(results["rogue"], Contract)
    error = results["service"]
    assert isinstance(error, ValidationError)
    assert "ROGUE-1" in _messages(error, "starts_on")
    assert isinstance(error.__cause__, IntegrityError)  # it came from the constraint
    assert Contract.objects.filter(station=station).count() == 1


@pytest.mark.parametrize(
    ("code", "rule"),
    [
        ("52440106MJL164261", "应为18位，当前为17位"),
        ("52440106MJL164262W1", "应为18位，当前为19位"),
        ("52440106MJI164261W", "第11位字符“I”不是统一社会信用代码允许的字符"),
        ("5244A106MJL164261W", "第3-8位应为6位数字"),
    ],
)
def test_a_city_admin_can_never_confirm_a_malformed_code(world, code, rule):
    before = (Institution.objects.count(), AuditEvent.objects.count())
    with pytest.raises(ValidationError) as caught:
        services.institution_create(
            actor=world.city_admin, name="某机构", credit_code=code, confirm_invalid_code=True
        )
    message = _messages(caught.value, "credit_code")
    assert message.startswith("统一社会信用代码格式不正确：") and rule in message
    assert "不能确认" in message
    assert (Institution.objects.count(), AuditEvent.objects.count()) == before
    with pytest.raises(ValidationError) as caught:
        services.institution_update(
            actor=world.city_admin,
            institution=world.institution_a,
            credit_code=code,
            confirm_invalid_code=True,
        )
    assert rule in _messages(caught.value, "credit_code")
    world.institution_a.refresh_from_db()
    assert world.institution_a.credit_code_confirmed_by is None
