"""Bad input never answers 500: out-of-range and malformed values are refused with a Chinese
message naming the field, the same on a page and in the API, and change nothing.

The API side is fuzzed by schemathesis (tests/portal/test_api_schema.py); this walks the pages.
"""

from __future__ import annotations

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from rest_framework.test import APIClient

from inspections.models import QuarterPlan
from portal.api.pagination import ERR_PAGE_SIZE
from portal.forms.base import ERR_BOOLEAN, ERR_QUARTER, ERR_YEAR
from portal.query import InvalidQuery

BAD_VALUES = ["0", "-1", "99999999999", "99999999999999999999999", "abc", "2026-13-45", "1.5"]
# Parameters pages read besides their filter forms.
READ_BY_VIEWS = {"year", "quarter", "service_year", "page", "district", "station", "contract"}
SKIPPED_PREFIXES = ("api/", "admin/", "accounts/", "i18n/", "healthz", "favicon", "static/")


def _pages(resolver=None, prefix=""):
    """Every page without a path parameter (lists, boards, forms)."""
    resolver = resolver or get_resolver()
    for p in resolver.url_patterns:
        route = prefix + str(p.pattern)
        if isinstance(p, URLResolver):
            yield from _pages(p, route)
        elif (
            isinstance(p, URLPattern)
            and "<" not in route
            and "(?P" not in route
            and not route.startswith(SKIPPED_PREFIXES)
        ):
            yield "/" + route.lstrip("^").rstrip("$")


def _field_names(html: str) -> set[str]:
    return set(re.findall(r'<(?:input|select|textarea)[^>]*\bname="([^"]+)"', html)) - {
        "csrfmiddlewaretoken",
        "next",
        "language",
    }


@pytest.mark.parametrize("persona", ["city_officer", "station_a1_manager"])
def test_no_page_answers_500_to_malformed_or_out_of_range_values(world, login, persona):
    client = login(getattr(world, persona))
    walked = 0
    for url in sorted(set(_pages())):
        first = client.get(url)
        if first.status_code != 200 or "text/html" not in first.get("Content-Type", ""):
            continue
        names = _field_names(first.content.decode()) | READ_BY_VIEWS
        walked += 1
        for bad in BAD_VALUES:
            # The test client raises the view's exception, so a 500 fails with its traceback.
            response = client.get(url, dict.fromkeys(names, bad))
            assert response.status_code < 500, (url, bad, response.status_code)
    assert walked > 20


def test_an_out_of_range_year_is_the_same_message_on_the_page_and_in_the_api(world, login):
    page = login(world.city_officer).get("/inspections/visits/", {"year": "0"})
    assert page.status_code == 200
    assert str(ERR_YEAR) in page.content.decode()  # on the filter, the list re-rendered
    api = APIClient()
    api.force_authenticate(world.city_officer)
    for value in ("0", "-5", "99999999999", "abc"):
        response = api.get("/api/v1/inspections/visits/", {"year": value})
        assert response.status_code == 400
        assert response.json() == {"year": [str(ERR_YEAR)]}


@pytest.mark.parametrize(
    ("url", "params", "field", "message"),
    [
        ("/inspections/board/", {"year": "0"}, "year", ERR_YEAR),
        ("/inspections/board/", {"year": "99999999999"}, "year", ERR_YEAR),
        ("/inspections/board/", {"quarter": "5"}, "quarter", ERR_QUARTER),
        ("/inspections/heatmap/", {"year": "-2026"}, "year", ERR_YEAR),
        ("/talent/programmes/", {"year": "1"}, "year", ERR_YEAR),
    ],
)
def test_a_board_refuses_a_bad_period_with_a_400_page_and_the_api_with_400_json(
    world, login, url, params, field, message
):
    page = login(world.city_officer).get(url, params)
    assert page.status_code == 400
    assert str(message) in page.content.decode()
    api_url = {
        "/inspections/board/": "/api/v1/inspections/board/",
        "/inspections/heatmap/": "/api/v1/inspections/board/heatmap/",
    }.get(url)
    if api_url:
        api = APIClient()
        api.force_authenticate(world.city_officer)
        response = api.get(api_url, params)
        assert response.status_code == 400
        assert response.json() == {field: [str(message)]}


def test_the_api_refuses_bad_pages_and_yes_no_words_by_name(world):
    api = APIClient()
    api.force_authenticate(world.city_officer)
    for size in ("0", "501", "abc", "99999999999999999999"):
        response = api.get("/api/v1/stations/", {"page_size": size})
        assert response.status_code == 400
        assert response.json() == {"page_size": [str(ERR_PAGE_SIZE)]}
    response = api.get("/api/v1/institutions/", {"listed": "maybe"})
    assert response.status_code == 400 and response.json() == {"listed": [str(ERR_BOOLEAN)]}
    assert api.get("/api/v1/institutions/", {"listed": "true"}).status_code == 200
    assert api.get("/api/v1/stations/", {"service_year": "99999999999"}).status_code == 400


def test_a_manual_draw_naming_a_station_that_does_not_exist_is_refused_and_draws_nothing(
    world, today
):
    api = APIClient()
    api.force_authenticate(world.city_officer)
    quarter = (today.month - 1) // 3 + 1
    for manual in ([987654321], [world.station_a1.pk, 987654321], [2**62]):
        response = api.post(
            "/api/v1/inspections/plans/draw/",
            {"year": today.year, "quarter": quarter, "manual": manual},
            format="json",
        )
        assert response.status_code == 400, response.content
        body = response.json()
        assert list(body) == ["manual"] and "不存在" in body["manual"][0]
    assert not QuarterPlan.objects.exists()
    response = api.post(
        "/api/v1/inspections/plans/draw/",
        {"year": today.year, "quarter": quarter, "seed": 2**70},
        format="json",
    )
    assert response.status_code == 400 and list(response.json()) == ["seed"]
    assert not QuarterPlan.objects.exists()


def test_an_invalid_query_names_each_field_and_joins_the_messages():
    error = InvalidQuery({"year": ["年度有误。"], "quarter": ["季度有误。"]})
    assert error.errors == {"year": ["年度有误。"], "quarter": ["季度有误。"]}
    assert str(error) == "年度有误。；季度有误。"
