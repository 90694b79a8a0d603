"""Funding pages: scope (404/403), locking (409), the board's query count, exports."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.urls import reverse

from funding import services
from funding.models import Budget
from tests.factories import ContractFactory, StationFactory
from tests.funding.conftest import lines_with_personnel, report

pytestmark = pytest.mark.django_db


def _line_post(personnel, version=None, **extra):
    data = {
        f"amount_{line['category']}": str(line["amount"])
        for line in lines_with_personnel(personnel)
    }
    if version is not None:
        data["version"] = version
    return data | extra


def test_a_manager_prepares_and_submits_a_budget_through_the_pages(world, login):
    client = login(world.station_a1_manager)
    response = client.post(
        reverse("funding:budget_create"), _line_post("1600000.00", contract=world.contract_a1.pk)
    )
    budget = Budget.objects.get()
    assert response.status_code == 302 and response.url == reverse(
        "funding:budget_detail", args=[budget.pk]
    )
    page = client.get(response.url)
    assert page.status_code == 200 and "提交审核" in page.content.decode()
    client.post(
        reverse("funding:budget_decide", args=[budget.pk]),
        {"action": "submit", "version": budget.version},
    )
    budget.refresh_from_db()
    assert budget.status == "submitted"


def test_a_budget_under_the_floor_shows_the_chinese_message(world, login):
    client = login(world.station_a1_manager)
    client.post(
        reverse("funding:budget_create"), _line_post("1559760.00", contract=world.contract_a1.pk)
    )
    budget = Budget.objects.get()
    response = client.post(
        reverse("funding:budget_decide", args=[budget.pk]),
        {"action": "submit", "version": budget.version},
        follow=True,
    )
    text = response.content.decode()
    assert "64.99%" in text and "240.00 元" in text


def test_a_stale_edit_answers_409_with_a_clear_message(world, login):
    budget = services.budget_create(
        actor=world.station_a1_manager,
        contract=world.contract_a1,
        lines=lines_with_personnel("1600000.00"),
    )
    services.budget_update(
        actor=world.station_a1_manager,
        budget=budget,
        version=budget.version,
        lines=lines_with_personnel("1610000.00"),
    )
    client = login(world.institution_a_admin)
    response = client.post(
        reverse("funding:budget_edit", args=[budget.pk]), _line_post("1620000.00", version=1)
    )
    assert response.status_code == 409
    assert "已被他人修改" in response.content.decode()
    budget.refresh_from_db()
    assert budget.personnel == 1610000


def test_an_approved_budget_is_locked_on_the_pages(world, login, approved_budget):
    client = login(world.station_a1_manager)
    response = client.post(
        reverse("funding:budget_edit", args=[approved_budget.pk]),
        _line_post("1620000.00", version=approved_budget.version),
    )
    assert response.status_code == 409 and "已锁定" in response.content.decode()


def test_out_of_scope_is_404_and_in_scope_but_not_allowed_is_403(world, login, approved_budget):
    assert (
        login(world.station_b1_manager)
        .get(reverse("funding:budget_detail", args=[approved_budget.pk]))
        .status_code
        == 404
    )
    assert (
        login(world.district_b_officer)
        .get(reverse("funding:budget_edit", args=[approved_budget.pk]))
        .status_code
        == 404
    )
    assert (
        login(world.district_a_officer)
        .get(reverse("funding:budget_edit", args=[approved_budget.pk]))
        .status_code
        == 403
    )
    assert login(world.station_a1_manager).get(reverse("funding:board")).status_code == 403
    assert login(world.inspector).get(reverse("funding:budget_list")).status_code == 200
    assert (
        "五山街" not in login(world.inspector).get(reverse("funding:budget_list")).content.decode()
    )


def test_the_board_page_runs_a_fixed_number_of_queries(world, login, django_assert_max_num_queries):
    client = login(world.city_officer)
    for n in (5, 40):
        for _ in range(n):
            station = StationFactory(subdistrict=world.subdistrict_a1)
            ContractFactory(station=station, institution=world.institution_a)
        services.funding_years_refresh(service_year=2026)
        with django_assert_max_num_queries(16):
            response = client.get(reverse("funding:board"), {"year": 2026})
        assert response.status_code == 200


def test_the_board_exports_to_excel_worst_first(world, login):
    report(world, 1, "80000.00")
    services.funding_years_refresh(service_year=2026)
    response = login(world.city_officer).get(
        reverse("funding:board"), {"year": 2026, "format": "xlsx"}
    )
    assert response.status_code == 200
    ws = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[1][1] == "五山街社工服务站" and rows[1][-1] == "预计不达标"


def test_the_overview_page_feeds_the_charts_through_json_script(
    world, login, django_assert_max_num_queries
):
    report(world, 1, "140000.00")
    client = login(world.city_officer)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("funding:overview"), {"year": 2026})
    text = response.content.decode()
    assert response.status_code == 200
    assert 'id="funding-chart-data"' in text and "js/funding-charts.js" in text
    assert "<script>" not in text.replace('<script id="funding-chart-data"', "")


def test_a_report_import_with_errors_lists_them_and_answers_400(world, login):
    wb = openpyxl.Workbook()
    wb.active.append(["期次", "科目", "金额（元）"])
    wb.active.append([1, "人员经费：工资", "abc"])
    buf = io.BytesIO()
    wb.save(buf)
    buf.seek(0)
    buf.name = "s.xlsx"
    response = login(world.station_a1_manager).post(
        reverse("funding:report_import"),
        {"contract": world.contract_a1.pk, "period_kind": "monthly", "file": buf},
    )
    assert response.status_code == 400
    assert "第2行「金额（元）」列：不是有效金额。" in response.content.decode()


def test_the_station_page_has_a_funding_tab(world, login):
    report(world, 1, "140000.00")
    response = login(world.station_a1_manager).get(
        reverse("stations:station_tab", args=[world.station_a1.pk, "funding"])
    )
    assert response.status_code == 200
    assert "历年人员经费占比" in response.content.decode()


def test_every_funding_page_renders_for_a_city_officer(world, login, approved_budget):
    r = report(world, 1, "140000.00")
    client = login(world.city_officer)
    fy = approved_budget.contract.funding_year
    for name, args in [
        ("funding:board", []),
        ("funding:overview", []),
        ("funding:budget_list", []),
        ("funding:report_list", []),
        ("funding:resource_list", []),
        ("funding:resource_totals", []),
        ("funding:budget_detail", [approved_budget.pk]),
        ("funding:report_detail", [r.pk]),
        ("funding:year_detail", [fy.pk]),
    ]:
        assert client.get(reverse(name, args=args)).status_code == 200, name
