"""Issue 12, "no silent overwrite": a stale station edit, page or API, answers 409."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from stations.models import Station
from tests.stations.test_views import station_form_data

pytestmark = pytest.mark.django_db


def _client(user):
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


def _api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_a_stale_station_form_after_a_phone_change_answers_409_and_keeps_the_input(world):
    station = world.station_a1
    url = reverse("stations:station_update", args=[station.pk])
    admin, officer = _client(world.city_admin), _client(world.district_a_officer)
    page = admin.get(url)
    assert page.status_code == 200
    shown = page.context["form"]["version"].value()
    assert shown == station.version and 'name="version"' in page.content.decode()

    changed = officer.post(url, station_form_data(station, phone="020-88886666", version=shown))
    assert changed.status_code == 302

    stale = admin.post(url, station_form_data(station, name="五山街社工站（改名）", version=shown))
    assert stale.status_code == 409
    text = stale.content.decode()
    assert "此记录已被" in text and world.district_a_officer.username in text
    assert "五山街社工站（改名）" in text  # the admin's input is still on the page
    station.refresh_from_db()
    assert station.phone == "020-88886666" and station.name != "五山街社工站（改名）"

    fresh = admin.get(url).context["form"]["version"].value()
    assert fresh == station.version
    saved = admin.post(url, station_form_data(station, name="五山街社工站（改名）", version=fresh))
    assert saved.status_code == 302
    station.refresh_from_db()
    assert station.phone == "020-88886666" and station.name == "五山街社工站（改名）"


def test_the_station_api_answers_an_etag_and_refuses_a_stale_if_match(world):
    station = world.station_a1
    url = f"/api/v1/stations/{station.pk}/"
    admin, officer = _api(world.city_admin), _api(world.district_a_officer)
    read = admin.get(url)
    tag = read["ETag"]
    assert tag == f'W/"{station.version}"' and read.json()["version"] == station.version

    changed = officer.patch(url, {"phone": "020-88886666"}, format="json", HTTP_IF_MATCH=tag)
    assert changed.status_code == 200, changed.json()
    assert changed["ETag"] == f'W/"{station.version + 1}"'

    stale = admin.patch(url, {"name": "改名"}, format="json", HTTP_IF_MATCH=tag)
    assert stale.status_code == 409
    assert set(stale.json()) == {"detail", "code"} and stale.json()["code"] == "conflict"
    assert world.district_a_officer.username in stale.json()["detail"]
    stale_body = admin.patch(url, {"name": "改名", "version": station.version}, format="json")
    assert stale_body.status_code == 409
    assert Station.objects.get(pk=station.pk).phone == "020-88886666"

    fresh = admin.patch(url, {"name": "改名"}, format="json", HTTP_IF_MATCH=changed["ETag"])
    assert fresh.status_code == 200
    station.refresh_from_db()
    assert station.name == "改名" and station.phone == "020-88886666"


def test_a_refused_payload_does_not_spend_the_version(world):
    station = world.station_a1
    url = f"/api/v1/stations/{station.pk}/"
    admin = _api(world.city_admin)
    seen = station.version
    bad = admin.patch(url, {"longitude": "not a number", "version": seen}, format="json")
    assert bad.status_code == 400
    assert Station.objects.get(pk=station.pk).version == seen
