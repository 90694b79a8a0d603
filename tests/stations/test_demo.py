"""The demo generator at city scale: real geography, 201 stations, 76 institutions, contracts,
pilot towns, accounts; deterministic from the seed; the whole demo anchored to the day it is
loaded."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django.db.models import Count, F, Q
from django.urls import reverse

from evaluations.choices import CycleStatus, EvaluationStatus
from evaluations.models import Cycle, Evaluation
from evaluations.selectors import current_cycle
from funding.choices import BudgetStatus, ReportStatus
from funding.demo import latest_ended_month
from funding.models import Budget, FundingYear, SpendingReport
from inspections import rules as inspection_rules
from inspections.choices import PlanStatus, VisitStatus
from inspections.models import Campaign, Inspection, QuarterPlan
from inspections.selectors import quarter_board
from portal import clock
from portal.choices import Role
from portal.dashboards.todo import todos_for
from portal.models import AuditEvent, User
from rectification.choices import AWAITING_STATION, OPEN_ORDER_STATUSES
from rectification.models import RectificationOrder
from stations.choices import ManagementMode
from stations.demo import DEMO_PASSWORD, STATIONS_STEPS, run_demo
from stations.models import Contract, CreditRecord, District, Institution, Outpost, Station
from stations.rules import check_credit_code
from stations.selectors import operators_on
from talent.choices import EnrolmentStatus
from talent.models import StaffingSummary, TrainingProgramme

pytestmark = pytest.mark.django_db
SEED = 7
PILOT_TOWNS = {"花都区梯面镇", "从化区鳌头镇", "从化区吕田镇", "从化区太平镇", "从化区温泉镇"}


@pytest.fixture
def demo(db):
    # The stations app's steps only; other apps test their own steps.
    run_demo(scale="city", seed=SEED, only=STATIONS_STEPS)


def _fingerprint():
    today = clock.today()
    first = list(Station.objects.order_by("code")[:10])
    ops = operators_on(station_ids=[s.pk for s in first], on=today)
    return [(s.code, s.name, ops[s.pk].name, ops[s.pk].credit_code) for s in first]


def test_city_scale_has_the_real_shape(demo):
    assert District.objects.filter(code__startswith="4401").count() == 11
    assert District.objects.count() == 11
    assert Station.objects.count() == 201
    assert Institution.objects.count() == 76
    per_district = Counter(Station.objects.values_list("district__code", flat=True))
    assert len(per_district) == 11
    per_street = Counter(Station.objects.values_list("subdistrict_id", flat=True))
    assert Counter(per_street.values()) == {1: 151, 2: 25}
    assert Station.objects.filter(name="天河区五山街社工服务站").exists()


def test_every_station_has_exactly_one_comprehensive_contract_in_force_today(demo):
    today = clock.today()
    in_force = Counter(
        Contract.objects.in_force(today)
        .filter(is_comprehensive=True)
        .values_list("station_id", flat=True)
    )
    assert len(in_force) == 201
    assert set(in_force.values()) == {1}


def test_contracts_run_nine_years_to_this_one_in_three_year_terms_with_changes_of_operator(
    demo, today
):
    years = set(Contract.objects.values_list("service_year", flat=True))
    first = today.year - 8
    assert years == set(range(first, today.year + 1))
    changed = 0
    for station in Station.objects.all()[:60]:
        history = dict(
            Contract.objects.filter(
                station=station, is_comprehensive=True, status="signed"
            ).values_list("service_year", "institution_id")
        )
        assert history[first] == history[first + 1] == history[first + 2]
        assert history[today.year - 2] == history[today.year - 1] == history[today.year]
        changed += history[first + 2] != history[first + 3] or (
            history[first + 5] != history[first + 6]
        )
    assert changed > 5
    fees = Counter(
        Contract.objects.filter(is_comprehensive=True).values_list("annual_fee", flat=True)
    )
    assert fees.most_common(1)[0][0] == 2400000
    assert any(fee < 2400000 for fee in fees)
    assert Contract.objects.filter(status="terminated").count() == 1


def test_most_institutions_run_two_to_four_stations_with_valid_codes(demo):
    ops = operators_on(station_ids=Station.objects.values_list("pk", flat=True), on=clock.today())
    runs = Counter(inst.pk for inst in ops.values())
    assert sum(1 for n in runs.values() if 2 <= n <= 4) >= 0.8 * len(runs)
    assert all(
        check_credit_code(c).ok for c in Institution.objects.values_list("credit_code", flat=True)
    )
    assert CreditRecord.objects.count() >= 3
    assert Outpost.objects.exists()


def test_the_five_pilot_towns_run_in_pilot_mode(demo):
    pilots = Station.objects.filter(management_mode=ManagementMode.PILOT_2019)
    towns = {f"{s.district.name}{s.subdistrict.name}" for s in pilots}
    assert towns == PILOT_TOWNS
    for station in pilots:
        assert station.head_title == "镇社会事务办主任"
        assert station.deputy_head_name


def test_stations_serve_the_communities_of_their_street_or_town(demo):
    through = Station.communities.through
    assert through.objects.count() > 2500
    assert not through.objects.exclude(
        community__subdistrict_id=F("station__subdistrict_id")
    ).exists()


def test_the_run_is_one_import_row_in_the_audit_trail(demo):
    rows = AuditEvent.objects.all()
    assert [r.action for r in rows] == ["import"]
    assert "随机种子7" in rows[0].message


def test_the_same_seed_gives_the_same_data_and_another_seed_other_operators(db):
    runs = []
    for seed in (SEED, SEED, SEED + 1):
        with transaction.atomic():
            run_demo(scale="city", seed=seed, only=STATIONS_STEPS)
            runs.append(_fingerprint())
            transaction.set_rollback(True)
    assert runs[0] == runs[1]
    assert [r[0] for r in runs[0]] == [r[0] for r in runs[2]]  # the same real places
    assert [r[2] for r in runs[0]] != [r[2] for r in runs[2]]


def test_demo_accounts_exist_with_the_right_scopes(demo):
    today = clock.today()
    users = {u.username: u for u in User.objects.all()}
    assert set(users) == {
        "admin",
        "city",
        "district",
        "street",
        "institution",
        "station",
        "evaluator",
        "inspector",
    }
    for name in users:
        assert users[name].check_password(DEMO_PASSWORD), name
    assert users["admin"].roles == {Role.CITY_ADMIN}
    assert Station.objects.restrict(users["admin"]).count() == 201
    assert Station.objects.restrict(users["city"]).count() == 201
    tianhe = District.objects.get(code="440106")
    district_view = Station.objects.restrict(users["district"])
    assert district_view.count() == Station.objects.filter(district=tianhe).count()
    station = Station.objects.restrict(users["station"]).get()
    assert station.district == tianhe
    assert list(Station.objects.restrict(users["street"])) == [station]
    inst_view = set(Station.objects.restrict(users["institution"]).values_list("pk", flat=True))
    assert station.pk in inst_view
    assert inst_view == set(
        Contract.objects.in_force(today)
        .filter(institution__in=users["institution"].role_assignments.values("institution"))
        .values_list("station_id", flat=True)
    )


def test_the_command_loads_everything_once_anchored_to_today_and_if_empty_then_does_nothing(
    db, capsys, today, login
):
    call_command("demo", scale="city", seed=SEED)
    assert "社工站201个" in capsys.readouterr().out
    assert AuditEvent.objects.filter(action="import").count() == 1
    assert_the_demo_is_anchored_to(today, login)
    call_command("demo", scale="city", if_empty=True)
    assert "跳过" in capsys.readouterr().out
    assert Station.objects.count() == 201
    with pytest.raises(CommandError):
        call_command("demo", scale="city")


def assert_the_demo_is_anchored_to(today, login):
    """Loaded on any day (``make test-dates`` replays it on 1 January, 29 February, 30 June
    and 31 December), the demo's current service year is that day's year on every board, and
    nothing waiting for someone is dated before last year."""
    year = today.year
    last_year_began = date(year - 1, 1, 1)
    stations = Station.objects.count()
    city = User.objects.get(username="city")

    # Contracts: nine service years up to this one; every station runs under this year's.
    years = set(Contract.objects.values_list("service_year", flat=True))
    assert years == set(range(year - 8, year + 1))
    in_force = Contract.objects.in_force(today).filter(is_comprehensive=True)
    assert in_force.count() == stations
    assert set(in_force.values_list("service_year", flat=True)) == {year}

    # Evaluations: the cycle in progress is this year's, opened this year, of this year's
    # operators; the only evaluations still under way are its own.
    cycle = current_cycle(city, today)
    assert (cycle.service_year, cycle.status) == (year, CycleStatus.OPEN)
    assert cycle.opens_on.year == year and cycle.opens_on <= today
    assert max(Cycle.objects.values_list("service_year", flat=True)) == year
    assert Evaluation.objects.filter(cycle=cycle).count() == stations
    under_way = Evaluation.objects.exclude(status=EvaluationStatus.PUBLISHED)
    assert set(under_way.values_list("cycle", flat=True)) == {cycle.pk}

    # Funding: this year's approved budget and board row for every station; reports up to the
    # month that has just ended, and only that month's wait for the district.
    comprehensive = {"contract__is_comprehensive": True, "service_year": year}
    budgets = Budget.objects.filter(status=BudgetStatus.APPROVED, **comprehensive)
    assert budgets.count() == stations
    board = FundingYear.objects.filter(is_comprehensive=True, service_year=year)
    assert board.count() == stations
    assert max(FundingYear.objects.values_list("service_year", flat=True)) == year
    waiting = SpendingReport.objects.filter(status=ReportStatus.SUBMITTED)
    assert set(waiting.values_list("service_year", "period")) == {latest_ended_month(today)}
    assert not SpendingReport.objects.filter(period_end__gte=today).exists()

    # Inspections: this quarter's confirmed plan is the latest; a campaign is under way.
    this_quarter = inspection_rules.quarter_of(today)
    plan = QuarterPlan.objects.get(year=this_quarter[0], quarter=this_quarter[1])
    assert plan.status == PlanStatus.CONFIRMED
    assert max(QuarterPlan.objects.values_list("year", "quarter")) == this_quarter
    totals = quarter_board(city, year=this_quarter[0], quarter=this_quarter[1])["totals"]
    assert totals["planned"] == plan.inspections.count() > 0
    assert Campaign.objects.filter(starts_on__lte=today, ends_on__gte=today).exists()

    # Nothing waiting is dated before last year: rectification orders, planned visits.
    open_orders = RectificationOrder.objects.filter(status__in=OPEN_ORDER_STATUSES)
    assert open_orders.exists()
    assert not open_orders.filter(opened_on__lt=last_year_began).exists()
    planned = Inspection.objects.filter(status=VisitStatus.PLANNED)
    assert not planned.filter(scheduled_on__lt=last_year_began).exists()

    # Talent: this year's training programmes; staffing figures computed today.
    assert max(TrainingProgramme.objects.values_list("year", flat=True)) == year
    assert set(StaffingSummary.objects.values_list("computed_on", flat=True)) == {today}

    # Something waits on every desk, dated around today (issue 13): the demo station's
    # self-assessment under way in the open cycle, the inspector's visit within the coming
    # week, orders due soon and overdue, a budget and reports awaiting the district, and a
    # training programme still to start with places left.
    demo_station = Station.objects.restrict(User.objects.get(username="station")).get()
    assert Evaluation.objects.filter(
        cycle=cycle, station=demo_station, status=EvaluationStatus.NOT_STARTED
    ).exists()
    inspector = User.objects.get(username="inspector")
    assert Inspection.objects.filter(
        team__user=inspector,
        status=VisitStatus.PLANNED,
        scheduled_on__gt=today,
        scheduled_on__lte=today + timedelta(days=7),
    ).exists()
    owed = RectificationOrder.objects.filter(status__in=AWAITING_STATION)
    assert owed.filter(due_on__lt=today).exists()
    assert owed.filter(due_on__gte=today, due_on__lte=today + timedelta(days=14)).exists()
    district = User.objects.get(username="district")
    assert Budget.objects.restrict(district).filter(status=BudgetStatus.SUBMITTED).exists()
    assert SpendingReport.objects.restrict(district).filter(status=ReportStatus.SUBMITTED).exists()
    open_programmes = TrainingProgramme.objects.filter(starts_on__gt=today).annotate(
        taken=Count("enrolments", filter=~Q(enrolments__status=EnrolmentStatus.WITHDRAWN))
    )
    assert open_programmes.filter(places__gt=F("taken")).exists()

    # Every demo account: to-dos dated this year or last, and the home page opens.
    for user in User.objects.filter(email__endswith="@demo.invalid"):
        for item in todos_for(user):
            assert item.due_on is None or item.due_on >= last_year_began, (user, item)
        assert login(user).get(reverse("portal:home")).status_code == 200
