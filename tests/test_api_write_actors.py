"""Every API write names its actor in the audit trail, when the caller signs in with a token.

The request middleware runs before DRF authenticates a token, so the actor must be read when
an audit row is written, not when the request comes in (``portal.context``). This walks every
POST, PUT, PATCH and DELETE route of the router: each has a sample below that makes one
successful write as a token-authenticated user, and every audit row the request writes must
name that user. A route without a sample fails the walk; a route that writes nothing to the
trail says why in ``NOT_AUDITED``.
"""

from __future__ import annotations

import datetime as dt
import io
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.serializers.json import DjangoJSONEncoder
from django.test import Client
from django.urls import resolve
from rest_framework.authtoken.models import Token

from portal.models import AuditEvent, RoleAssignment
from portal.scoping import SYSTEM

WRITE_METHODS = ("post", "put", "patch", "delete")

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64

# Routes that write nothing to the audit trail, and why.
NOT_AUDITED = {
    ("talent-worker", "lookup"): "a read: finds a person by the ID number in the body",
    ("notification", "mark_read"): "the caller's own inbox state (portal.audit.NOT_AUDITED)",
    ("notification", "mark_all_read"): "the caller's own inbox state (portal.audit.NOT_AUDITED)",
}


def write_routes() -> list[tuple[str, str, str]]:
    """(basename, action, method) of every write route the API router serves."""
    import portal.api.urls  # noqa: F401  (every app registers its viewsets on import)
    from portal.api.router import router

    found = []
    for _prefix, viewset, basename in router.registry:
        allowed = getattr(viewset, "http_method_names", WRITE_METHODS)
        for route in router.get_routes(viewset):
            for method, action in router.get_method_map(viewset, route.mapping).items():
                if method in WRITE_METHODS and method in allowed:
                    found.append((basename, action, method))
    return found


@dataclass
class Call:
    user: object
    url: str
    body: dict = field(default_factory=dict)
    multipart: bool = False


SAMPLES: dict[tuple[str, str], Callable] = {}


def sample(basename: str, *actions: str):
    def register(build):
        for action in actions:
            SAMPLES[(basename, action)] = build
        return build

    return register


# --- portal -----------------------------------------------------------------------------------


@sample("user", "create")
def _user_create(w, today, action):
    body = {"username": "new_user", "password": "Strong-Pass-2026!x", "display_name": "新用户"}
    return Call(w.city_admin, "/api/v1/users/", body)


@sample("user", "update", "partial_update", "deactivate", "reactivate", "set_password")
def _user_change(w, today, action):
    from portal.services.users import user_deactivate

    target = w.station_b1_manager
    url = f"/api/v1/users/{target.pk}/"
    if action == "update":
        return Call(w.city_admin, url, {"display_name": "改名", "email": "b1@example.org"})
    if action == "partial_update":
        return Call(w.city_admin, url, {"phone": "13800000000"})
    if action == "reactivate":
        user_deactivate(actor=w.city_admin, user=target)
    if action == "set_password":
        return Call(w.city_admin, url + "set-password/", {"password": "Another-Strong-2026!"})
    return Call(w.city_admin, url + f"{action}/")


@sample("roleassignment", "create")
def _role_create(w, today, action):
    body = {"user": w.inspector.pk, "role": "city_officer"}
    return Call(w.city_admin, "/api/v1/role-assignments/", body)


@sample("roleassignment", "update", "partial_update", "destroy", "end")
def _role_change(w, today, action):
    role = RoleAssignment.objects.get(user=w.station_b1_manager)
    url = f"/api/v1/role-assignments/{role.pk}/"
    if action == "update":
        body = {"ends_on": (today + dt.timedelta(days=30)).isoformat(), "note": "调岗"}
        return Call(w.city_admin, url, body)
    if action == "partial_update":
        return Call(w.city_admin, url, {"note": "调岗"})
    if action == "end":
        return Call(w.city_admin, url + "end/")
    return Call(w.city_admin, url)


def _next_year(today) -> dt.date:
    return dt.date(today.year + 1, 1, 1)


@sample("policyversion", "create", "update", "partial_update")
def _policy(w, today, action):
    from portal.services.policy import policy_version_create

    if action == "create":
        body = {"name": "下一版", "effective_from": _next_year(today).isoformat()}
        return Call(w.city_admin, "/api/v1/policy-versions/", body)
    version = policy_version_create(
        actor=w.city_admin, name="下一版", effective_from=_next_year(today)
    )
    url = f"/api/v1/policy-versions/{version.pk}/"
    if action == "update":
        return Call(
            w.city_admin,
            url,
            {"name": "下一版（修订）", "effective_from": version.effective_from.isoformat()},
        )
    return Call(w.city_admin, url, {"staff_per_station": 25})


# --- stations ---------------------------------------------------------------------------------


