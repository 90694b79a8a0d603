"""User and role-assignment management: pages, services and API (the city admin's tool)."""

from __future__ import annotations

import io
from datetime import timedelta

import openpyxl
import pytest
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from portal import clock
from portal.choices import AuditAction, Role
from portal.models import AuditEvent, RoleAssignment, User
from portal.services import users as services
from stations.filtersets import CHOICE_LIMIT
from stations.models import Station
from tests.factories import StationFactory, UserFactory, assign

pytestmark = pytest.mark.django_db

STRONG = "Gz-Social-2026!"


def _messages(response) -> str:
    return response.content.decode()


# --- access ------------------------------------------------------------------------------


def test_only_the_city_admin_opens_the_user_pages(world, login, client):
    url = reverse("manage:user_list")
    for persona in (world.city_officer, world.district_a_officer, world.station_a1_manager):
        assert login(persona).get(url).status_code == 403
    assert login(world.city_admin).get(url).status_code == 200


def test_an_anonymous_visitor_is_sent_to_the_login_page(world, client):
    response = client.get(reverse("manage:user_list"))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_a_user_that_does_not_exist_answers_404(world, login):
    response = login(world.city_admin).get(reverse("manage:user_detail", args=[999999]))
    assert response.status_code == 404


# --- list -------------------------------------------------------------------------------


def test_the_list_shows_users_with_their_current_roles(world, login):
    html = _messages(login(world.city_admin).get(reverse("manage:user_list")))
    assert "district_a" in html
    assert "区民政局人员 · 天河区" in html


def test_the_list_filters_by_role_district_and_status_and_searches(world, login):
    client = login(world.city_admin)
    url = reverse("manage:user_list")

    def usernames(**params):
        return {u.username for u in client.get(url, params).context["object_list"]}

    assert usernames(role=Role.DISTRICT_OFFICER) == {"district_a", "district_b"}
    # District A: its officer, its street/town officer and its station's manager.
    assert usernames(district=world.district_a.pk) == {"district_a", "subdistrict_a1", "station_a1"}
    assert usernames(q="station") == {"station_a1", "station_b1"}
    world.station_b1_manager.is_active = False
    world.station_b1_manager.save()
    assert usernames(q="station", is_active="False") == {"station_b1"}


def test_an_ended_role_no_longer_counts_in_the_role_filter(world, login):
    RoleAssignment.objects.filter(user=world.district_b_officer).update(
        ends_on=clock.today() - timedelta(days=1)
    )
    response = login(world.city_admin).get(
        reverse("manage:user_list"), {"role": Role.DISTRICT_OFFICER}
    )
    assert {u.username for u in response.context["object_list"]} == {"district_a"}


def test_the_list_sorts_by_a_column_both_ways(world, login):
    client = login(world.city_admin)
    url = reverse("manage:user_list")
    up = [u.username for u in client.get(url, {"o": "username"}).context["object_list"]]
    down = [u.username for u in client.get(url, {"o": "-username"}).context["object_list"]]
    assert up == sorted(up)
    assert down == list(reversed(up))


def test_the_list_runs_a_fixed_number_of_queries(world, login, django_assert_max_num_queries):
    client = login(world.city_admin)
    url = reverse("manage:user_list")
    client.get(url)  # warm caches (content types, session)
    with django_assert_max_num_queries(14) as few:
        client.get(url)
    for i in range(30):
        user = UserFactory(username=f"extra{i}")
        assign(user, Role.DISTRICT_OFFICER, district=world.district_a)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(url)


def test_the_list_is_paginated(world, login):
    for i in range(60):
        UserFactory(username=f"bulk{i:02d}")
    response = login(world.city_admin).get(reverse("manage:user_list"), {"q": "bulk"})
    assert response.context["is_paginated"]
    assert len(response.context["object_list"]) == 50


