"""The visit and rectification to closure, through the services."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404
from django.urls import reverse

from inspections import services
from inspections.choices import VisitStatus
from inspections.models import InspectionAnswer
from portal.choices import Role
from portal.errors import Conflict
from portal.models import Notification, RoleAssignment
from portal.selectors import policy_in_force
from portal.services.users import role_assignment_end
from rectification import services as rectification_services
from rectification.choices import OrderEventKind, SourceKind
from rectification.models import RectificationOrder
from tests.factories import assign, user_with_role
from tests.inspections.conftest import make_visit

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def _answer_all(actor, visit, result="pass"):
    return services.inspection_answers_save(
        actor=actor,
        visit=visit,
        answers=[
            services.AnswerInput(item_id=i.pk, result=result) for i in visit.checklist.items.all()
        ],
    )


@pytest.fixture
def started(world, plan):
    visit = make_visit(
        station=world.station_a1,
        plan=plan,
        inspector=world.inspector,
        institution=world.institution_a,
    )
    return services.inspection_start(actor=world.inspector, visit=visit)


def test_an_assigned_inspector_records_a_visit_and_signs_it_off_into_orders(
    world, started, today, django_capture_on_commit_callbacks
):
    _answer_all(world.inspector, started)
    item = started.checklist.items.get(code="S02")
    finding = services.finding_add(
        actor=world.inspector, visit=started, item=item, description="安全出口被杂物堵塞"
    )
    assert finding.severity == "critical" and finding.area == "safety"
    with django_capture_on_commit_callbacks(execute=True):
        services.inspection_sign_off(
            actor=world.inspector,
            visit=started,
            representative_name="李站长",
            representative_title="站长",
        )
    started.refresh_from_db()
    assert started.status == VisitStatus.SIGNED_OFF
    order = RectificationOrder.objects.get(finding=finding)
    days = policy_in_force(today).rectification_days_for("critical")
    assert order.due_on == today + dt.timedelta(days=days)
    assert order.institution == world.institution_a
    assert order.source_kind == SourceKind.INSPECTION_FINDING
    assert [e.kind for e in order.events.all()] == [OrderEventKind.OPENED]
    assert Notification.objects.filter(
        recipient=world.station_a1_manager, kind="rectification"
    ).exists()


def test_editing_a_signed_off_visit_answers_conflict_and_changes_nothing(world, started):
    _answer_all(world.inspector, started)
    services.inspection_sign_off(actor=world.inspector, visit=started, representative_name="李")
    before = list(
        InspectionAnswer.objects.filter(inspection=started).values_list("result", flat=True)
    )
    item = started.checklist.items.first()
    with pytest.raises(Conflict) as error:
        services.inspection_answers_save(
            actor=world.inspector, visit=started, answers=[services.AnswerInput(item.pk, "fail")]
        )
    assert error.value.message == services.SIGNED_OFF_LOCKED
    after = list(
        InspectionAnswer.objects.filter(inspection=started).values_list("result", flat=True)
    )
    assert before == after


def test_an_answer_to_an_item_not_in_the_checklist_saves_nothing(world, started):
    good = started.checklist.items.first()
    with pytest.raises(ValidationError) as error:
        services.inspection_answers_save(
            actor=world.inspector,
            visit=started,
            answers=[services.AnswerInput(good.pk, "pass"), services.AnswerInput(999999, "pass")],
        )
    assert "不在本次督查所用的清单中" in error.value.messages[0]
    assert not InspectionAnswer.objects.filter(inspection=started).exists()


def test_an_inspector_not_on_the_team_cannot_record(world, started):
    from tests.factories import Role, user_with_role

    other = user_with_role("other_inspector", Role.INSPECTOR)
    with pytest.raises(Http404):
        services.inspection_answers_save(actor=other, visit=started, answers=[])


def test_a_photo_of_a_refused_type_or_too_large_is_refused(world, started):
    exe = SimpleUploadedFile("photo.jpg", b"MZ\x90\x00" + b"\x00" * 100, "image/jpeg")
    with pytest.raises(ValidationError, match="可执行文件"):
        services.inspection_photo_add(actor=world.inspector, visit=started, upload=exe)
    text = SimpleUploadedFile("photo.png", b"hello world", "image/png")
    with pytest.raises(ValidationError, match="只接受"):
        services.inspection_photo_add(actor=world.inspector, visit=started, upload=text)
    big = SimpleUploadedFile("big.png", PNG + b"\x00" * (11 * 1024 * 1024), "image/png")
    with pytest.raises(ValidationError, match="过大"):
        services.inspection_photo_add(actor=world.inspector, visit=started, upload=big)
    assert not started.photos.exists()
    ok = SimpleUploadedFile("ok.png", PNG, "image/png")
    photo = services.inspection_photo_add(actor=world.inspector, visit=started, upload=ok)
    assert photo.content_type == "image/png"


def _order(world, plan, today, code="B07"):
    visit = make_visit(
        station=world.station_a1,
        plan=plan,
        inspector=world.inspector,
        institution=world.institution_a,
    )
    services.inspection_start(actor=world.inspector, visit=visit)
    _answer_all(world.inspector, visit)
    item = visit.checklist.items.get(code=code)
    finding = services.finding_add(
        actor=world.inspector, visit=visit, item=item, description="杂物堆积"
    )
    services.inspection_sign_off(actor=world.inspector, visit=visit, representative_name="李")
    return RectificationOrder.objects.get(finding=finding)


def test_visit_dates_outside_the_plan_quarter_are_refused(world, plan):
    from inspections import rules

    first, last = rules.quarter_bounds(plan.year, plan.quarter)
    plan.status = "draft"
    plan.save()
    with pytest.raises(ValidationError) as error:
        services.plan_add_station(
            actor=world.city_officer,
            plan=plan,
            station=world.station_b1,
            mode="scheduled",
            scheduled_on=last + dt.timedelta(days=1),
        )
    assert "不在" in error.value.messages[0]
    assert not plan.inspections.exists()
    visit = services.plan_add_station(
        actor=world.city_officer,
        plan=plan,
        station=world.station_b1,
        mode="scheduled",
        scheduled_on=first,
    )
    with pytest.raises(ValidationError):
        services.inspection_reschedule(
            actor=world.city_officer, visit=visit, scheduled_on=first - dt.timedelta(days=1)
        )
    visit.refresh_from_db()
    assert visit.scheduled_on == first


def test_checklists_round_trip_through_excel(world, checklist):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["条目编号", "领域", "分项", "检查内容", "检查指引", "默认问题等级"])
    ws.append(["X1", "安全管理（含消防安全）", "消防", "灭火器有效", "看压力表", "较重"])
    ws.append(["X2", "不存在的领域", "", "内容", "", "一般"])
    buf = io.BytesIO()
    wb.save(buf)
    buf.seek(0)
    with pytest.raises(ValidationError) as error:
        services.checklist_import(
            actor=world.city_officer, code="quarterly", name="季度督查清单", upload=buf
        )
    assert "第3行" in error.value.messages[0]
    wb2 = Workbook()
    ws2 = wb2.active
    ws2.append(["条目编号", "领域", "分项", "检查内容", "检查指引", "默认问题等级"])
    ws2.append(["X1", "安全管理（含消防安全）", "消防", "灭火器有效", "看压力表", "较重"])
    buf = io.BytesIO()
    wb2.save(buf)
    buf.seek(0)
    new = services.checklist_import(
        actor=world.city_officer, code="quarterly", name="季度督查清单", upload=buf
    )
    assert new.version == 2 and new.items.get().default_severity == "major"
    with pytest.raises(PermissionDenied):
        services.checklist_new_version(actor=world.district_a_officer, template=checklist)


def test_a_campaign_schedules_its_stations_and_institutions_and_shows_progress(world, today):
    from inspections.models import ChecklistTemplate
    from inspections.selectors import campaign_progress

    checklist = ChecklistTemplate.objects.get(code="campaign-2019")
    with pytest.raises(ValidationError):
        services.campaign_create(
            actor=world.city_officer,
            name="空",
            theme="finance",
            starts_on=today,
            ends_on=today,
            checklist=checklist,
        )
    campaign = services.campaign_create(
        actor=world.city_officer,
        name="财务管理专项督查",
        theme="finance",
        starts_on=today,
        ends_on=today + dt.timedelta(days=60),
        checklist=checklist,
        stations=[world.station_b1],
        institutions=[world.institution_a],
    )
    assert services.campaign_schedule(actor=world.city_officer, campaign=campaign) == 2
    assert services.campaign_schedule(actor=world.city_officer, campaign=campaign) == 0
    visit = campaign.inspections.get(station=world.station_a1)
    services.inspection_start(actor=world.city_officer, visit=visit)
    services.inspection_answers_save(
        actor=world.city_officer,
        visit=visit,
        answers=[services.AnswerInput(i.pk, "pass") for i in checklist.items.all()],
    )
    services.finding_add(
        actor=world.city_officer,
        visit=visit,
        item=checklist.items.get(code="F01"),
        description="票据不全",
    )
    services.inspection_sign_off(actor=world.city_officer, visit=visit, representative_name="王")
    progress = campaign_progress(world.city_officer, campaign)
    assert progress["visits"]["visited"] == 1 and progress["visits"]["total"] == 2
    assert progress["findings"] == 1 and progress["orders"]["total"] == 1
    with pytest.raises(ValidationError):
        services.inspection_reschedule(
            actor=world.city_officer,
            visit=campaign.inspections.get(station=world.station_b1),
            scheduled_on=today - dt.timedelta(days=1),
        )


@pytest.fixture
def former_managers(world, today):
    """A manager of A1 whose role ended 30 days ago and who now officers district B, and an
    A1 manager whose account is switched off: neither answers for A1 any more."""
    former = user_with_role(
        "former_a1",
        Role.STATION_MANAGER,
        station=world.station_a1,
        ends_on=today - dt.timedelta(days=30),
    )
    assign(former, Role.DISTRICT_OFFICER, district=world.district_b)
    inactive = user_with_role("inactive_a1", Role.STATION_MANAGER, station=world.station_a1)
    inactive.is_active = False
    inactive.save()
    return [former, inactive]


def test_rectification_notices_and_escalations_reach_current_managers_only(
    world, plan, today, former_managers, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        order = _order(world, plan, today)
    assert Notification.objects.filter(
        recipient=world.station_a1_manager, kind="rectification"
    ).exists()
    rectification_services.rectification_escalate_overdue(today=order.due_on + dt.timedelta(days=1))
    assert Notification.objects.filter(
        recipient=world.station_a1_manager, kind="rectification_overdue"
    ).exists()
    assert not Notification.objects.filter(recipient__in=former_managers).exists()


def test_a_confirmed_plan_is_announced_to_current_managers_only(
    world, plan, former_managers, django_capture_on_commit_callbacks
):
    make_visit(station=world.station_a1, plan=plan, inspector=world.inspector)
    with django_capture_on_commit_callbacks(execute=True):
        services._notify_plan(plan.pk)
    assert Notification.objects.filter(recipient=world.station_a1_manager).exists()
    assert not Notification.objects.filter(recipient__in=former_managers).exists()


def test_ending_an_inspector_role_now_stops_access_and_notices_at_once(
    world, plan, login, django_capture_on_commit_callbacks
):
    visit = make_visit(station=world.station_a1, plan=plan, inspector=world.inspector)
    client = login(world.inspector)
    page = reverse("inspections:inspection_detail", args=[visit.pk])
    assert client.get(page).status_code == 200
    role_assignment_end(
        actor=world.city_admin, assignment=RoleAssignment.objects.get(user=world.inspector)
    )
    assert client.get(page).status_code == 404
    assert client.get(f"/api/v1/inspections/visits/{visit.pk}/").status_code == 404
    with django_capture_on_commit_callbacks(execute=True):
        services._notify_plan(plan.pk)
    services.inspection_remind_teams()
    assert not Notification.objects.filter(recipient=world.inspector).exists()
