"""Audit log search, its export and API, the read-only admin, and the OpenAPI schema."""

from __future__ import annotations

import io
from datetime import datetime, timedelta

import openpyxl
import pytest
from django.contrib import admin
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone
from rest_framework.authtoken.models import Token

from portal import clock
from portal.choices import AuditAction, AuditOutcome
from portal.models import AuditEvent, PolicyVersion, RoleAssignment, User
from portal.selectors import AUDIT_SEARCH_REFUSED

pytestmark = pytest.mark.django_db


def event(**kwargs) -> AuditEvent:
    defaults = {"action": AuditAction.LOGIN, "actor_name": "someone", "object_type": "portal.user"}
    return AuditEvent.objects.create(**(defaults | kwargs))


def listed(response) -> list[AuditEvent]:
    return list(response.context["object_list"])


def test_the_city_admin_and_city_officer_search_the_log_and_others_may_not(world, login):
    url = reverse("manage:audit_list")
    assert login(world.city_admin).get(url).status_code == 200
    assert login(world.city_officer).get(url).status_code == 200
    for persona in (world.district_a_officer, world.station_a1_manager, world.inspector):
        assert login(persona).get(url).status_code == 403


def test_the_log_is_newest_first(world, login):
    now = clock.now()
    old = event(at=now - timedelta(days=3), message="old")
    new = event(at=now - timedelta(days=1), message="new")
    # Only login rows: the fixtures' own create rows would push these onto a later page.
    rows = listed(login(world.city_admin).get(reverse("manage:audit_list"), {"action": "login"}))
    assert rows.index(new) < rows.index(old)
    assert rows == sorted(rows, key=lambda e: (e.at, e.id), reverse=True)


def test_the_log_filters_by_each_field(world, login):
    client = login(world.city_admin)
    url = reverse("manage:audit_list")
    tz = timezone.get_current_timezone()
    target = event(
        at=datetime(2025, 5, 20, 10, 0, tzinfo=tz),
        actor_id=4242,
        actor_name="zhang.san",
        action=AuditAction.LOGIN_FAILED,
        outcome=AuditOutcome.FAILURE,
        object_type="stations.station",
        object_id="77",
        ip_address="10.1.2.3",
    )
    event(at=datetime(2025, 5, 22, 10, 0, tzinfo=tz), actor_name="li.si")

    for params in (
        {"at_after": "2025-05-20", "at_before": "2025-05-20"},
        {"actor": "zhang.san"},
        {"actor": "4242"},
        {"action": AuditAction.LOGIN_FAILED},
        {"outcome": AuditOutcome.FAILURE},
        {"object_type": "stations.station", "object_id": "77"},
        {"ip_address": "10.1.2.3"},
    ):
        assert listed(client.get(url, params)) == [target], params


def test_a_malformed_address_is_a_form_error_not_a_crash(world, login):
    response = login(world.city_admin).get(reverse("manage:audit_list"), {"ip_address": "abc"})
    assert response.status_code == 200
    assert response.context["filter"].form.errors["ip_address"]


