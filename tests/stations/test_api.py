"""The stations API: scope, filters shared with the pages, writes through the services."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from stations.models import Contract, Institution, Station
from stations.rules import make_credit_code
from tests.factories import CommunityFactory, ContractFactory, StationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def api():
    def _as(user):
        client = APIClient()
        client.force_authenticate(user)
        return client

    return _as


def ids(response):
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


# --- scope ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("city_officer", 200),
        ("district_a_officer", 200),
        ("station_a1_manager", 200),
        ("institution_a_admin", 200),
        ("district_b_officer", 404),
        ("station_b1_manager", 404),
    ],
)
def test_a_station_is_read_only_by_those_in_scope(world, api, persona, expected):
    response = api(getattr(world, persona)).get(f"/api/v1/stations/{world.station_a1.pk}/")
    assert response.status_code == expected
    if expected == 404:
        assert response.json()["detail"] == "未找到。"


def test_the_station_list_api_is_scoped(world, api):
    assert ids(api(world.district_a_officer).get("/api/v1/stations/")) == [
        world.station_a1.pk,
        world.station_a2.pk,
    ]
    assert ids(api(world.station_b1_manager).get("/api/v1/stations/")) == [world.station_b1.pk]
    assert ids(api(world.evaluator).get("/api/v1/stations/")) == []


def test_the_station_api_reports_todays_operator(world, api):
    data = api(world.city_officer).get(f"/api/v1/stations/{world.station_a1.pk}/").json()
    assert data["operator_id"] == world.institution_a.pk
    assert data["operator_name"] == world.institution_a.name
    assert data["district_name"] == "天河区"


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("station_a1_manager", 403),
        ("subdistrict_a1_officer", 403),
        ("institution_a_admin", 403),
        ("district_b_officer", 404),
        ("district_a_officer", 200),
        ("city_admin", 200),
    ],
)
def test_changing_a_station_needs_an_editor_in_scope(world, api, persona, expected):
    response = api(getattr(world, persona)).patch(
        f"/api/v1/stations/{world.station_a1.pk}/", {"phone": "020-1111"}, format="json"
    )
    assert response.status_code == expected
    world.station_a1.refresh_from_db()
    assert (world.station_a1.phone == "020-1111") == (expected == 200)


def test_moving_a_station_into_another_district_is_refused_in_chinese(world, api):
    response = api(world.district_a_officer).patch(
        f"/api/v1/stations/{world.station_a1.pk}/",
        {"subdistrict": world.subdistrict_b1.pk},
        format="json",
    )
    assert response.status_code == 400
    message = " ".join(response.json()["subdistrict"])
    assert "赤岗街道" in message and "管辖范围" in message
    world.station_a1.refresh_from_db()
    assert world.station_a1.subdistrict == world.subdistrict_a1


def test_a_district_officer_creates_a_station_with_its_communities(world, api):
    community = CommunityFactory(subdistrict=world.subdistrict_a1)
    response = api(world.district_a_officer).post(
        "/api/v1/stations/",
        {
            "code": "TH-050",
            "name": "新建站",
            "subdistrict": world.subdistrict_a1.pk,
            "communities": [community.pk],
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["district"] == world.district_a.pk
    assert list(Station.objects.get(code="TH-050").communities.all()) == [community]
    refused = api(world.station_a1_manager).post(
        "/api/v1/stations/",
        {"code": "TH-051", "name": "x", "subdistrict": world.subdistrict_a1.pk},
        format="json",
    )
    assert refused.status_code == 403


def test_stations_cannot_be_deleted_through_the_api(world, api):
    response = api(world.city_admin).delete(f"/api/v1/stations/{world.station_a1.pk}/")
    assert response.status_code == 405


# --- filters --------------------------------------------------------------------------------


def test_the_api_uses_the_same_filters_as_the_page(world, api):
    client = api(world.city_admin)
    assert ids(client.get("/api/v1/stations/", {"district": world.district_b.pk})) == [
        world.station_b1.pk
    ]
    assert ids(client.get("/api/v1/stations/", {"q": "五山"})) == [world.station_a1.pk]
    assert ids(client.get("/api/v1/stations/", {"institution": world.institution_a.pk})) == [
        world.station_a1.pk
    ]
    assert ids(client.get("/api/v1/stations/", {"sort": "-code"})) == [
        world.station_a2.pk,
        world.station_a1.pk,
        world.station_b1.pk,
    ]
    # An out-of-scope choice is not a valid filter value.
    response = api(world.district_a_officer).get(
        "/api/v1/stations/", {"district": world.district_b.pk}
    )
    assert response.status_code == 400


def test_the_station_list_api_runs_the_same_queries_for_3_or_30_stations(world, api):
    client = api(world.city_admin)
    for _n in range(2):
        CommunityFactory(subdistrict=world.subdistrict_a1).stations.add(world.station_a1)
    client.get("/api/v1/stations/")  # the user's role assignments are read once, then cached
    with CaptureQueriesContext(connection) as few:
        assert len(ids(client.get("/api/v1/stations/"))) == 3
    for n in range(27):
        station = StationFactory(subdistrict=world.subdistrict_a1, code=f"TH-2{n:02d}")
        ContractFactory(station=station, institution=world.institution_b)
        CommunityFactory(subdistrict=world.subdistrict_a1).stations.add(station)
    with CaptureQueriesContext(connection) as many:
        assert len(ids(client.get("/api/v1/stations/"))) == 30
    assert len(many) == len(few)
    assert len(many) <= 8


def test_the_district_figures_are_scoped(world, api):
    rows = api(world.district_a_officer).get("/api/v1/stations/district-figures/").json()
    assert [(r["name"], r["stations"], r["contracts_in_force"]) for r in rows] == [("天河区", 2, 2)]


def test_the_geography_is_public_reference_data(world, api):
    client = api(world.station_b1_manager)
    districts = client.get("/api/v1/districts/").json()["results"]
    assert {d["name"] for d in districts} == {"天河区", "海珠区"}
    subs = client.get("/api/v1/subdistricts/", {"district": world.district_a.pk}).json()
    assert {s["name"] for s in subs["results"]} == {"五山街道", "员村街道"}
    assert client.get("/api/v1/project-kinds/").status_code == 200
    assert client.post("/api/v1/districts/", {"code": "440199", "name": "x"}).status_code == 405


# --- contracts ------------------------------------------------------------------------------


def test_an_overlapping_contract_is_refused_naming_the_other(world, api, today):
    response = api(world.city_admin).post(
        "/api/v1/contracts/",
        {
            "station": world.station_a1.pk,
            "institution": world.institution_b.pk,
            "service_year": today.year,
            "starts_on": f"{today.year}-03-01",
            "ends_on": f"{today.year}-12-31",
        },
        format="json",
    )
    assert response.status_code == 400
    message = " ".join(response.json()["starts_on"])
    assert world.contract_a1.code in message and world.institution_a.name in message


def test_a_contract_gets_the_policy_fee_by_default_and_refuses_a_negative_fee(world, api, today):
    client = api(world.district_a_officer)
    response = client.post(
        "/api/v1/contracts/",
        {
            "station": world.station_a1.pk,
            "institution": world.institution_b.pk,
            "service_year": today.year + 1,
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    assert Decimal(response.json()["annual_fee"]) == Decimal("2400000.00")
    negative = client.post(
        "/api/v1/contracts/",
        {
            "station": world.station_a2.pk,
            "institution": world.institution_b.pk,
            "service_year": today.year + 1,
            "annual_fee": "-5.00",
        },
        format="json",
    )
    assert negative.status_code == 400
    assert "annual_fee" in negative.json()
    outsider = client.post(
        "/api/v1/contracts/",
        {
            "station": world.station_b1.pk,
            "institution": world.institution_b.pk,
            "service_year": today.year + 1,
        },
        format="json",
    )
    assert outsider.status_code == 400  # B1 is not a valid choice for a district A officer
    assert not Contract.objects.filter(
        station=world.station_b1, service_year=today.year + 1
    ).exists()


def test_the_contracts_api_is_scoped_and_filtered(world, api):
    assert ids(api(world.institution_a_admin).get("/api/v1/contracts/")) == [world.contract_a1.pk]
    client = api(world.city_officer)
    rows = ids(client.get("/api/v1/contracts/", {"station": world.station_b1.pk}))
    assert rows == [world.contract_b1.pk]
    assert ids(client.get("/api/v1/contracts/", {"in_force_on": "2001-01-01"})) == []


def test_a_contract_is_terminated_through_the_api(world, api, today):
    url = f"/api/v1/contracts/{world.contract_a1.pk}/terminate/"
    body = {"terminated_on": f"{today.year}-05-31", "reason": "机构退出"}
    assert api(world.station_a1_manager).post(url, body, format="json").status_code == 403
    response = api(world.district_a_officer).post(url, body, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "terminated"
    again = api(world.district_a_officer).post(url, body, format="json")
    assert again.status_code == 409


# --- institutions ---------------------------------------------------------------------------


def test_an_invalid_credit_code_is_refused_unless_a_city_admin_confirms(world, api):
    good = make_credit_code(21)
    bad = good[:-1] + ("0" if good[-1] != "0" else "1")
    body = {"name": "广州市丙社会工作服务中心", "credit_code": bad}
    refused = api(world.district_a_officer).post("/api/v1/institutions/", body, format="json")
    assert refused.status_code == 400
    assert "GB 32100" in " ".join(refused.json()["credit_code"])
    ignored = api(world.district_a_officer).post(
        "/api/v1/institutions/", body | {"confirm_invalid_code": True}, format="json"
    )
    assert ignored.status_code == 400
    accepted = api(world.city_admin).post(
        "/api/v1/institutions/", body | {"confirm_invalid_code": True}, format="json"
    )
    assert accepted.status_code == 201, accepted.content
    assert accepted.json()["credit_code_confirmed"] is True
    assert Institution.objects.get(credit_code=bad).credit_code_confirmed_by == world.city_admin


def test_credit_records_are_added_and_lifted_by_the_city_admin(world, api):
    body = {
        "institution": world.institution_a.pk,
        "kind": "abnormal_operation",
        "listed_on": "2024-02-01",
        "reason": "未按时提交年度报告",
    }
    assert (
        api(world.district_a_officer)
        .post("/api/v1/credit-records/", body, format="json")
        .status_code
        == 403
    )
    created = api(world.city_admin).post("/api/v1/credit-records/", body, format="json")
    assert created.status_code == 201, created.content
    lifted = api(world.city_admin).post(
        f"/api/v1/credit-records/{created.json()['id']}/lift/",
        {"lifted_on": "2024-08-01"},
        format="json",
    )
    assert lifted.status_code == 200 and lifted.json()["lifted_on"] == "2024-08-01"


def test_outposts_are_opened_and_closed_through_the_api(world, api):
    community = CommunityFactory(subdistrict=world.subdistrict_a1)
    elsewhere = CommunityFactory(subdistrict=world.subdistrict_b1)
    client = api(world.district_a_officer)
    refused = client.post(
        "/api/v1/outposts/",
        {"station": world.station_a1.pk, "community": elsewhere.pk},
        format="json",
    )
    assert refused.status_code == 400 and "community" in refused.json()
    created = client.post(
        "/api/v1/outposts/",
        {"station": world.station_a1.pk, "community": community.pk, "opened_on": "2024-01-01"},
        format="json",
    )
    assert created.status_code == 201, created.content
    closed = client.post(
        f"/api/v1/outposts/{created.json()['id']}/close/",
        {"closed_on": "2024-12-31"},
        format="json",
    )
    assert closed.status_code == 200 and closed.json()["closed_on"] == "2024-12-31"
    assert ids(api(world.district_b_officer).get("/api/v1/outposts/")) == []


def test_the_schema_describes_the_stations_resources(world, api):
    response = api(world.city_officer).get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    paths = response.json()["paths"]
    for path in (
        "/api/v1/stations/",
        "/api/v1/contracts/",
        "/api/v1/institutions/",
        "/api/v1/districts/",
        "/api/v1/subdistricts/",
        "/api/v1/communities/",
        "/api/v1/stations/district-figures/",
        "/api/v1/contracts/{id}/terminate/",
    ):
        assert path in paths


# --- review of issue 3: refusals and unknown ids in Chinese, naming the field and the rule ----


def test_a_role_that_only_reads_is_told_through_the_api_who_may_change(world, api):
    client = api(world.subdistrict_a1_officer)
    response = client.patch(f"/api/v1/stations/{world.station_a1.pk}/", {"name": "改"})
    assert response.status_code == 403
    assert response.json()["detail"] == (
        "您没有修改社工站的权限：修改社工站须由市级管理员或区民政局人员（限本区）办理。"
    )
    response = client.post(
        "/api/v1/contracts/",
        {"station": world.station_a1.pk, "institution": world.institution_a.pk},
    )
    assert response.status_code == 403
    assert "新建服务合同须由市级管理员或区民政局人员（限本区）办理" in response.json()["detail"]
    world.station_a1.refresh_from_db()
    assert world.station_a1.name != "改"


def test_an_unknown_street_or_town_is_named_in_the_error(world, api):
    response = api(world.district_a_officer).post(
        "/api/v1/stations/", {"code": "X-1", "name": "新站", "subdistrict": 987654}
    )
    assert response.status_code == 400
    assert response.json() == {"subdistrict": ["编号为987654的镇街不存在或不在您的可见范围内。"]}
    assert not Station.objects.filter(code="X-1").exists()


def test_a_negative_fee_is_refused_through_the_api_with_the_rules_message(world, api, today):
    response = api(world.district_a_officer).post(
        "/api/v1/contracts/",
        {
            "station": world.station_a2.pk,
            "institution": world.institution_a.pk,
            "service_year": today.year + 1,
            "annual_fee": "-1.00",
        },
    )
    assert response.status_code == 400
    assert response.json()["annual_fee"] == ["年度项目经费必须大于0元。"]


def test_the_api_refuses_a_city_admin_confirming_a_code_of_the_wrong_length(world, api):
    short = make_credit_code(22)[:17]
    response = api(world.city_admin).post(
        "/api/v1/institutions/",
        {"name": "广州市丁社会工作服务中心", "credit_code": short, "confirm_invalid_code": True},
        format="json",
    )
    assert response.status_code == 400
    message = " ".join(response.json()["credit_code"])
    assert "格式不正确" in message and "当前为17位" in message and "不能确认" in message
    assert not Institution.objects.filter(credit_code=short).exists()
