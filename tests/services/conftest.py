"""Helpers of the services tests: a day this month that no report has locked, record data."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from services import services


def record_data(on: dt.date, **overrides) -> dict:
    data = {
        "service_on": on,
        "kind": "activity",
        "field": "elderly",
        "target_groups": ["general"],
        "title": "重阳节社区活动",
        "hours": Decimal("3"),
        "person_times": 120,
        "others_count": 0,
        "attendees": [],
        "note": "",
    }
    data.update(overrides)
    return data


def person_data(today: dt.date, **overrides) -> dict:
    data = {
        "name": "陈桂芳",
        "gender": "female",
        "birth_year": today.year - 78,
        "contact": "13900000001",
        "target_groups": ["elderly_alone"],
        "fields": ["elderly"],
        "consent_on": today,
        "consent_method": "written",
    }
    data.update(overrides)
    return data


@pytest.fixture
def day(today) -> dt.date:
    """The day records are entered on: today, in the month no report has opened yet (the
    world's contracts run through this calendar year only)."""
    return today


@pytest.fixture
def elder(world, today):
    return services.service_user_create(
        actor=world.station_a1_manager, station=world.station_a1, data=person_data(today)
    )


@pytest.fixture
def minor(world, today):
    return services.service_user_create(
        actor=world.station_a1_manager,
        station=world.station_a1,
        data=person_data(
            today,
            name="李小明",
            gender="male",
            birth_year=today.year - 10,
            target_groups=["left_behind_child"],
            fields=["youth"],
            consent_method="guardian",
        ),
    )
