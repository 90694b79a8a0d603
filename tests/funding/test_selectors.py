"""The board's SQL twin agrees with the pure rule; lists run a fixed number of queries."""

from __future__ import annotations

import random
from datetime import date
from decimal import ROUND_CEILING, Decimal

import pytest

from funding import services
from funding.models import FundingYear, SocialResource
from funding.rules import compliance_status, personnel_floor_check
from funding.selectors import (
    funding_year_board,
    personnel_share_for,
    social_resource_totals,
    spending_overview,
    with_floor_checks,
)
from portal.scoping import SYSTEM
from portal.selectors import policy_for_service_year
from stations.models import ProjectKind
from tests.factories import ContractFactory, StationFactory
from tests.funding.conftest import report

pytestmark = pytest.mark.django_db
CENT = Decimal("0.01")


def _boundary_cases(n=60):
    rng = random.Random(65)
    cases = []
    for i in range(n):
        fee = Decimal(rng.randint(10_000_00, 3_000_000_00)) / 100
        floor = rng.choice(
            [
                Decimal("65.00"),
                Decimal("64.99"),
                Decimal("60.00"),
                Decimal("65.55"),
                Decimal("33.33"),
            ]
        )
        months = rng.randint(1, 12)
        # The least passing fen of the projection, then one fen either side.
        exact = fee * floor * months / (100 * 12)
        least = exact.quantize(CENT, rounding=ROUND_CEILING)
        personnel = least + CENT * rng.choice([-1, 0, 1])
        planned = (fee * floor / 100).quantize(CENT, rounding=ROUND_CEILING) + CENT * (i % 3 - 1)
        cases.append((fee, floor, months, max(personnel, Decimal("0")), planned, i % 4 == 0))
    return cases


def test_the_sql_twin_agrees_with_the_pure_rule_on_the_same_rows(world, today):
    kind = ProjectKind.objects.get(code="medical")
    policy = policy_for_service_year(today.year)
    cases = _boundary_cases()
    for fee, floor, months, personnel, planned, final in cases:
        contract = ContractFactory(
            station=world.station_a1, institution=world.institution_a, kind=kind, annual_fee=fee
        )
        FundingYear.objects.create(
            contract=contract,
            station=world.station_a1,
            district=world.district_a,
            institution=world.institution_a,
            is_comprehensive=False,
            service_year=today.year,
            fee=fee,
            policy_version=policy,
            floor_percent=floor,
            planned_personnel=planned,
            actual_personnel=personnel,
            actual_total=personnel,
            months_reported=12 if final else months,
            final=final,
            final_passed=True if final else None,
        )
    rows = with_floor_checks(FundingYear.objects.all())
    assert rows.count() == len(cases)
    seen_pass = seen_fail = 0
    for row in rows:
        months = row.months_reported
        rule = personnel_floor_check(
            personnel=row.actual_personnel,
            fee=row.fee,
            floor_percent=row.floor_percent,
            months_covered=months,
        )
        assert row.projected_ok == rule.passed, (row.fee, row.floor_percent, months)
        assert (
            row.planned_ok
            == personnel_floor_check(
                personnel=row.planned_personnel, fee=row.fee, floor_percent=row.floor_percent
            ).passed
        )
        assert row.status == compliance_status(
            fee=row.fee,
            floor_percent=row.floor_percent,
            planned_personnel=row.planned_personnel,
            actual_personnel=row.actual_personnel,
            months_reported=months,
            final=row.final,
        )
        seen_pass += rule.passed
        seen_fail += not rule.passed
    assert seen_pass and seen_fail


def test_the_board_lists_worst_first_within_the_users_scope(world, approved_budget, today):
    report(world, 1, "80000.00")  # far under: 40% run rate
    report(world, 1, "140000.00", contract=world.contract_b1)
    services.funding_years_refresh(service_year=today.year)
    city = list(funding_year_board(world.city_officer, service_year=today.year))
    assert [(r.station_id, r.status) for r in city] == [
        (world.station_a1.pk, "projected_under"),
        (world.station_a2.pk, "no_data"),
        (world.station_b1.pk, "on_track"),
    ]
    district_a = list(funding_year_board(world.district_a_officer, service_year=today.year))
    assert {r.station_id for r in district_a} == {world.station_a1.pk, world.station_a2.pk}
    assert not list(
        funding_year_board(world.station_b1_manager, service_year=today.year).filter(
            station=world.station_a1
        )
    )