@sample("institution", "create", "update", "partial_update")
def _institution(w, today, action):
    from stations.rules import make_credit_code

    if action == "create":
        body = {"name": "广州市新社会工作服务中心", "credit_code": make_credit_code(99)}
        return Call(w.city_admin, "/api/v1/institutions/", body)
    inst = w.institution_a
    url = f"/api/v1/institutions/{inst.pk}/"
    if action == "update":
        body = {"name": inst.name, "credit_code": inst.credit_code, "legal_representative": "李四"}
        return Call(w.city_admin, url, body)
    return Call(w.city_admin, url, {"phone": "020-12345678"})


@sample("creditrecord", "create", "lift")
def _credit_record(w, today, action):
    from stations.services import credit_record_add

    body = {
        "institution": w.institution_a.pk,
        "kind": "abnormal_operation",
        "listed_on": (today - dt.timedelta(days=30)).isoformat(),
        "reason": "未按时提交年度报告",
    }
    if action == "create":
        return Call(w.city_admin, "/api/v1/credit-records/", body)
    record = credit_record_add(
        actor=w.city_admin,
        institution=w.institution_a,
        kind="abnormal_operation",
        listed_on=today - dt.timedelta(days=30),
        reason="未按时提交年度报告",
    )
    return Call(
        w.city_admin, f"/api/v1/credit-records/{record.pk}/lift/", {"lifted_on": today.isoformat()}
    )


@sample("station", "create", "update", "partial_update")
def _station(w, today, action):
    officer = w.district_a_officer
    if action == "create":
        body = {"code": "TH-050", "name": "新设社工服务站", "subdistrict": w.subdistrict_a1.pk}
        return Call(officer, "/api/v1/stations/", body)
    station = w.station_a1
    url = f"/api/v1/stations/{station.pk}/"
    if action == "update":
        body = {"code": station.code, "name": station.name, "subdistrict": w.subdistrict_a1.pk}
        return Call(officer, url, body | {"address": "天河区五山路1号"})
    return Call(officer, url, {"address": "天河区五山路2号"})


@sample("outpost", "create", "close")
def _outpost(w, today, action):
    from stations.services import outpost_create
    from tests.factories import CommunityFactory

    community = CommunityFactory(subdistrict=w.subdistrict_a1)
    if action == "create":
        body = {
            "station": w.station_a1.pk,
            "community": community.pk,
            "opened_on": today.isoformat(),
        }
        return Call(w.district_a_officer, "/api/v1/outposts/", body)
    outpost = outpost_create(
        actor=SYSTEM, station=w.station_a1, community=community, opened_on=today - dt.timedelta(30)
    )
    return Call(
        w.district_a_officer,
        f"/api/v1/outposts/{outpost.pk}/close/",
        {"closed_on": today.isoformat()},
    )


@sample("contract", "create", "update", "partial_update", "terminate")
def _contract(w, today, action):
    officer = w.district_a_officer
    if action == "create":
        body = {
            "station": w.station_a1.pk,
            "institution": w.institution_a.pk,
            "service_year": today.year + 1,
        }
        return Call(officer, "/api/v1/contracts/", body)
    contract = w.contract_a1
    url = f"/api/v1/contracts/{contract.pk}/"
    if action == "update":
        body = {
            "station": w.station_a1.pk,
            "institution": w.institution_a.pk,
            "service_year": contract.service_year,
            "note": "补充说明",
        }
        return Call(officer, url, body)
    if action == "partial_update":
        return Call(officer, url, {"note": "补充说明"})
    last_day = min(today, contract.ends_on - dt.timedelta(days=1))
    return Call(
        officer, url + "terminate/", {"terminated_on": last_day.isoformat(), "reason": "机构退出"}
    )


# --- talent -----------------------------------------------------------------------------------


def _person(w, today, *, name="莫文"):
    from tests.talent.conftest import hire

    return hire(w.station_a1, name=name, starts_on=today - dt.timedelta(days=400))


@sample("talent-worker", "create", "partial_update", "unmask")
def _worker(w, today, action):
    from tests.talent.conftest import new_id

    manager = w.station_a1_manager
    if action == "create":
        body = {
            "name": "新社工",
            "id_number": new_id(),
            "station": w.station_a1.pk,
            "position": "frontline",
            "starts_on": today.isoformat(),
        }
        return Call(manager, "/api/v1/talent/workers/", body)
    person = _person(w, today)
    url = f"/api/v1/talent/workers/{person.pk}/"
    if action == "partial_update":
        return Call(manager, url, {"phone": "13900000000"})
    return Call(w.institution_a_admin, url + "unmask/", {"reason": "核对身份信息"})


@sample("talent-employment", "create", "end")
def _employment(w, today, action):
    person = _person(w, today)
    manager = w.station_a1_manager
    if action == "create":
        body = {
            "person": person.pk,
            "station": w.station_a1.pk,
            "position": "supervisor",
            "employment_type": "part_time",
            "starts_on": today.isoformat(),
        }
        return Call(manager, "/api/v1/talent/employments/", body)
    job = person.employments.get()
    return Call(
        manager, f"/api/v1/talent/employments/{job.pk}/end/", {"ends_on": today.isoformat()}
    )


