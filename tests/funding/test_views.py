"""Funding pages: scope (404/403), locking (409), the board's query count, exports."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.urls import reverse

from funding import services
from funding.models import Budget
from portal.scoping import SYSTEM
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
    assert "此记录已被" in response.content.decode()
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


def test_the_board_page_runs_a_fixed_number_of_queries(
    world, login, django_assert_max_num_queries, today
):
    client = login(world.city_officer)
    for n in (5, 40):
        for _ in range(n):
            station = StationFactory(subdistrict=world.subdistrict_a1)
            ContractFactory(station=station, institution=world.institution_a)
        services.funding_years_refresh(service_year=today.year)
        with django_assert_max_num_queries(16):
            response = client.get(reverse("funding:board"), {"year": today.year})
        assert response.status_code == 200


def test_the_board_exports_to_excel_worst_first(world, login, today):
    report(world, 1, "80000.00")
    services.funding_years_refresh(service_year=today.year)
    response = login(world.city_officer).get(
        reverse("funding:board"), {"year": today.year, "format": "xlsx"}
    )
    assert response.status_code == 200
    ws = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[1][1] == "五山街社工服务站" and rows[1][-1] == "预计不达标"


def test_the_overview_page_feeds_the_charts_through_json_script(
    world, login, django_assert_max_num_queries, today
):
    report(world, 1, "140000.00")
    client = login(world.city_officer)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("funding:overview"), {"year": today.year})
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


def _attachment(world, status="draft"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    r = report(world, 1, "140000.00", status="draft")
    pdf = SimpleUploadedFile("收据.pdf", b"%PDF-1.7 receipt", content_type="application/pdf")
    attachment = services.attachment_add(actor=world.station_a1_manager, report=r, upload=pdf)
    if status in ("submitted", "approved"):
        r = services.report_submit(actor=SYSTEM, report=r, version=r.version)
    if status == "approved":
        services.report_approve(actor=SYSTEM, report=r, version=r.version)
    return r, attachment


def test_a_manager_deletes_an_attachment_from_the_report_page(world, login):
    from funding.models import SpendingAttachment

    r, attachment = _attachment(world)
    client = login(world.station_a1_manager)
    page = client.get(reverse("funding:report_detail", args=[r.pk])).content.decode()
    url = reverse("funding:attachment_delete", args=[attachment.pk])
    assert url in page and "删除" in page
    assert client.get(url).status_code == 405
    response = client.post(url)
    assert response.status_code == 302 and response.url.endswith(f"/reports/{r.pk}/")
    assert not SpendingAttachment.objects.filter(pk=attachment.pk).exists()


def test_deleting_an_attachment_is_scoped_and_locked_once_the_report_is_confirmed(world, login):
    from funding.models import SpendingAttachment

    r, attachment = _attachment(world, status="approved")
    url = reverse("funding:attachment_delete", args=[attachment.pk])
    assert login(world.station_b1_manager).post(url).status_code == 404
    assert login(world.district_a_officer).post(url).status_code == 403
    response = login(world.station_a1_manager).post(url)
    assert response.status_code == 409 and "已锁定" in response.content.decode()
    page = login(world.station_a1_manager).get(reverse("funding:report_detail", args=[r.pk]))
    assert url not in page.content.decode()
    assert SpendingAttachment.objects.filter(pk=attachment.pk).exists()
    attachment.file.delete(save=False)


def test_the_list_filter_bars_are_styled_and_say_all_instead_of_dashes(world, login):
    client = login(world.city_officer)
    for name in ("funding:budget_list", "funding:report_list", "funding:resource_list"):
        response = client.get(reverse(name))
        html = response.content.decode()
        assert "---------" not in html, name
        form = response.context["filter"].form
        for field in form:
            if field.is_hidden:
                continue
            css = field.field.widget.attrs.get("class", "")
            assert ("form-select" in css) or ("form-control" in css), (name, field.name)
        # Station and contract ids come from links, not from a box to type an id in.
        assert form["station"].is_hidden
        assert "全部区" in html and ("全部状态" in html or "全部类别" in html)
    html = client.get(reverse("funding:resource_totals")).content.decode()
    assert "---------" not in html and "全部区" in html


def test_the_resource_totals_select_shows_the_year_it_totals(world, login, today):

    response = login(world.city_officer).get(reverse("funding:resource_totals"))
    year = today.year
    assert response.context["year"] == year
    assert f'<option value="{year}" selected>' in response.content.decode()


def test_the_funding_lists_run_a_fixed_number_of_queries(
    world, login, django_assert_max_num_queries, today
):
    client = login(world.city_officer)
    pages = [
        "funding:budget_list",
        "funding:report_list",
        "funding:resource_list",
        "funding:resource_totals",
        "funding:overview",
    ]
    for n in (2, 12):
        for _ in range(n):
            station = StationFactory(subdistrict=world.subdistrict_a1)
            contract = ContractFactory(station=station, institution=world.institution_a)
            services.budget_create(
                actor=SYSTEM, contract=contract, lines=lines_with_personnel("1600000.00")
            )
            services.report_create(
                actor=SYSTEM,
                contract=contract,
                period=1,
                lines=[{"category": "salaries", "amount": "130000.00"}],
            )
            services.social_resource_create(
                actor=SYSTEM,
                station=station,
                kind="charity_donation",
                received_on=today,
                amount="1000.00",
            )
        services.funding_years_refresh(service_year=today.year)
        for name in pages:
            with django_assert_max_num_queries(16):
                response = client.get(reverse(name))
            assert response.status_code == 200, name


def test_the_policy_page_lists_the_funding_deadlines_with_their_labels(world, login):
    from datetime import date

    from portal.models import PolicyVersion

    version = PolicyVersion.objects.get(effective_from=date(2018, 1, 1))
    html = (
        login(world.city_admin)
        .get(reverse("manage:policy_detail", args=[version.pk]))
        .content.decode()
    )
    for label in (
        "经费支出报告周期",
        "支出报告提交期限（期间结束后天数）",
        "年度人员经费占比确定宽限期（天）",
    ):
        assert label in html, label
    assert "月度" in html and ">monthly<" not in html
    # Who hears of a late report, and when, is the funding report's ladder.
    assert 'data-kind="funding_report"' in html and "经费支出报告" in html


def _period_input(html: str) -> str:
    import re

    match = re.search(r'<input[^>]*name="period"[^>]*>', html)
    assert match, "no period field"
    return match.group(0)


def test_the_report_form_defaults_to_the_last_finished_period_of_the_policys_kind(
    world, login, today
):
    from datetime import date

    from portal.models import PolicyVersion

    client = login(world.station_a1_manager)
    url = reverse("funding:report_create") + f"?contract={world.contract_a1.pk}"
    field = _period_input(client.get(url).content.decode())
    assert f'value="{max(today.month - 1, 1)}"' in field and 'data-period-kind="monthly"' in field

    version = PolicyVersion.objects.get(effective_from=date(2018, 1, 1))
    version.spending_report_period = "quarterly"
    version.save(update_fields=["spending_report_period"])
    field = _period_input(client.get(url).content.decode())
    assert f'value="{max((today.month - 1) // 3, 1)}"' in field
    assert 'data-period-kind="quarterly"' in field


def test_a_manager_edits_a_draft_report_and_a_stale_version_is_a_conflict(
    world, login, approved_budget
):
    draft = report(world, 1, "100000.00", status="draft")
    url = reverse("funding:report_edit", args=[draft.pk])
    client = login(world.station_a1_manager)
    edit = {"amount_salaries": "120000.00", "amount_service_activities": "30000.00"}
    response = client.post(url, edit | {"version": draft.version})
    assert response.status_code == 302
    assert response.url == reverse("funding:report_detail", args=[draft.pk])
    draft.refresh_from_db()
    assert draft.total == 150000

    stale = client.post(url, edit | {"amount_salaries": "1.00", "version": draft.version - 1})
    assert stale.status_code == 409 and "此记录已被" in stale.content.decode()
    draft.refresh_from_db()
    assert draft.total == 150000

    assert login(world.district_b_officer).get(url).status_code == 404
    assert login(world.district_a_officer).get(url).status_code == 403
