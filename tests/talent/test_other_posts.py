"""A person's posts outside the viewer's scope stay out of every page, export and API.

``mover`` worked full-time at station A1 (天河) and now heads station B1 (海珠); ``twin``
holds a part-time post at station A2 and, since later, a full-time one at B1. Viewers in
district A see the A posts only; the city sees everything.
"""

import datetime as dt
import io

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from portal.scoping import SYSTEM
from talent import roster, services
from talent.choices import EmploymentType, Position
from talent.models import Employment
from tests.factories import Role, user_with_role
from tests.talent.conftest import hire, new_id
from tests.talent.test_roster import row, workbook

pytestmark = pytest.mark.django_db


@pytest.fixture
def moves(world, today):
    mover = hire(world.station_a1, name="莫文", starts_on=today - dt.timedelta(days=900))
    services.employment_end(
        actor=SYSTEM,
        employment=mover.employments.get(),
        ends_on=today - dt.timedelta(days=200),
    )
    services.employment_add(
        actor=SYSTEM,
        person=mover,
        station=world.station_b1,
        position=Position.HEAD,
        starts_on=today - dt.timedelta(days=199),
    )
    twin = hire(
        world.station_a2,
        name="唐颖",
        starts_on=today - dt.timedelta(days=400),
        employment_type=EmploymentType.PART_TIME,
        position=Position.SUPERVISOR,
    )
    services.employment_add(
        actor=SYSTEM,
        person=twin,
        station=world.station_b1,
        position=Position.DEPUTY_HEAD,
        starts_on=today - dt.timedelta(days=100),
    )
    return mover, twin


def _sheet(response):
    content = b"".join(response.streaming_content)
    return list(openpyxl.load_workbook(io.BytesIO(content)).active.iter_rows(values_only=True))


def test_a_station_manager_sees_a_former_employee_only_with_the_post_at_their_station(
    moves, world, login
):
    client = login(world.station_a1_manager)
    html = client.get(reverse("talent:worker_list")).content.decode()
    assert "莫文" in html
    assert world.station_a1.name in html
    assert world.station_b1.name not in html
    assert "已离职" in html


def test_the_people_export_names_no_station_outside_the_viewer_scope(moves, world, login):
    rows = _sheet(
        login(world.station_a1_manager).get(reverse("talent:worker_list") + "?export=xlsx")
    )
    by_name = {r[0]: r for r in rows[1:]}
    assert by_name["莫文"][7] == world.station_a1.name
    assert all(world.station_b1.name not in str(cell) for row in rows for cell in row)


def test_a_district_officer_filtering_their_district_sees_only_posts_in_it(moves, world, login):
    client = login(world.district_a_officer)
    url = reverse("talent:worker_list") + f"?district={world.district_a.pk}"
    html = client.get(url).content.decode()
    assert "唐颖" in html and "莫文" not in html
    assert world.station_a2.name in html
    assert world.station_b1.name not in html


def test_the_city_sees_where_a_person_works_now(moves, world, login):
    html = login(world.city_officer).get(reverse("talent:worker_list")).content.decode()
    assert world.station_b1.name in html


def test_position_and_in_post_filters_read_only_posts_in_scope(moves, world, login):
    client = login(world.station_a1_manager)
    heads = client.get(reverse("talent:worker_list") + f"?position={Position.HEAD}")
    assert "莫文" not in heads.content.decode()
    in_post = client.get(reverse("talent:worker_list") + "?in_post=true")
    assert "莫文" not in in_post.content.decode()
    left = client.get(reverse("talent:worker_list") + "?in_post=false")
    assert "莫文" in left.content.decode()
    api = client.get("/api/v1/talent/workers/", {"position": Position.HEAD}).json()
    assert "莫文" not in {r["name"] for r in api["results"]}
    api = client.get("/api/v1/talent/workers/", {"in_post": "true"}).json()
    assert "莫文" not in {r["name"] for r in api["results"]}