def _certificate(w, today, person, *, years_ago=5):
    from talent import services

    return services.certificate_add(
        actor=SYSTEM,
        person=person,
        level="assistant",
        number="ZS-1",
        year_passed=today.year - years_ago,
    )


@sample("talent-certificate", "create")
def _certificate_create(w, today, action):
    body = {
        "person": _person(w, today).pk,
        "level": "assistant",
        "number": "ZS-2",
        "year_passed": today.year - 1,
    }
    return Call(w.station_a1_manager, "/api/v1/talent/certificates/", body)


@sample("talent-registration", "create", "renew")
def _registration(w, today, action):
    from talent import services

    person = _person(w, today)
    certificate = _certificate(w, today, person)
    if action == "create":
        body = {"certificate": certificate.pk, "starts_on": today.isoformat()}
        return Call(w.station_a1_manager, "/api/v1/talent/registrations/", body)
    # Registered almost three years ago: inside the renewal window now.
    registration = services.registration_add(
        actor=SYSTEM, certificate=certificate, starts_on=today - dt.timedelta(days=3 * 365 - 25)
    )
    return Call(w.station_a1_manager, f"/api/v1/talent/registrations/{registration.pk}/renew/")


@sample("talent-cerecord", "create")
def _ce_record(w, today, action):
    body = {
        "person": _person(w, today).pk,
        "hours": "6.0",
        "completed_on": today.isoformat(),
        "title": "督导培训",
    }
    return Call(w.station_a1_manager, "/api/v1/talent/ce-records/", body)


def _programme(w, today):
    from talent import services

    return services.programme_create(
        actor=SYSTEM,
        year=today.year,
        kind="continuing",
        title="继续教育班",
        provider="广州市社会工作协会",
        budget=Decimal("10000.00"),
        places=30,
    )


@sample("talent-programme", "create", "partial_update")
def _programme_write(w, today, action):
    if action == "create":
        body = {
            "year": today.year,
            "kind": "continuing",
            "title": "继续教育班",
            "provider": "广州市社会工作协会",
            "budget": "10000.00",
            "places": 30,
        }
        return Call(w.city_officer, "/api/v1/talent/programmes/", body)
    programme = _programme(w, today)
    return Call(w.city_officer, f"/api/v1/talent/programmes/{programme.pk}/", {"note": "改期"})


@sample("talent-session", "create")
def _session(w, today, action):
    body = {
        "programme": _programme(w, today).pk,
        "held_on": today.isoformat(),
        "topic": "个案管理",
        "hours": "3.0",
    }
    return Call(w.city_officer, "/api/v1/talent/sessions/", body)


@sample("talent-enrolment", "create", "attendance", "complete")
def _enrolment(w, today, action):
    from talent import services

    programme = _programme(w, today)
    person = _person(w, today)
    if action == "create":
        body = {"programme": programme.pk, "person": person.pk}
        return Call(w.institution_a_admin, "/api/v1/talent/enrolments/", body)
    session = services.session_add(
        actor=SYSTEM, programme=programme, held_on=today, topic="个案管理", hours=Decimal("3.0")
    )
    enrolment = services.enrolment_add(
        actor=w.institution_a_admin, programme=programme, person=person
    )
    url = f"/api/v1/talent/enrolments/{enrolment.pk}/"
    if action == "attendance":
        return Call(w.city_officer, url + "attendance/", {"session": session.pk})
    services.attendance_record(actor=SYSTEM, session=session, enrolments=[enrolment])
    return Call(w.city_officer, url + "complete/", {"completed_on": today.isoformat()})


@sample("talent-honour", "create")
def _honour(w, today, action):
    body = {
        "person": _person(w, today).pk,
        "level": "city",
        "kind": "other",
        "title": "优秀社工",
        "year": today.year,
        "issuer": "广州市民政局",
    }
    return Call(w.city_officer, "/api/v1/talent/honours/", body)


# --- funding ----------------------------------------------------------------------------------


def _budget_lines():
    from tests.funding.conftest import lines_with_personnel

    return [
        {"category": line["category"], "amount": str(line["amount"]), "note": line["note"]}
        for line in lines_with_personnel("1600000.00")
    ]


@sample(
    "funding-budget", "create", "update", "partial_update", "submit", "approve", "return_", "revise"
)
def _budget(w, today, action):
    from funding import services
    from tests.funding.conftest import lines_with_personnel

    manager, officer = w.station_a1_manager, w.district_a_officer
    if action == "create":
        body = {"contract": w.contract_a1.pk, "lines": _budget_lines()}
        return Call(manager, "/api/v1/funding/budgets/", body)
    budget = services.budget_create(
        actor=manager, contract=w.contract_a1, lines=lines_with_personnel("1600000.00")
    )
    url = f"/api/v1/funding/budgets/{budget.pk}/"
    if action in ("update", "partial_update"):
        return Call(manager, url, {"version": budget.version, "lines": _budget_lines()})
    if action == "submit":
        return Call(manager, url + "submit/", {"version": budget.version})
    budget = services.budget_submit(actor=manager, budget=budget, version=budget.version)
    if action == "approve":
        return Call(officer, url + "approve/", {"version": budget.version})
    if action == "return_":
        return Call(officer, url + "return/", {"version": budget.version, "reason": "请补充说明"})
    services.budget_approve(actor=officer, budget=budget, version=budget.version)
    return Call(manager, url + "revise/")


