"""Behaviour that depends on PostgreSQL: the exclusion constraint on full-time posts."""

import datetime as dt

import pytest
from django.db import IntegrityError, transaction

from talent.choices import EmploymentType, Position
from talent.models import Employment

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgres]


def test_the_database_refuses_overlapping_full_time_posts_even_past_the_service(people, world):
    with pytest.raises(IntegrityError), transaction.atomic():
        Employment.objects.create(
            person=people.ana,
            station=world.station_a2,
            institution=world.institution_b,
            position=Position.FRONTLINE,
            employment_type=EmploymentType.FULL_TIME,
            starts_on=dt.date(2025, 1, 1),
        )
    Employment.objects.create(
        person=people.ana,
        station=world.station_a2,
        institution=world.institution_b,
        position=Position.FRONTLINE,
        employment_type=EmploymentType.PART_TIME,
        starts_on=dt.date(2025, 1, 1),
    )
