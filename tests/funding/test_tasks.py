"""Periodic tasks: projection warnings and late-report reminders, idempotent on rerun."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from funding import services, tasks
from funding.models import FundingYear
from portal.choices import DeadlineKind, Role
from portal.models import DeadlineLadder, Notification
from tests.factories import assign, user_with_role
from tests.funding.conftest import report

pytestmark = pytest.mark.django_db


def test_a_station_projected_under_the_floor_warns_station_institution_and_district(world):
    report(world, 1, "80000.00")
    result = tasks.project_year_end()
    assert result["refreshed"] >= 1
    recipients = set(
        Notification.objects.filter(kind="funding_projection").values_list(
            "recipient__username", flat=True
        )
    )
    assert recipients == {"station_a1", "institution_a", "district_a"}
    body = Notification.objects.filter(kind="funding_projection").first().body
    assert "40.00%" in body and "65.00%" in body and "按已报告 1 个月" in body
    # A rerun the same month posts nothing more.
    tasks.project_year_end()
    assert Notification.objects.filter(kind="funding_projection").count() == 3


def test_a_station_on_track_is_not_warned(world):
    report(world, 1, "140000.00")
    tasks.project_year_end()
    assert not Notification.objects.filter(kind="funding_projection").exists()


def test_late_reports_are_reminded_then_escalated_once(world, today):
    report(world, 1, "140000.00")
    on = date(today.year, 3, 20)  # February due 03-15: 5 days late
    services.late_report_reminders_send(today=on)
    late = Notification.objects.filter(kind="funding_late_report", title__contains="五山街")
    assert set(
        late.filter(recipient__username__in=["station_a1", "institution_a"]).values_list(
            "recipient__username", flat=True
        )
    ) == {"station_a1", "institution_a"}
    assert not late.filter(recipient__username="district_a").exists()
    # Station A2 sent nothing since January (34 days late): already escalated to the district.
    assert Notification.objects.filter(
        recipient__username="district_a", title__contains="员村街"
    ).exists()
    services.late_report_reminders_send(today=on)
    assert late.filter(recipient__username="station_a1").count() == 1
    services.late_report_reminders_send(today=date(today.year, 4, 5))  # 21 days late: escalate
    assert late.filter(recipient__username="district_a", title__contains="升级").exists()


def test_past_years_are_finalised_with_the_policy_that_judged_them(world, today):
    from tests.factories import ContractFactory

    # Two years back: past the grace the policy gives before a year is final, on any day.
    old = ContractFactory(
        station=world.station_b1, institution=world.institution_b, service_year=today.year - 2
    )
    for month in range(1, 13):
        report(world, month, "120000.00", contract=old, status="approved")
    assert tasks.finalise_years() == 1
    fy = FundingYear.objects.get(contract=old)
    # 12 x 120,000 = 1,440,000 = 60.00% of 2,400,000: under the 65% of the 2018 version.
    assert fy.final and fy.final_passed is False and str(fy.final_share) == "60.00"
    assert fy.policy_version.effective_from.year == 2018
    assert tasks.finalise_years() == 0


def _policy_2018(**values):
    from portal.models import PolicyVersion

    PolicyVersion.objects.filter(effective_from=date(2018, 1, 1)).update(**values)


def test_the_report_deadline_and_the_escalation_come_from_the_policy(world, today):
    report(world, 1, "140000.00")
    _policy_2018(spending_report_due_days=30)
    DeadlineLadder.objects.filter(
        policy__effective_from=date(2018, 1, 1), kind=DeadlineKind.FUNDING_REPORT
    ).update(district_after_days=6)
    late = Notification.objects.filter(kind="funding_late_report", title__contains="五山街")
    # February is due 03-30 under this policy: on 03-20 nothing is late yet.
    services.late_report_reminders_send(today=date(today.year, 3, 20))
    assert not late.exists()
    # On 04-06 it is 7 days late: reminded, and past the 6th day the ladder gives, escalated.
    services.late_report_reminders_send(today=date(today.year, 4, 6))
    assert late.filter(recipient__username="station_a1").exists()
    assert late.filter(recipient__username="district_a", title__contains="升级").exists()


def test_the_grace_before_a_year_is_final_comes_from_the_policy(world, today):
    from tests.factories import ContractFactory

    last_year = today.year - 1
    old = ContractFactory(
        station=world.station_b1, institution=world.institution_b, service_year=last_year
    )
    report(world, 1, "150000.00", contract=old, status="approved")
    services.funding_years_refresh(service_year=last_year)
    _policy_2018(funding_finalise_grace_days=120)
    # 15 April is 104 or 105 days after the year: within a 120-day grace, not yet final.
    assert services.funding_years_finalise_due(today=date(today.year, 4, 15)) == 0
    assert services.funding_years_finalise_due(today=date(today.year, 5, 1)) == 1
    assert FundingYear.objects.get(contract=old).final


def test_projection_warnings_reach_current_managers_only(world, today):
    former = user_with_role(
        "former_a1",
        Role.STATION_MANAGER,
        station=world.station_a1,
        ends_on=today - timedelta(days=30),
    )
    assign(former, Role.STATION_MANAGER, station=world.station_b1)
    inactive = user_with_role("inactive_a1", Role.STATION_MANAGER, station=world.station_a1)
    inactive.is_active = False
    inactive.save()
    report(world, 1, "80000.00")
    tasks.project_year_end()
    warned = Notification.objects.filter(kind="funding_projection")
    assert warned.filter(recipient=world.station_a1_manager).exists()
    assert not warned.filter(recipient__in=[former, inactive]).exists()
