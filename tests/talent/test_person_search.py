"""The enrolment form's person choice at scale (a search box over a scoped JSON endpoint that
shows names and masked ID numbers only), and the roster pages refused alike to the roles that
have no business with the roster."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse

from stations.filtersets import CHOICE_LIMIT
from talent.choices import EmploymentType, Position
from talent.models import Employment, Enrolment, SocialWorker, TrainingProgramme
from talent.views import NOT_A_ROSTER_ROLE

pytestmark = pytest.mark.django_db

MANY = CHOICE_LIMIT + 5


def _many_in_post_at(station, institution, count=MANY):
    people = SocialWorker.objects.bulk_create(
        SocialWorker(
            name=f"样本{i:03d}",
            id_number_cipher="-",
            id_number_hash=f"many-{i}",
            id_number_masked=f"440***********{i:04d}",
            sex="female",
        )
        for i in range(count)
    )
    Employment.objects.bulk_create(
        Employment(
            person=person,
            station=station,
            institution=institution,
            position=Position.FRONTLINE,
            employment_type=EmploymentType.FULL_TIME,
            starts_on=dt.date(2023, 1, 1),
        )
        for person in people
    )
    return people


def _programme():
    return TrainingProgramme.objects.create(
        year=2025, kind="continuing", title="继续教育", provider="协会", budget=1000, places=500
    )


def _person_select(html: str) -> str:
    found = re.search(r'<select[^>]*name="person"[^>]*>.*?</select>', html, re.S)
    assert found, "the enrolment form has a person field"
    return found.group(0)


def test_the_enrolment_form_offers_a_search_box_instead_of_every_person_in_post(
    people, world, login
):
    _many_in_post_at(world.station_a1, world.institution_a)
    programme = _programme()
    html = login(world.city_officer).get(reverse("talent:enrol", args=[programme.pk]))
    select = _person_select(html.content.decode())
    assert select.count("<option") <= 2
    assert f'data-autocomplete="{reverse("talent:person_search")}"' in select
    assert "样本" not in select


def test_a_person_chosen_through_the_search_box_is_still_accepted(people, world, login):
    many = _many_in_post_at(world.station_a1, world.institution_a)
    programme = _programme()
    url = reverse("talent:enrol", args=[programme.pk])
    client = login(world.institution_a_admin)
    response = client.post(url, {"person": many[-1].pk})
    assert response.status_code == 302
    assert Enrolment.objects.filter(programme=programme, person=many[-1]).exists()
    # A person of another institution is not among the choices, whatever id is posted.
    refused = client.post(url, {"person": people.bo.pk})
    assert refused.status_code == 200
    assert not Enrolment.objects.filter(programme=programme, person=people.bo).exists()


def test_the_person_search_answers_within_scope_with_masked_numbers_only(
    people, world, login, django_assert_max_num_queries
):
    url = reverse("talent:person_search")
    outsider = login(world.district_b_officer)
    assert outsider.get(url, {"q": people.ana.name}).json() == {"results": []}
    assert outsider.get(url, {"q": people.ana_id[-4:]}).json() == {"results": []}
    district_b = {row["id"] for row in outsider.get(url).json()["results"]}
    assert district_b == {people.bo.pk}

    client = login(world.city_officer)
    label = f"{people.ana.name}（{people.ana.id_number_masked}）"
    for q in (people.ana.name, people.ana_id[-4:]):
        # Session, user, roles, second-factor rule, session save (3): the search is one query.
        with django_assert_max_num_queries(8):
            response = client.get(url, {"q": q})
        assert response.status_code == 200
        assert response.json()["results"] == [{"id": people.ana.pk, "text": label}], q
        assert people.ana_id not in response.content.decode()
    # A whole number is never asked for in a URL: the search does not answer it.
    assert client.get(url, {"q": people.ana_id}).json() == {"results": []}
    everyone = client.get(url).content.decode()
    assert people.ana_id not in everyone
    assert people.ana.id_number_masked in everyone


def test_the_person_search_offers_a_few_rows_at_any_scale(people, world, login):
    _many_in_post_at(world.station_a1, world.institution_a)
    rows = login(world.city_officer).get(reverse("talent:person_search"), {"q": "样本"}).json()
    assert 0 < len(rows["results"]) <= 20


@pytest.mark.parametrize("persona", ["evaluator", "inspector"])
def test_evaluators_and_inspectors_are_refused_the_roster_and_the_board_alike(
    people, world, login, persona
):
    client = login(getattr(world, persona))
    for name in ("talent:worker_list", "talent:board", "talent:person_search"):
        response = client.get(reverse(name))
        assert response.status_code == 403, name
        assert str(NOT_A_ROSTER_ROLE) in response.content.decode(), name


def test_the_roster_roles_still_see_the_people_list_and_the_board(people, world, login):
    for user in (world.district_a_officer, world.station_a1_manager):
        client = login(user)
        assert client.get(reverse("talent:worker_list")).status_code == 200
        assert client.get(reverse("talent:board")).status_code == 200
