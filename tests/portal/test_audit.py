"""The audit trail: what is written, and that nobody can change it."""

import datetime as dt

import pytest
from django.db import DatabaseError, connection, transaction
from rest_framework.authtoken.models import Token

from portal import audit, clock
from portal.choices import AuditAction
from portal.models import AuditEvent
from portal.services.audit import audit_events_prune
from stations.models import Station
from tests.factories import StationFactory

pytestmark = pytest.mark.django_db


def events_for(obj, action):
    return AuditEvent.objects.filter(
        object_type=obj._meta.label_lower, object_id=str(obj.pk), action=action
    )


def test_creating_changing_and_deleting_a_row_writes_one_event_each(world):
    station = StationFactory(subdistrict=world.subdistrict_a1, code="TH-099", name="测试站")
    created = events_for(station, AuditAction.CREATE).get()
    assert created.changes["name"] == "测试站"
    assert created.district_id == world.district_a.pk

    station.name = "改名后的站"
    station.save()
    updated = events_for(station, AuditAction.UPDATE).get()
    assert updated.changes == {"name": ["测试站", "改名后的站"]}

    pk = station.pk
    station.delete()
    deleted = AuditEvent.objects.get(
        object_type="stations.station", object_id=str(pk), action=AuditAction.DELETE
    )
    assert deleted.object_repr == "改名后的站"


def test_saving_without_a_change_writes_nothing(world):
    before = AuditEvent.objects.count()
    world.station_a1.save()
    assert AuditEvent.objects.count() == before


def test_the_request_gives_the_actor_and_source_address(world, login):
    client = login(world.city_admin)
    # Any write made during a request is attributed; the logout below is one such event.
    client.post("/accounts/logout/", REMOTE_ADDR="10.1.2.3")
    event = AuditEvent.objects.filter(action=AuditAction.LOGOUT).latest("at")
    assert event.actor_id == world.city_admin.pk
    assert event.actor_name == "city_admin"
    assert event.ip_address == "10.1.2.3"


def test_an_api_write_with_a_token_names_its_actor(world, client):
    token = Token.objects.create(user=world.city_admin)
    response = client.patch(
        f"/api/v1/stations/{world.station_a1.pk}/",
        {"address": "天河区五山路1号"},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Token {token.key}",
        REMOTE_ADDR="10.9.8.7",
    )
    assert response.status_code == 200, response.content
    event = events_for(world.station_a1, AuditAction.UPDATE).latest("at")
    assert (event.actor_id, event.actor_name) == (world.city_admin.pk, "city_admin")
    assert event.ip_address == "10.9.8.7"


def test_a_token_names_its_own_user_even_beside_another_session(world, login):
    client = login(world.city_officer)
    token = Token.objects.create(user=world.city_admin)
    response = client.patch(
        f"/api/v1/stations/{world.station_a1.pk}/",
        {"address": "天河区五山路2号"},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Token {token.key}",
    )
    assert response.status_code == 200, response.content
    event = events_for(world.station_a1, AuditAction.UPDATE).latest("at")
    assert event.actor_id == world.city_admin.pk


def test_passwords_never_reach_the_trail(world):
    world.station_a1_manager.set_password("Another-Pass-2026")
    world.station_a1_manager.save()
    for event in AuditEvent.objects.filter(object_type="portal.user"):
        assert "pbkdf2" not in str(event.changes) and "md5$" not in str(event.changes)


def test_many_to_many_changes_are_recorded(world):
    from tests.factories import CommunityFactory

    community = CommunityFactory(subdistrict=world.subdistrict_a1)
    world.station_a1.communities.add(community)
    event = events_for(world.station_a1, AuditAction.UPDATE).latest("at")
    assert event.changes == {"communities": {"added": [community.pk]}}


def test_the_model_refuses_to_change_or_delete_an_event(world):
    event = audit.record(AuditAction.ACTION, object_type="x", message="m")
    event.message = "forged"
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()


@pytest.mark.postgres
def test_postgresql_refuses_updates_and_deletes_of_recent_events(world, database_clock):
    event = audit.record(AuditAction.ACTION, object_type="x", message="original")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(message="forged")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).delete()
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE portal_auditevent SET actor_name = 'x' WHERE id = %s", [event.pk])
    assert AuditEvent.objects.get(pk=event.pk).message == "original"


def test_pruning_removes_only_events_older_than_the_retention_period(world, database_clock):
    now = clock.now()
    old = AuditEvent.objects.create(action=AuditAction.ACTION, at=now - dt.timedelta(days=187))
    kept = AuditEvent.objects.create(action=AuditAction.ACTION, at=now - dt.timedelta(days=185))
    removed = audit_events_prune()
    assert removed >= 1
    assert not AuditEvent.objects.filter(pk=old.pk).exists()
    assert AuditEvent.objects.filter(pk=kept.pk).exists()


@pytest.mark.postgres
def test_postgresql_refuses_to_prune_young_events_even_when_asked(world, settings, database_clock):
    young = AuditEvent.objects.create(
        action=AuditAction.ACTION, at=clock.now() - dt.timedelta(days=100)
    )
    settings.AUDIT_RETENTION_DAYS = 30  # a misconfiguration the settings module also refuses
    with pytest.raises(DatabaseError):
        audit_events_prune()
    assert AuditEvent.objects.filter(pk=young.pk).exists()


def test_bulk_writes_can_be_recorded_in_one_go(world):
    stations = list(Station.objects.all())
    assert audit.record_bulk(AuditAction.IMPORT, stations, message="导入") == 3
    assert AuditEvent.objects.filter(action=AuditAction.IMPORT).count() == 3


def test_suspending_the_trail_is_limited_to_its_block(world):
    with audit.suspended():
        quiet = StationFactory(subdistrict=world.subdistrict_a1, code="TH-098")
    loud = StationFactory(subdistrict=world.subdistrict_a1, code="TH-097")
    assert not events_for(quiet, AuditAction.CREATE).exists()
    assert events_for(loud, AuditAction.CREATE).exists()
