import datetime as dt

import pytest
from django.urls import reverse

from portal.choices import AuditAction
from portal.models import AuditEvent
from portal.scoping import SYSTEM
from services import services
from services.models import MonthlyReport, ServiceField, ServiceRecord
from tests.services.conftest import record_data

pytestmark = pytest.mark.django_db


def test_a_station_manager_enters_a_record_on_the_phone_form(world, login, day):
    client = login(world.station_a1_manager)
    page = client.get(reverse("services:record_create"))
    assert page.status_code == 200
    response = client.post(
        reverse("services:record_create"),
        {
            "station": world.station_a1.pk,
            "service_on": day.isoformat(),
            "kind": "activity",
            "field": "elderly",
            "title": "健康讲座",
            "target_groups": ["general"],
            "hours": "2",
            "person_times": "40",
            "others_count": "0",
        },
    )
    record = ServiceRecord.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("services:record_detail", args=[record.pk])


def test_a_bad_record_shows_the_rule_and_writes_nothing(world, login, day):
    client = login(world.station_a1_manager)
    response = client.post(
        reverse("services:record_create"),
        {
            "station": world.station_a1.pk,
            "service_on": day.isoformat(),
            "kind": "home_visit",
            "field": "elderly",
            "title": "探访",
            "hours": "1",
            "person_times": "5000",
            "others_count": "0",
        },
    )
    assert response.status_code == 400
    assert "5000人次明显有误" in response.content.decode()
    assert not ServiceRecord.objects.exists()


def test_editing_a_locked_month_answers_409(world, login, day):
    record = services.service_record_create(
        actor=world.station_a1_manager, station=world.station_a1, data=record_data(day)
    )
    services.reports_open(on=(day.replace(day=28) + dt.timedelta(days=4)).replace(day=1))
    MonthlyReport.objects.filter(station=world.station_a1).update(status="approved")
    client = login(world.station_a1_manager)
    response = client.post(reverse("services:record_delete", args=[record.pk]))
    assert response.status_code == 409
    assert ServiceRecord.objects.filter(pk=record.pk).exists()


def test_outsiders_get_404_for_station_a1s_record(world, login, day):
    record = services.service_record_create(
        actor=world.station_a1_manager, station=world.station_a1, data=record_data(day)
    )
    client = login(world.district_b_officer)
    assert client.get(reverse("services:record_detail", args=[record.pk])).status_code == 404
    client = login(world.district_a_officer)
    assert client.get(reverse("services:record_detail", args=[record.pk])).status_code == 200
    assert client.post(reverse("services:record_delete", args=[record.pk])).status_code == 403


def test_the_city_admin_states_a_reason_to_open_a_sensitive_person(world, login, minor):
    client = login(world.city_admin)
    url = reverse("services:user_detail", args=[minor.pk])
    first = client.get(url)
    assert first.status_code == 200 and "查看理由" in first.content.decode()
    assert minor.name not in first.content.decode()
    opened = client.get(url, {"reason": "核查投诉线索"})
    assert minor.name in opened.content.decode()
    assert AuditEvent.objects.filter(
        action=AuditAction.SENSITIVE_READ, object_id=str(minor.pk)
    ).exists()


def test_the_institution_cannot_open_a_sensitive_person(world, login, minor):
    client = login(world.institution_a_admin)
    assert client.get(reverse("services:user_detail", args=[minor.pk])).status_code == 404


def test_the_people_export_is_masked(world, login, minor, elder):
    from io import BytesIO

    from openpyxl import load_workbook

    client = login(world.station_a1_manager)
    response = client.get(reverse("services:user_list"), {"export": "xlsx"})
    sheet = load_workbook(BytesIO(b"".join(response.streaming_content))).active
    text = " ".join(str(c.value) for row in sheet.iter_rows() for c in row if c.value)
    assert elder.name not in text and minor.name not in text
    assert elder.name[0] + "**" in text