REPORT_LINES = [{"category": "salaries", "amount": "120000.00"}]


@sample(
    "funding-spending-report",
    "create",
    "update",
    "partial_update",
    "submit",
    "approve",
    "return_",
    "attachments",
    "attachment_delete",
)
def _report(w, today, action):
    from funding import services
    from tests.funding.conftest import month_lines

    manager, officer = w.station_a1_manager, w.district_a_officer
    if action == "create":
        body = {"contract": w.contract_a1.pk, "period": 1, "lines": REPORT_LINES}
        return Call(manager, "/api/v1/funding/spending-reports/", body)
    report = services.report_create(
        actor=manager, contract=w.contract_a1, period=1, lines=month_lines("120000.00")
    )
    url = f"/api/v1/funding/spending-reports/{report.pk}/"
    if action in ("update", "partial_update"):
        return Call(manager, url, {"version": report.version, "lines": REPORT_LINES})
    if action == "submit":
        return Call(manager, url + "submit/", {"version": report.version})
    if action == "attachments":
        upload = SimpleUploadedFile("payroll.pdf", PDF, content_type="application/pdf")
        return Call(manager, url + "attachments/", {"kind": "payroll", "file": upload}, True)
    if action == "attachment_delete":
        attachment = services.attachment_add(
            actor=manager,
            report=report,
            upload=SimpleUploadedFile("payroll.pdf", PDF, content_type="application/pdf"),
            kind="payroll",
        )
        return Call(manager, url + f"attachments/{attachment.pk}/")
    report = services.report_submit(actor=manager, report=report, version=report.version)
    if action == "approve":
        return Call(officer, url + "approve/", {"version": report.version})
    return Call(officer, url + "return/", {"version": report.version, "reason": "附件不全"})


@sample("funding-year", "finalise")
def _funding_year(w, today, action):
    from funding import services
    from funding.models import FundingYear
    from tests.factories import ContractFactory
    from tests.funding.conftest import report

    last_year = ContractFactory(
        station=w.station_b1, institution=w.institution_b, service_year=today.year - 1
    )
    for month in range(1, 13):
        report(w, month, "120000.00", contract=last_year, status="approved")
    services.funding_years_refresh(service_year=today.year - 1, contract_ids=[last_year.pk])
    year = FundingYear.objects.get(contract=last_year)
    return Call(w.district_b_officer, f"/api/v1/funding/years/{year.pk}/finalise/")


@sample("funding-social-resource", "create", "update", "partial_update", "destroy")
def _social_resource(w, today, action):
    from funding import services

    body = {
        "station": w.station_a1.pk,
        "kind": "time_bank",
        "received_on": today.isoformat(),
        "hours": "3.50",
    }
    manager = w.station_a1_manager
    if action == "create":
        return Call(manager, "/api/v1/funding/social-resources/", body)
    resource = services.social_resource_create(
        actor=manager,
        station=w.station_a1,
        kind="time_bank",
        received_on=today,
        hours=Decimal("2.00"),
    )
    url = f"/api/v1/funding/social-resources/{resource.pk}/"
    if action == "update":
        return Call(manager, url, body)
    if action == "partial_update":
        return Call(manager, url, {"description": "长者探访"})
    return Call(manager, url)


# --- inspections ------------------------------------------------------------------------------


def _checklist():
    from inspections.models import ChecklistTemplate

    return ChecklistTemplate.objects.get(code="quarterly", version=1)


def _plan(today, status):
    from inspections import rules
    from inspections.models import InspectionSettings, QuarterPlan

    year, quarter = rules.quarter_of(today)
    return QuarterPlan.objects.create(
        year=year,
        quarter=quarter,
        status=status,
        checklist=_checklist(),
        settings=InspectionSettings.objects.order_by("effective_from").first(),
        seed=1,
        inputs={"stations": []},
        result={"visits": []},
    )


@sample("inspection-checklist", "import_", "activate", "new_version")
def _checklist_write(w, today, action):
    from inspections import services

    checklist = _checklist()
    url = "/api/v1/inspections/checklists/"
    if action == "new_version":
        return Call(w.city_officer, f"{url}{checklist.pk}/new_version/")
    if action == "activate":
        draft = services.checklist_new_version(actor=w.city_officer, template=checklist)
        return Call(w.city_officer, f"{url}{draft.pk}/activate/")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append([c.header for c in services.checklist_columns()])
    for item in checklist.items.all():
        sheet.append(
            [
                item.code,
                item.get_area_display(),
                item.topic,
                item.title,
                item.guidance,
                item.get_default_severity_display(),
            ]
        )
    content = io.BytesIO()
    book.save(content)
    upload = SimpleUploadedFile("清单.xlsx", content.getvalue())
    body = {"code": "imported", "name": "导入的清单", "file": upload}
    return Call(w.city_officer, f"{url}import/", body, True)


