"""Unannounced visits stay secret: a canary visit checked across every route and role, the day
before and on the day until the inspectors start it."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from openpyxl import load_workbook

from inspections import services
from inspections.choices import VisitMode
from inspections.models import Inspection
from portal import clock
from portal.models import AuditEvent, Notification
from tests.inspections.conftest import make_visit

NON_CITY = [
    "district_a_officer",
    "subdistrict_a1_officer",
    "institution_a_admin",
    "station_a1_manager",
    "evaluator",
    "district_b_officer",
    "station_b1_manager",
]
IN_SCOPE = {
    "district_a_officer",
    "subdistrict_a1_officer",
    "institution_a_admin",
    "station_a1_manager",
}
SKIP_PREFIXES = ("/admin/", "/accounts/logout", "/i18n/", "/media/", "/static/")


def _routes(patterns=None, prefix=""):
    """(path template, pattern) for every route of the site."""
    for p in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(p, URLResolver):
            yield from _routes(p.url_patterns, prefix + str(p.pattern))
        elif isinstance(p, URLPattern):
            yield prefix + str(p.pattern), p


def _concrete(route: str, ids: dict[str, int]) -> str | None:
    """A GET-able path: converters filled with the canary's ids where the route is ours."""
    route = route.lstrip("^").rstrip("$").replace("\\Z", "").replace("\\.", ".")
    if "(?P<format>" in route:
        return None
    names = re.findall(r"<(?:(\w+):)?(\w+)>|\(\?P<(\w+)>[^)]*\)", route)
    if not names:
        return "/" + route
    if route.startswith("inspections/visits/") or route.startswith("api/v1/inspections/visits/"):
        value = ids["visit"]
    elif route.startswith("stations/") or route.startswith("inspections/stations/"):
        value = ids["station"]
    else:
        return None
    path = re.sub(r"<(?:\w+:)?\w+>", str(value), route)
    path = re.sub(r"\(\?P<\w+>[^)]*\)", str(value), path)
    return "/" + path


def _paths(ids):
    seen = set()
    for route, _pattern in _routes():
        path = _concrete(route, ids)
        if path is None or path in seen or path.startswith(SKIP_PREFIXES) or "<" in path:
            continue
        seen.add(path)
        yield path
    yield "/inspections/board/?format=xlsx"
    yield "/inspections/visits/?format=xlsx"
    yield "/rectification/orders/?format=xlsx"
    yield "/api/v1/inspections/board/"


def _text(response) -> str:
    content_type = response.get("Content-Type", "")
    if "spreadsheetml" in content_type:
        body = b"".join(response.streaming_content) if response.streaming else response.content
        wb = load_workbook(io.BytesIO(body), read_only=True)
        return "\n".join(
            " ".join(str(c) for c in row if c is not None)
            for ws in wb.worksheets
            for row in ws.iter_rows(values_only=True)
        )
    if response.streaming:
        return b"".join(response.streaming_content).decode("utf-8", "replace")
    return response.content.decode("utf-8", "replace")


@pytest.fixture
def canary(world, plan, django_capture_on_commit_callbacks):
    """A scheduled visit today (the control) and an unannounced one tomorrow (the canary), both
    at station A1, with the assigned inspector; then the plan is 'confirmed' (notifications)."""
    control = make_visit(
        station=world.station_a2,
        plan=plan,
        inspector=world.inspector,
        institution=world.institution_b,
        scheduled_on=clock.today(),
    )
    secret = make_visit(
        station=world.station_a1,
        plan=plan,
        inspector=world.inspector,
        mode=VisitMode.UNANNOUNCED,
        institution=world.institution_a,
        scheduled_on=clock.today() + dt.timedelta(days=1),
    )
    secret.summary = "CANARY-SECRET-VISIT"
    secret.save()
    with django_capture_on_commit_callbacks(execute=True):
        services._notify_plan(plan.pk)
    return control, secret