def test_the_board_runs_the_same_queries_for_ten_or_forty_stations(
    world, django_assert_max_num_queries, today
):
    def build(n):
        for _ in range(n):
            station = StationFactory(subdistrict=world.subdistrict_a1)
            ContractFactory(station=station, institution=world.institution_a)
        services.funding_years_refresh(service_year=today.year)

    build(10)
    world.city_officer.forget_assignments()
    with django_assert_max_num_queries(3):
        rows = list(funding_year_board(world.city_officer, service_year=today.year)[:50])
    assert len(rows) >= 10
    build(30)
    world.city_officer.forget_assignments()
    with django_assert_max_num_queries(3):
        rows = list(funding_year_board(world.city_officer, service_year=today.year)[:50])
    assert len(rows) >= 40


def test_personnel_share_for_reads_the_final_result_with_its_policy(world, today):
    old = ContractFactory(
        station=world.station_a2, institution=world.institution_b, service_year=today.year - 1
    )
    for month in range(1, 13):
        report(world, month, "130000.00", contract=old, status="approved")
    fy = FundingYear.objects.get(contract=old)
    assert fy.months_reported == 12
    services.funding_year_finalise(
        actor=world.city_admin, funding_year=fy, today=date(today.year, 2, 1)
    )
    share = personnel_share_for(world.station_a2.pk, today.year - 1)
    assert share.final and share.passed and share.share == Decimal("65.00")
    assert share.policy_version_id == policy_for_service_year(today.year - 1).pk
    assert personnel_share_for(world.station_a2.pk, 2019) is None


def test_the_spending_overview_sums_by_district_and_category(world, approved_budget, today):
    report(world, 1, "140000.00")
    report(world, 1, "120000.00", contract=world.contract_b1)
    services.funding_years_refresh(service_year=today.year)
    overview = spending_overview(world.city_officer, service_year=today.year)
    by_code = {r["district__code"]: r for r in overview["by_district"]}
    assert by_code["440106"]["actual_salaries"] == Decimal("140000.00")
    assert by_code["440105"]["actual_total"] == Decimal("150000.00")
    assert overview["totals"]["actual_total"] == Decimal("320000.00")
    district_a = spending_overview(world.district_a_officer, service_year=today.year)
    assert [r["district__code"] for r in district_a["by_district"]] == ["440106"]


def test_the_spending_overview_pages_districts_and_totals_cover_them_all(
    world, approved_budget, today
):
    report(world, 1, "140000.00")
    report(world, 1, "120000.00", contract=world.contract_b1)
    services.funding_years_refresh(service_year=today.year)
    first = spending_overview(world.city_officer, service_year=today.year, per_page=1)
    second = spending_overview(world.city_officer, service_year=today.year, per_page=1, page=2)
    assert first["is_paginated"] and first["paginator"].count == 2
    assert [r["district__code"] for r in first["by_district"]] == ["440105"]
    assert [r["district__code"] for r in second["by_district"]] == ["440106"]
    assert first["totals"] == second["totals"]
    assert first["totals"]["actual_total"] == Decimal("320000.00")
    everything = spending_overview(world.city_officer, service_year=today.year, per_page=None)
    assert len(everything["by_district"]) == 2 and not everything["is_paginated"]


def test_the_stored_board_status_follows_every_write_of_the_row(world, today):
    """The generated ``status`` columns are recomputed by the database on each save."""
    policy = policy_for_service_year(today.year)
    fy = FundingYear.objects.create(
        contract=world.contract_a1,
        station=world.station_a1,
        district=world.district_a,
        institution=world.institution_a,
        service_year=today.year,
        fee=Decimal("2400000.00"),
        policy_version=policy,
        floor_percent=Decimal("65.00"),
    )
    assert (fy.status, fy.status_rank, fy.projected_share) == ("no_data", 3, None)
    fy.actual_personnel, fy.months_reported = Decimal("129999.99"), 1
    fy.save()
    fy.refresh_from_db()
    assert (fy.status, fy.status_rank) == ("projected_under", 1)
    FundingYear.objects.filter(pk=fy.pk).update(actual_personnel=Decimal("130000.00"))
    fy.refresh_from_db()
    assert (fy.status, fy.status_rank) == ("on_track", 4)
    assert fy.projected_share == Decimal("65.0000")