MEMBER = {"body": "fire_department", "is_lead": True}


@sample("inspection-plan", "draw", "add_station", "assign_team", "confirm")
def _plan_write(w, today, action):
    from inspections import rules
    from inspections.choices import PlanStatus
    from tests.inspections.conftest import make_visit

    year, quarter = rules.quarter_of(today)
    if action == "draw":
        body = {"year": year, "quarter": quarter, "seed": 7}
        return Call(w.city_officer, "/api/v1/inspections/plans/draw/", body)
    plan = _plan(today, PlanStatus.DRAFT)
    url = f"/api/v1/inspections/plans/{plan.pk}/"
    if action == "add_station":
        body = {"station": w.station_a1.pk, "mode": "scheduled", "scheduled_on": today.isoformat()}
        return Call(w.city_officer, url + "add_station/", body)
    if action == "assign_team":
        make_visit(station=w.station_a1, plan=plan)
        body = {"members": [MEMBER | {"user": w.inspector.pk}]}
        return Call(w.city_officer, url + "assign_team/", body)
    make_visit(station=w.station_a1, plan=plan, inspector=w.inspector)
    return Call(w.city_officer, url + "confirm/")


def _answer_all(w, visit):
    from inspections import services

    services.inspection_answers_save(
        actor=w.inspector,
        visit=visit,
        answers=[services.AnswerInput(item.pk, "pass") for item in visit.checklist.items.all()],
    )


@sample("inspection", "start", "answers", "findings", "photos", "reschedule", "sign_off", "team")
def _visit(w, today, action):
    from inspections import rules, services
    from inspections.choices import PlanStatus
    from tests.inspections.conftest import make_visit

    if action == "team":
        visit = make_visit(station=w.station_a1, plan=_plan(today, PlanStatus.DRAFT))
        body = {"members": [MEMBER | {"user": w.inspector.pk}]}
        return Call(w.city_officer, f"/api/v1/inspections/visits/{visit.pk}/team/", body)
    visit = make_visit(
        station=w.station_a1,
        plan=_plan(today, PlanStatus.CONFIRMED),
        inspector=w.inspector,
        institution=w.institution_a,
    )
    url = f"/api/v1/inspections/visits/{visit.pk}/"
    if action == "start":
        return Call(w.inspector, url + "start/")
    if action == "reschedule":
        later = today + dt.timedelta(days=1)
        day = (
            later if rules.quarter_of(later) == rules.quarter_of(today) else today - dt.timedelta(1)
        )
        return Call(w.city_officer, url + "reschedule/", {"scheduled_on": day.isoformat()})
    services.inspection_start(actor=w.inspector, visit=visit)
    item = visit.checklist.items.first()
    if action == "answers":
        return Call(
            w.inspector, url + "answers/", {"answers": [{"item": str(item.pk), "result": "pass"}]}
        )
    if action == "findings":
        return Call(w.inspector, url + "findings/", {"item": item.pk, "description": "杂物堆积"})
    if action == "photos":
        upload = SimpleUploadedFile("现场.png", PNG, content_type="image/png")
        return Call(w.inspector, url + "photos/", {"photo": upload, "caption": "现场"}, True)
    _answer_all(w, visit)
    return Call(w.inspector, url + "sign_off/", {"representative_name": "李站长"})


@sample("rectification-order", "create", "respond", "verify")
def _order(w, today, action):
    from rectification import services

    body = {
        "station": w.station_a1.pk,
        "source_kind": "evaluation",
        "source_ref": "evaluation:42",
        "severity": "major",
        "title": "评估不合格整改",
    }
    if action == "create":
        return Call(w.city_officer, "/api/v1/rectification/orders/", body)
    order = services.rectification_order_open(
        actor=w.city_officer,
        station=w.station_a1,
        source_kind="evaluation",
        source_ref="evaluation:42",
        severity="major",
        title="评估不合格整改",
    )
    url = f"/api/v1/rectification/orders/{order.pk}/"
    if action == "respond":
        return Call(w.station_a1_manager, url + "respond/", {"text": "已整改完毕"})
    services.rectification_respond(actor=w.station_a1_manager, order=order, text="已整改完毕")
    return Call(w.district_a_officer, url + "verify/", {"accept": True})


