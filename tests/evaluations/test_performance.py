"""What keeps the board, the lists and the results table cheap at nation scale: a fixed number
of queries whatever the number of stations and districts, a capped board, ranks computed for
the page only, dropdowns that turn into search boxes, and an estimated count where stated."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from evaluations import selectors, services
from evaluations.models import Evaluation
from tests.factories import ContractFactory, DistrictFactory, StationFactory, SubdistrictFactory

pytestmark = pytest.mark.django_db


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx)


def _new_district_with_stations(cycle, n: int, code: str):
    district = DistrictFactory(code=code, name=f"测试{code}区")
    sub = SubdistrictFactory(code=f"{code}001", district=district)
    for _i in range(n):
        ContractFactory(station=StationFactory(subdistrict=sub))
    services.cycle_open(cycle_id=cycle.pk)
    services.results_compute_cycle(cycle=cycle, only_complete=False)
    return district


def test_board_list_and_results_run_the_same_queries_with_more_districts(
    world, cycle, login, django_assert_max_num_queries
):
    services.results_compute_cycle(cycle=cycle, only_complete=False)
    client = login(world.city_officer)
    urls = [
        reverse("evaluations:cycle_board", args=[cycle.pk]),
        reverse("evaluations:results", args=[cycle.pk]),
        reverse("evaluations:evaluation_list") + f"?cycle={cycle.pk}",
        reverse("evaluations:evaluation_list") + f"?cycle={cycle.pk}&late=1",
        reverse("evaluations:evaluation_list"),
        reverse("evaluations:evaluation_list") + "?cycle=all",
        f"/api/v1/evaluations/?cycle={cycle.pk}",
    ]
    for url in urls:
        client.get(url)
    before = {url: _queries(client, url) for url in urls}
    for k in range(3):
        _new_district_with_stations(cycle, 4, f"44019{k}")
    for url in urls:
        with django_assert_max_num_queries(before[url]):
            client.get(url)


def test_the_board_shows_the_most_late_districts_and_searches_for_the_rest(
    world, cycle, login, monkeypatch
):
    _new_district_with_stations(cycle, 2, "440199")
    monkeypatch.setattr(selectors, "BOARD_DISTRICTS", 2)
    board = selectors.cycle_board(world.city_officer, cycle)
    assert board["district_count"] == 3 and len(board["districts"]) == 2
    assert board["totals"]["total"] == Evaluation.objects.filter(cycle=cycle).count()
    page = login(world.city_officer).get(reverse("evaluations:cycle_board", args=[cycle.pk]))
    html = page.content.decode()
    assert "共 3 个区" in html
    assert reverse("stations:choice_search", args=["district"]) in html


def test_the_results_page_ranks_each_row_as_the_window_rank_does(world, cycle, login):
    from decimal import Decimal

    sub = SubdistrictFactory(code="440106099", district=world.district_a)
    for _i in range(4):
        ContractFactory(station=StationFactory(subdistrict=sub))
    services.cycle_open(cycle_id=cycle.pk)
    # Totals with a tie, written directly: ranking is the selector's business here.
    rows = list(Evaluation.objects.filter(cycle=cycle).order_by("pk"))
    for ev, total in zip(
        rows, ["91.50", "80.00", "80.00", "75.25", "91.50", "60.00", "80.00"], strict=True
    ):
        Evaluation.objects.filter(pk=ev.pk).update(total=Decimal(total), grade="good")
    user = world.city_officer
    window = {e.pk: e.district_rank for e in selectors.results_table(user, cycle)}
    paged = {
        e.pk: e.district_rank
        for e in selectors.with_district_rank(selectors.results_rows(user, cycle), cycle)
    }
    assert paged == window and len(window) == len(rows)
    assert sorted(window.values()) != list(range(1, len(rows) + 1))  # ties share a rank
    page = login(user).get(reverse("evaluations:results", args=[cycle.pk]))
    shown = page.context["results"]
    assert len(shown) == len(rows)
    assert [e.district_rank for e in shown] == [window[e.pk] for e in shown]


@pytest.mark.postgres
def test_an_unfiltered_citywide_list_states_that_its_count_is_an_estimate(
    world, cycle, login, monkeypatch
):
    from evaluations import views

    monkeypatch.setattr(views, "ESTIMATE_FROM", 1)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE evaluations_evaluation")
    url = reverse("evaluations:evaluation_list")
    city = login(world.city_officer)
    assert 'data-count="estimate"' in city.get(url + "?cycle=all").content.decode()
    assert 'data-count="estimate"' in city.get(url + "?cycle=&q=").content.decode()
    filtered = city.get(url + f"?cycle={cycle.pk}").content.decode()
    assert 'data-count="estimate"' not in filtered
    # The default (the current cycle) is one cycle: counted exactly.
    assert 'data-count="estimate"' not in city.get(url).content.decode()
    district = login(world.district_a_officer).get(url + "?cycle=all").content.decode()
    assert 'data-count="estimate"' not in district


def test_a_long_district_dropdown_becomes_a_search_box_and_keeps_the_choice(
    world, cycle, login, monkeypatch
):
    import stations.filtersets

    monkeypatch.setattr(stations.filtersets, "CHOICE_LIMIT", 1)
    url = reverse("evaluations:evaluation_list")
    html = login(world.city_officer).get(url + f"?district={world.district_b.pk}").content.decode()
    assert reverse("stations:choice_search", args=["district"]) in html
    assert f'<option value="{world.district_b.pk}" selected>海珠区' in html
    assert "赤岗街社工服务站" in html and "五山街社工服务站" not in html


def test_the_district_dropdown_names_only_districts_in_scope(world, cycle, login):
    html = login(world.district_a_officer).get(reverse("evaluations:evaluation_list"))
    assert "海珠区" not in html.content.decode()


def test_the_default_and_the_all_cycles_lists_run_the_same_queries_with_more_cycles(
    world, cycle, framework, login, django_assert_max_num_queries
):
    """The default list (the current cycle) and ?cycle=all cost the same number of queries
    whatever the number of past cycles and stations."""
    import datetime as dt

    from evaluations.choices import Phase
    from evaluations.models import Cycle
    from tests.evaluations.conftest import dates

    client = login(world.city_officer)
    url = reverse("evaluations:evaluation_list")
    urls = [url, url + "?cycle=all"]
    for u in urls:
        client.get(u)
    before = {u: _queries(client, u) for u in urls}
    for k, phase in enumerate((Phase.MIDTERM, Phase.FINAL)):
        past = Cycle.objects.create(
            name=f"往年{k}",
            service_year=cycle.service_year - 1,
            phase=phase,
            framework=framework,
            **dates(cycle.opens_on - dt.timedelta(days=200 - 100 * k)),
        )
        for station_id in Evaluation.objects.filter(cycle=cycle).values_list(
            "station_id", flat=True
        ):
            Evaluation.objects.create(cycle=past, station_id=station_id)
    _new_district_with_stations(cycle, 4, "440198")
    for u in urls:
        with django_assert_max_num_queries(before[u]):
            assert client.get(u).status_code == 200
    assert client.get(url).context["default_cycle"] == cycle