def test_the_log_runs_a_fixed_number_of_queries(world, login, django_assert_max_num_queries):
    client = login(world.city_admin)
    url = reverse("manage:audit_list")
    client.get(url)
    with django_assert_max_num_queries(12) as few:
        client.get(url)
    for i in range(120):
        event(message=f"m{i}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url)
    assert response.context["is_paginated"]


def test_the_log_names_the_object_by_its_model_and_keeps_the_technical_id_aside(
    world, login, django_assert_max_num_queries
):
    client = login(world.city_admin)
    url = reverse("manage:audit_list")
    params = {"action": AuditAction.LOGIN}
    event(object_type="portal.user", object_id="1", object_repr="zhang.san")
    event(object_type="stations.station", object_id="77", object_repr="五山街社工服务站")
    event(object_type="no.such_model", object_id="5", object_repr="gone")
    with django_assert_max_num_queries(12) as few:
        html = client.get(url, params).content.decode()
    assert 'title="portal.user#1">用户</span> zhang.san' in html
    assert 'title="stations.station#77">社工站</span> 五山街社工服务站' in html
    assert 'title="no.such_model#5">no.such_model</span> gone' in html
    assert ">stations.station#77</small>" in html
    # Many rows of many types: still the same number of queries (the names need none).
    for i in range(60):
        event(object_type=("portal.user", "stations.station", "portal.roleassignment")[i % 3])
    with django_assert_max_num_queries(len(few.captured_queries)):
        html = client.get(url, params).content.decode()
    assert "角色分配" in html


def test_the_object_type_name_follows_the_language(world, login):
    event(object_type="stations.station", object_id="77", object_repr="x")
    client = login(world.city_admin)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    html = client.get(reverse("manage:audit_list"), {"action": AuditAction.LOGIN}).content.decode()
    assert 'title="stations.station#77">社工站</span>' not in html
    assert 'title="stations.station#77">Station' in html


def test_the_log_exports_the_filtered_rows_and_the_export_is_itself_logged(world, login):
    event(action=AuditAction.LOCKOUT, actor_name="=cmd|' /C calc'!A0", ip_address="10.0.0.9")
    response = login(world.city_officer).get(
        reverse("manage:audit_list"), {"action": AuditAction.LOCKOUT, "export": "xlsx"}
    )
    ws = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    assert ws["A1"].value == "时间"
    assert ws.max_row == 2
    assert ws["C2"].value == "'=cmd|' /C calc'!A0"
    assert ws["D2"].value == "账号锁定"
    logged = AuditEvent.objects.get(action=AuditAction.EXPORT)
    assert logged.actor_id == world.city_officer.pk
    assert "lockout" in logged.message


def test_the_detail_shows_the_changes(world, login):
    row = event(action=AuditAction.UPDATE, changes={"display_name": ["甲", "乙"]})
    html = (
        login(world.city_admin).get(reverse("manage:audit_detail", args=[row.pk])).content.decode()
    )
    assert "display_name" in html
    assert "乙" in html


def test_no_page_offers_to_change_or_delete_the_log(world, login):
    html = login(world.city_admin).get(reverse("manage:audit_list")).content.decode()
    assert 'method="post"' not in html.split('id="main"')[1]


# --- API -----------------------------------------------------------------------------------


def test_the_api_reads_the_log(world, login):
    event(message="hello")
    response = login(world.city_admin).get("/api/v1/audit-events/", {"action": "login"})
    assert response.status_code == 200
    assert any(r["message"] == "hello" for r in response.json()["results"])


def test_the_api_answers_405_to_anything_but_get(world, login):
    client = login(world.city_admin)
    row = event()
    assert (
        client.post("/api/v1/audit-events/", {}, content_type="application/json").status_code == 405
    )
    for method in (client.put, client.patch, client.delete):
        response = method(f"/api/v1/audit-events/{row.pk}/", {}, content_type="application/json")
        assert response.status_code == 405
    assert AuditEvent.objects.filter(pk=row.pk).exists()


def test_the_api_follows_the_page_rule_the_city_roles_search_and_no_one_else(world, login):
    row = event(
        object_type="stations.station",
        object_id=str(world.station_a1.pk),
        station_id=world.station_a1.pk,
        district_id=world.district_a.pk,
        ip_address="10.1.2.3",
        message="A1",
    )
    page = reverse("manage:audit_list")
    for persona in (world.city_admin, world.city_officer):
        client = login(persona)
        assert client.get(page).status_code == 200
        assert client.get("/api/v1/audit-events/").status_code == 200
        assert client.get(f"/api/v1/audit-events/{row.pk}/").json()["message"] == "A1"
    for persona in (
        world.district_a_officer,
        world.subdistrict_a1_officer,
        world.institution_a_admin,
        world.station_a1_manager,
        world.evaluator,
        world.inspector,
    ):
        client = login(persona)
        assert client.get(page).status_code == 403, persona
        for url in ("/api/v1/audit-events/", f"/api/v1/audit-events/{row.pk}/"):
            response = client.get(url)
            assert response.status_code == 403, (persona, url)
            assert response.json()["detail"] == AUDIT_SEARCH_REFUSED
            assert "10.1.2.3" not in response.content.decode()


def test_a_station_manager_token_reads_no_audit_rows(world, client):
    event(station_id=world.station_a1.pk, message="A1", ip_address="10.1.2.3")
    token = Token.objects.create(user=world.station_a1_manager)
    response = client.get("/api/v1/audit-events/", HTTP_AUTHORIZATION=f"Token {token.key}")
    assert response.status_code == 403
    assert "10.1.2.3" not in response.content.decode()


def test_object_histories_stay_scoped_like_the_objects_they_record(world):
    event(station_id=world.station_a1.pk, district_id=world.district_a.pk, message="A1")
    seen_by_a = AuditEvent.objects.restrict(world.district_a_officer, "view")
    seen_by_b = AuditEvent.objects.restrict(world.district_b_officer, "view")
    assert seen_by_a.filter(message="A1").exists()
    assert not seen_by_b.filter(message="A1").exists()


# --- admin ---------------------------------------------------------------------------------


def admin_request(user):
    request = RequestFactory().get("/admin/")
    request.user = user
    return request


def test_the_audit_admin_is_read_only(world):
    model_admin = admin.site._registry[AuditEvent]
    request = admin_request(world.city_admin)
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request)
    assert not model_admin.has_delete_permission(request)
    assert model_admin.has_view_permission(request)


