"""Talent fixtures: people employed at the world's stations.

- ``ana``: full-time frontline social worker at station A1 (institution A), assistant level;
- ``bo``: full-time at station B1 (institution B);
- ``cai``: moved from station A1 (institution A) to station A2 (institution B).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest

from portal.scoping import SYSTEM
from talent import rules, services
from talent.choices import EmploymentType, Position
from talent.models import Employment, SocialWorker

_seq = iter(range(1, 10_000))


def new_id(*, male: bool = False, born: dt.date = dt.date(1990, 5, 17)) -> str:
    return rules.make_id_number(birth_date=born, male=male, sequence=next(_seq))


def hire(
    station,
    *,
    name="李敏",
    id_number=None,
    position=Position.FRONTLINE,
    starts_on=None,
    employment_type=EmploymentType.FULL_TIME,
    institution=None,
):
    person, _employment = services.worker_hire(
        actor=SYSTEM,
        name=name,
        id_number=id_number or new_id(),
        station=station,
        position=position,
        starts_on=starts_on or dt.date(2023, 3, 1),
        employment_type=employment_type,
        institution=institution,
    )
    return person


@dataclass
class People:
    ana: SocialWorker
    ana_id: str
    bo: SocialWorker
    cai: SocialWorker


@pytest.fixture
def people(world) -> People:
    ana_id = new_id()
    ana = hire(world.station_a1, name="李安娜", id_number=ana_id)
    bo = hire(world.station_b1, name="陈博")
    cai = hire(world.station_a1, name="蔡晓", starts_on=dt.date(2021, 1, 4))
    first = Employment.objects.get(person=cai)
    services.employment_end(actor=SYSTEM, employment=first, ends_on=dt.date(2022, 12, 31))
    services.employment_add(
        actor=SYSTEM,
        person=cai,
        station=world.station_a2,
        position=Position.PROJECT_LEAD,
        starts_on=dt.date(2023, 1, 1),
    )
    return People(ana=ana, ana_id=ana_id, bo=bo, cai=cai)
