import datetime as dt

import pytest
from rest_framework.test import APIClient

from portal.choices import AuditAction
from portal.models import AuditEvent
from portal.scoping import SYSTEM
from services import services
from services.models import MonthlyReport, ServiceRecord
from tests.services.conftest import record_data

pytestmark = pytest.mark.django_db


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def _body(day, **overrides):
    body = {
        "service_on": day.isoformat(),
        "kind": "activity",
        "field": "elderly",
        "target_groups": ["general"],
        "title": "社区义诊",
        "hours": "2.50",
        "person_times": 80,
    }
    body.update(overrides)
    return body


def test_a_station_manager_posts_a_record_for_their_station(world, day):
    response = api(world.station_a1_manager).post(
        "/api/v1/services/records/", _body(day), format="json"
    )
    assert response.status_code == 201, response.json()
    assert response.json()["station"] == world.station_a1.pk
    assert response.json()["kind"] == "activity"


def test_bad_counts_answer_400_in_chinese_and_write_nothing(world, day):
    response = api(world.station_a1_manager).post(
        "/api/v1/services/records/", _body(day, kind="home_visit", person_times=5000), format="json"
    )
    assert response.status_code == 400
    assert "明显有误" in str(response.json())
    assert not ServiceRecord.objects.exists()


def test_a_locked_month_answers_409(world, day):
    record = services.service_record_create(
        actor=world.station_a1_manager, station=world.station_a1, data=record_data(day)
    )
    services.reports_open(on=(day.replace(day=28) + dt.timedelta(days=4)).replace(day=1))
    MonthlyReport.objects.filter(station=world.station_a1).update(status="approved")
    response = api(world.station_a1_manager).put(
        f"/api/v1/services/records/{record.pk}/", _body(day, version=1), format="json"
    )
    assert response.status_code == 409


def test_outsiders_see_no_records_and_get_404(world, day):
    record = services.service_record_create(
        actor=world.station_a1_manager, station=world.station_a1, data=record_data(day)
    )
    client = api(world.district_b_officer)
    assert client.get("/api/v1/services/records/").json()["count"] == 0
    assert client.get(f"/api/v1/services/records/{record.pk}/").status_code == 404
    assert api(world.district_a_officer).get("/api/v1/services/records/").json()["count"] == 1


def test_reading_a_sensitive_person_through_the_api_is_audited(world, minor):
    client = api(world.city_admin)
    assert client.get(f"/api/v1/services/people/{minor.pk}/").status_code == 403
    ok = client.get(f"/api/v1/services/people/{minor.pk}/", {"reason": "复核个案转介"})
    assert ok.status_code == 200 and ok.json()["sensitive"] is True
    assert AuditEvent.objects.filter(
        action=AuditAction.SENSITIVE_READ, object_id=str(minor.pk), outcome="success"
    ).exists()
    assert (
        api(world.district_a_officer).get(f"/api/v1/services/people/{minor.pk}/").status_code == 404
    )


def test_the_report_flow_through_the_api(world, day):
    services.service_record_create(
        actor=world.station_a1_manager, station=world.station_a1, data=record_data(day)
    )
    services.reports_open(on=(day.replace(day=28) + dt.timedelta(days=4)).replace(day=1))
    report = MonthlyReport.objects.get(station=world.station_a1)
    url = f"/api/v1/services/reports/{report.pk}/"
    station = api(world.station_a1_manager)
    assert station.put(url, {"version": 1, "narrative": "综述"}, format="json").status_code == 200
    assert station.post(url + "submit/", {"version": 2}, format="json").status_code == 200
    assert (
        api(world.district_a_officer)
        .post(url + "approve/", {"version": 3}, format="json")
        .status_code
        == 409
    )
    assert (
        api(world.subdistrict_a1_officer)
        .post(url + "review/", {"version": 3}, format="json")
        .status_code
        == 200
    )
    done = api(world.district_a_officer).post(url + "approve/", {"version": 4}, format="json")
    assert done.status_code == 200 and done.json()["status"] == "approved"


def test_targets_carry_progress_and_projection(world, day, django_assert_max_num_queries):
    services.target_set(actor=SYSTEM, contract=world.contract_a1, values={"person_times": 100000})
    services.service_record_create(actor=SYSTEM, station=world.station_a1, data=record_data(day))
    client = api(world.city_officer)
    with django_assert_max_num_queries(12):
        body = client.get("/api/v1/services/targets/").json()
    row = body["results"][0]
    pt = next(p for p in row["progress"] if p["key"] == "person_times")
    assert pt["done"] == "120"
    assert pt["warning"] is True


def test_the_aggregate_list_is_scoped(world, day):
    services.service_record_create(actor=SYSTEM, station=world.station_a1, data=record_data(day))
    assert api(world.district_a_officer).get("/api/v1/services/aggregates/").json()["count"] == 1
    assert api(world.district_b_officer).get("/api/v1/services/aggregates/").json()["count"] == 0


def test_the_city_admins_list_masks_sensitive_people_until_a_reasoned_read(world, minor, elder):
    client = api(world.city_admin)
    rows = {r["id"]: r for r in client.get("/api/v1/services/people/").json()["results"]}
    assert rows[minor.pk]["name"] == minor.name[0] + "*" * (len(minor.name) - 1)
    assert rows[minor.pk]["birth_year"] is None and rows[minor.pk]["contact"] == ""
    assert rows[elder.pk]["name"] == elder.name
    own = api(world.station_a1_manager).get("/api/v1/services/people/").json()["results"]
    assert minor.name in {r["name"] for r in own}