def test_the_list_exports_the_filtered_users_to_excel(world, login):
    response = login(world.city_admin).get(
        reverse("manage:user_list"), {"role": Role.STATION_MANAGER, "export": "xlsx"}
    )
    assert response.status_code == 200
    ws = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    assert ws["A1"].value == "用户名"
    assert sorted(row[0].value for row in ws.iter_rows(min_row=2)) == ["station_a1", "station_b1"]
    assert AuditEvent.objects.filter(action=AuditAction.EXPORT, object_type="portal.user").exists()


# --- create, edit, deactivate, password ---------------------------------------------------


def test_the_admin_creates_a_user_with_a_chosen_password(world, login):
    response = login(world.city_admin).post(
        reverse("manage:user_create"),
        {
            "username": "wang.fang",
            "display_name": "王芳",
            "email": "wf@example.org",
            "phone": "13800000000",
            "organisation": "天河区民政局",
            "password": STRONG,
        },
    )
    user = User.objects.get(username="wang.fang")
    assert response.status_code == 302
    assert response["Location"] == reverse("manage:user_detail", args=[user.pk])
    assert user.check_password(STRONG)
    assert user.display_name == "王芳"
    assert user.is_active
    created = AuditEvent.objects.get(
        action=AuditAction.CREATE, object_type="portal.user", object_id=str(user.pk)
    )
    assert created.actor_id == world.city_admin.pk
    assert created.changes["password"] == "***"


def test_a_weak_password_is_refused_on_the_password_field_in_chinese(world, login):
    response = login(world.city_admin).post(
        reverse("manage:user_create"),
        {
            "username": "weak",
            "password": "abcdefgh",
        },
    )
    assert response.status_code == 400
    errors = response.context["form"].errors["password"]
    assert any("3" in e or "类" in e for e in errors), errors
    assert not User.objects.filter(username="weak").exists()


def test_a_duplicate_username_is_refused(world, login):
    response = login(world.city_admin).post(
        reverse("manage:user_create"),
        {
            "username": "district_a",
            "password": STRONG,
        },
    )
    assert response.status_code == 400
    assert response.context["form"].errors["username"]


def test_a_generated_password_is_shown_once_and_works(world, login):
    response = login(world.city_admin).post(
        reverse("manage:user_create"),
        {
            "username": "li.lei",
            "display_name": "李雷",
        },
    )
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    password = response.context["password"]
    assert User.objects.get(username="li.lei").check_password(password)
    assert password in response.content.decode()


def test_generated_passwords_pass_the_password_validators():
    from django.contrib.auth.password_validation import validate_password

    for _i in range(50):
        validate_password(services.password_generate())


def test_the_admin_edits_a_users_details(world, login):
    target = world.district_a_officer
    response = login(world.city_admin).post(
        reverse("manage:user_update", args=[target.pk]),
        {"display_name": "张区长", "email": "z@example.org", "phone": "", "organisation": ""},
    )
    assert response.status_code == 302
    target.refresh_from_db()
    assert target.display_name == "张区长"
    change = AuditEvent.objects.filter(
        action=AuditAction.UPDATE, object_id=str(target.pk), object_type="portal.user"
    ).latest("at")
    assert change.changes["display_name"][1] == "张区长"


def test_deactivating_keeps_the_user_and_their_roles_and_stops_sign_in(world, login):
    target = world.station_a1_manager
    their_session = Client()
    their_session.force_login(target, backend="django.contrib.auth.backends.ModelBackend")
    assert their_session.get(reverse("portal:home")).status_code == 200

    login(world.city_admin).post(reverse("manage:user_deactivate", args=[target.pk]))
    target.refresh_from_db()
    assert not target.is_active
    assert RoleAssignment.objects.filter(user=target).exists()
    # The open session ends and the password no longer signs in.
    assert their_session.get(reverse("portal:home")).status_code == 302
    assert ModelBackend().authenticate(None, username="station_a1", password=world.password) is None

    login(world.city_admin).post(reverse("manage:user_reactivate", args=[target.pk]))
    target.refresh_from_db()
    assert target.is_active