def test_admin_querysets_go_through_restrict(world):
    request = admin_request(world.district_a_officer)
    for model in (User, RoleAssignment, PolicyVersion, AuditEvent):
        model_admin = admin.site._registry[model]
        expected = set(model.objects.restrict(world.district_a_officer, "view"))
        assert set(model_admin.get_queryset(request)) == expected, model


def test_a_staff_city_admin_opens_the_portal_admin_lists(world, client):
    world.city_admin.is_staff = True
    world.city_admin.save()
    client.force_login(world.city_admin, backend="django.contrib.auth.backends.ModelBackend")
    for model in (User, RoleAssignment, PolicyVersion, AuditEvent):
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        assert client.get(url).status_code == 200, url
    row = event()
    change = reverse("admin:portal_auditevent_change", args=[row.pk])
    response = client.post(change, {"message": "tampered"})
    assert response.status_code == 403
    row.refresh_from_db()
    assert row.message == ""


def test_a_staff_user_without_the_city_admin_role_sees_no_portal_models(world, client):
    officer = world.district_a_officer
    officer.is_staff = True
    officer.save()
    client.force_login(officer, backend="django.contrib.auth.backends.ModelBackend")
    assert client.get(reverse("admin:portal_user_changelist")).status_code == 403


# --- OpenAPI schema ------------------------------------------------------------------------


def test_the_schema_describes_the_management_endpoints(world, login):
    response = login(world.city_admin).get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    paths = response.json()["paths"]
    for path in (
        "/api/v1/users/",
        "/api/v1/users/{id}/",
        "/api/v1/role-assignments/",
        "/api/v1/role-assignments/{id}/end/",
        "/api/v1/policy-versions/",
        "/api/v1/policy-versions/{id}/",
        "/api/v1/audit-events/",
        "/api/v1/audit-events/{id}/",
    ):
        assert path in paths, path
    assert "delete" not in paths["/api/v1/users/{id}/"]
    assert set(paths["/api/v1/audit-events/{id}/"]) == {"get"}
    user_schema = response.json()["components"]["schemas"]["User"]
    assert "password" not in user_schema["properties"]


def test_the_api_docs_render_from_local_assets(world, login):
    response = login(world.city_admin).get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "drf_spectacular_sidecar" in html
    assert "cdn" not in html.lower()


def test_the_time_range_filter_sits_on_one_line_with_a_label_that_points_at_it(world, login):
    html = login(world.city_admin).get(reverse("manage:audit_list")).content.decode()
    assert '<label class="form-label" for="id_at_0">时间范围</label>' in html
    assert (
        'class="d-flex align-items-center gap-1 portal-range"><input type="date" name="at_after"'
        in html
    )
    assert 'for=""' not in html