def test_the_city_officer_edits_the_catalogue_on_its_page(world, login):
    field = ServiceField.objects.get(code="family")
    client = login(world.city_officer)
    assert client.get(reverse("services:catalogue")).status_code == 200
    client.post(
        reverse("services:catalogue"),
        {"item_type": "field", "item_id": field.pk, "name": "家庭服务", "has_sensitive": "1"},
    )
    assert ServiceField.objects.get(pk=field.pk).name == "家庭服务"
    station = login(world.station_a1_manager)
    response = station.post(
        reverse("services:catalogue"), {"item_type": "field", "item_id": field.pk, "name": "x"}
    )
    assert response.status_code == 403


def _many_records(world, day, n=6):
    for i in range(n):
        services.service_record_create(
            actor=SYSTEM,
            station=world.station_a1 if i % 2 else world.station_b1,
            data=record_data(day, title=f"活动{i}", target_groups=["dibao"]),
        )


@pytest.mark.parametrize("who", ["city_officer", "district_a_officer", "station_a1_manager"])
def test_the_board_runs_a_fixed_number_of_queries(
    world, login, day, who, django_assert_max_num_queries
):
    _many_records(world, day)
    client = login(getattr(world, who))
    client.get(reverse("services:board"))  # warm caches (session, menu)
    with django_assert_max_num_queries(25):
        response = client.get(reverse("services:board"), {"year": day.year})
    assert response.status_code == 200


def test_the_district_board_shows_only_its_district(world, login, day):
    _many_records(world, day)
    client = login(world.district_a_officer)
    response = client.get(reverse("services:board"), {"year": day.year})
    assert response.context["board"].totals["person_times"] == 3 * 120
    response = login(world.city_officer).get(reverse("services:board"), {"year": day.year})
    assert response.context["board"].totals["person_times"] == 6 * 120
    assert response.context["board"].totals["basic"] == 6 * 120


def test_the_record_list_runs_a_fixed_number_of_queries(
    world, login, day, django_assert_max_num_queries
):
    _many_records(world, day, n=10)
    client = login(world.city_officer)
    client.get(reverse("services:record_list"))
    with django_assert_max_num_queries(20):
        response = client.get(reverse("services:record_list"))
    assert len(response.context["records"]) == 10


def test_the_todo_links_to_exactly_the_reports_it_counts(world, login, day):
    from portal.dashboards.todo import todos_for

    services.reports_open(on=(day.replace(day=28) + dt.timedelta(days=4)).replace(day=1))
    items = [i for i in todos_for(world.station_a1_manager) if i.source == "services"]
    assert [i.count for i in items] == [1]
    client = login(world.station_a1_manager)
    response = client.get(items[0].url)
    assert [r.station_id for r in response.context["reports"]] == [world.station_a1.pk]
    assert not [i for i in todos_for(world.district_b_officer) if i.source == "services"]


def test_the_station_page_has_a_services_tab(world, login, day):
    _many_records(world, day)
    client = login(world.station_a1_manager)
    response = client.get(reverse("stations:station_tab", args=[world.station_a1.pk, "services"]))
    assert response.status_code == 200
    assert "360" in response.content.decode()


def test_a_district_officer_sets_a_contract_years_targets_on_the_page(world, login, today):
    from services.models import ServiceTarget

    client = login(world.district_a_officer)
    response = client.post(
        reverse("services:targets"),
        {"contract": world.contract_a1.pk, "direct_hours": "35244", "person_times": "20000"},
    )
    assert response.status_code == 302
    target = ServiceTarget.objects.get(contract=world.contract_a1)
    assert (target.direct_hours, target.person_times) == (35244, 20000)
    page = client.get(reverse("services:targets"), {"year": today.year})
    assert "35244" in page.content.decode()
    outsider = login(world.district_b_officer)
    assert (
        outsider.post(reverse("services:targets"), {"contract": world.contract_a1.pk}).status_code
        == 404
    )
    station = login(world.station_a1_manager)
    assert (
        station.post(reverse("services:targets"), {"contract": world.contract_a1.pk}).status_code
        == 403
    )