def test_the_admin_cannot_deactivate_themselves(world):
    with pytest.raises(ValidationError) as exc:
        services.user_deactivate(actor=world.city_admin, user=world.city_admin)
    assert exc.value.messages == [services.CANNOT_DEACTIVATE_SELF]


def test_deactivate_is_post_only(world, login):
    target = world.station_a1_manager
    response = login(world.city_admin).get(reverse("manage:user_deactivate", args=[target.pk]))
    assert response.status_code == 405
    target.refresh_from_db()
    assert target.is_active


def test_a_password_reset_is_audited_without_the_password(world, login):
    target = world.station_a1_manager
    response = login(world.city_admin).post(
        reverse("manage:user_password", args=[target.pk]), {"password": ""}
    )
    password = response.context["password"]
    target.refresh_from_db()
    assert target.check_password(password)
    event = AuditEvent.objects.get(
        action=AuditAction.ACTION, object_id=str(target.pk), message=services.PASSWORD_RESET_MESSAGE
    )
    assert password not in str(event.changes)


def test_services_refuse_anyone_but_the_city_admin(world):
    with pytest.raises(PermissionDenied):
        services.user_create(actor=world.city_officer, username="x", password=STRONG)
    # A user the actor may not even see is answered as not found.
    from django.http import Http404

    with pytest.raises(Http404):
        services.user_update(
            actor=world.district_a_officer, user=world.station_a1_manager, display_name="x"
        )


# --- role assignments ---------------------------------------------------------------------


def test_the_admin_gives_a_role_with_its_anchor(world, login):
    target = UserFactory(username="newbie")
    response = login(world.city_admin).post(
        reverse("manage:role_create", args=[target.pk]),
        {
            "role": Role.DISTRICT_OFFICER,
            "district": world.district_a.pk,
            "starts_on": clock.today().isoformat(),
            "ends_on": "",
            "note": "",
        },
    )
    assert response.status_code == 302
    target.forget_assignments()
    assert target.has_role(Role.DISTRICT_OFFICER)
    assert AuditEvent.objects.filter(
        action=AuditAction.CREATE, object_type="portal.roleassignment"
    ).exists()


def test_a_missing_anchor_is_reported_on_that_field(world, login):
    target = UserFactory(username="newbie")
    response = login(world.city_admin).post(
        reverse("manage:role_create", args=[target.pk]),
        {
            "role": Role.STATION_MANAGER,
        },
    )
    assert response.status_code == 400
    assert response.context["form"].errors["station"] == ["该角色必须指定社工站。"]
    assert not RoleAssignment.objects.filter(user=target).exists()


def test_an_anchor_the_role_does_not_use_is_reported_on_that_field(world, login):
    target = UserFactory(username="newbie")
    response = login(world.city_admin).post(
        reverse("manage:role_create", args=[target.pk]),
        {
            "role": Role.CITY_OFFICER,
            "station": world.station_a1.pk,
        },
    )
    assert response.status_code == 400
    assert response.context["form"].errors["station"] == ["该角色不适用于社工站，请留空。"]


def test_an_end_date_before_the_start_is_reported_on_the_end_date(world, login):
    target = UserFactory(username="newbie")
    today = clock.today()
    response = login(world.city_admin).post(
        reverse("manage:role_create", args=[target.pk]),
        {
            "role": Role.EVALUATOR,
            "starts_on": today.isoformat(),
            "ends_on": (today - timedelta(days=1)).isoformat(),
        },
    )
    assert response.context["form"].errors["ends_on"] == ["截止日期不能早于生效日期。"]


def test_the_role_form_carries_the_role_to_anchor_map_for_the_script(world, login):
    html = (
        login(world.city_admin)
        .get(reverse("manage:user_detail", args=[world.district_a_officer.pk]))
        .content.decode()
    )
    assert "data-anchor-map" in html
    assert 'data-anchor-field="station"' in html
    assert "js/role-anchor.js" in html
    assert "<script>" not in html  # CSP: no inline scripts


