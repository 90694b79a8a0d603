"""Model-level rules of stations: contracts in force, constraints, the station's district."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from stations.choices import ContractStatus
from stations.models import Contract
from tests.factories import ContractFactory, StationFactory, SubdistrictFactory

pytestmark = pytest.mark.django_db


def test_a_station_takes_its_district_from_its_street_or_town():
    sub = SubdistrictFactory()
    station = StationFactory(subdistrict=sub)
    assert station.district_id == sub.district_id


def test_a_terminated_contract_stays_in_force_for_the_days_it_ran():
    contract = ContractFactory(
        service_year=2024, status=ContractStatus.TERMINATED, ends_on=dt.date(2024, 6, 30)
    )
    assert Contract.objects.in_force(dt.date(2024, 6, 30)).filter(pk=contract.pk).exists()
    assert not Contract.objects.in_force(dt.date(2024, 7, 1)).filter(pk=contract.pk).exists()


def test_draft_and_cancelled_contracts_are_never_in_force():
    for status in (ContractStatus.DRAFT, ContractStatus.CANCELLED):
        contract = ContractFactory(service_year=2024, status=status)
        assert not Contract.objects.in_force(dt.date(2024, 3, 1)).filter(pk=contract.pk).exists()


def test_the_database_refuses_a_period_that_ends_before_it_starts():
    with pytest.raises(IntegrityError), transaction.atomic():
        ContractFactory(starts_on=dt.date(2024, 5, 1), ends_on=dt.date(2024, 4, 1))


def test_the_database_refuses_a_fee_that_is_not_positive():
    with pytest.raises(IntegrityError), transaction.atomic():
        ContractFactory(annual_fee=Decimal("-1.00"))


@pytest.mark.postgres
def test_postgresql_refuses_two_comprehensive_contracts_on_the_same_day():
    first = ContractFactory(service_year=2024)
    with pytest.raises(IntegrityError) as caught, transaction.atomic():
        ContractFactory(
            station=first.station,
            service_year=2024,
            starts_on=dt.date(2024, 12, 31),
            ends_on=dt.date(2024, 12, 31),
        )
    assert "stations_contract_one_comprehensive_per_day" in str(caught.value)


@pytest.mark.postgres
def test_postgresql_also_counts_terminated_contracts_for_the_days_they_ran():
    first = ContractFactory(
        service_year=2024, status=ContractStatus.TERMINATED, ends_on=dt.date(2024, 6, 30)
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        ContractFactory(
            station=first.station,
            service_year=2024,
            starts_on=dt.date(2024, 6, 1),
            ends_on=dt.date(2024, 12, 31),
        )
    ContractFactory(
        station=first.station,
        service_year=2024,
        starts_on=dt.date(2024, 7, 1),
        ends_on=dt.date(2024, 12, 31),
    )
