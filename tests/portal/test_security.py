"""Second factor (TOTP): enrolment, verification, removal, and the city admin's per-role rule."""

from __future__ import annotations

import time
from urllib.parse import unquote

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from portal.choices import AuditAction, AuditOutcome, Role
from portal.models import AuditEvent, RoleSecurity
from portal.services import security
from tests.factories import PASSWORD

ENROL = "/accounts/otp/"
VERIFY = "/accounts/otp/verify/"
ROLES = "/manage/security/roles/"


def code_for(device: TOTPDevice, step_ahead: int = 0) -> str:
    """The code an authenticator app shows now (or ``step_ahead`` 30-second steps later).

    A code is accepted once: a second check in the same step uses the next step's code,
    which the device's tolerance of one step accepts.
    """
    value = totp(device.bin_key, device.step, device.t0, device.digits, device.drift + step_ahead)
    return f"{value:0{device.digits}d}"


def signed_in(user) -> Client:
    """A browser that signed in through the login form (a fresh, unverified session)."""
    client = Client()
    response = client.post("/accounts/login/", {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302
    return client


def enrol(client, user) -> TOTPDevice:
    assert client.get(ENROL).status_code == 200
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    response = client.post(ENROL, {"code": code_for(device)})
    assert response.status_code == 302
    device.refresh_from_db()
    assert device.confirmed
    return device


def require(role: str, required: bool = True) -> None:
    RoleSecurity.objects.filter(role=role).update(require_second_factor=required)


# --- enrolment ----------------------------------------------------------------------------------


def test_the_seeded_roles_do_not_require_a_second_factor(db):
    assert RoleSecurity.objects.count() == len(Role)
    assert not RoleSecurity.objects.filter(require_second_factor=True).exists()


@pytest.mark.django_db
def test_the_enrolment_page_shows_an_inline_qr_code_and_the_secret(world):
    client = signed_in(world.district_a_officer)
    response = client.get(ENROL)
    assert response.status_code == 200
    text = response.content.decode()
    qr = text[text.index('data-testid="otp-qr"') :].split("</div>", 1)[0]
    assert "<svg " in qr  # drawn on the server, no image service
    assert "<img" not in qr
    device = TOTPDevice.objects.get(user=world.district_a_officer, confirmed=False)
    assert security.totp_secret(device) in text
    assert "验证并启用" in text
    # Reloading shows the same secret until it is confirmed.
    client.get(ENROL)
    assert TOTPDevice.objects.filter(user=world.district_a_officer).count() == 1


@pytest.mark.django_db
def test_a_district_officer_enrols_with_a_real_code_and_it_is_audited(world):
    client = signed_in(world.district_a_officer)
    device = enrol(client, world.district_a_officer)
    assert client.get("/").status_code == 200
    page = client.get(ENROL).content.decode()
    assert "已启用" in page
    assert security.totp_secret(device) not in page
    assert AuditEvent.objects.filter(
        action=AuditAction.ACTION, message="启用双因素认证", actor_id=world.district_a_officer.pk
    ).exists()


@pytest.mark.django_db
def test_a_wrong_enrolment_code_is_refused_in_chinese_and_nothing_is_confirmed(world):
    client = signed_in(world.city_officer)
    client.get(ENROL)
    device = TOTPDevice.objects.get(user=world.city_officer)
    wrong = f"{(int(code_for(device)) + 1) % 1_000_000:06d}"
    response = client.post(ENROL, {"code": wrong})
    assert response.status_code == 400
    assert "验证码不正确或已过期" in response.content.decode()
    device.refresh_from_db()
    assert not device.confirmed
    response = client.post(ENROL, {"code": "abcdef"})
    assert "验证码只能包含数字" in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "persona",
    [
        "subdistrict_a1_officer",
        "institution_a_admin",
        "station_a1_manager",
        "evaluator",
        "inspector",
    ],
)
def test_roles_other_than_city_and_district_may_not_enrol(world, login, persona):
    client = login(getattr(world, persona))
    assert client.get(ENROL).status_code == 403
    assert client.post(ENROL, {"code": "123456"}).status_code == 403
    assert not TOTPDevice.objects.exists()


@pytest.mark.django_db
def test_a_user_removes_their_second_factor_with_a_current_code(world):
    client = signed_in(world.city_admin)
    device = enrol(client, world.city_admin)
    response = client.post("/accounts/otp/remove/", {"remove-code": "000000"})
    assert response.status_code == 400
    assert TOTPDevice.objects.filter(user=world.city_admin).exists()
    time.sleep(1.05)  # the wait django-otp imposes after a wrong code
    response = client.post("/accounts/otp/remove/", {"remove-code": code_for(device, 1)})
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=world.city_admin).exists()
    assert AuditEvent.objects.filter(message="停用双因素认证").exists()