def test_social_resources_total_by_station_district_and_city(world, today):
    for station, kind, amount, hours in [
        (world.station_a1, "charity_donation", "1000.00", None),
        (world.station_a1, "in_kind", "250.50", None),
        (world.station_a2, "time_bank", None, "8.00"),
        (world.station_b1, "community_fund", "300.00", None),
    ]:
        services.social_resource_create(
            actor=SYSTEM,
            station=station,
            kind=kind,
            received_on=today,
            amount=amount and Decimal(amount),
            hours=hours and Decimal(hours),
        )
    city = social_resource_totals(world.city_officer, service_year=today.year, by="city")[0]
    assert city["money_total"] == Decimal("1550.50") and city["credits"] == Decimal("8.00")
    districts = social_resource_totals(world.city_officer, service_year=today.year, by="district")
    assert {r["station__district__code"]: r["money_total"] for r in districts} == {
        "440105": Decimal("300.00"),
        "440106": Decimal("1250.50"),
    }
    mine = social_resource_totals(world.station_a1_manager, service_year=today.year, by="station")
    assert [r["station__code"] for r in mine] == ["TH-001"]
    assert SocialResource.objects.restrict(world.evaluator, "view").count() == 0


def test_the_inspection_draw_signal_lists_stations_projected_under_the_floor(
    world, approved_budget, today
):
    """``stations_projected_under_floor`` feeds the quarterly draw's risk weight."""
    from funding.selectors import stations_projected_under_floor

    ids = [world.station_a1.pk, world.station_a2.pk, world.station_b1.pk]
    on = today
    assert stations_projected_under_floor(station_ids=ids, on=on) == set()
    report(world, 1, "80000.00")  # 40% run rate at A1
    report(world, 1, "140000.00", contract=world.contract_b1)  # on track at B1
    services.funding_years_refresh(service_year=today.year)
    assert stations_projected_under_floor(station_ids=ids, on=on) == {world.station_a1.pk}
    assert stations_projected_under_floor(station_ids=ids, on=date(today.year - 1, 6, 1)) == set()


def _quarterly_from(year: int):
    """A policy version taking effect on 1 January ``year`` that asks for quarterly reports."""
    from portal.models import PolicyVersion

    version = PolicyVersion.objects.order_by("-effective_from").first()
    version.pk = None
    version.effective_from = date(year, 1, 1)
    version.name = f"{year}年起按季度报告"
    version.spending_report_period = "quarterly"
    version.save()
    return version


def test_the_default_report_period_is_last_month_in_a_monthly_year(db):
    from funding.selectors import report_period_default

    assert report_period_default(today=date(2026, 11, 27)) == (10, "monthly")
    assert report_period_default(today=date(2026, 1, 15)) == (12, "monthly")
    assert report_period_default(today=date(2026, 3, 2), service_year=2025) == (12, "monthly")


def test_the_default_report_period_is_the_last_finished_quarter_in_a_quarterly_year(db):
    from funding.selectors import report_period_default

    _quarterly_from(2026)
    assert report_period_default(today=date(2026, 11, 27)) == (3, "quarterly")
    assert report_period_default(today=date(2026, 7, 1)) == (2, "quarterly")
    # No quarter of 2026 has ended: the last period of 2025, a monthly year.
    assert report_period_default(today=date(2026, 2, 10)) == (12, "monthly")
    assert report_period_default(today=date(2027, 1, 5), service_year=2026) == (4, "quarterly")
    # A contract of 2026 chosen before its first quarter ends: the first quarter.
    assert report_period_default(today=date(2026, 2, 10), service_year=2026) == (1, "quarterly")
