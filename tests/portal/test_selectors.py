"""``users_responsible_for``: who answers for a station on a day, the one selector every app
asks before it tells a station's people something."""

import datetime as dt

import pytest

from portal.choices import Role
from portal.models import RoleAssignment
from portal.selectors import users_in_role, users_responsible_for
from stations.choices import ContractStatus
from tests.factories import ContractFactory, InstitutionFactory, assign, user_with_role

pytestmark = pytest.mark.django_db

STATION_SIDE = [Role.STATION_MANAGER, Role.INSTITUTION_ADMIN]
EVERY_STATION_ROLE = [
    Role.STATION_MANAGER,
    Role.INSTITUTION_ADMIN,
    Role.SUBDISTRICT_OFFICER,
    Role.DISTRICT_OFFICER,
    Role.CITY_OFFICER,
]


def names(users) -> set[str]:
    return {u.username for u in users}


def test_each_role_reaches_the_stations_it_answers_for(world, today):
    found = users_responsible_for(
        [world.station_a1.pk, world.station_a2.pk, world.station_b1.pk], EVERY_STATION_ROLE, today
    )
    assert names(found[world.station_a1.pk]) == {
        "station_a1",
        "institution_a",
        "subdistrict_a1",
        "district_a",
        "city_officer",
    }
    # A2 lies in another street/town of district A and is run by institution B.
    assert names(found[world.station_a2.pk]) == {"district_a", "institution_b", "city_officer"}
    assert names(found[world.station_b1.pk]) == {
        "station_b1",
        "institution_b",
        "district_b",
        "city_officer",
    }


def test_only_the_roles_asked_for_count(world, today):
    found = users_responsible_for([world.station_a1.pk], [Role.DISTRICT_OFFICER], today)
    assert names(found[world.station_a1.pk]) == {"district_a"}


def test_a_role_that_ended_no_longer_answers_and_one_ending_today_still_does(world, today):
    RoleAssignment.objects.filter(user=world.station_a1_manager).update(
        ends_on=today - dt.timedelta(days=30)
    )
    last_day = user_with_role(
        "last_day", Role.STATION_MANAGER, station=world.station_a1, ends_on=today
    )
    not_yet = user_with_role(
        "not_yet",
        Role.STATION_MANAGER,
        station=world.station_a1,
        starts_on=today + dt.timedelta(days=1),
    )
    found = users_responsible_for([world.station_a1.pk], [Role.STATION_MANAGER], today)
    assert names(found[world.station_a1.pk]) == {last_day.username}
    tomorrow = users_responsible_for(
        [world.station_a1.pk], [Role.STATION_MANAGER], today + dt.timedelta(days=1)
    )
    assert names(tomorrow[world.station_a1.pk]) == {not_yet.username}


def test_an_inactive_user_answers_for_nothing(world, today):
    world.district_a_officer.is_active = False
    world.district_a_officer.save()
    found = users_responsible_for([world.station_a1.pk], EVERY_STATION_ROLE, today)
    assert "district_a" not in names(found[world.station_a1.pk])


def test_an_ended_role_here_and_an_active_role_elsewhere_do_not_combine(world, today):
    # The issue 18 case: the ended row names station A1, the active row another station. The
    # role, anchor and dates must hold on one row, not on two rows of the same user.
    moved = user_with_role(
        "moved",
        Role.STATION_MANAGER,
        station=world.station_a1,
        ends_on=today - dt.timedelta(days=1),
    )
    assign(moved, Role.STATION_MANAGER, station=world.station_a2)
    found = users_responsible_for(
        [world.station_a1.pk, world.station_a2.pk], [Role.STATION_MANAGER], today
    )
    assert "moved" not in names(found[world.station_a1.pk])
    assert "moved" in names(found[world.station_a2.pk])
    # Nor does an active role of another kind stand in for the ended one.
    also_district = user_with_role(
        "also_district",
        Role.STATION_MANAGER,
        station=world.station_a1,
        ends_on=today - dt.timedelta(days=1),
    )
    assign(also_district, Role.DISTRICT_OFFICER, district=world.district_b)
    found = users_responsible_for([world.station_a1.pk], STATION_SIDE, today)
    assert "also_district" not in names(found[world.station_a1.pk])


def test_an_institution_answers_for_the_stations_it_runs_under_a_contract_in_force(world, today):
    newcomer = InstitutionFactory(name="广州市丙社会工作服务中心")
    admin = user_with_role("institution_c", Role.INSTITUTION_ADMIN, institution=newcomer)
    # Next year's contract is signed but not yet in force; last year's is over.
    ContractFactory(
        station=world.station_a1,
        institution=newcomer,
        service_year=today.year + 1,
        status=ContractStatus.SIGNED,
    )
    found = users_responsible_for([world.station_a1.pk], [Role.INSTITUTION_ADMIN], today)
    assert names(found[world.station_a1.pk]) == {"institution_a"}
    next_year = users_responsible_for(
        [world.station_a1.pk], [Role.INSTITUTION_ADMIN], dt.date(today.year + 1, 3, 1)
    )
    assert names(next_year[world.station_a1.pk]) == {admin.username}


def test_the_institution_a_matter_names_answers_for_it_after_its_contract_ends(world, today):
    # An evaluation or an order names the institution it was issued to: that institution's
    # admins hear of it in the next year too, when another institution runs the station.
    newcomer = InstitutionFactory(name="广州市丙社会工作服务中心")
    user_with_role("institution_c", Role.INSTITUTION_ADMIN, institution=newcomer)
    ContractFactory(station=world.station_a1, institution=newcomer, service_year=today.year + 1)
    later = dt.date(today.year + 1, 3, 1)
    station = world.station_a1.pk
    assert names(users_responsible_for([station], [Role.INSTITUTION_ADMIN], later)[station]) == {
        "institution_c"
    }
    named = users_responsible_for(
        [station],
        [Role.INSTITUTION_ADMIN],
        later,
        institutions={station: {world.institution_a.pk}},
    )
    assert names(named[station]) == {"institution_a"}


def test_every_station_asked_for_is_a_key_and_repeats_are_dropped(world, today):
    assign(world.station_a1_manager, Role.STATION_MANAGER, station=world.station_a1)
    found = users_responsible_for(
        [world.station_a1.pk, world.station_a1.pk, 2147483000], [Role.STATION_MANAGER], today
    )
    assert set(found) == {world.station_a1.pk, 2147483000}
    assert [u.username for u in found[world.station_a1.pk]] == ["station_a1"]
    assert found[2147483000] == []
    assert users_responsible_for([], STATION_SIDE, today) == {}


def test_evaluators_and_inspectors_answer_for_their_assignments_not_for_stations(world, today):
    with pytest.raises(ValueError, match="evaluator"):
        users_responsible_for([world.station_a1.pk], [Role.EVALUATOR], today)


def test_it_runs_three_queries_for_any_number_of_stations(
    world, today, django_assert_max_num_queries
):
    ids = [world.station_a1.pk, world.station_a2.pk, world.station_b1.pk]
    with django_assert_max_num_queries(3):
        users_responsible_for(ids, EVERY_STATION_ROLE, today)


def test_users_in_role_honours_dates_and_inactive_accounts(world, today):
    RoleAssignment.objects.filter(user=world.inspector).update(ends_on=today - dt.timedelta(days=1))
    current = user_with_role("inspector2", Role.INSPECTOR)
    gone = user_with_role("inspector3", Role.INSPECTOR)
    gone.is_active = False
    gone.save()
    assert names(users_in_role(Role.INSPECTOR, today)) == {current.username}
