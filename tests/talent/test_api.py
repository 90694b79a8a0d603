"""API: scoped, masked, the audited unmask action, look-up by full number in the body."""

import pytest

from portal.choices import AuditAction
from portal.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_the_worker_list_is_scoped_and_masked(people, world, login):
    response = login(world.station_a1_manager).get("/api/v1/talent/workers/")
    assert response.status_code == 200
    body = response.content.decode()
    names = {r["name"] for r in response.json()["results"]}
    assert people.ana.name in names and people.bo.name not in names
    assert people.ana_id not in body
    assert people.ana.id_number_masked in body


def test_a_person_out_of_scope_answers_404(people, world, login):
    client = login(world.station_b1_manager)
    assert client.get(f"/api/v1/talent/workers/{people.ana.pk}/").status_code == 404


def test_unmask_is_an_audited_action_for_allowed_roles_only(people, world, login):
    url = f"/api/v1/talent/workers/{people.ana.pk}/unmask/"
    response = login(world.institution_a_admin).post(
        url, {"reason": "核对身份信息"}, content_type="application/json"
    )
    assert response.status_code == 200
    assert response.json() == {"id_number": people.ana_id}
    assert AuditEvent.objects.filter(action=AuditAction.SENSITIVE_READ).count() == 1
    refused = login(world.district_a_officer).post(
        url, {"reason": "核对身份信息"}, content_type="application/json"
    )
    assert refused.status_code == 403
    assert people.ana_id not in refused.content.decode()


def test_lookup_by_full_number_goes_in_the_body(people, world, login):
    client = login(world.city_officer)
    response = client.post(
        "/api/v1/talent/workers/lookup/",
        {"id_number": people.ana_id},
        content_type="application/json",
    )
    assert response.status_code == 200 and response.json()["id"] == people.ana.pk
    outsider = login(world.station_b1_manager).post(
        "/api/v1/talent/workers/lookup/",
        {"id_number": people.ana_id},
        content_type="application/json",
    )
    assert outsider.status_code == 404


def test_hiring_through_the_api_checks_the_id_number(world, login):
    client = login(world.institution_a_admin)
    bad = client.post(
        "/api/v1/talent/workers/",
        {
            "name": "王五",
            "id_number": "440106199001011230",
            "station": world.station_a1.pk,
            "position": "frontline",
            "starts_on": "2024-01-01",
        },
        content_type="application/json",
    )
    assert bad.status_code == 400
    assert "440106199001011230" not in bad.content.decode()
    assert "身份证号" in bad.content.decode()


def test_a_full_time_clash_through_the_api_names_the_other_station(people, world, login):
    response = login(world.city_admin).post(
        "/api/v1/talent/employments/",
        {
            "person": people.ana.pk,
            "station": world.station_a2.pk,
            "position": "frontline",
            "employment_type": "full_time",
            "starts_on": "2024-02-01",
        },
        content_type="application/json",
    )
    assert response.status_code == 400
    assert world.station_a1.name in response.content.decode()


def test_the_staffing_board_endpoint_is_scoped(people, world, login, django_assert_max_num_queries):
    client = login(world.institution_a_admin)
    with django_assert_max_num_queries(12):
        response = client.get("/api/v1/talent/staffing-board/")
    assert [r["station_id"] for r in response.json()["results"]] == [world.station_a1.pk]


def test_the_schema_describes_the_talent_routes(world, login):
    response = login(world.city_admin).get("/api/schema/")
    assert response.status_code == 200
    text = response.content.decode()
    assert "/api/v1/talent/workers/{id}/unmask/" in text
    assert "/api/v1/talent/staffing-board/" in text


def test_the_schema_gives_the_staffing_board_its_count_and_results(world, login):
    import yaml

    schema = yaml.safe_load(login(world.city_admin).get("/api/schema/").content)
    ok = schema["paths"]["/api/v1/talent/staffing-board/"]["get"]["responses"]["200"]
    ref = ok["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]
    assert set(schema["components"]["schemas"][ref]["properties"]) == {"count", "results"}