@sample("inspection-campaign", "create", "schedule")
def _campaign(w, today, action):
    from inspections import services

    body = {
        "name": "内部治理专项督查",
        "theme": "governance",
        "starts_on": today.isoformat(),
        "ends_on": (today + dt.timedelta(days=60)).isoformat(),
        "checklist": _checklist().pk,
        "stations": [w.station_a1.pk],
    }
    if action == "create":
        return Call(w.city_officer, "/api/v1/inspections/campaigns/", body)
    campaign = services.campaign_create(
        actor=w.city_officer,
        name="内部治理专项督查",
        theme="governance",
        starts_on=today,
        ends_on=today + dt.timedelta(days=60),
        checklist=_checklist(),
        stations=[w.station_a1],
    )
    return Call(w.city_officer, f"/api/v1/inspections/campaigns/{campaign.pk}/schedule/")


# --- evaluations ------------------------------------------------------------------------------


def _framework():
    from evaluations.models import Framework

    return Framework.objects.get(code="gz-station", version=1)


def _draft_framework(w):
    from evaluations import services

    return services.framework_new_version(actor=w.city_officer, framework=_framework())


@sample("evaluationframework", "create", "partial_update", "adopt", "new_version")
def _framework_write(w, today, action):
    url = "/api/v1/evaluation-frameworks/"
    if action == "create":
        return Call(w.city_officer, url, {"code": "fw-test", "name": "测试框架"})
    if action == "new_version":
        return Call(w.city_officer, f"{url}{_framework().pk}/new-version/")
    draft = _draft_framework(w)
    if action == "adopt":
        return Call(w.city_officer, f"{url}{draft.pk}/adopt/")
    return Call(w.city_officer, f"{url}{draft.pk}/", {"name": "测试框架（修订）"})


@sample("evaluationframeworknode", "create", "partial_update", "destroy")
def _node(w, today, action):
    draft = _draft_framework(w)
    url = "/api/v1/evaluation-framework-nodes/"
    if action == "create":
        body = {"framework": draft.pk, "level": "dimension", "code": "X9", "name": "新维度"}
        return Call(w.city_officer, url, body)
    leaf = draft.nodes.filter(level="item").last()
    if action == "partial_update":
        return Call(w.city_officer, f"{url}{leaf.pk}/", {"name": "改名的评分项"})
    return Call(w.city_officer, f"{url}{leaf.pk}/")


def _cycle(w, today, *, opened=True, **offsets):
    """A mid-term cycle with its dates ``offsets`` days from today, of the service year it
    opens in (early in January that is last year: station A1 gets a contract for it)."""
    from evaluations import services
    from tests.evaluations.conftest import dates
    from tests.factories import ContractFactory

    days = dates(today, **offsets)
    year = days["opens_on"].year
    if year != today.year:
        ContractFactory(station=w.station_a1, institution=w.institution_a, service_year=year)
    cycle = services.cycle_create(
        actor=w.city_officer,
        service_year=year,
        phase="midterm",
        framework=_framework(),
        **days,
    )
    if opened:
        services.cycle_open(cycle_id=cycle.pk, today=today)
    cycle.refresh_from_db()
    return cycle


def _evaluation(w, cycle):
    from evaluations import services
    from evaluations.models import Evaluation

    ev = Evaluation.objects.get(cycle=cycle, station=w.station_a1)
    services.assignment_create(
        actor=w.city_officer, evaluations=[ev], evaluator=w.evaluator, starts_on=cycle.opens_on
    )
    ev.refresh_from_db()
    return ev


def _scored(w, ev, day):
    """Every scorer scores their part on ``day`` and the evaluator completes the sheet."""
    from evaluations import services
    from evaluations.choices import Scorer
    from tests.evaluations.conftest import leaves

    actors = {
        Scorer.PURCHASER: w.subdistrict_a1_officer,
        Scorer.SUPERVISOR: w.district_a_officer,
    }
    by_actor: dict = {}
    for leaf in leaves(ev):
        by_actor.setdefault(actors.get(leaf.scorer, w.evaluator), []).append(leaf)
    for actor, part in by_actor.items():
        ev.refresh_from_db()
        services.scores_save(
            actor=actor,
            evaluation=ev,
            version=ev.version,
            entries=[services.ScoreInput(lf.id, lf.max_score * Decimal("0.9")) for lf in part],
            today=day,
        )
    ev.refresh_from_db()
    services.scoring_complete(actor=w.evaluator, evaluation=ev, today=day)
    ev.refresh_from_db()
    return ev


# A cycle whose appeal window is open today: scoring closed yesterday.
APPEAL_TODAY = {
    "opens": -30,
    "self_due": -25,
    "scoring_start": -25,
    "scoring_due": -1,
    "appeal_start": 0,
    "appeal_due": 5,
    "publish": 6,
}


