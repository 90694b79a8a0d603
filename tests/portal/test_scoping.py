"""restrict(user, action) over the stations spine, persona by persona."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from portal.choices import Role
from portal.models import AuditEvent, Notification, RoleAssignment
from portal.scoping import (
    SYSTEM,
    ensure_may,
    ensure_may_add,
    register_assignment_stations,
    stations_for,
)
from stations.models import Contract, District, Station
from tests.factories import UserFactory, assign

pytestmark = pytest.mark.django_db


def names(qs):
    return {o.name for o in qs}


def test_city_roles_see_every_station(world):
    for user in (world.city_admin, world.city_officer):
        assert set(Station.objects.restrict(user, "view")) == {
            world.station_a1,
            world.station_a2,
            world.station_b1,
        }


def test_a_district_officer_sees_the_stations_of_their_district_only(world):
    assert set(Station.objects.restrict(world.district_a_officer)) == {
        world.station_a1,
        world.station_a2,
    }
    assert set(Station.objects.restrict(world.district_b_officer)) == {world.station_b1}


def test_a_street_officer_sees_the_stations_of_their_street_only(world):
    assert set(Station.objects.restrict(world.subdistrict_a1_officer)) == {world.station_a1}


def test_a_station_manager_sees_their_own_station_only(world):
    assert set(Station.objects.restrict(world.station_a1_manager)) == {world.station_a1}
    assert set(Station.objects.restrict(world.station_b1_manager)) == {world.station_b1}


def test_an_institution_admin_sees_the_stations_it_runs_under_a_contract_in_force(world):
    assert set(Station.objects.restrict(world.institution_a_admin)) == {world.station_a1}


def test_an_institution_admin_loses_a_station_when_its_contract_ends(world, today):
    world.contract_a1.ends_on = today - dt.timedelta(days=1)
    world.contract_a1.starts_on = world.contract_a1.ends_on - dt.timedelta(days=300)
    world.contract_a1.save()
    assert not Station.objects.restrict(world.institution_a_admin).exists()
    # Its own contract stays visible through the institution path (history of its operations).
    assert set(Contract.objects.restrict(world.institution_a_admin)) == {world.contract_a1}


def test_evaluators_and_inspectors_see_no_station_without_an_assignment(world):
    assert not Station.objects.restrict(world.evaluator).exists()
    assert not Station.objects.restrict(world.inspector).exists()


def test_an_assignment_source_opens_its_stations_to_that_role_only(world, monkeypatch):
    from portal import scoping

    monkeypatch.setattr(scoping, "_assignment_station_sources", {})

    def assigned(user, on):
        return Station.objects.filter(code="TH-001").values("pk")

    register_assignment_stations(Role.EVALUATOR, assigned)
    assert set(Station.objects.restrict(world.evaluator)) == {world.station_a1}
    assert set(Contract.objects.restrict(world.evaluator)) == {world.contract_a1}
    assert not Station.objects.restrict(world.inspector).exists()
    assert not Station.objects.restrict(world.evaluator, "change").exists()


def test_anonymous_and_inactive_users_see_nothing(world):
    from django.contrib.auth.models import AnonymousUser

    assert not Station.objects.restrict(AnonymousUser()).exists()
    assert not Station.objects.restrict(None).exists()
    world.district_a_officer.is_active = False
    assert not Station.objects.restrict(world.district_a_officer).exists()


def test_an_assignment_outside_its_dates_grants_nothing(world):
    user = UserFactory(username="former_officer")
    RoleAssignment.objects.create(
        user=user,
        role=Role.DISTRICT_OFFICER,
        district=world.district_a,
        starts_on=dt.date(2020, 1, 1),
        ends_on=dt.date(2020, 12, 31),
    )
    assert not Station.objects.restrict(user).exists()


def test_actions_are_limited_by_role(world):
    assert set(Station.objects.restrict(world.district_a_officer, "change")) == {
        world.station_a1,
        world.station_a2,
    }
    assert not Station.objects.restrict(world.station_a1_manager, "change").exists()
    assert not Station.objects.restrict(world.district_a_officer, "delete").exists()
    assert Station.objects.restrict(world.city_admin, "delete").count() == 3


def test_ensure_may_answers_404_out_of_scope_and_403_in_scope_but_not_allowed(world):
    with pytest.raises(Http404):
        ensure_may(world.district_b_officer, "change", world.station_a1)
    with pytest.raises(PermissionDenied):
        ensure_may(world.station_a1_manager, "change", world.station_a1)
    ensure_may(world.district_a_officer, "change", world.station_a1)
    ensure_may(SYSTEM, "delete", world.station_a1)  # the system may do anything


def test_ensure_may_add_checks_the_station_reach_of_the_adding_role(world):
    ensure_may_add(world.district_a_officer, Contract, station=world.station_a1)
    with pytest.raises(Http404):
        ensure_may_add(world.district_a_officer, Contract, station=world.station_b1)
    with pytest.raises(PermissionDenied):
        ensure_may_add(world.station_a1_manager, Contract, station=world.station_a1)


def test_stations_for_gives_form_choices_for_a_model_and_action(world):
    assert set(stations_for(world.district_a_officer, Contract, "add")) == {
        world.station_a1,
        world.station_a2,
    }
    assert not stations_for(world.station_a1_manager, Contract, "add").exists()


def test_public_reference_data_is_visible_to_every_role_but_editable_by_the_city_admin(world):
    for user in (world.station_b1_manager, world.evaluator, world.district_a_officer):
        assert District.objects.restrict(user).count() == 2
        assert not District.objects.restrict(user, "change").exists()
    assert District.objects.restrict(world.city_admin, "change").count() == 2


def test_a_user_with_two_roles_sees_the_union(world):
    assign(world.station_b1_manager, Role.SUBDISTRICT_OFFICER, subdistrict=world.subdistrict_a1)
    assert set(Station.objects.restrict(world.station_b1_manager)) == {
        world.station_b1,
        world.station_a1,
    }


def test_a_superuser_without_assignments_acts_as_city_admin(world):
    root = UserFactory(username="root", is_superuser=True)
    assert Station.objects.restrict(root, "change").count() == 3


def test_an_inbox_is_private_even_to_the_city_admin(world):
    Notification.objects.create(recipient=world.station_a1_manager, title="提醒")
    assert Notification.objects.restrict(world.station_a1_manager).count() == 1
    assert not Notification.objects.restrict(world.city_admin).exists()


def test_audit_rows_are_scoped_like_the_objects_they_record(world):
    world.station_a1.phone = "020-12345678"
    world.station_a1.save()
    event = AuditEvent.objects.filter(
        object_type="stations.station", object_id=str(world.station_a1.pk), action="update"
    ).get()
    assert event.district_id == world.district_a.pk
    assert AuditEvent.objects.restrict(world.district_a_officer).filter(pk=event.pk).exists()
    assert not AuditEvent.objects.restrict(world.district_b_officer).filter(pk=event.pk).exists()
    assert not AuditEvent.objects.restrict(world.evaluator).exists()


def test_restrict_keeps_the_queryset_it_is_called_on(world):
    qs = Station.objects.select_related("district").filter(code__startswith="TH")
    assert names(qs.restrict(world.city_officer)) == {"五山街社工服务站", "员村街社工服务站"}


# --- the system actor and nobody -------------------------------------------------------------


def test_none_is_nobody_in_every_helper(world):
    from portal.scoping import ADD, CHANGE, VIEW, roles_allowed, user_may

    station = world.station_a1
    assert not Station.objects.restrict(None, VIEW).exists()
    assert not user_may(None, VIEW, station)
    assert not user_may(None, CHANGE, station)
    with pytest.raises(Http404):
        ensure_may(None, VIEW, station)
    with pytest.raises(Http404):
        ensure_may(None, CHANGE, station)
    with pytest.raises(PermissionDenied):
        ensure_may_add(None, Contract, station=station)
    assert not stations_for(None, Contract, ADD).exists()
    assert roles_allowed(None, Contract, ADD) == set()


def test_the_system_actor_sees_and_may_do_all(world):
    from portal.scoping import ADD, CHANGE, SYSTEM, VIEW, roles_allowed, user_may

    station = world.station_b1
    assert Station.objects.restrict(SYSTEM, VIEW).count() == Station.objects.count() > 1
    assert user_may(SYSTEM, CHANGE, station)
    ensure_may(SYSTEM, CHANGE, station)
    ensure_may_add(SYSTEM, Contract, station=station)
    assert stations_for(SYSTEM, Contract, ADD).count() == Station.objects.count()
    assert roles_allowed(SYSTEM, Contract, ADD) == set(Contract.scope_actions[ADD])


def test_the_system_is_recorded_as_nobody_in_particular():
    from portal.scoping import SYSTEM, as_user, is_system

    assert as_user(SYSTEM) is None and is_system(SYSTEM) and not is_system(None)
    assert as_user("someone") == "someone"


def _scoped_forms():
    from evaluations.forms import AssignForm, CycleForm
    from funding.forms import BudgetForm, ImportForm, ReportForm, SocialResourceForm
    from inspections.forms import AddStationForm, CampaignForm, PlanDrawForm, SettingsForm, TeamForm
    from stations.forms import (
        ContractForm,
        CreditRecordForm,
        InstitutionForm,
        OutpostForm,
        StationForm,
    )
    from talent.forms import UserForm, WorkerUpdateForm

    return [
        StationForm,
        InstitutionForm,
        ContractForm,
        OutpostForm,
        CreditRecordForm,
        UserForm,
        WorkerUpdateForm,
        PlanDrawForm,
        AddStationForm,
        TeamForm,
        CampaignForm,
        SettingsForm,
        BudgetForm,
        ReportForm,
        ImportForm,
        SocialResourceForm,
        CycleForm,
        AssignForm,
    ]


def test_a_scoped_form_without_its_user_refuses_to_be_built(world):
    for form_class in _scoped_forms():
        with pytest.raises(TypeError, match="user"):
            form_class()