def test_a_short_anchor_list_is_a_plain_dropdown_of_every_row(world, login):
    html = (
        login(world.city_admin)
        .get(reverse("manage:user_detail", args=[world.evaluator.pk]))
        .content.decode()
    )
    assert f'<option value="{world.station_a1.pk}">' in html
    assert "data-autocomplete" not in html
    assert "js/stations_autocomplete.js" in html


def test_a_long_station_list_is_a_search_box_that_still_accepts_a_station(world, login):
    subdistrict = world.station_a1.subdistrict
    StationFactory.create_batch(CHOICE_LIMIT + 1, subdistrict=subdistrict)
    chosen = Station.objects.order_by("-pk").first()
    client = login(world.city_admin)
    html = client.get(reverse("manage:user_detail", args=[world.evaluator.pk])).content.decode()
    assert html.count("<option") < CHOICE_LIMIT
    station_select = html.split('name="station"')[0].rsplit("<select", 1)[1]
    choice_url = reverse("stations:choice_search", args=["station"])
    assert f'data-autocomplete="{choice_url}"' in station_select
    assert "data-anchor-map" in html and 'data-anchor-field="station"' in html

    target = UserFactory(username="far.station")
    response = client.post(
        reverse("manage:role_create", args=[target.pk]),
        {
            "role": Role.STATION_MANAGER,
            "station": chosen.pk,
            "starts_on": clock.today().isoformat(),
        },
    )
    assert response.status_code == 302
    assert RoleAssignment.objects.get(user=target).station == chosen
    found = client.get(choice_url, {"q": chosen.code}).json()["results"]
    assert [row["id"] for row in found] == [chosen.pk]


def test_ending_a_role_sets_its_end_date(world, login):
    assignment = RoleAssignment.objects.get(user=world.station_a1_manager)
    end = clock.today() + timedelta(days=10)
    response = login(world.city_admin).post(
        reverse("manage:role_end", args=[assignment.pk]), {"ends_on": end.isoformat()}
    )
    assert response.status_code == 302
    assignment.refresh_from_db()
    assert assignment.ends_on == end


def test_a_role_ended_yesterday_no_longer_grants_anything(world):
    assignment = RoleAssignment.objects.get(user=world.station_a1_manager)
    RoleAssignment.objects.filter(pk=assignment.pk).update(
        starts_on=clock.today() - timedelta(days=30)
    )
    assignment.refresh_from_db()
    services.role_assignment_end(
        actor=world.city_admin,
        assignment=assignment,
        ends_on=clock.today() - timedelta(days=1),
    )
    manager = User.objects.get(pk=world.station_a1_manager.pk)
    assert not manager.has_role(Role.STATION_MANAGER)


def test_removing_a_role_deletes_it_and_the_trail_keeps_it(world, login):
    assignment = RoleAssignment.objects.get(user=world.station_a1_manager)
    response = login(world.city_admin).post(reverse("manage:role_delete", args=[assignment.pk]))
    assert response.status_code == 302
    assert not RoleAssignment.objects.filter(pk=assignment.pk).exists()
    deleted = AuditEvent.objects.get(
        action=AuditAction.DELETE, object_type="portal.roleassignment", object_id=str(assignment.pk)
    )
    assert deleted.changes["station"] == world.station_a1.pk


def test_the_admin_cannot_drop_their_own_admin_role(world, login):
    own = RoleAssignment.objects.get(user=world.city_admin)
    response = login(world.city_admin).post(reverse("manage:role_delete", args=[own.pk]))
    assert response.status_code == 302
    assert RoleAssignment.objects.filter(pk=own.pk).exists()
    with pytest.raises(ValidationError):
        services.role_assignment_end(actor=world.city_admin, assignment=own)


