"""Signing in and out, lockout, session limits, password rules and API tokens (issue 2)."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from rest_framework.authtoken.models import Token

from portal import clock
from portal.choices import AuditAction, AuditOutcome
from portal.models import AuditEvent
from portal.services.security import account_unlock, is_locked_out
from tests.factories import PASSWORD

LOGIN = "/accounts/login/"
WRONG = "Wrong-Password-1"


def sign_in(client, username, password=PASSWORD, **extra):
    return client.post(LOGIN, {"username": username, "password": password}, **extra)


def audit_rows(action, username):
    return AuditEvent.objects.filter(action=action, object_repr=username).order_by("id")


def fail_five_times(client, username):
    responses = [sign_in(client, username, WRONG) for _ in range(5)]
    return responses[-1]


def shift_attempts(username, delta):
    """Move the recorded failures back in time, as if ``delta`` had passed."""
    for attempt in AccessAttempt.objects.filter(username=username):
        attempt.attempt_time -= delta
        attempt.save(update_fields=["attempt_time"])


# --- the login page ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_login_page_is_a_chinese_form_with_the_site_name(client):
    response = client.get(LOGIN)
    assert response.status_code == 200
    text = response.content.decode()
    assert "广州市社工服务站管理平台" in text
    assert "用户登录" in text
    assert 'name="password"' in text


def test_settings_and_urls_agree_on_the_login_url(settings):
    assert reverse(settings.LOGIN_URL) == LOGIN
    assert reverse(settings.LOGOUT_REDIRECT_URL) == LOGIN


def test_the_second_factor_middleware_points_at_a_real_page():
    assert reverse("portal_auth:otp_verify") == "/accounts/otp/verify/"


@pytest.mark.django_db
def test_a_page_for_signed_in_users_sends_strangers_to_the_login_page(client):
    response = client.get("/accounts/password/")
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN + "?next=")


@pytest.mark.django_db
def test_a_correct_password_signs_in_and_is_audited_with_the_address(client, world):
    response = sign_in(client, "district_a")
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert client.get("/").status_code == 200
    row = audit_rows(AuditAction.LOGIN, "district_a").get()
    assert row.outcome == AuditOutcome.SUCCESS
    assert row.ip_address == "127.0.0.1"
    assert row.actor_id == world.district_a_officer.pk


@pytest.mark.django_db
def test_a_wrong_password_gets_a_chinese_message_with_attempts_left_and_an_audit_row(client, world):
    response = sign_in(client, "district_a", WRONG)
    assert response.status_code == 200
    text = response.content.decode()
    assert "用户名或密码错误" in text
    assert "再失败4次，账号将被锁定30分钟" in text
    row = audit_rows(AuditAction.LOGIN_FAILED, "district_a").get()
    assert row.outcome == AuditOutcome.FAILURE
    assert row.ip_address == "127.0.0.1"
    assert row.object_id == str(world.district_a_officer.pk)
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_an_unknown_username_gets_the_same_message_as_a_wrong_password(client, world):
    response = sign_in(client, "nobody", WRONG)
    assert "用户名或密码错误" in response.content.decode()
    assert audit_rows(AuditAction.LOGIN_FAILED, "nobody").get().outcome == AuditOutcome.FAILURE


# --- lockout ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_five_failures_lock_the_account_with_a_chinese_page_and_audit_rows(client, world):
    response = fail_five_times(client, "district_a")
    assert response.status_code == 429
    text = response.content.decode()
    assert "账号已锁定" in text
    assert "由于连续5次登录失败，账号已被锁定30分钟" in text
    unlocks = timezone.localtime(AccessAttempt.objects.get(username="district_a").attempt_time)
    assert f"将于 {(unlocks + timedelta(minutes=30)):%Y-%m-%d %H:%M} 自动解锁" in text

    failed = audit_rows(AuditAction.LOGIN_FAILED, "district_a")
    assert [r.outcome for r in failed] == [AuditOutcome.FAILURE] * 5
    lockout = audit_rows(AuditAction.LOCKOUT, "district_a").get()
    assert lockout.outcome == AuditOutcome.DENIED
    assert lockout.ip_address == "127.0.0.1"
    assert lockout.object_id == str(world.district_a_officer.pk)
    assert is_locked_out(world.district_a_officer)


@pytest.mark.django_db
def test_a_locked_account_is_refused_even_with_the_right_password(client, world):
    fail_five_times(client, "district_a")
    response = sign_in(client, "district_a")
    assert response.status_code == 429
    assert "账号已锁定" in response.content.decode()
    assert "_auth_user_id" not in client.session
    refused = audit_rows(AuditAction.LOGIN_FAILED, "district_a").last()
    assert refused.outcome == AuditOutcome.DENIED
    # Trying again while locked neither adds a lockout event nor extends the lock.
    assert audit_rows(AuditAction.LOCKOUT, "district_a").count() == 1
    assert AccessAttempt.objects.get(username="district_a").failures_since_start == 5


@pytest.mark.django_db
def test_the_lock_holds_at_29_minutes_and_lifts_after_30(client, world):
    fail_five_times(client, "district_a")

    shift_attempts("district_a", timedelta(minutes=29))
    assert sign_in(client, "district_a").status_code == 429

    shift_attempts("district_a", timedelta(minutes=1, seconds=1))
    response = sign_in(client, "district_a")
    assert response.status_code == 302
    assert client.get("/").status_code == 200


@pytest.mark.django_db
def test_the_lock_is_per_account_not_per_address(client, world):
    fail_five_times(client, "district_a")
    assert sign_in(client, "district_b").status_code == 302


@pytest.mark.django_db
def test_the_city_admin_unlocks_an_account_early_and_it_is_audited(client, world):
    fail_five_times(client, "district_a")
    admin = Client()
    admin.force_login(world.city_admin, backend="django.contrib.auth.backends.ModelBackend")

    page = admin.get("/manage/security/")
    assert page.status_code == 200
    unlock_url = reverse("security:unlock", kwargs={"pk": world.district_a_officer.pk})
    assert unlock_url in page.content.decode()

    response = admin.post(unlock_url, follow=True)
    assert response.status_code == 200
    assert "已解除账号“district_a”的锁定" in response.content.decode()
    row = audit_rows(AuditAction.UNLOCK, str(world.district_a_officer)).get()
    assert row.actor_id == world.city_admin.pk
    assert row.object_id == str(world.district_a_officer.pk)
    assert not is_locked_out(world.district_a_officer)
    assert sign_in(client, "district_a").status_code == 302


@pytest.mark.django_db
def test_only_the_city_admin_may_unlock(client, world, login):
    fail_five_times(client, "district_a")
    other = Client()
    other.force_login(world.city_officer, backend="django.contrib.auth.backends.ModelBackend")
    url = reverse("security:unlock", kwargs={"pk": world.district_a_officer.pk})
    assert other.post(url).status_code == 403
    assert other.get("/manage/security/").status_code == 403
    assert is_locked_out(world.district_a_officer)
    with pytest.raises(Exception, match="只有市级管理员"):
        account_unlock(actor=world.city_officer, user=world.district_a_officer)


@pytest.mark.django_db
def test_unlock_answers_only_to_post(world, login):
    client = login(world.city_admin)
    url = reverse("security:unlock", kwargs={"pk": world.district_a_officer.pk})
    assert client.get(url).status_code == 405


@pytest.mark.django_db
def test_the_locked_accounts_list_runs_a_fixed_number_of_queries(
    client, world, django_assert_max_num_queries
):
    for username in ("district_a", "district_b", "station_a1", "ghost"):
        fail_five_times(Client(), username)
    admin = Client()
    admin.force_login(world.city_admin, backend="django.contrib.auth.backends.ModelBackend")
    with django_assert_max_num_queries(12):
        response = admin.get("/manage/security/")
    text = response.content.decode()
    for username in ("district_a", "district_b", "station_a1", "ghost"):
        assert username in text
    assert "（无此用户）" in text


# --- signing out ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_get_on_logout_asks_for_confirmation_and_keeps_the_session(world, login):
    client = login(world.district_a_officer)
    response = client.get("/accounts/logout/")
    assert response.status_code == 200
    assert "确定要退出吗" in response.content.decode()
    assert client.get("/").status_code == 200


@pytest.mark.django_db
def test_a_post_on_logout_signs_out_says_so_and_is_audited(client, world):
    sign_in(client, "district_a")
    response = client.post("/accounts/logout/", follow=True)
    assert response.redirect_chain[-1][0] == LOGIN
    text = response.content.decode()
    assert "您已安全退出" in text
    assert "登录已过期" not in text
    assert client.get("/").status_code == 302
    assert audit_rows(AuditAction.LOGOUT, "district_a").get().ip_address == "127.0.0.1"


# --- session limits ---------------------------------------------------------------------------


def test_sessions_expire_after_30_idle_minutes_and_every_request_renews_them(settings):
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    assert settings.SESSION_SAVE_EVERY_REQUEST is True
    assert settings.SESSION_ABSOLUTE_SECONDS == 12 * 60 * 60


@pytest.mark.django_db
def test_an_idle_session_ends_and_the_login_page_says_why(client, world):
    sign_in(client, "district_a")
    assert client.get("/").status_code == 200
    # 30 minutes pass without a request: the stored session has expired.
    Session.objects.filter(session_key=client.session.session_key).update(
        expire_date=clock.now() - timedelta(seconds=1)
    )
    response = client.get("/", follow=True)
    assert response.redirect_chain[-1][0].startswith(LOGIN)
    assert "因长时间未操作（超过30分钟），登录已过期" in response.content.decode()
    # The notice is shown once.
    assert "登录已过期" not in client.get(LOGIN).content.decode()


@pytest.mark.django_db
def test_an_idle_session_ends_with_a_short_cookie_age(client, world, settings):
    settings.SESSION_COOKIE_AGE = 1
    sign_in(client, "district_a")
    time.sleep(1.1)
    response = client.get("/", follow=True)
    assert "因长时间未操作" in response.content.decode()


@pytest.mark.django_db
def test_a_session_ends_12_hours_after_sign_in_however_active(client, world):
    sign_in(client, "district_a")
    session = client.session
    session["portal_login_at"] = int(time.time()) - 12 * 3600 - 1
    session.save()
    response = client.get("/stations/", follow=True)
    first_hop = response.redirect_chain[0][0]
    assert first_hop.startswith(LOGIN + "?next=")
    assert "登录已超过12小时，为保障账号安全已自动退出" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert audit_rows(AuditAction.LOGOUT, "district_a").count() == 1


@pytest.mark.django_db
def test_a_session_just_under_12_hours_old_still_works(client, world):
    sign_in(client, "district_a")
    session = client.session
    session["portal_login_at"] = int(time.time()) - 12 * 3600 + 60
    session.save()
    assert client.get("/").status_code == 200


@pytest.mark.django_db
def test_the_api_refuses_a_session_past_12_hours(client, world):
    sign_in(client, "district_a")
    session = client.session
    session["portal_login_at"] = int(time.time()) - 12 * 3600 - 1
    session.save()
    response = client.get("/api/v1/me/")
    assert response.status_code in (401, 403)


# --- password rules ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("Ab1!xyz", "密码太短，至少需要8个字符。"),
        ("Password1", "这个密码太常见了。"),
        ("stationwork", "密码须包含以下至少3类字符"),
        ("station2026", "密码须包含以下至少3类字符"),
        ("12345678901", "密码只包含数字。"),
    ],
)
def test_a_password_that_breaks_a_rule_is_refused_with_a_chinese_message(password, message):
    with pytest.raises(ValidationError) as caught:
        validate_password(password)
    assert any(message in m for m in caught.value.messages)


@pytest.mark.parametrize("password", ["Ab1!wxyz", "Station2026", "station-2026", "STATION_work"])
def test_a_password_of_8_characters_from_3_classes_passes(password):
    validate_password(password)


@pytest.mark.django_db
def test_a_password_like_the_username_is_refused(world):
    with pytest.raises(ValidationError, match="太相似"):
        validate_password("District_a1", world.district_a_officer)


@pytest.mark.django_db
def test_a_signed_in_user_changes_their_password_and_stays_signed_in(client, world):
    sign_in(client, "district_a")
    response = client.post(
        "/accounts/password/",
        {"old_password": PASSWORD, "new_password1": "Tianhe#2026", "new_password2": "Tianhe#2026"},
        follow=True,
    )
    assert response.status_code == 200
    assert "密码已修改" in response.content.decode()
    assert client.get("/").status_code == 200
    world.district_a_officer.refresh_from_db()
    assert world.district_a_officer.check_password("Tianhe#2026")
    assert AuditEvent.objects.filter(
        action=AuditAction.ACTION, message="修改密码", object_id=str(world.district_a_officer.pk)
    ).exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("old", "new1", "new2", "message"),
    [
        (WRONG, "Tianhe#2026", "Tianhe#2026", "原密码不正确"),
        (PASSWORD, "Tianhe#2026", "Tianhe#2027", "两次输入的新密码不一致"),
        (PASSWORD, "Th#2026", "Th#2026", "密码太短，至少需要8个字符"),
        (PASSWORD, "tianhe2026", "tianhe2026", "密码须包含以下至少3类字符"),
    ],
)
def test_a_bad_password_change_says_why_in_chinese_and_changes_nothing(
    world, login, old, new1, new2, message
):
    client = login(world.district_a_officer)
    response = client.post(
        "/accounts/password/", {"old_password": old, "new_password1": new1, "new_password2": new2}
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    world.district_a_officer.refresh_from_db()
    assert world.district_a_officer.check_password(PASSWORD)


# --- API tokens -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_user_creates_a_token_shown_once_that_authenticates_the_api(world, login):
    client = login(world.district_a_officer)
    response = client.post("/accounts/token/", {"action": "rotate"})
    assert response.status_code == 200
    token = Token.objects.get(user=world.district_a_officer)
    assert token.key in response.content.decode()
    assert response["Cache-Control"] == "no-store"
    assert token.key not in client.get("/accounts/token/").content.decode()

    api = Client()
    me = api.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {token.key}")
    assert me.status_code == 200
    body = me.json()
    assert body["username"] == "district_a"
    assert body["roles"] == [
        {"role": "district_officer", "role_display": "区民政局人员", "anchor": "天河区"}
    ]
    assert AuditEvent.objects.filter(message="生成API令牌").exists()


@pytest.mark.django_db
def test_rotating_a_token_stops_the_old_one(world, login):
    client = login(world.district_a_officer)
    client.post("/accounts/token/", {"action": "rotate"})
    old = Token.objects.get(user=world.district_a_officer).key
    client.post("/accounts/token/", {"action": "rotate"})
    new = Token.objects.get(user=world.district_a_officer).key
    assert new != old
    assert Client().get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {old}").status_code == 401
    assert Client().get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {new}").status_code == 200


@pytest.mark.django_db
def test_a_revoked_token_is_refused(world, login):
    client = login(world.district_a_officer)
    client.post("/accounts/token/", {"action": "rotate"})
    key = Token.objects.get(user=world.district_a_officer).key
    client.post("/accounts/token/", {"action": "revoke"})
    assert not Token.objects.filter(user=world.district_a_officer).exists()
    assert Client().get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {key}").status_code == 401


@pytest.mark.django_db
def test_a_token_older_than_90_days_is_refused_with_a_chinese_message(world):
    token = Token.objects.create(user=world.district_a_officer)
    Token.objects.filter(pk=token.pk).update(created=clock.now() - timedelta(days=90, seconds=1))
    response = Client().get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {token.key}")
    assert response.status_code == 401
    assert response.json()["detail"] == "令牌已过期，请重新生成。"


@pytest.mark.django_db
def test_a_token_just_under_90_days_old_still_works(world):
    token = Token.objects.create(user=world.district_a_officer)
    Token.objects.filter(pk=token.pk).update(created=clock.now() - timedelta(days=89, hours=23))
    response = Client().get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {token.key}")
    assert response.status_code == 200


@pytest.mark.django_db
def test_the_api_without_credentials_is_refused(client, world):
    assert client.get("/api/v1/me/").status_code in (401, 403)


@pytest.mark.django_db
def test_me_answers_a_session_user_about_themselves_only(world, login):
    client = login(world.station_a1_manager)
    body = client.get("/api/v1/me/").json()
    assert body["username"] == "station_a1"
    assert [r["role"] for r in body["roles"]] == ["station_manager"]