# --- the city admin requires it per role --------------------------------------------------------


@pytest.mark.django_db
def test_the_city_admin_requires_a_second_factor_for_a_role_on_the_page(world, login):
    client = login(world.city_admin)
    page = client.get(ROLES)
    assert page.status_code == 200
    assert "区民政局人员" in page.content.decode()
    response = client.post(ROLES, {"district_officer": "on"}, follow=True)
    assert "角色安全设置已保存" in response.content.decode()
    required = set(
        RoleSecurity.objects.filter(require_second_factor=True).values_list("role", flat=True)
    )
    assert required == {"district_officer"}
    assert AuditEvent.objects.filter(
        action=AuditAction.UPDATE, object_type="portal.rolesecurity", actor_id=world.city_admin.pk
    ).exists()
    client.post(ROLES, {})
    assert not RoleSecurity.objects.filter(require_second_factor=True).exists()


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["city_officer", "district_a_officer", "station_a1_manager"])
def test_only_the_city_admin_edits_the_role_rule(world, login, persona):
    client = login(getattr(world, persona))
    assert client.get(ROLES).status_code == 403
    assert client.post(ROLES, {"district_officer": "on"}).status_code == 403
    assert not RoleSecurity.objects.filter(require_second_factor=True).exists()


@pytest.mark.django_db
def test_a_role_that_cannot_enrol_cannot_be_required_to(world):
    with pytest.raises(ValidationError, match="不能启用双因素认证"):
        security.role_security_update(
            actor=world.city_admin, role=Role.STATION_MANAGER, require_second_factor=True
        )
    client = Client()
    client.force_login(world.city_admin, backend="django.contrib.auth.backends.ModelBackend")
    client.post(ROLES, {"station_manager": "on"})
    assert not RoleSecurity.objects.filter(require_second_factor=True).exists()


@pytest.mark.django_db
def test_a_required_user_without_a_device_is_sent_to_enrol_before_anything_else(world):
    require(Role.DISTRICT_OFFICER)
    client = signed_in(world.district_a_officer)
    response = client.get("/stations/")
    assert response.status_code == 302
    assert response["Location"] == f"{VERIFY}?next=/stations/"
    response = client.get(response["Location"])
    assert response.status_code == 302
    assert unquote(response["Location"]) == f"{ENROL}?next=/stations/"
    page = client.get(response["Location"]).content.decode()
    assert "您的角色要求使用双因素认证" in page

    device = TOTPDevice.objects.get(user=world.district_a_officer)
    response = client.post(ENROL, {"code": code_for(device), "next": "/stations/"})
    assert response["Location"] == "/stations/"
    assert client.get("/").status_code == 200


