"""The API covers the officer's whole job: teams, rescheduling, campaigns, checklists, heat map;
and the pages offer no empty "---------" choices."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from openpyxl import load_workbook

from inspections import rules, services
from inspections.choices import ChecklistStatus, PlanStatus, VisitMode
from inspections.models import (
    Campaign,
    ChecklistTemplate,
    Inspection,
    InspectionSettings,
    QuarterPlan,
)
from portal import clock
from tests.inspections.conftest import make_visit


@pytest.fixture
def draft_plan(db, checklist, today):
    year, quarter = rules.quarter_of(today)
    return QuarterPlan.objects.create(
        year=year,
        quarter=quarter,
        status=PlanStatus.DRAFT,
        checklist=checklist,
        settings=InspectionSettings.objects.order_by("effective_from").first(),
        seed=1,
    )


def _json(client, url, data):
    return client.post(url, data, content_type="application/json")


def test_the_city_assigns_teams_to_a_visit_and_to_a_whole_plan_through_the_api(
    world, draft_plan, login
):
    one = make_visit(station=world.station_a1, plan=draft_plan)
    two = make_visit(station=world.station_a2, plan=draft_plan)
    city = login(world.city_officer)
    member = {"user": world.inspector.pk, "body": "fire_department", "is_lead": True}
    r = _json(city, f"/api/v1/inspections/visits/{one.pk}/team/", {"members": [member]})
    assert r.status_code == 200, r.content
    assert r.json()["team"][0]["body"] == "fire_department"
    r = _json(
        city, f"/api/v1/inspections/plans/{draft_plan.pk}/assign_team/", {"members": [member]}
    )
    assert r.status_code == 200 and r.json() == {"count": 1}
    assert two.team.get().user == world.inspector
    # Someone who is not an inspector is refused with a Chinese message naming the rule.
    bad = {"user": world.station_a1_manager.pk, "body": "finance", "is_lead": False}
    r = _json(city, f"/api/v1/inspections/visits/{one.pk}/team/", {"members": [bad]})
    assert r.status_code == 400 and "不是在岗的督查人员" in r.content.decode()
    assert one.team.get().user == world.inspector
    # Only the city assigns teams.
    r = _json(
        login(world.inspector), f"/api/v1/inspections/visits/{one.pk}/team/", {"members": [member]}
    )
    assert r.status_code == 403


def test_a_visit_is_rescheduled_through_the_api_within_its_quarter(world, plan, login):
    visit = make_visit(station=world.station_a1, plan=plan, inspector=world.inspector)
    city = login(world.city_officer)
    _first, last = rules.quarter_bounds(plan.year, plan.quarter)
    r = _json(
        city,
        f"/api/v1/inspections/visits/{visit.pk}/reschedule/",
        {"scheduled_on": (last + dt.timedelta(days=1)).isoformat()},
    )
    assert r.status_code == 400 and "不在" in r.content.decode()
    r = _json(
        city, f"/api/v1/inspections/visits/{visit.pk}/reschedule/", {"scheduled_on": str(last)}
    )
    assert r.status_code == 200 and r.json()["scheduled_on"] == last.isoformat()


def test_a_scheduled_visit_the_station_was_told_of_cannot_turn_unannounced(world, plan, login):
    visit = make_visit(station=world.station_a1, plan=plan, inspector=world.inspector)
    r = _json(
        login(world.city_officer),
        f"/api/v1/inspections/visits/{visit.pk}/reschedule/",
        {"scheduled_on": str(visit.scheduled_on), "mode": VisitMode.UNANNOUNCED},
    )
    assert r.status_code == 400 and services.ALREADY_ANNOUNCED in r.content.decode()
    visit.refresh_from_db()
    assert visit.mode == VisitMode.SCHEDULED


def test_the_city_creates_a_campaign_through_the_api_and_sees_its_progress(world, login, today):
    checklist = ChecklistTemplate.objects.get(code="quarterly", version=1)
    city = login(world.city_officer)
    r = _json(
        city,
        "/api/v1/inspections/campaigns/",
        {
            "name": "内部治理专项督查",
            "theme": "governance",
            "starts_on": today.isoformat(),
            "ends_on": (today + dt.timedelta(days=60)).isoformat(),
            "checklist": checklist.pk,
            "stations": [world.station_a1.pk, world.station_b1.pk],
        },
    )
    assert r.status_code == 201, r.content
    campaign = Campaign.objects.get(pk=r.json()["id"])
    assert campaign.inspections.count() == 2
    progress = city.get(f"/api/v1/inspections/campaigns/{campaign.pk}/progress/").json()
    assert progress["visits"]["total"] == 2 and progress["findings"] == 0
    assert _json(city, f"/api/v1/inspections/campaigns/{campaign.pk}/schedule/", {}).json() == {
        "count": 0
    }
    district = login(world.district_a_officer)
    assert district.post("/api/v1/inspections/campaigns/", {}).status_code == 403


def test_checklists_are_versioned_activated_exported_and_imported_through_the_api(
    world, checklist, login
):
    city = login(world.city_officer)
    r = city.post(f"/api/v1/inspections/checklists/{checklist.pk}/new_version/")
    assert r.status_code == 201
    new = ChecklistTemplate.objects.get(pk=r.json()["id"])
    assert new.version == checklist.version + 1 and new.status == ChecklistStatus.DRAFT
    assert city.post(f"/api/v1/inspections/checklists/{new.pk}/activate/").status_code == 200
    checklist.refresh_from_db()
    assert checklist.status == ChecklistStatus.RETIRED
    export = city.get(f"/api/v1/inspections/checklists/{new.pk}/export/")
    assert export.status_code == 200
    body = b"".join(export.streaming_content) if export.streaming else export.content
    rows = list(load_workbook(io.BytesIO(body)).active.iter_rows(values_only=True))
    assert rows[0][0] == "条目编号" and len(rows) == new.items.count() + 1
    upload = io.BytesIO(body)
    upload.name = "清单.xlsx"
    r = city.post(
        "/api/v1/inspections/checklists/import/",
        {"code": "imported", "name": "导入的清单", "file": upload},
    )
    assert r.status_code == 201, r.content
    assert len(r.json()["items"]) == new.items.count()
    assert login(world.station_a1_manager).post(
        f"/api/v1/inspections/checklists/{new.pk}/new_version/"
    ).status_code in (403, 404)


def test_the_heat_map_and_a_station_history_are_in_the_api(world, plan, login):
    visit = make_visit(station=world.station_a1, plan=plan, inspector=world.inspector)
    make_visit(station=world.station_a2, plan=plan, inspector=world.inspector)
    client = login(world.district_a_officer)
    heat = client.get("/api/v1/inspections/board/heatmap/", {"year": clock.today().year})
    assert heat.status_code == 200 and set(heat.json()) == {"districts", "areas", "cells", "max"}
    visits = client.get("/api/v1/inspections/visits/", {"station": world.station_a1.pk}).json()
    rows = visits["results"] if isinstance(visits, dict) else visits
    assert [v["id"] for v in rows] == [visit.pk]


@pytest.mark.parametrize(
    "url", ["/inspections/settings/", "/inspections/campaigns/", "/rectification/orders/"]
)
def test_forms_and_filters_offer_no_empty_dash_choices(world, plan, login, url):
    body = login(world.city_officer).get(url).content.decode()
    assert "---------" not in body and "未知" not in body
    assert "form-select" in body


def test_the_schema_lists_the_new_actions(world, login):
    schema = login(world.city_officer).get("/api/schema/").content.decode()
    for path in (
        "/api/v1/inspections/visits/{id}/team/",
        "/api/v1/inspections/visits/{id}/reschedule/",
        "/api/v1/inspections/plans/{id}/assign_team/",
        "/api/v1/inspections/campaigns/{id}/schedule/",
        "/api/v1/inspections/checklists/import/",
        "/api/v1/inspections/board/heatmap/",
    ):
        assert path in schema, path
    assert Inspection.objects.count() == 0
