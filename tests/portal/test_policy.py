"""Policy versions: lookup by date, frozen versions, the city admin's pages and API."""

from __future__ import annotations

import io
from datetime import date, timedelta
from decimal import Decimal

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from portal import clock
from portal.errors import Conflict
from portal.models import PolicyVersion
from portal.selectors import policy_for_service_year, policy_in_force
from portal.services import policy as services

pytestmark = pytest.mark.django_db


def future(days: int = 30) -> date:
    return clock.today() + timedelta(days=days)


def seeded_2018() -> PolicyVersion:
    return PolicyVersion.objects.get(effective_from=date(2018, 1, 1))


# --- lookup by date ------------------------------------------------------------------------


def test_the_day_before_the_2018_rules_is_judged_by_the_2012_version():
    version = policy_in_force(date(2017, 12, 31))
    assert version.effective_from == date(2012, 1, 1)
    assert version.personnel_floor_percent == Decimal("60.00")
    assert version.standard_annual_fee == Decimal("2000000.00")


def test_the_2018_rules_apply_from_their_first_day():
    version = policy_in_force(date(2018, 1, 1))
    assert version.personnel_floor_percent == Decimal("65.00")
    assert version.standard_annual_fee == Decimal("2400000.00")
    assert policy_for_service_year(2017).effective_from == date(2012, 1, 1)
    assert policy_for_service_year(2018) == version


def test_a_future_version_takes_over_on_its_date(world):
    starts = future(10)
    new = services.policy_version_create(
        actor=world.city_admin,
        name="2027年标准",
        effective_from=starts,
        standard_annual_fee=Decimal("2500000.00"),
    )
    assert policy_in_force(starts - timedelta(days=1)) == seeded_2018()
    assert policy_in_force(starts) == new
    assert policy_in_force(starts + timedelta(days=400)) == new
    # Unset thresholds take the model defaults, here the 65% floor.
    assert new.personnel_floor_percent == Decimal("65.00")


# --- services ------------------------------------------------------------------------------


def test_a_version_in_force_is_frozen(world):
    with pytest.raises(Conflict) as exc:
        services.policy_version_update(
            actor=world.city_admin, version=seeded_2018(), personnel_floor_percent=Decimal("70.00")
        )
    assert exc.value.message == services.FROZEN
    assert seeded_2018().personnel_floor_percent == Decimal("65.00")


def test_a_past_version_is_frozen_too(world):
    old = PolicyVersion.objects.get(effective_from=date(2012, 1, 1))
    with pytest.raises(Conflict):
        services.policy_version_update(actor=world.city_admin, version=old, note="改")


def test_a_future_version_may_be_edited_until_it_takes_effect(world):
    version = services.policy_version_create(
        actor=world.city_admin, name="下一版", effective_from=future()
    )
    services.policy_version_update(actor=world.city_admin, version=version, staff_per_station=22)
    version.refresh_from_db()
    assert version.staff_per_station == 22


def test_a_new_version_must_take_effect_after_today(world):
    with pytest.raises(ValidationError) as exc:
        services.policy_version_create(
            actor=world.city_admin, name="补录", effective_from=clock.today()
        )
    assert "effective_from" in exc.value.message_dict


def test_a_future_version_cannot_be_moved_into_the_past(world):
    version = services.policy_version_create(
        actor=world.city_admin, name="下一版", effective_from=future()
    )
    with pytest.raises(ValidationError):
        services.policy_version_update(
            actor=world.city_admin, version=version, effective_from=date(2019, 1, 1)
        )


def test_two_versions_cannot_share_an_effective_date(world):
    services.policy_version_create(actor=world.city_admin, name="甲", effective_from=future())
    with pytest.raises(ValidationError) as exc:
        services.policy_version_create(actor=world.city_admin, name="乙", effective_from=future())
    assert "effective_from" in exc.value.message_dict


def test_grade_bands_must_descend(world):
    with pytest.raises(ValidationError) as exc:
        services.policy_version_create(
            actor=world.city_admin,
            name="错误分数线",
            effective_from=future(),
            grade_excellent_min=Decimal("80.00"),
            grade_good_min=Decimal("80.00"),
            grade_pass_min=Decimal("60.00"),
        )
    assert "等级分数线须依次递减：优秀 > 良好 > 合格。" in exc.value.messages


def test_only_the_city_admin_writes_policy(world):
    with pytest.raises(PermissionDenied):
        services.policy_version_create(actor=world.city_officer, name="x", effective_from=future())


# --- pages ---------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["station_a1_manager", "evaluator", "city_officer"])
def test_every_signed_in_user_may_read_the_policy(world, login, persona):
    client = login(getattr(world, persona))
    assert client.get(reverse("manage:policy_list")).status_code == 200
    detail = client.get(reverse("manage:policy_detail", args=[seeded_2018().pk]))
    assert detail.status_code == 200
    assert "编辑" not in detail.content.decode().split("page-actions")[1][:400]


def test_the_list_highlights_the_version_in_force(world, login):
    response = login(world.city_admin).get(reverse("manage:policy_list"))
    assert response.context["in_force_id"] == seeded_2018().pk
    assert "现行" in response.content.decode()


def test_the_list_runs_a_fixed_number_of_queries(world, login, django_assert_max_num_queries):
    client = login(world.city_admin)
    client.get(reverse("manage:policy_list"))
    with django_assert_max_num_queries(14) as few:
        client.get(reverse("manage:policy_list"))
    for i in range(5):
        PolicyVersion.objects.create(name=f"v{i}", effective_from=future(100 + i))
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("manage:policy_list"))