@sample("evaluationcycle", "create", "partial_update", "open", "compute", "publish")
def _cycle_write(w, today, action):
    from evaluations.models import Evaluation
    from tests.evaluations.conftest import dates

    url = "/api/v1/evaluation-cycles/"
    if action == "create":
        body = {
            "name": "年度末期评估",
            "service_year": today.year,
            "phase": "final",
            "framework": _framework().pk,
        } | {k: v.isoformat() for k, v in dates(today, opens=3, scoring_start=3).items()}
        return Call(w.city_officer, url, body)
    if action in ("partial_update", "open"):
        offsets = {"opens": 3, "scoring_start": 3} if action == "partial_update" else {}
        cycle = _cycle(w, today, opened=False, **offsets)
        if action == "open":
            return Call(w.city_officer, f"{url}{cycle.pk}/open/")
        return Call(w.city_officer, f"{url}{cycle.pk}/", {"name": "中期评估（改期）"})
    cycle = _cycle(w, today)
    ev = _scored(w, _evaluation(w, cycle), today)
    if action == "compute":
        # A result computed before the scores were last changed: computing writes it anew.
        Evaluation.objects.filter(pk=ev.pk).update(total=None, grade="")
        return Call(w.city_officer, f"{url}{cycle.pk}/compute/")
    return Call(w.city_officer, f"{url}{cycle.pk}/publish/")


@sample(
    "evaluation",
    "scores",
    "complete",
    "self_assessment",
    "submit_self",
    "survey_links",
    "publish",
    "appeal",
)
def _evaluation_write(w, today, action):
    from evaluations.choices import Scorer
    from tests.evaluations.conftest import leaves

    if action == "appeal":
        cycle = _cycle(w, today, **APPEAL_TODAY)
        ev = _scored(w, _evaluation(w, cycle), today - dt.timedelta(days=1))
        leaf = next(lf for lf in leaves(ev) if lf.scorer == Scorer.EVALUATOR)
        body = {
            "reason": "评分偏低",
            "items": [
                {"node": leaf.id, "requested_score": str(leaf.max_score), "reason": "档案齐全"}
            ],
        }
        return Call(w.station_a1_manager, f"/api/v1/evaluations/{ev.pk}/appeal/", body)
    ev = _evaluation(w, _cycle(w, today))
    url = f"/api/v1/evaluations/{ev.pk}/"
    leaf = next(lf for lf in leaves(ev) if lf.scorer == Scorer.EVALUATOR)
    if action == "scores":
        body = {"version": ev.version, "scores": [{"node": leaf.id, "score": "1.00"}]}
        return Call(w.evaluator, url + "scores/", body)
    if action == "self_assessment":
        return Call(
            w.station_a1_manager, url + "self-assessment/", {"node": leaf.id, "text": "已建立制度"}
        )
    if action == "submit_self":
        from evaluations import services

        services.self_assessment_save(
            actor=w.station_a1_manager, evaluation=ev, node_id=leaf.id, text="已建立制度"
        )
        return Call(w.station_a1_manager, url + "submit-self-assessment/")
    if action == "survey_links":
        return Call(w.city_officer, url + "survey-links/", {"group": "users", "count": 1})
    if action == "complete":
        ev = _scored(w, ev, today)
        from evaluations.models import Evaluation

        Evaluation.objects.filter(pk=ev.pk).update(status="submitted", total=None, grade="")
        ev.refresh_from_db()
        return Call(w.evaluator, url + "complete/", {"version": ev.version})
    _scored(w, ev, today)
    return Call(w.city_officer, url + "publish/")


@sample("evaluationappeal", "answer", "decide")
def _appeal(w, today, action):
    from evaluations import services
    from evaluations.choices import Scorer
    from tests.evaluations.conftest import leaves

    cycle = _cycle(w, today, **APPEAL_TODAY)
    ev = _scored(w, _evaluation(w, cycle), today - dt.timedelta(days=1))
    leaf = next(lf for lf in leaves(ev) if lf.scorer == Scorer.EVALUATOR)
    appeal = services.appeal_file(
        actor=w.station_a1_manager,
        evaluation=ev,
        reason="评分偏低",
        items=[services.AppealInput(leaf.id, leaf.max_score, "档案齐全")],
        today=today,
    )
    url = f"/api/v1/evaluation-appeals/{appeal.pk}/"
    if action == "answer":
        return Call(w.evaluator, url + "answer/", {"answer": "同意复核"})
    services.appeal_answer(actor=w.evaluator, appeal=appeal, answer="同意复核")
    body = {"decision": "upheld", "scores": {str(leaf.id): str(leaf.max_score)}}
    return Call(w.city_officer, url + "decide/", body)


@sample("evaluationassignment", "create")
def _assignment(w, today, action):
    from evaluations.models import Evaluation

    ev = Evaluation.objects.get(cycle=_cycle(w, today), station=w.station_a1)
    body = {"evaluation": ev.pk, "evaluator": w.evaluator.pk, "starts_on": today.isoformat()}
    return Call(w.city_officer, "/api/v1/evaluation-assignments/", body)


# --- services ---------------------------------------------------------------------------------


def _service_day(today):
    return today


def _service_record_body(today, **extra):
    body = {
        "service_on": _service_day(today).isoformat(),
        "kind": "activity",
        "field": "elderly",
        "target_groups": ["general"],
        "title": "社区活动",
        "hours": "2.00",
        "person_times": 50,
    }
    body.update(extra)
    return body


