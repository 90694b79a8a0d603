"""Periodic warnings: expiring registrations, CE shortfalls and understaffed districts,
each posted once however often the task runs."""

import datetime as dt

import pytest

from portal.choices import Role
from portal.models import Notification
from portal.scoping import SYSTEM
from talent import services, tasks, warnings
from talent.choices import CertificateLevel
from tests.factories import assign, user_with_role

pytestmark = pytest.mark.django_db


@pytest.fixture
def expiring(people, world, today):
    cert = services.certificate_add(
        actor=SYSTEM,
        person=people.ana,
        level=CertificateLevel.ASSISTANT,
        number="T-1",
        year_passed=2020,
    )
    services.registration_add(
        actor=SYSTEM, certificate=cert, starts_on=today - dt.timedelta(days=3 * 365 - 25)
    )
    return people.ana


def test_expiring_registrations_warn_the_institution_and_station_once(expiring, world):
    sent = tasks.warn_expiring_registrations()
    assert sent == 2
    recipients = set(Notification.objects.values_list("recipient__username", flat=True))
    assert recipients == {"institution_a", "station_a1"}
    note = Notification.objects.first()
    assert expiring.name in note.title
    assert tasks.warn_expiring_registrations() == 0


def test_the_warning_horizons_are_the_renewal_ladder_in_force(expiring, world, today):
    from portal.choices import DeadlineKind
    from portal.selectors import ladder_in_force

    ladder = ladder_in_force(DeadlineKind.TALENT_RENEWAL, today)
    expiring.refresh_from_db()
    days_left = (expiring.registration_expires_on - today).days
    ladder.remind_before_days = [days_left - 1]
    ladder.save()
    assert tasks.warn_expiring_registrations() == 0
    ladder.remind_before_days = [days_left + 40, days_left]
    ladder.save()
    assert tasks.warn_expiring_registrations() == 2
    assert f"（{days_left}天内）" in Notification.objects.first().title


def test_ce_shortfalls_warn_before_renewal(expiring, world):
    assert tasks.warn_ce_shortfalls() == 2
    assert tasks.warn_ce_shortfalls() == 0
    assert "学时不足" in Notification.objects.first().title


def test_districts_hear_once_a_month_of_stations_below_standard(people, world):
    assert warnings.understaffed_warnings_send() == 2  # district A and district B officers
    assert warnings.understaffed_warnings_send() == 0
    note = Notification.objects.get(recipient=world.district_a_officer)
    assert world.station_a1.name in note.body


def test_the_nightly_refresh_is_idempotent(people, world):
    tasks.refresh_person_summaries()
    assert tasks.refresh_person_summaries() == 0


def test_an_unrelated_user_gets_nothing(expiring, world):
    other = user_with_role("inst_c", Role.CITY_OFFICER)
    assign(other, Role.CITY_OFFICER)
    tasks.warn_expiring_registrations()
    assert not Notification.objects.filter(recipient=other).exists()


def test_warnings_reach_current_managers_only(expiring, world, today):
    former = user_with_role(
        "former_a1",
        Role.STATION_MANAGER,
        station=world.station_a1,
        ends_on=today - dt.timedelta(days=30),
    )
    assign(former, Role.STATION_MANAGER, station=world.station_b1)
    inactive = user_with_role("inactive_a1", Role.STATION_MANAGER, station=world.station_a1)
    inactive.is_active = False
    inactive.save()
    tasks.warn_expiring_registrations()
    tasks.warn_ce_shortfalls()
    assert Notification.objects.filter(recipient=world.station_a1_manager).count() == 2
    assert not Notification.objects.filter(recipient__in=[former, inactive]).exists()