def test_the_list_exports_to_excel(world, login):
    response = login(world.station_a1_manager).get(
        reverse("manage:policy_list"), {"export": "xlsx"}
    )
    ws = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    assert ws["A1"].value == "版本名称"
    assert ws.max_row == 3


def test_the_detail_shows_every_threshold_with_its_source(world, login):
    html = (
        login(world.district_a_officer)
        .get(reverse("manage:policy_detail", args=[seeded_2018().pk]))
        .content.decode()
    )
    assert "人员经费最低占比（%）" in html
    assert "穗府办规〔2018〕13号：人员支出不低于项目经费的65%（确定）。" in html
    assert "未知：暂设30天。" in html


def test_money_thresholds_read_as_yuan_with_thousands_separators(world, login):
    client = login(world.district_a_officer)
    detail = client.get(reverse("manage:policy_detail", args=[seeded_2018().pk])).content.decode()
    assert "2,400,000.00" in detail
    assert "3,000,000.00" in detail
    assert "2400000.00" not in detail
    listing = client.get(reverse("manage:policy_list")).content.decode()
    assert "2,400,000.00" in listing and "2,000,000.00" in listing
    assert "2400000.00" not in listing


def test_the_new_version_form_is_prefilled_from_the_version_in_force(world, login):
    response = login(world.city_admin).get(reverse("manage:policy_create"))
    form = response.context["form"]
    assert form.initial["standard_annual_fee"] == Decimal("2400000.00")
    assert not form.initial.get("effective_from")


def test_the_admin_creates_a_version_on_the_page(world, login):
    response = login(world.city_admin).get(reverse("manage:policy_create"))
    data = {k: ("" if v is None else v) for k, v in response.context["form"].initial.items()}
    data.update(
        name="2027年标准", effective_from=future().isoformat(), personnel_floor_percent="66.00"
    )
    response = login(world.city_admin).post(reverse("manage:policy_create"), data)
    assert response.status_code == 302, response.context["form"].errors
    assert PolicyVersion.objects.get(name="2027年标准").personnel_floor_percent == Decimal("66")


def test_a_date_in_the_past_is_reported_on_the_date_field(world, login):
    client = login(world.city_admin)
    data = {
        k: ("" if v is None else v)
        for k, v in client.get(reverse("manage:policy_create")).context["form"].initial.items()
    }
    data.update(name="补录", effective_from="2019-01-01")
    response = client.post(reverse("manage:policy_create"), data)
    assert response.status_code == 400
    assert "晚于今天" in response.context["form"].errors["effective_from"][0]


def test_other_roles_cannot_open_the_new_version_page(world, login):
    assert login(world.city_officer).get(reverse("manage:policy_create")).status_code == 403


def test_editing_a_version_in_force_answers_409_with_the_chinese_message(world, login):
    client = login(world.city_admin)
    url = reverse("manage:policy_update", args=[seeded_2018().pk])
    for response in (client.get(url), client.post(url, {"name": "改"})):
        assert response.status_code == 409
        assert services.FROZEN in response.content.decode()


def test_others_editing_a_version_get_403(world, login):
    version = services.policy_version_create(
        actor=world.city_admin, name="下一版", effective_from=future()
    )
    url = reverse("manage:policy_update", args=[version.pk])
    assert login(world.district_a_officer).get(url).status_code == 403


# --- API -----------------------------------------------------------------------------------


def test_everyone_reads_policy_versions_through_the_api(world, login):
    response = login(world.station_b1_manager).get("/api/v1/policy-versions/")
    assert response.status_code == 200
    rows = response.json()["results"]
    assert [r["effective_from"] for r in rows] == ["2018-01-01", "2012-01-01"]
    assert rows[0]["personnel_floor_percent"] == "65.00"
    assert rows[0]["is_frozen"] is True


def test_the_api_refuses_writes_from_other_roles(world, login):
    response = login(world.city_officer).post(
        "/api/v1/policy-versions/",
        {"name": "x", "effective_from": future().isoformat()},
        content_type="application/json",
    )
    assert response.status_code == 403


def test_the_api_answers_409_for_a_frozen_version(world, login):
    response = login(world.city_admin).patch(
        f"/api/v1/policy-versions/{seeded_2018().pk}/",
        {"staff_per_station": 25},
        content_type="application/json",
    )
    assert response.status_code == 409
    assert response.json()["detail"] == services.FROZEN


def test_the_api_creates_and_edits_a_future_version(world, login):
    client = login(world.city_admin)
    response = client.post(
        "/api/v1/policy-versions/",
        {"name": "下一版", "effective_from": future().isoformat()},
        content_type="application/json",
    )
    assert response.status_code == 201, response.json()
    pk = response.json()["id"]
    response = client.patch(
        f"/api/v1/policy-versions/{pk}/", {"staff_per_station": 25}, content_type="application/json"
    )
    assert response.status_code == 200, response.json()
    assert response.json()["staff_per_station"] == 25
    bad = client.patch(
        f"/api/v1/policy-versions/{pk}/",
        {"grade_good_min": "95.00"},
        content_type="application/json",
    )
    assert bad.status_code == 400


def test_the_api_never_deletes_a_version(world, login):
    response = login(world.city_admin).delete(f"/api/v1/policy-versions/{seeded_2018().pk}/")
    assert response.status_code == 405