def test_the_unlock_button_shows_only_while_the_account_is_locked(world, login):
    target = world.station_a1_manager
    page = reverse("manage:user_detail", args=[target.pk])
    url = reverse("security:unlock", kwargs={"pk": target.pk})
    client = login(world.city_admin)
    html = client.get(page).content.decode()
    assert f'action="{url}"' not in html
    assert "登录已锁定" not in html

    stranger = Client()
    for _ in range(5):
        stranger.post("/accounts/login/", {"username": target.username, "password": "wrong"})
    html = client.get(page).content.decode()
    assert f'action="{url}"' in html
    assert "登录已锁定，" in html and "自动解锁" in html


def test_the_role_form_prompts_for_a_choice_instead_of_dashes(world, login):
    html = (
        login(world.city_admin)
        .get(reverse("manage:user_detail", args=[world.evaluator.pk]))
        .content.decode()
    )
    assert "---------" not in html
    for prompt in ("请选择角色", "请选择区", "请选择镇街", "请选择承接机构", "请选择社工站"):
        assert f'<option value="" selected>{prompt}</option>' in html


# --- API ---------------------------------------------------------------------------------


def test_the_api_lists_users_without_passwords(world, login):
    response = login(world.city_admin).get("/api/v1/users/")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == User.objects.count()
    assert all("password" not in row for row in body["results"])
    station = next(r for r in body["results"] if r["username"] == "station_a1")
    assert station["role_assignments"][0]["anchor"] == "五山街社工服务站"


def test_the_api_list_runs_a_fixed_number_of_queries(world, login, django_assert_max_num_queries):
    client = login(world.city_admin)
    client.get("/api/v1/users/")
    with django_assert_max_num_queries(12) as few:
        client.get("/api/v1/users/")
    for i in range(20):
        assign(UserFactory(username=f"api{i}"), Role.EVALUATOR)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get("/api/v1/users/")


def test_the_api_creates_a_user_and_never_returns_the_password(world, login):
    response = login(world.city_admin).post(
        "/api/v1/users/",
        {"username": "api.user", "password": STRONG, "display_name": "接口"},
        content_type="application/json",
    )
    assert response.status_code == 201, response.json()
    assert "password" not in response.json()
    assert User.objects.get(username="api.user").check_password(STRONG)