def _markers(secret, path: str) -> list[str]:
    markers = [f"/inspections/visits/{secret.pk}/", "CANARY-SECRET-VISIT"]
    if path.startswith("/api/v1/inspections/visits"):
        markers += [f'"id":{secret.pk},', f'"id": {secret.pk},']
    if path.startswith("/api/v1/inspections/"):
        markers += [f'"inspection":{secret.pk},', f'"inspection": {secret.pk},']
    return markers


def test_the_assigned_inspector_and_the_city_see_the_canary(world, canary, login):
    _control, secret = canary
    for user in (world.inspector, world.city_officer):
        client = login(user)
        assert client.get(f"/inspections/visits/{secret.pk}/").status_code == 200
        body = client.get("/api/v1/inspections/visits/").content.decode()
        assert f'"id":{secret.pk}' in body


@pytest.mark.parametrize("day", ["the_day_before", "on_the_day"])
@pytest.mark.parametrize("persona", NON_CITY)
def test_no_route_reveals_an_unannounced_visit_before_it_starts(world, canary, login, persona, day):
    _control, secret = canary
    if day == "on_the_day":
        # The morning of the visit: the team has not arrived and pressed "start" yet.
        Inspection.objects.filter(pk=secret.pk).update(scheduled_on=clock.today())
    client = login(getattr(world, persona))
    # Other apps are built alongside: a page of theirs that errors shows nothing, so it cannot
    # leak; ours must not error.
    client.raise_request_exception = False
    ids = {"visit": secret.pk, "station": world.station_a1.pk}
    checked = 0
    for path in _paths(ids):
        response = client.get(path)
        if response.status_code >= 500:
            if "inspections" in path:
                pytest.fail(f"{path} answered {response.status_code} for {persona}")
            continue
        if (
            path.startswith(("/inspections/visits/", "/api/v1/inspections/visits/"))
            and str(secret.pk) in path
        ):
            # 405: a POST-only route refuses GET before it looks the visit up.
            assert response.status_code in (403, 404, 405), (persona, path)
            continue
        if response.status_code != 200:
            continue
        text = _text(response)
        for marker in _markers(secret, path):
            assert marker not in text, (persona, path, marker)
        checked += 1
    assert checked > 10
    # Counts: the quarter board counts the control visit only.
    board = client.get("/api/v1/inspections/board/").json()
    expected = 1 if persona == "district_a_officer" else 0  # the control visit at A2 only
    assert board["totals"]["planned"] == expected, persona
    assert (
        Inspection.objects.restrict(getattr(world, persona), "view").filter(pk=secret.pk).count()
        == 0
    )
    # No notification to the station side of the unannounced visit.
    assert not Notification.objects.filter(
        recipient=getattr(world, persona), url__contains=f"/visits/{secret.pk}/"
    ).exists()
    # Its audit rows carry no anchors, so no station history shows them.
    assert (
        not AuditEvent.objects.restrict(getattr(world, persona), "view")
        .filter(object_type="inspections.inspection", object_id=str(secret.pk))
        .exists()
    )


@pytest.mark.parametrize("persona", NON_CITY)
def test_once_started_the_visit_is_visible_to_those_in_scope(world, canary, login, persona):
    _control, secret = canary
    Inspection.objects.filter(pk=secret.pk).update(scheduled_on=clock.today())
    services.inspection_start(actor=world.inspector, visit=Inspection.objects.get(pk=secret.pk))
    user = getattr(world, persona)
    client = login(user)
    response = client.get(f"/inspections/visits/{secret.pk}/")
    api = client.get("/api/v1/inspections/visits/").content.decode()
    sees = persona in IN_SCOPE
    assert (response.status_code == 200) == sees, persona
    assert (f'"id":{secret.pk}' in api) == sees, persona


def test_a_started_unannounced_visit_is_no_longer_secret(world, canary, login):
    _control, secret = canary
    services.inspection_start(actor=world.inspector, visit=secret)
    client = login(world.district_a_officer)
    assert client.get(f"/inspections/visits/{secret.pk}/").status_code == 200
