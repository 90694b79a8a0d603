"""Pages and API: fixed query counts, the phone page's bad input, 409 after sign-off, PDF."""

from __future__ import annotations

import subprocess

import pytest

from inspections import services
from inspections.models import Finding, InspectionAnswer
from portal import clock
from tests.factories import StationFactory, SubdistrictFactory
from tests.inspections.conftest import make_visit


def _signed_visit(world, plan, station=None, n_findings=1):
    visit = make_visit(
        station=station or world.station_a1,
        plan=plan,
        inspector=world.inspector,
        institution=world.institution_a,
    )
    services.inspection_start(actor=world.inspector, visit=visit)
    services.inspection_answers_save(
        actor=world.inspector,
        visit=visit,
        answers=[
            services.AnswerInput(i.pk, "fail" if i.code == "S01" else "pass")
            for i in visit.checklist.items.all()
        ],
    )
    for _ in range(n_findings):
        services.finding_add(
            actor=world.inspector,
            visit=visit,
            item=visit.checklist.items.get(code="S01"),
            description="灭火器过期",
        )
    services.inspection_sign_off(actor=world.inspector, visit=visit, representative_name="李站长")
    return visit


def _more_stations(world, plan, n):
    sub = SubdistrictFactory(district=world.district_a)
    for _ in range(n):
        _signed_visit(world, plan, station=StationFactory(subdistrict=sub))


@pytest.mark.parametrize(
    "url",
    [
        "/inspections/board/",
        "/inspections/visits/",
        "/rectification/orders/",
        "/inspections/heatmap/",
        "/api/v1/inspections/board/",
        "/api/v1/inspections/visits/",
        "/api/v1/rectification/orders/",
    ],
)
def test_boards_and_lists_run_the_same_number_of_queries_at_any_size(
    world, plan, login, url, django_assert_max_num_queries
):
    _signed_visit(world, plan)
    client = login(world.district_a_officer)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    _more_stations(world, plan, 6)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get(url).status_code == 200


def test_the_phone_page_refuses_an_answer_to_an_item_not_in_the_checklist(world, plan, login):
    visit = make_visit(station=world.station_a1, plan=plan, inspector=world.inspector)
    services.inspection_start(actor=world.inspector, visit=visit)
    client = login(world.inspector)
    page = client.get(f"/inspections/visits/{visit.pk}/")
    assert page.status_code == 200 and "保存检查结果" in page.content.decode()
    item = visit.checklist.items.first()
    response = client.post(
        f"/inspections/visits/{visit.pk}/answers/",
        {f"result_{item.pk}": "pass", "result_999999": "pass"},
        follow=True,
    )
    assert "不在本次督查所用的清单中" in response.content.decode()
    assert not InspectionAnswer.objects.filter(inspection=visit).exists()


def test_editing_a_signed_off_visit_answers_409_in_pages_and_api(world, plan, login):
    visit = _signed_visit(world, plan)
    client = login(world.inspector)
    item = visit.checklist.items.get(code="S02")
    response = client.post(
        f"/inspections/visits/{visit.pk}/answers/", {f"result_{item.pk}": "fail"}
    )
    assert response.status_code == 409
    assert services.SIGNED_OFF_LOCKED in response.content.decode()
    api = client.post(
        f"/api/v1/inspections/visits/{visit.pk}/answers/",
        {"answers": [{"item": str(item.pk), "result": "fail"}]},
        content_type="application/json",
    )
    assert api.status_code == 409
    assert InspectionAnswer.objects.get(inspection=visit, item=item).result == "pass"


def test_the_station_tab_and_history_show_visits_and_orders(world, plan, login):
    _signed_visit(world, plan)
    client = login(world.station_a1_manager)
    body = client.get(f"/inspections/stations/{world.station_a1.pk}/").content.decode()
    assert "灭火器" in body and "督查记录" in body


@pytest.mark.tools("pdftotext")  # poppler-utils: skips locally without it, fails in CI
def test_the_report_pdf_renders_chinese(world, plan, login, tmp_path):
    visit = _signed_visit(world, plan)
    client = login(world.city_officer)
    response = client.get(f"/inspections/visits/{visit.pk}/report.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(response.content)
    text = subprocess.run(
        ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "督查报告" in text and "灭火器过期" in text and "五山街社工服务站" in text


def test_the_heat_map_counts_findings_by_area_and_district(world, plan, login):
    _signed_visit(world, plan, n_findings=2)
    from inspections.selectors import heatmap

    heat = heatmap(world.city_officer, year=clock.today().year)
    assert heat["districts"] == ["天河区"] and heat["max"] == 2
    assert Finding.objects.count() == 2