def test_the_person_page_and_the_employment_api_show_only_posts_in_scope(moves, world, login):
    mover, _twin = moves
    client = login(world.station_a1_manager)
    html = client.get(reverse("talent:worker_detail", args=[mover.pk])).content.decode()
    assert world.station_a1.name in html and world.station_b1.name not in html
    rows = client.get("/api/v1/talent/employments/", {"person": mover.pk}).json()["results"]
    assert {r["station"] for r in rows} == {world.station_a1.pk}
    elsewhere = Employment.objects.get(person=mover, station=world.station_b1)
    assert client.get(f"/api/v1/talent/employments/{elsewhere.pk}/").status_code == 404


# --- hiring a person who holds a full-time post elsewhere ---------------------------------


@pytest.fixture
def elsewhere(world, today):
    """陈博 works full-time at station B1 (海珠) until the end of next year."""
    number = new_id()
    person = hire(world.station_b1, name="陈博", id_number=number, starts_on=today.replace(day=1))
    job = person.employments.get()
    services.employment_end(
        actor=SYSTEM,
        employment=job,
        ends_on=dt.date(today.year + 1, 12, 31),
        leave_reason="合同期满",
    )
    job.refresh_from_db()
    return number, job


def test_hiring_a_person_full_time_elsewhere_names_no_station_outside_the_caller_scope(
    elsewhere, world, today
):
    number, job = elsewhere
    with pytest.raises(ValidationError) as error:
        services.worker_hire(
            actor=world.station_a1_manager,
            name="陈博",
            id_number=number,
            station=world.station_a1,
            position=Position.FRONTLINE,
            starts_on=today,
        )
    assert error.value.message_dict["starts_on"] == [
        services.FULL_TIME_CLASH_ELSEWHERE
        % {
            "starts": job.starts_on.isoformat(),
            "ends": job.ends_on.isoformat(),
            "district": world.district_a.name,
        }
    ]
    message = error.value.message_dict["starts_on"][0]
    assert world.station_b1.name not in message and world.district_b.name not in message
    assert Employment.objects.filter(station=world.station_a1).count() == 0


def test_a_caller_who_sees_the_other_station_is_told_its_name(
    elsewhere, world, today, institution_b_admin
):
    # Institution B runs both station A2 and station B1.
    number, _job = elsewhere
    with pytest.raises(ValidationError) as error:
        services.worker_hire(
            actor=institution_b_admin,
            name="陈博",
            id_number=number,
            station=world.station_a2,
            position=Position.FRONTLINE,
            starts_on=today,
        )
    assert world.station_b1.name in error.value.message_dict["starts_on"][0]


@pytest.fixture
def institution_b_admin(world):
    return user_with_role("institution_b", Role.INSTITUTION_ADMIN, institution=world.institution_b)


def test_the_hire_page_and_api_name_no_station_outside_the_caller_scope(
    elsewhere, world, login, today
):
    number, _job = elsewhere
    client = login(world.station_a1_manager)
    fields = {
        "name": "陈博",
        "id_number": number,
        "station": world.station_a1.pk,
        "position": Position.FRONTLINE,
        "employment_type": EmploymentType.FULL_TIME,
        "starts_on": today.isoformat(),
    }
    page = client.post(reverse("talent:worker_hire"), fields)
    html = page.content.decode()
    assert "已在其他社工站全职任职" in html and f"{world.district_a.name}民政局" in html
    assert world.station_b1.name not in html
    api = client.post("/api/v1/talent/workers/", fields, content_type="application/json")
    assert api.status_code == 400
    assert "已在其他社工站全职任职" in api.content.decode()
    assert world.station_b1.name not in api.content.decode()
    assert Employment.objects.filter(station=world.station_a1).count() == 0


def test_the_roster_import_names_no_station_outside_the_caller_scope(elsewhere, world, today):
    number, _job = elsewhere
    sheet = workbook(
        [row(world.station_a1, name="陈博", id_number=number, starts_on=today.isoformat())]
    )
    result = roster.roster_import(actor=world.station_a1_manager, fileobj=sheet)
    assert not result.ok
    (error,) = result.errors
    assert error.column == "入职日期"
    assert "已在其他社工站全职任职" in error.message
    assert world.station_b1.name not in error.message
    assert f"{world.district_a.name}民政局" in error.message
