"""Training enrolments and registration renewals reach who acts next: the city officer
records completion of a programme that has ended; the station side renews registrations."""

from __future__ import annotations

import datetime as dt

import pytest

from talent.models import Enrolment, SocialWorker, TrainingProgramme
from talent.todo import talent_todos
from tests.samples import sample

pytestmark = pytest.mark.django_db


def _titles(user):
    return {str(item.title): item for item in talent_todos(user)}


def test_an_ended_programme_with_people_enrolled_waits_on_the_city_officer(world, today, login):
    sample(world, Enrolment)
    programme = TrainingProgramme.objects.get()
    assert "已结束、待登记结业的培训项目" not in _titles(world.city_officer)  # still running
    programme.ends_on = today - dt.timedelta(days=1)
    programme.save()
    item = _titles(world.city_officer)["已结束、待登记结业的培训项目"]
    assert item.count == 1
    page = login(world.city_officer).get(item.url)
    assert page.context["paginator"].count == 1
    assert _titles(world.station_a1_manager).get("已结束、待登记结业的培训项目") is None


def test_a_registration_running_out_waits_on_the_station_side_to_renew(world, today):
    sample(world, SocialWorker)
    person = SocialWorker.objects.get()
    assert "登记即将到期、待续期的在岗社工" not in _titles(world.station_a1_manager)
    person.registration_expires_on = today + dt.timedelta(days=30)
    person.save(update_fields=["registration_expires_on"])
    assert _titles(world.station_a1_manager)["登记即将到期、待续期的在岗社工"].count == 1
    assert _titles(world.institution_a_admin)["登记即将到期、待续期的在岗社工"].count == 1
    assert _titles(world.station_b1_manager) == {}
