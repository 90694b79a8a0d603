import datetime as dt
from decimal import Decimal

import pytest

from portal.scoping import SYSTEM
from services import selectors, services
from tests.services.conftest import record_data

pytestmark = pytest.mark.django_db


def _records(world, day, n):
    for i in range(n):
        services.service_record_create(
            actor=SYSTEM,
            station=[world.station_a1, world.station_a2, world.station_b1][i % 3],
            data=record_data(day, title=f"活动{i}"),
        )


@pytest.mark.parametrize("n", [3, 9])
def test_the_board_costs_the_same_queries_at_any_volume(world, day, n, django_assert_num_queries):
    _records(world, day, n)
    selectors.board(world.city_officer, year=day.year)  # warm the user's assignments
    with django_assert_num_queries(7):
        board = selectors.board(world.city_officer, year=day.year)
    assert board.totals["person_times"] == 120 * n


def test_progress_projects_the_run_rate_and_warns(world, today, day):
    target = services.target_set(
        actor=SYSTEM,
        contract=world.contract_a1,
        values={"person_times": 1, "direct_hours": "100000"},
    )
    services.service_record_create(actor=SYSTEM, station=world.station_a1, data=record_data(day))
    progress = {p.key: p for p in selectors.progress_for([target], on=today)[target.pk]}
    elapsed = (today - dt.date(today.year, 1, 1)).days + 1
    year_days = (dt.date(today.year, 12, 31) - dt.date(today.year, 1, 1)).days + 1
    hours = progress["direct_hours"]
    assert hours.done == Decimal("3")
    if elapsed < year_days:
        assert hours.projected == (Decimal("3") * year_days / elapsed).quantize(Decimal("0.01"))
    assert hours.warning is True
    assert progress["person_times"].warning is False


def test_the_final_evaluation_reads_quantity_figures_as_the_system(
    world, today, day, django_assert_max_num_queries
):
    services.target_set(actor=SYSTEM, contract=world.contract_a1, values={"person_times": 240})
    services.service_record_create(actor=SYSTEM, station=world.station_a1, data=record_data(day))
    with django_assert_max_num_queries(3):
        figures = selectors.quantity_figures(
            station_ids=[world.station_a1.pk, world.station_b1.pk], year=today.year, on=today
        )
    assert figures[world.station_a1.pk]["person_times"]["percent"] == Decimal("50.0")
    assert world.station_b1.pk not in figures


def test_anonymous_counts_reach_the_district_without_names(world, minor, elder):
    counts = selectors.service_user_counts(world.district_a_officer)
    assert counts == {"registered": 2, "withdrawn": 0, "sensitive": 1, "basic_guarantee": 2}
    assert selectors.service_user_counts(world.district_b_officer)["registered"] == 0
