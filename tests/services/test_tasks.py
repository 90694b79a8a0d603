import pytest

from portal.scoping import SYSTEM
from services import rules, tasks
from services.models import MonthlyAggregate, MonthlyReport, ServiceRecord
from services.services import aggregates
from tests.services.conftest import record_data

pytestmark = pytest.mark.django_db


def test_the_task_opens_last_months_reports_once(world, today):
    # The world's contracts run through this calendar year: in January last month is not
    # covered and no report opens.
    expected = 3 if today.month > 1 else 0
    assert tasks.open_monthly_reports() == expected
    assert tasks.open_monthly_reports() == 0
    if expected:
        assert set(MonthlyReport.objects.values_list("year", "month")) == {
            rules.previous_month(today)
        }


def test_the_nightly_task_rebuilds_aggregates_the_records_add_up_to(world, day):
    from services import services

    services.service_record_create(actor=SYSTEM, station=world.station_a1, data=record_data(day))
    MonthlyAggregate.objects.all().delete()
    ServiceRecord.objects.update(person_times=90)  # a bulk fix that bypassed the services
    tasks.refresh_aggregates()
    assert MonthlyAggregate.objects.get().person_times == 90
    assert aggregates.aggregates_refresh_month(year=day.year, month=day.month) == 1