@sample("services-person", "create", "update", "partial_update", "withdraw")
def _service_person(w, today, action):
    from services import services
    from tests.services.conftest import person_data

    manager = w.station_a1_manager
    body = {**person_data(today), "consent_on": today.isoformat()}
    if action == "create":
        return Call(manager, "/api/v1/services/people/", body)
    person = services.service_user_create(
        actor=manager, station=w.station_a1, data=person_data(today)
    )
    url = f"/api/v1/services/people/{person.pk}/"
    if action in ("update", "partial_update"):
        return Call(manager, url, {**body, "contact": "020-1234", "version": person.version})
    return Call(manager, url + "withdraw/", {"version": person.version})


@sample("services-record", "create", "update", "partial_update", "destroy")
def _service_record(w, today, action):
    from services import services
    from tests.services.conftest import record_data

    manager = w.station_a1_manager
    if action == "create":
        return Call(manager, "/api/v1/services/records/", _service_record_body(today))
    record = services.service_record_create(
        actor=manager, station=w.station_a1, data=record_data(_service_day(today))
    )
    url = f"/api/v1/services/records/{record.pk}/"
    if action in ("update", "partial_update"):
        return Call(manager, url, _service_record_body(today, version=record.version))
    return Call(manager, url)


@sample("services-report", "update", "partial_update", "submit", "review", "approve", "return_")
def _service_report(w, today, action):
    from services import services
    from services.models import MonthlyReport

    services.reports_open(on=(today.replace(day=28) + dt.timedelta(days=4)).replace(day=1))
    report = MonthlyReport.objects.get(station=w.station_a1)
    url = f"/api/v1/services/reports/{report.pk}/"
    manager = w.station_a1_manager
    if action in ("update", "partial_update"):
        return Call(manager, url, {"version": report.version, "narrative": "综述"})
    report = services.report_update(
        actor=manager, report=report, version=report.version, narrative="综述", highlights=""
    )
    if action == "submit":
        return Call(manager, url + "submit/", {"version": report.version})
    report = services.report_submit(actor=manager, report=report, version=report.version)
    if action == "review":
        return Call(w.subdistrict_a1_officer, url + "review/", {"version": report.version})
    if action == "return_":
        return Call(
            w.subdistrict_a1_officer,
            url + "return/",
            {"version": report.version, "reason": "请补充亮点"},
        )
    report = services.report_review(
        actor=w.subdistrict_a1_officer, report=report, version=report.version
    )
    return Call(w.district_a_officer, url + "approve/", {"version": report.version})


@sample("services-target", "create")
def _service_target(w, today, action):
    return Call(
        w.district_a_officer,
        "/api/v1/services/targets/",
        {"contract": w.contract_a1.pk, "direct_hours": "35244.00", "person_times": 20000},
    )


# --- the walk ---------------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _send(call: Call, method: str):
    token, _created = Token.objects.get_or_create(user=call.user)
    client = Client()
    auth = {"HTTP_AUTHORIZATION": f"Token {token.key}"}
    if call.multipart:
        return client.post(call.url, call.body, **auth)
    data = json.dumps(call.body, cls=DjangoJSONEncoder)
    return getattr(client, method)(call.url, data, content_type="application/json", **auth)


@pytest.mark.django_db
def test_every_write_route_has_a_sample_write_or_a_reason_it_writes_no_audit_row():
    routes = {(basename, action) for basename, action, _m in write_routes()}
    missing = sorted(routes - set(SAMPLES) - set(NOT_AUDITED))
    assert not missing, f"API write routes without a sample write: {missing}"
    stale = sorted((set(SAMPLES) | set(NOT_AUDITED)) - routes)
    assert not stale, f"samples for routes the router no longer serves: {stale}"
    print(f"\nAPI write routes walked: {len(write_routes())}")


@pytest.mark.django_db
@pytest.mark.parametrize("route", sorted(SAMPLES), ids=lambda r: f"{r[0]}.{r[1]}")
def test_a_token_write_names_its_actor_in_every_audit_row(world, today, route):
    basename, action = route
    methods = [m for b, a, m in write_routes() if (b, a) == (basename, action)]
    assert methods, f"{basename}.{action} is not a write route of the router"
    for method in methods:
        call = SAMPLES[route](world, today, action)
        match = resolve(call.url)
        assert getattr(match.func, "initkwargs", {}).get("basename") == basename, call.url
        assert match.func.actions.get(method) == action, (call.url, method)
        before = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        response = _send(call, method)
        assert response.status_code < 300, (
            method,
            call.url,
            response.status_code,
            response.content,
        )
        rows = list(AuditEvent.objects.filter(pk__gt=before).order_by("pk"))
        assert rows, f"{method.upper()} {call.url} wrote no audit row"
        wrong = [
            (r.object_type, r.action, r.actor_id, r.actor_name)
            for r in rows
            if r.actor_id != call.user.pk
        ]
        assert not wrong, f"{method.upper()} {call.url}: rows not naming {call.user}: {wrong}"
        assert all(r.actor_name == call.user.get_username() for r in rows)
