"""Funding API: scoped viewsets, state changes as actions, 409 on locked or stale writes."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from portal.scoping import SYSTEM
from tests.funding.conftest import lines_with_personnel, report

pytestmark = pytest.mark.django_db


def _api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def _lines(personnel):
    return [
        {"category": line["category"], "amount": str(line["amount"]), "note": line["note"]}
        for line in lines_with_personnel(personnel)
    ]


def test_a_budget_goes_from_draft_to_approved_through_the_api(world):
    manager, officer = _api(world.station_a1_manager), _api(world.district_a_officer)
    created = manager.post(
        "/api/v1/funding/budgets/",
        {"contract": world.contract_a1.pk, "lines": _lines("1600000.00")},
        format="json",
    )
    assert created.status_code == 201, created.content
    budget = created.json()
    assert budget["total"] == "2400000.00" and budget["personnel"] == "1600000.00"
    pk, version = budget["id"], budget["version"]
    submitted = manager.post(
        f"/api/v1/funding/budgets/{pk}/submit/", {"version": version}, format="json"
    )
    assert submitted.status_code == 200 and submitted.json()["status"] == "submitted"
    assert (
        manager.post(
            f"/api/v1/funding/budgets/{pk}/approve/",
            {"version": submitted.json()["version"]},
            format="json",
        ).status_code
        == 403
    )
    approved = officer.post(
        f"/api/v1/funding/budgets/{pk}/approve/",
        {"version": submitted.json()["version"]},
        format="json",
    )
    assert approved.status_code == 200 and approved.json()["status"] == "approved"
    locked = manager.put(
        f"/api/v1/funding/budgets/{pk}/",
        {"version": approved.json()["version"], "lines": _lines("1700000.00")},
        format="json",
    )
    assert locked.status_code == 409 and "已锁定" in locked.json()["detail"]


def test_a_budget_under_the_floor_answers_400_with_the_chinese_message(world):
    manager = _api(world.station_a1_manager)
    budget = manager.post(
        "/api/v1/funding/budgets/",
        {"contract": world.contract_a1.pk, "lines": _lines("1559760.00")},
        format="json",
    ).json()
    response = manager.post(
        f"/api/v1/funding/budgets/{budget['id']}/submit/",
        {"version": budget["version"]},
        format="json",
    )
    assert response.status_code == 400
    assert "64.99%" in str(response.json()) and "240.00 元" in str(response.json())


def test_a_stale_version_answers_409(world):
    manager = _api(world.station_a1_manager)
    budget = manager.post(
        "/api/v1/funding/budgets/",
        {"contract": world.contract_a1.pk, "lines": _lines("1600000.00")},
        format="json",
    ).json()
    url = f"/api/v1/funding/budgets/{budget['id']}/"
    first = manager.put(
        url, {"version": budget["version"], "lines": _lines("1610000.00")}, format="json"
    )
    second = manager.put(
        url, {"version": budget["version"], "lines": _lines("1620000.00")}, format="json"
    )
    assert first.status_code == 200 and second.status_code == 409
    detail = second.json()["detail"]
    # Who changed it and when (from the audit trail), and what to do.
    assert world.station_a1_manager.username in detail and "请刷新后重试" in detail
    assert second.json()["code"] == "conflict"


def test_other_districts_get_404_and_lists_are_scoped(world, approved_budget):
    assert (
        _api(world.district_b_officer)
        .get(f"/api/v1/funding/budgets/{approved_budget.pk}/")
        .status_code
        == 404
    )
    assert _api(world.district_b_officer).get("/api/v1/funding/budgets/").json()["count"] == 0
    assert _api(world.city_officer).get("/api/v1/funding/budgets/").json()["count"] == 1
    assert (
        _api(world.station_b1_manager)
        .post(
            "/api/v1/funding/budgets/",
            {"contract": world.contract_a1.pk, "lines": _lines("1600000.00")},
            format="json",
        )
        .status_code
        == 400
    )  # the contract is not among its choices


def test_a_spending_report_with_an_attachment_through_the_api(world):
    manager = _api(world.station_a1_manager)
    created = manager.post(
        "/api/v1/funding/spending-reports/",
        {
            "contract": world.contract_a1.pk,
            "period": 1,
            "lines": [{"category": "salaries", "amount": "120000.00"}],
        },
        format="json",
    )
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    upload = manager.post(
        f"/api/v1/funding/spending-reports/{pk}/attachments/",
        {
            "kind": "payroll",
            "file": SimpleUploadedFile(
                "payroll.pdf", b"%PDF-1.4 x", content_type="application/pdf"
            ),
        },
        format="multipart",
    )
    assert upload.status_code == 201, upload.content
    bad = manager.post(
        f"/api/v1/funding/spending-reports/{pk}/attachments/",
        {"kind": "other", "file": SimpleUploadedFile("run.exe", b"MZ\x90")},
        format="multipart",
    )
    assert bad.status_code == 400 and "可执行" in str(bad.json())
    submitted = manager.post(
        f"/api/v1/funding/spending-reports/{pk}/submit/",
        {"version": created.json()["version"]},
        format="json",
    )
    assert submitted.status_code == 200
    from funding.models import SpendingAttachment

    for a in SpendingAttachment.objects.all():
        a.file.delete(save=False)


def test_the_years_endpoint_gives_the_board_rows_with_their_status(
    world, django_assert_max_num_queries, today
):
    report(world, 1, "80000.00")
    client = _api(world.city_officer)
    with django_assert_max_num_queries(6):
        response = client.get("/api/v1/funding/years/", {"service_year": today.year})
    rows = response.json()["results"]
    assert rows[0]["station"] == world.station_a1.pk
    assert rows[0]["status"] == "projected_under" and rows[0]["projected_ok"] is False


def test_social_resource_totals_through_the_api(world, today):
    manager = _api(world.station_a1_manager)
    created = manager.post(
        "/api/v1/funding/social-resources/",
        {
            "station": world.station_a1.pk,
            "kind": "time_bank",
            "received_on": today.isoformat(),
            "hours": "3.50",
        },
        format="json",
    )
    assert created.status_code == 201, created.content
    assert created.json()["credits"] == "3.50"
    wrong = manager.post(
        "/api/v1/funding/social-resources/",
        {
            "station": world.station_a1.pk,
            "kind": "time_bank",
            "received_on": today.isoformat(),
            "amount": "3.50",
        },
        format="json",
    )
    assert wrong.status_code == 400
    totals = (
        _api(world.city_officer)
        .get("/api/v1/funding/social-resources/totals/", {"year": today.year, "by": "city"})
        .json()
    )
    assert totals[0]["credits"] == "3.50"


def test_the_funding_routes_are_in_the_openapi_schema(world):
    response = _api(world.city_officer).get("/api/schema/")
    text = response.content.decode()
    for path in (
        "/api/v1/funding/budgets/{id}/approve/",
        "/api/v1/funding/years/",
        "/api/v1/funding/spending-reports/{id}/attachments/",
        "/api/v1/funding/social-resources/totals/",
    ):
        assert path in text


def test_an_attachment_is_deleted_through_the_api_until_the_report_is_confirmed(world):
    from funding import services
    from funding.models import SpendingAttachment

    r = report(world, 1, "120000.00", status="draft")
    pdf = SimpleUploadedFile("a.pdf", b"%PDF-1.4 x", content_type="application/pdf")
    first = services.attachment_add(actor=world.station_a1_manager, report=r, upload=pdf)
    second = services.attachment_add(
        actor=world.station_a1_manager,
        report=r,
        upload=SimpleUploadedFile("b.pdf", b"%PDF-1.4 y", content_type="application/pdf"),
    )
    url = f"/api/v1/funding/spending-reports/{r.pk}/attachments/{first.pk}/"
    assert _api(world.station_b1_manager).delete(url).status_code == 404
    assert _api(world.district_a_officer).delete(url).status_code == 403
    assert _api(world.station_a1_manager).delete(url).status_code == 204
    assert not SpendingAttachment.objects.filter(pk=first.pk).exists()
    r = services.report_submit(actor=SYSTEM, report=r, version=r.version)
    services.report_approve(actor=SYSTEM, report=r, version=r.version)
    locked = _api(world.station_a1_manager).delete(
        f"/api/v1/funding/spending-reports/{r.pk}/attachments/{second.pk}/"
    )
    assert locked.status_code == 409
    second.file.delete(save=False)


def test_a_report_of_another_period_kind_than_the_policy_answers_400(world):
    response = _api(world.station_a1_manager).post(
        "/api/v1/funding/spending-reports/",
        {
            "contract": world.contract_a1.pk,
            "period": 1,
            "period_kind": "quarterly",
            "lines": [{"category": "salaries", "amount": "120000.00"}],
        },
        format="json",
    )
    assert response.status_code == 400 and "按月度填报" in str(response.json())
