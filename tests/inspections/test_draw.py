"""The quarterly draw: stratified, risk-weighted, reproducible, idempotent, annual coverage."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from inspections import rules, services, tasks
from inspections.choices import PlanStatus, SampleMode, VisitMode
from inspections.models import Inspection, InspectionSettings, QuarterPlan
from portal.errors import Conflict
from portal.models import Notification
from tests.factories import DistrictFactory, StationFactory, SubdistrictFactory
from tests.inspections.conftest import make_visit


@pytest.fixture
def many_stations(db):
    stations = []
    for _d in range(3):
        district = DistrictFactory()
        sub = SubdistrictFactory(district=district)
        stations += [StationFactory(subdistrict=sub) for _ in range(8)]
    return stations


def test_the_draw_samples_each_district_at_the_set_rate_and_stores_what_reproduces_it(
    many_stations,
):
    plan = services.plan_draw(actor=None, year=2026, quarter=2, seed=12345)
    assert plan.seed == 12345 and plan.status == PlanStatus.DRAFT
    visits = list(plan.inspections.select_related("station"))
    per_district = {}
    for v in visits:
        per_district[v.station.district_id] = per_district.get(v.station.district_id, 0) + 1
    # 25% of 8 stations, rounded half-up, in each of the three districts.
    assert sorted(per_district.values()) == [2, 2, 2]
    first, last = rules.quarter_bounds(2026, 2)
    assert all(first <= v.scheduled_on <= last for v in visits)
    check = services.plan_verify_draw(plan=plan)
    assert check.reproduced and check.differences == []
    assert plan.inputs["signals"]["orders"]["available"] is True
    assert set(plan.inputs["signals"]) >= {"grade", "under_floor", "complaints", "orders"}


def test_a_tampered_result_is_caught_by_the_reproduction_check(many_stations):
    plan = services.plan_draw(actor=None, year=2026, quarter=2, seed=7)
    plan.result["visits"][0][1] = (
        VisitMode.SCHEDULED
        if plan.result["visits"][0][1] == VisitMode.UNANNOUNCED
        else VisitMode.UNANNOUNCED
    )
    check = services.plan_verify_draw(plan=plan)
    assert not check.reproduced and len(check.differences) == 1


def test_running_the_draw_task_twice_creates_one_plan(many_stations):
    first = tasks.draw_quarter_plan("2026-04-01")
    second = tasks.draw_quarter_plan("2026-04-02")
    assert first == second
    assert QuarterPlan.objects.filter(year=2026, quarter=2).count() == 1
    assert Inspection.objects.filter(plan_id=first).count() == 6


def test_riskier_stations_are_drawn_more_often():
    strata = {"1": [[i, "1.00"] for i in range(1, 11)]}
    strata["1"][0][1] = "20.00"
    hits = 0
    for seed in range(200):
        inputs = {
            "year": 2026,
            "quarter": 1,
            "seed": seed,
            "strata": strata,
            "sample": {
                "mode": "count",
                "rate": "0",
                "count": 1,
                "min_per_district": 1,
                "unannounced_percent": "0",
            },
        }
        hits += any(v[0] == 1 for v in rules.draw(inputs)["visits"])
    assert hits > 100  # 20/29 of the weight; a uniform draw would give about 20


def test_the_last_quarter_forces_in_every_station_not_yet_visited_this_year(
    many_stations, checklist
):
    visited = many_stations[:20]
    for s in visited:
        make_visit(station=s, scheduled_on=dt.date(2026, 2, 10), checklist=checklist)
    settings = InspectionSettings.objects.order_by("effective_from").first()
    settings.sample_mode = SampleMode.COUNT
    settings.sample_count = 0
    settings.min_per_district = 0
    settings.save()
    plan = services.plan_draw(actor=None, year=2026, quarter=4, seed=1)
    drawn = set(plan.inspections.values_list("station_id", flat=True))
    assert drawn == {s.pk for s in many_stations[20:]}
    assert set(plan.inspections.values_list("draw_reason", flat=True)) == {"forced_annual"}


def test_stations_added_by_hand_are_drawn_and_a_confirmed_plan_is_locked(
    many_stations, world, django_capture_on_commit_callbacks
):
    extra = many_stations[0]
    plan = services.plan_draw(
        actor=world.city_officer, year=2026, quarter=3, seed=3, manual=[extra.pk]
    )
    assert plan.inspections.filter(station=extra, added_by_hand=True).exists()
    with pytest.raises(ValidationError) as error:
        services.plan_confirm(actor=world.city_officer, plan=plan)
    assert "未分配督查组" in error.value.messages[0]
    services.plan_assign_team_all(
        actor=world.city_officer, plan=plan, members=[(world.inspector, "city_centre", True)]
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.plan_confirm(actor=world.city_officer, plan=plan)
    assert (
        Notification.objects.filter(recipient=world.inspector).count() == plan.inspections.count()
    )
    with pytest.raises(Conflict):
        services.plan_add_station(
            actor=world.city_officer,
            plan=plan,
            station=many_stations[1],
            mode="scheduled",
            scheduled_on=dt.date(2026, 8, 1),
        )


def test_sample_size_rounds_half_up_and_respects_the_minimum():
    assert rules.sample_size(10, mode="rate", rate=Decimal("25"), count=0, minimum=1) == 3
    assert rules.sample_size(2, mode="rate", rate=Decimal("10"), count=0, minimum=1) == 1
    assert rules.sample_size(3, mode="count", rate=Decimal("0"), count=5, minimum=0) == 3
    assert rules.sample_size(0, mode="count", rate=Decimal("0"), count=5, minimum=1) == 0


def test_order_escalation_follows_the_policys_rectification_ladder(db, today):
    from portal import rules as deadlines
    from portal.choices import DeadlineKind
    from portal.selectors import ladder_in_force

    ladder = ladder_in_force(DeadlineKind.RECTIFICATION, today).as_rule()
    assert [deadlines.escalation_level(d, ladder) for d in (0, 1, 3, 10, 29, 30)] == [
        0,
        1,
        2,
        3,
        3,
        4,
    ]