@pytest.mark.django_db
def test_a_required_user_verifies_once_per_sign_in(world):
    require(Role.DISTRICT_OFFICER)
    first = signed_in(world.district_a_officer)
    device = enrol(first, world.district_a_officer)

    client = signed_in(world.district_a_officer)
    response = client.get("/")
    assert response["Location"] == f"{VERIFY}?next=/"
    assert client.get(VERIFY).status_code == 200

    response = client.post(VERIFY, {"code": "000000", "next": "/"})
    assert response.status_code == 400
    assert "验证码不正确或已过期" in response.content.decode()
    assert AuditEvent.objects.filter(
        message="双因素验证码错误", outcome=AuditOutcome.FAILURE
    ).exists()

    # Right after a wrong code, django-otp makes the user wait a second.
    response = client.post(VERIFY, {"code": code_for(device, 1), "next": "/"})
    assert "验证码错误次数过多，请1秒后再试" in response.content.decode()
    time.sleep(1.05)
    response = client.post(VERIFY, {"code": code_for(device, 1), "next": "/"})
    assert response["Location"] == "/"
    assert client.get("/").status_code == 200
    assert client.get("/accounts/password/").status_code == 200


@pytest.mark.django_db
def test_verification_does_not_redirect_off_the_site(world):
    require(Role.DISTRICT_OFFICER)
    client = signed_in(world.district_a_officer)
    device = enrol(client, world.district_a_officer)
    client = signed_in(world.district_a_officer)
    response = client.post(VERIFY, {"code": code_for(device, 1), "next": "https://evil.example/"})
    assert response["Location"] == "/"


@pytest.mark.django_db
def test_signing_in_and_out_and_the_otp_pages_stay_reachable_before_verifying(world):
    require(Role.DISTRICT_OFFICER)
    client = signed_in(world.district_a_officer)
    assert client.get(ENROL).status_code == 200
    assert client.get("/accounts/logout/").status_code == 200
    assert client.get("/accounts/token/").status_code == 302
    assert client.get("/accounts/password/").status_code == 302


@pytest.mark.django_db
def test_roles_not_required_are_not_asked(world):
    require(Role.DISTRICT_OFFICER)
    assert signed_in(world.city_officer).get("/").status_code == 200
    assert signed_in(world.station_a1_manager).get("/").status_code == 200


@pytest.mark.django_db
def test_the_api_refuses_an_unverified_session_with_json_but_not_a_token(world):
    require(Role.DISTRICT_OFFICER)
    client = signed_in(world.district_a_officer)
    response = client.get("/api/v1/me/")
    assert response.status_code == 403
    assert response.json()["detail"] == "您的角色要求双因素认证，请先在网页上完成验证。"

    token = security.api_token_rotate(actor=world.district_a_officer)
    response = Client().get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {token.key}")
    assert response.status_code == 200
    assert response.json()["username"] == "district_a"


def test_the_second_factor_roles_are_the_city_and_district_roles():
    roles = security.SECOND_FACTOR_ROLES
    assert roles == {Role.CITY_ADMIN, Role.CITY_OFFICER, Role.DISTRICT_OFFICER}


@pytest.mark.django_db
def test_a_user_who_enrolled_without_a_role_rule_is_asked_for_the_code_at_each_sign_in(world):
    # No role requires it: the district officer set up an authenticator on their own.
    first = signed_in(world.district_a_officer)
    device = enrol(first, world.district_a_officer)

    client = signed_in(world.district_a_officer)
    response = client.get("/")
    assert response["Location"] == f"{VERIFY}?next=/"
    page = client.get(VERIFY).content.decode()
    assert "您已启用双因素认证。请输入认证器应用中显示的6位验证码后继续。" in page
    api = client.get("/api/v1/me/")
    assert api.status_code == 403
    assert api.json()["detail"] == "您已启用双因素认证，请先在网页上完成验证。"

    response = client.post(VERIFY, {"code": code_for(device, 1), "next": "/"})
    assert response["Location"] == "/"
    assert client.get("/").status_code == 200


@pytest.mark.django_db
def test_after_removing_the_second_factor_sign_in_asks_for_no_code(world):
    first = signed_in(world.district_a_officer)
    device = enrol(first, world.district_a_officer)
    response = first.post("/accounts/otp/remove/", {"remove-code": code_for(device, 1)})
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=world.district_a_officer).exists()
    assert first.get("/").status_code == 200

    assert signed_in(world.district_a_officer).get("/").status_code == 200
