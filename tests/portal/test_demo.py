"""The portal's demo step (every demo account starts with one unread message in its inbox), and
the whole demo anchored to the day it is loaded."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from portal.demo import WELCOME_TITLE, welcome_notifications
from portal.models import Notification
from stations.demo import DemoContext, demo_steps

pytestmark = pytest.mark.django_db


def demo_context(world, today) -> DemoContext:
    accounts = {u.username: u for u in (world.city_admin, world.district_a_officer)}
    return DemoContext(scale="city", seed=1, today=today, data={"accounts": accounts})


def test_the_demo_runs_the_welcome_step_after_the_accounts_exist():
    order = {step.name: step.order for step in demo_steps()}
    assert order["welcome_notifications"] > order["accounts"]


def test_each_demo_account_gets_one_welcome_message_and_the_header_counts_it(world, login, today):
    welcome_notifications(demo_context(world, today))
    welcome_notifications(demo_context(world, today))  # a rerun posts nothing twice
    assert Notification.objects.filter(title=WELCOME_TITLE).count() == 2
    assert not Notification.objects.filter(recipient=world.station_a1_manager).exists()

    page = login(world.district_a_officer).get("/").content.decode()
    assert 'data-unread="1"' in page
    inbox = login(world.district_a_officer).get(reverse("notifications:list")).content.decode()
    assert WELCOME_TITLE in inbox


def test_the_demo_is_anchored_to_the_day_it_is_loaded(db, today, login):
    """Loaded on any day (.ci/run replays it on 1 January, 29 February, 30 June and 31
    December), the demo's current service year is that day's year on every board, and
    nothing waiting for someone is dated before last year."""
    from django.core.management import call_command

    from evaluations.choices import CycleStatus, EvaluationStatus
    from evaluations.models import Cycle, Evaluation
    from evaluations.selectors import current_cycle
    from funding.choices import BudgetStatus, ReportStatus
    from funding.demo import latest_ended_month
    from funding.models import Budget, FundingYear, SpendingReport
    from inspections import rules as inspection_rules
    from inspections.choices import OPEN_ORDER_STATUSES, PlanStatus, VisitStatus
    from inspections.models import Campaign, Inspection, QuarterPlan, RectificationOrder
    from inspections.selectors import quarter_board
    from portal.dashboards.todo import todos_for
    from portal.models import User
    from stations.models import Contract, Station
    from talent.models import StaffingSummary, TrainingProgramme

    call_command("demo", scale="city")
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

    # Every demo account: to-dos dated this year or last, and the home page opens.
    for user in User.objects.filter(email__endswith="@demo.invalid"):
        for item in todos_for(user):
            assert item.due_on is None or item.due_on >= last_year_began, (user, item)
        assert login(user).get(reverse("portal:home")).status_code == 200