def test_the_api_refuses_a_weak_password_in_chinese(world, login):
    response = login(world.city_admin).post(
        "/api/v1/users/",
        {"username": "api.user", "password": "12345678"},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "password" in response.json()


def test_the_api_never_deletes_users(world, login):
    response = login(world.city_admin).delete(f"/api/v1/users/{world.station_a1_manager.pk}/")
    assert response.status_code == 405
    assert User.objects.filter(pk=world.station_a1_manager.pk).exists()


def test_the_api_deactivates_a_user(world, login):
    target = world.station_a1_manager
    response = login(world.city_admin).post(f"/api/v1/users/{target.pk}/deactivate/")
    assert response.status_code == 200
    assert response.json()["is_active"] is False


def test_other_roles_see_no_users_and_cannot_create_them(world, login):
    client = login(world.district_a_officer)
    assert client.get("/api/v1/users/").json()["count"] == 0
    response = client.post(
        "/api/v1/users/", {"username": "x", "password": STRONG}, content_type="application/json"
    )
    assert response.status_code == 403
    response = client.get(f"/api/v1/users/{world.station_a1_manager.pk}/")
    assert response.status_code == 404


def test_the_api_creates_a_role_assignment_and_reports_a_wrong_anchor(world, login):
    client = login(world.city_admin)
    target = UserFactory(username="api.role")
    ok = client.post(
        "/api/v1/role-assignments/",
        {
            "user": target.pk,
            "role": Role.STATION_MANAGER,
            "station": world.station_a1.pk,
        },
        content_type="application/json",
    )
    assert ok.status_code == 201, ok.json()
    assert ok.json()["anchor"] == "五山街社工服务站"
    bad = client.post(
        "/api/v1/role-assignments/",
        {
            "user": target.pk,
            "role": Role.DISTRICT_OFFICER,
        },
        content_type="application/json",
    )
    assert bad.status_code == 400
    assert bad.json()["district"] == ["该角色必须指定区。"]


def test_the_api_ends_and_removes_role_assignments(world, login):
    client = login(world.city_admin)
    assignment = RoleAssignment.objects.get(user=world.station_b1_manager)
    end = clock.today() + timedelta(days=5)
    response = client.post(
        f"/api/v1/role-assignments/{assignment.pk}/end/",
        {"ends_on": end.isoformat()},
        content_type="application/json",
    )
    assert response.status_code == 200
    assert response.json()["ends_on"] == end.isoformat()
    # Role and anchor cannot be changed in place: a new role is a new assignment.
    response = client.patch(
        f"/api/v1/role-assignments/{assignment.pk}/",
        {"role": Role.CITY_ADMIN, "note": "调岗"},
        content_type="application/json",
    )
    assert response.status_code == 200
    assignment.refresh_from_db()
    assert assignment.role == Role.STATION_MANAGER
    assert assignment.note == "调岗"
    assert client.delete(f"/api/v1/role-assignments/{assignment.pk}/").status_code == 204


# --- ending a role now -------------------------------------------------------------------------


def test_ending_a_role_today_stops_it_at_once_not_at_midnight(world, login):
    manager = Client()
    manager.force_login(
        world.station_a1_manager, backend="django.contrib.auth.backends.ModelBackend"
    )
    station = reverse("stations:station_detail", args=[world.station_a1.pk])
    assert manager.get(station).status_code == 200
    assignment = RoleAssignment.objects.get(user=world.station_a1_manager)
    response = login(world.city_admin).post(
        reverse("manage:role_end", args=[assignment.pk]), {"ends_on": clock.today().isoformat()}
    )
    assert response.status_code == 302
    # The same day, the very next request: the role is gone.
    assert manager.get(station).status_code == 404
    assert manager.get(f"/api/v1/stations/{world.station_a1.pk}/").status_code == 404
    fresh = User.objects.get(pk=world.station_a1_manager.pk)
    assert not fresh.has_role(Role.STATION_MANAGER)
    # The history keeps the role, its last day and the moment it ended.
    assignment.refresh_from_db()
    assert assignment.ends_on == clock.today()
    assert assignment.ended_at is not None and assignment.ended_at <= clock.now()
    detail = login(world.city_admin).get(
        reverse("manage:user_detail", args=[world.station_a1_manager.pk])
    )
    ended = timezone.localtime(assignment.ended_at)
    assert f"{ended:%Y-%m-%d %H:%M}" in detail.content.decode()


def test_ending_a_role_through_the_api_without_a_date_ends_it_now(world, login):
    assignment = RoleAssignment.objects.get(user=world.inspector)
    response = login(world.city_admin).post(
        f"/api/v1/role-assignments/{assignment.pk}/end/", {}, content_type="application/json"
    )
    assert response.status_code == 200
    assert response.json()["ends_on"] == clock.today().isoformat()
    assert response.json()["ended_at"] is not None
    assert not User.objects.get(pk=world.inspector.pk).has_role(Role.INSPECTOR)


def test_a_role_ended_on_a_later_day_holds_through_that_day(world):
    assignment = RoleAssignment.objects.get(user=world.evaluator)
    last_day = clock.today() + timedelta(days=3)
    services.role_assignment_end(actor=world.city_admin, assignment=assignment, ends_on=last_day)
    assignment.refresh_from_db()
    assert assignment.ended_at is None
    assert User.objects.get(pk=world.evaluator.pk).has_role(Role.EVALUATOR)
    # Moved back to today, it ends now; moved out again, it holds again.
    services.role_assignment_update(
        actor=world.city_admin, assignment=assignment, ends_on=clock.today()
    )
    assert not User.objects.get(pk=world.evaluator.pk).has_role(Role.EVALUATOR)
    services.role_assignment_update(actor=world.city_admin, assignment=assignment, ends_on=last_day)
    assignment.refresh_from_db()
    assert assignment.ended_at is None
    assert User.objects.get(pk=world.evaluator.pk).has_role(Role.EVALUATOR)
