"""The services demo step: every demo station gets people, records, reports and targets."""

from __future__ import annotations

import pytest
from django.db.models import Sum

from services import selectors
from services.choices import ReportStatus
from services.models import (
    MonthlyAggregate,
    MonthlyReport,
    ServiceRecord,
    ServiceTarget,
    ServiceUser,
)
from stations.demo import STATIONS_STEPS, run_demo
from stations.models import Station

pytestmark = pytest.mark.django_db


def test_the_demo_serves_every_station_anchored_to_the_load_day(db, today):
    run_demo(scale="city", seed=7, only=(*STATIONS_STEPS, "services"))
    stations = Station.objects.count()
    served = ServiceRecord.objects.values("station_id").distinct().count()
    assert served >= stations * 0.9
    assert not ServiceRecord.objects.filter(service_on__gt=today).exists()
    assert ServiceUser.objects.filter(is_sensitive=True).exists()
    # The aggregates add up to the records.
    records = ServiceRecord.objects.aggregate(pt=Sum("person_times"))["pt"]
    assert MonthlyAggregate.objects.aggregate(pt=Sum("person_times"))["pt"] == records
    # A city year reaches millions of person-times (reply letter: 3.6M).
    year = ServiceRecord.objects.filter(service_on__year=today.year - 1).aggregate(
        pt=Sum("person_times")
    )["pt"]
    assert year is None or year > 2_000_000
    # Last month's reports wait in every state; earlier ones are approved.
    if MonthlyReport.objects.exists():
        assert MonthlyReport.objects.filter(status=ReportStatus.APPROVED).exists() or (
            today.month <= 2
        )
    targets = list(ServiceTarget.objects.filter(service_year=today.year))
    assert targets
    warned = selectors.stations_projected_short(
        station_ids=[t.station_id for t in targets], on=today
    )
    # The run rate says little in the first weeks of a year (in January the demo has only a
    # few days of records, or none on the 1st): the warning split is checked from February.
    if today.month > 1:
        assert 0 < len(warned) < len(targets)
