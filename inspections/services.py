"""Writes and state transitions of the inspections app.

Every service takes ``actor`` first (``None`` is the system: tasks and the demo), re-checks
scope with ``ensure_may``/``ensure_may_add`` and validates before it writes, so a bad input
changes nothing. Error messages are module constants tests can match.

Signing a visit off opens its findings' rectification orders through
``rectification.services.order_create`` (the rectification app owns orders).
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from inspections import rules, selectors
from inspections.choices import (
    AnswerResult,
    Area,
    ChecklistStatus,
    MemberBody,
    PlanStatus,
    Severity,
    VisitMode,
    VisitStatus,
)
from inspections.models import (
    Campaign,
    ChecklistItem,
    ChecklistTemplate,
    Finding,
    Inspection,
    InspectionAnswer,
    InspectionPhoto,
    InspectionSettings,
    InspectionTeamMember,
    QuarterPlan,
)
from portal import audit, clock
from portal.choices import CITY_ROLES, AuditAction, Role
from portal.errors import Conflict
from portal.models import User
from portal.scoping import CHANGE, VIEW, ensure_may
from portal.selectors import users_in_role, users_responsible_for
from portal.services.notifications import notification_post
from portal.uploads import PHOTO_TYPES, check_upload
from portal.versioning import bump_version, claim_version, parse_version
from rectification import services as rectification_services
from rectification.choices import SourceKind
from rectification.models import RectificationOrder
from stations.models import Station
from stations.selectors import operator_on, operators_on

SIGNED_OFF_LOCKED = "督查记录已签署，不能再修改。"
VISIT_NOT_STARTED = "督查尚未开始：请先点击“开始督查”。"
VISIT_CANCELLED = "该督查已取消。"
UNKNOWN_MANUAL_STATION = "人工加入的社工站（编号%(ids)s）不存在、未在运营或不在您的范围内。"
ITEM_NOT_IN_CHECKLIST = "第%(row)s项：条目“%(item)s”不在本次督查所用的清单中。"
BAD_RESULT = "第%(row)s项：检查结果“%(value)s”无效，应为符合、不符合或不适用。"
DATE_OUTSIDE_QUARTER = "督查日期%(day)s不在%(year)s年第%(quarter)s季度（%(first)s至%(last)s）内。"
DATE_OUTSIDE_CAMPAIGN = "督查日期%(day)s不在专项督查期间（%(first)s至%(last)s）内。"
PLAN_CONFIRMED = "季度计划已确认，不能再重新抽取或增删社工站。"
PLAN_NEEDS_TEAMS = "还有%(n)s个督查未分配督查组（至少一名督查人员），不能确认计划。"
STATION_ALREADY_IN_PLAN = "社工站“%(station)s”已在本季度计划中。"
NOT_AN_INSPECTOR = "用户“%(user)s”不是在岗的督查人员。"
TEAM_EMPTY = "督查组至少需要一名督查人员。"
BAD_BODY = "成员单位“%(body)s”无效。"
CHECKLIST_IN_USE = "清单“%(name)s”已被督查使用，不能修改；请新建版本。"
CAMPAIGN_NO_STATIONS = "专项督查至少需要选择一个社工站或承接机构。"
SIGN_OFF_UNANSWERED = "还有%(n)s个清单条目未作答，不能签署。"
REPRESENTATIVE_REQUIRED = "请填写在场的社工站代表姓名。"
ALREADY_ANNOUNCED = "该督查已作为定期抽查通知社工站，不能改为随机暗访；如需暗访请另行安排。"
BAD_SEVERITY = "问题等级“%(value)s”无效。"
FAIL_NEEDS_FINDING = "条目“%(item)s”判定为不符合，请登记对应的发现问题。"


def _now():
    return clock.now()


def _today():
    return clock.today()


def _is_city(actor) -> bool:
    return actor is None or actor.is_superuser or bool(actor.roles & CITY_ROLES)


def _ensure_city(actor) -> None:
    if not _is_city(actor):
        raise PermissionDenied


# --- checklists ---------------------------------------------------------------------------


def _checklist_in_use(template: ChecklistTemplate) -> bool:
    return template.inspections.exists() or template.plans.exists() or template.campaigns.exists()


def checklist_create(
    *,
    actor,
    code: str,
    name: str,
    kind: str = "quarterly",
    note: str = "",
    items: Sequence[dict] = (),
) -> ChecklistTemplate:
    """A new checklist (version 1, or the next version of ``code``) with its items."""
    _ensure_city(actor)
    with transaction.atomic():
        latest = ChecklistTemplate.objects.filter(code=code).aggregate(v=Max("version"))["v"]
        template = ChecklistTemplate(
            code=code, name=name, kind=kind, note=note, version=(latest or 0) + 1
        )
        template.full_clean()
        template.save()
        _items_create(template, items)
    return template


def _items_create(template: ChecklistTemplate, items: Sequence[dict]) -> None:
    rows = []
    errors = []
    for i, data in enumerate(items, start=1):
        item = ChecklistItem(
            template=template,
            sort_order=data.get("sort_order") or i * 10,
            **{k: v for k, v in data.items() if k != "sort_order"},
        )
        try:
            item.full_clean(exclude=["template"], validate_unique=False)
        except ValidationError as error:
            errors.append(
                _("第%(row)s行：%(error)s")
                % {
                    "row": i,
                    "error": "；".join(
                        f"{k}: {'，'.join(v)}" for k, v in error.message_dict.items()
                    ),
                }
            )
        rows.append(item)
    codes = [r.code for r in rows]
    dupes = sorted({c for c in codes if codes.count(c) > 1})
    if dupes:
        errors.append(_("条目编号重复：%(codes)s") % {"codes": "、".join(dupes)})
    if errors:
        raise ValidationError(errors)
    ChecklistItem.objects.bulk_create(rows)


def checklist_new_version(
    *, actor, template: ChecklistTemplate, items: Sequence[dict] | None = None
) -> ChecklistTemplate:
    """Copy a checklist into its next version (draft), optionally with new items."""
    _ensure_city(actor)
    if items is None:
        items = [
            {
                "code": i.code,
                "area": i.area,
                "topic": i.topic,
                "title": i.title,
                "guidance": i.guidance,
                "default_severity": i.default_severity,
                "sort_order": i.sort_order,
            }
            for i in template.items.all()
        ]
    return checklist_create(
        actor=actor,
        code=template.code,
        name=template.name,
        kind=template.kind,
        note=template.note,
        items=items,
    )


def checklist_activate(*, actor, template: ChecklistTemplate) -> ChecklistTemplate:
    """Make ``template`` the active version of its code (others of the code retire)."""
    _ensure_city(actor)
    with transaction.atomic():
        for other in ChecklistTemplate.objects.filter(
            code=template.code, status=ChecklistStatus.ACTIVE
        ).exclude(pk=template.pk):
            other.status = ChecklistStatus.RETIRED
            other.save()
        template.status = ChecklistStatus.ACTIVE
        template.save()
    return template


def checklist_item_update(*, actor, item: ChecklistItem, **fields) -> ChecklistItem:
    _ensure_city(actor)
    if _checklist_in_use(item.template):
        raise Conflict(_(CHECKLIST_IN_USE) % {"name": item.template})
    for key, value in fields.items():
        setattr(item, key, value)
    item.full_clean()
    item.save()
    return item


# --- settings -----------------------------------------------------------------------------


def settings_save(*, actor, effective_from: dt.date, **fields) -> InspectionSettings:
    """A new settings version from ``effective_from`` (existing versions are kept)."""
    _ensure_city(actor)
    obj = InspectionSettings(effective_from=effective_from, **fields)
    obj.full_clean()
    obj.save()
    return obj


# --- the quarterly draw ------------------------------------------------------------------


def _weights(s: InspectionSettings) -> dict:
    return {
        "grade_failed": s.weight_grade_failed,
        "grade_pass": s.weight_grade_pass,
        "open_order": s.weight_open_order,
        "overdue_order": s.weight_overdue_order,
        "under_floor": s.weight_under_floor,
        "complaint": s.weight_complaint,
        "complaint_cap": s.complaint_cap,
    }


def plan_inputs(
    *,
    year: int,
    quarter: int,
    seed: int,
    settings: InspectionSettings,
    manual: Iterable[int] = (),
    on: dt.date | None = None,
) -> dict:
    """Everything the draw depends on, as JSON: stored with the plan for audit."""
    first, _last = rules.quarter_bounds(year, quarter)
    on = on or first
    stations = list(
        Station.objects.filter(status="active").order_by("pk").values_list("pk", "district_id")
    )
    ids = [sid for sid, _d in stations]
    signals, availability = selectors.risk_signals(ids, on)
    weights = _weights(settings)
    strata: dict[str, list] = {}
    for sid, district_id in stations:
        w = rules.station_weight(signals.get(sid, {}), weights)
        strata.setdefault(str(district_id), []).append([sid, str(w)])
    forced: list[int] = []
    if quarter == 4:
        # Every station is visited at least once a year (RULES.md): the last quarter takes
        # every station no earlier quarter of the year has visited.
        visited = selectors.stations_visited_in(year, before=first)
        forced = [sid for sid in ids if sid not in visited]
    risky = {
        str(sid): {k: (str(v) if not isinstance(v, int | bool) else v) for k, v in sig.items()}
        for sid, sig in signals.items()
        if sig
    }
    return {
        "year": year,
        "quarter": quarter,
        "seed": seed,
        "signals_as_of": on.isoformat(),
        "settings_id": settings.pk,
        "sample": {
            "mode": settings.sample_mode,
            "rate": str(settings.sample_rate),
            "count": settings.sample_count,
            "min_per_district": settings.min_per_district,
            "unannounced_percent": str(settings.unannounced_percent),
        },
        "weights": {k: str(v) for k, v in weights.items()},
        "signals": availability,
        "risk": risky,
        "strata": strata,
        "forced": forced,
        "manual": sorted({int(s) for s in manual}),
    }


def plan_draw(
    *,
    actor=None,
    year: int,
    quarter: int,
    seed: int | None = None,
    manual: Iterable[int] = (),
    checklist: ChecklistTemplate | None = None,
    on: dt.date | None = None,
) -> QuarterPlan:
    """Draft the quarter's plan: the draw, stored with its seed and inputs, and its visits.

    Idempotent: a quarter that has a plan keeps it (the unique constraint on year and quarter
    settles a concurrent run).
    """
    _ensure_city(actor)
    existing = selectors.plan_for(year, quarter)
    if existing is not None:
        return existing
    _check_manual_stations(actor, manual)
    first, _last = rules.quarter_bounds(year, quarter)
    settings = selectors.settings_in_force(first)
    checklist = checklist or settings.default_checklist or selectors.active_checklist()
    if checklist is None:
        raise ValidationError(_("没有启用的督查清单，无法生成计划。"))
    seed = seed if seed is not None else secrets.randbits(48)
    inputs = plan_inputs(
        year=year, quarter=quarter, seed=seed, settings=settings, manual=manual, on=on
    )
    result = rules.draw(inputs)
    try:
        with transaction.atomic():
            plan = QuarterPlan.objects.create(
                year=year,
                quarter=quarter,
                settings=settings,
                checklist=checklist,
                seed=seed,
                inputs=inputs,
                result=result,
                drawn_at=_now(),
            )
            _create_visits(plan, result["visits"])
    except IntegrityError:
        found = selectors.plan_for(year, quarter)
        if found is None:
            raise
        return found
    return plan


def _check_manual_stations(actor, manual: Iterable[int]) -> None:
    """Stations added by hand must be operating stations the actor sees: an unknown id is a
    message on the field, not a visit to nowhere."""
    wanted = {int(s) for s in manual}
    if not wanted:
        return
    found = set(
        Station.objects.restrict(actor, VIEW)
        .filter(pk__in=[s for s in wanted if 0 < s < 2**63], status="active")
        .values_list("pk", flat=True)
    )
    unknown = sorted(wanted - found)
    if unknown:
        raise ValidationError(
            {"manual": _(UNKNOWN_MANUAL_STATION) % {"ids": "、".join(str(s) for s in unknown)}}
        )


def _create_visits(plan: QuarterPlan, visits: Sequence[Sequence]) -> None:
    operators = {}
    for day in sorted({v[3] for v in visits}):
        ids = [v[0] for v in visits if v[3] == day]
        operators.update(
            {
                sid: inst.pk
                for sid, inst in operators_on(
                    station_ids=ids, on=dt.date.fromisoformat(day)
                ).items()
            }
        )
    rows = [
        Inspection(
            plan=plan,
            station_id=sid,
            institution_id=operators.get(sid),
            checklist=plan.checklist,
            mode=mode,
            scheduled_on=dt.date.fromisoformat(day),
            draw_reason=reason,
            added_by_hand=(reason == "manual"),
        )
        for sid, mode, reason, day in visits
    ]
    # Bulk writes bypass the audit signals; the plan's own audit row records the draw.
    Inspection.objects.bulk_create(rows, batch_size=2000)


@dataclass(frozen=True)
class DrawCheck:
    reproduced: bool
    differences: list[str]


def plan_verify_draw(*, plan: QuarterPlan) -> DrawCheck:
    """Re-run the draw from the plan's stored seed and inputs and compare with its result."""
    recomputed = rules.draw(plan.inputs)
    diffs = rules.draw_differences(plan.result, recomputed)
    return DrawCheck(reproduced=not diffs, differences=diffs)


def _ensure_plan_draft(plan: QuarterPlan) -> None:
    if plan.status != PlanStatus.DRAFT:
        raise Conflict(_(PLAN_CONFIRMED))


def _check_in_quarter(plan: QuarterPlan, day: dt.date) -> None:
    if not rules.in_quarter(day, plan.year, plan.quarter):
        first, last = rules.quarter_bounds(plan.year, plan.quarter)
        raise ValidationError(
            {
                "scheduled_on": _(DATE_OUTSIDE_QUARTER)
                % {
                    "day": day.isoformat(),
                    "year": plan.year,
                    "quarter": plan.quarter,
                    "first": first.isoformat(),
                    "last": last.isoformat(),
                }
            }
        )


def plan_add_station(
    *, actor, plan: QuarterPlan, station: Station, mode: str, scheduled_on: dt.date
) -> Inspection:
    """The officer adds a station by hand to a draft plan."""
    _ensure_city(actor)
    _ensure_plan_draft(plan)
    _check_in_quarter(plan, scheduled_on)
    if plan.inspections.filter(station=station).exists():
        raise ValidationError({"station": _(STATION_ALREADY_IN_PLAN) % {"station": station}})
    visit = Inspection(
        plan=plan,
        station=station,
        checklist=plan.checklist,
        mode=mode,
        scheduled_on=scheduled_on,
        added_by_hand=True,
        draw_reason="manual",
        institution=operator_on(station_id=station.pk, on=scheduled_on),
    )
    visit.full_clean()
    with transaction.atomic():
        visit.save()
        added = plan.inputs.get("manual_after_draw", [])
        plan.inputs = {**plan.inputs, "manual_after_draw": sorted({*added, station.pk})}
        plan.save(update_fields=["inputs", "updated_at"])
    return visit


def plan_remove_visit(*, actor, visit: Inspection) -> None:
    _ensure_city(actor)
    if visit.plan_id is None:
        raise ValidationError(_("该督查不属于季度计划。"))
    _ensure_plan_draft(visit.plan)
    visit.team.all().delete()
    visit.delete()


def inspection_reschedule(
    *, actor, visit: Inspection, scheduled_on: dt.date, mode: str | None = None
) -> Inspection:
    _ensure_city(actor)
    _ensure_editable(visit)
    if visit.plan_id:
        _check_in_quarter(visit.plan, scheduled_on)
    if visit.campaign_id:
        _check_in_campaign(visit.campaign, scheduled_on)
    if (
        mode == VisitMode.UNANNOUNCED
        and visit.mode == VisitMode.SCHEDULED
        and visit.plan_id
        and visit.plan.status == PlanStatus.CONFIRMED
    ):
        # The station was told of it when the plan was confirmed (``_notify_plan``).
        raise ValidationError({"mode": _(ALREADY_ANNOUNCED)})
    visit.scheduled_on = scheduled_on
    if mode:
        visit.mode = mode
    visit.full_clean()
    visit.save()
    return visit


def _current_inspector_ids(on: dt.date | None = None) -> set[int]:
    """Users who hold the inspector role now: a team member whose role ended hears no more."""
    return set(users_in_role(Role.INSPECTOR, on or _today()).values_list("pk", flat=True))


def _active_inspectors(user_ids: Iterable[int]) -> set[int]:
    return set(
        users_in_role(Role.INSPECTOR, _today())
        .filter(pk__in=list(user_ids))
        .values_list("pk", flat=True)
    )


def inspection_assign_team(
    *, actor, visit: Inspection, members: Sequence[tuple[User, str, bool]]
) -> list[InspectionTeamMember]:
    """Set the visit's team: (inspector, member body, is lead) each; replaces the old team."""
    _ensure_city(actor)
    _ensure_editable(visit)
    if not members:
        raise ValidationError({"team": _(TEAM_EMPTY)})
    ok = _active_inspectors(u.pk for u, _b, _l in members)
    for user, body, _lead in members:
        if user.pk not in ok:
            raise ValidationError({"team": _(NOT_AN_INSPECTOR) % {"user": user}})
        if body not in MemberBody.values:
            raise ValidationError({"team": _(BAD_BODY) % {"body": body}})
    with transaction.atomic():
        visit.team.all().delete()
        rows = [
            InspectionTeamMember(inspection=visit, user=u, body=b, is_lead=lead)
            for u, b, lead in members
        ]
        if not any(r.is_lead for r in rows):
            rows[0].is_lead = True
        for r in rows:
            r.save()
    return rows


def plan_assign_team_all(
    *, actor, plan: QuarterPlan, members: Sequence[tuple[User, str, bool]]
) -> int:
    """Give every visit of a draft plan without a team the same team (the officer's shortcut)."""
    _ensure_city(actor)
    _ensure_plan_draft(plan)
    n = 0
    for visit in plan.inspections.filter(team__isnull=True).select_related("plan"):
        inspection_assign_team(actor=actor, visit=visit, members=members)
        n += 1
    return n


def plan_confirm(*, actor, plan: QuarterPlan) -> QuarterPlan:
    """Confirm the plan; inspectors hear of their visits, stations only of scheduled ones."""
    _ensure_city(actor)
    _ensure_plan_draft(plan)
    missing = (
        plan.inspections.exclude(status=VisitStatus.CANCELLED).filter(team__isnull=True).count()
    )
    if missing:
        raise ValidationError(_(PLAN_NEEDS_TEAMS) % {"n": missing})
    plan.status = PlanStatus.CONFIRMED
    plan.confirmed_at = _now()
    plan.confirmed_by = actor
    plan.full_clean()
    plan.save()
    _notify_plan(plan.pk)
    return plan


def _notify_plan(plan_id: int) -> None:
    visits = (
        Inspection.objects.filter(plan_id=plan_id)
        .select_related("station")
        .prefetch_related("team__user")
    )
    by_station_scheduled = []
    inspectors = _current_inspector_ids()
    for visit in visits:
        notification_post(
            recipients=[m.user for m in visit.team.all() if m.user_id in inspectors],
            title=_("督查任务：%(station)s（%(day)s，%(mode)s）")
            % {
                "station": visit.station.name,
                "day": visit.scheduled_on.isoformat(),
                "mode": visit.get_mode_display(),
            },
            url=f"/inspections/visits/{visit.pk}/",
            kind="inspection",
            dedupe_key=f"inspections:visit:{visit.pk}:assigned",
        )
        # Unannounced visits are never announced to the station side.
        if visit.mode == VisitMode.SCHEDULED:
            by_station_scheduled.append(visit)
    managers = users_responsible_for(
        [v.station_id for v in by_station_scheduled], [Role.STATION_MANAGER], _today()
    )
    for visit in by_station_scheduled:
        notification_post(
            recipients=managers.get(visit.station_id, []),
            title=_("督查通知：%(day)s 将对本站开展定期督查")
            % {"day": visit.scheduled_on.isoformat()},
            url=f"/inspections/visits/{visit.pk}/",
            kind="inspection",
            dedupe_key=f"inspections:visit:{visit.pk}:station_notice",
        )


REMIND_DAYS = 3


def inspection_remind_teams(*, today: dt.date | None = None) -> int:
    """Tell each inspector of their confirmed visits in the next days (once per visit)."""
    today = today or _today()
    visits = (
        Inspection.objects.filter(
            status=VisitStatus.PLANNED,
            plan__status=PlanStatus.CONFIRMED,
            scheduled_on__gte=today,
            scheduled_on__lte=today + dt.timedelta(days=REMIND_DAYS),
        )
        .select_related("station")
        .prefetch_related("team__user")
    )
    sent = 0
    inspectors = _current_inspector_ids(today)
    for visit in visits:
        sent += len(
            notification_post(
                recipients=[m.user for m in visit.team.all() if m.user_id in inspectors],
                title=_("督查提醒：%(day)s 督查%(station)s")
                % {"day": visit.scheduled_on.isoformat(), "station": visit.station.name},
                url=f"/inspections/visits/{visit.pk}/",
                kind="inspection",
                dedupe_key=f"inspections:visit:{visit.pk}:reminder",
            )
        )
    return sent


# --- the visit ----------------------------------------------------------------------------


def _ensure_editable(visit: Inspection) -> None:
    if visit.status == VisitStatus.SIGNED_OFF:
        raise Conflict(_(SIGNED_OFF_LOCKED))
    if visit.status == VisitStatus.CANCELLED:
        raise Conflict(_(VISIT_CANCELLED))


def _ensure_recording(actor, visit: Inspection) -> None:
    ensure_may(actor, CHANGE, visit)
    _ensure_editable(visit)
    if visit.status != VisitStatus.IN_PROGRESS:
        raise ValidationError(_(VISIT_NOT_STARTED))


def inspection_start(*, actor, visit: Inspection) -> Inspection:
    """The inspector marks the visit started: from now on it is no longer secret."""
    ensure_may(actor, CHANGE, visit)
    _ensure_editable(visit)
    if visit.status == VisitStatus.IN_PROGRESS:
        return visit
    visit.status = VisitStatus.IN_PROGRESS
    visit.started_at = _now()
    if visit.institution_id is None:
        visit.institution = operator_on(station_id=visit.station_id, on=_today())
    visit.save()
    return visit


@dataclass(frozen=True)
class AnswerInput:
    item_id: int | str
    result: str
    note: str = ""


def inspection_answers_save(
    *, actor, visit: Inspection, answers: Sequence[AnswerInput], version=None
) -> list[InspectionAnswer]:
    """Save answers to checklist items; all are checked first, so one bad row saves nothing.

    The answer sheet is versioned by its visit: ``version`` is the visit's version the team
    member read; when another member saved meanwhile it answers 409 naming who and when
    (``portal.versioning``). Every save bumps the visit's version."""
    _ensure_recording(actor, visit)
    items = {str(i.pk): i for i in visit.checklist.items.all()}
    by_code = {i.code: i for i in items.values()}
    errors = []
    resolved = []
    for row, answer in enumerate(answers, start=1):
        item = items.get(str(answer.item_id)) or by_code.get(str(answer.item_id))
        if item is None:
            errors.append(_(ITEM_NOT_IN_CHECKLIST) % {"row": row, "item": answer.item_id})
            continue
        if answer.result not in AnswerResult.values:
            errors.append(_(BAD_RESULT) % {"row": row, "value": answer.result})
            continue
        resolved.append((item, answer))
    if errors:
        raise ValidationError(errors)
    saved = []
    with transaction.atomic():
        if parse_version(version) is not None:
            claim_version(visit, version)
        else:
            bump_version(visit)
        existing = {a.item_id: a for a in visit.answers.all()}
        for item, answer in resolved:
            obj = existing.get(item.pk) or InspectionAnswer(inspection=visit, item=item)
            obj.result = answer.result
            obj.note = answer.note or ""
            obj.full_clean(validate_unique=False)
            obj.save()
            saved.append(obj)
    return saved


def inspection_photo_add(
    *, actor, visit: Inspection, upload, item: ChecklistItem | None = None, caption: str = ""
) -> InspectionPhoto:
    _ensure_recording(actor, visit)
    if item is not None and item.template_id != visit.checklist_id:
        raise ValidationError(_(ITEM_NOT_IN_CHECKLIST) % {"row": 1, "item": item.code})
    settings = selectors.settings_in_force()
    content_type = check_upload(upload, allowed=PHOTO_TYPES, max_mb=settings.photo_max_mb)
    photo = InspectionPhoto(
        inspection=visit,
        item=item,
        file=upload,
        caption=caption[:200],
        content_type=content_type,
        size=upload.size,
        uploaded_by=actor,
    )
    photo.save()
    return photo


def finding_add(
    *,
    actor,
    visit: Inspection,
    description: str,
    severity: str | None = None,
    item: ChecklistItem | None = None,
    area: str | None = None,
) -> Finding:
    """Record a problem found; flagged when the same item failed at the station within the
    repeat window (a year by default)."""
    _ensure_recording(actor, visit)
    if item is not None and item.template_id != visit.checklist_id:
        raise ValidationError(_(ITEM_NOT_IN_CHECKLIST) % {"row": 1, "item": item.code})
    severity = severity or (item.default_severity if item else None)
    if severity not in Severity.values:
        raise ValidationError({"severity": _(BAD_SEVERITY) % {"value": severity}})
    area = area or (item.area if item else None)
    if area not in Area.values:
        raise ValidationError({"area": _("请选择问题所属领域。")})
    today = _today()
    settings = selectors.settings_in_force(today)
    earlier = Finding.objects.filter(
        station_id=visit.station_id,
        found_on__gte=today - dt.timedelta(days=settings.repeat_window_days),
    )
    earlier = (
        earlier.filter(item__code=item.code)
        if item
        else earlier.filter(area=area, item__isnull=True)
    )
    previous = earlier.exclude(inspection=visit).order_by("-found_on").first()
    finding = Finding(
        inspection=visit,
        item=item,
        station_id=visit.station_id,
        area=area,
        severity=severity,
        description=description.strip(),
        found_on=today,
        repeat_of=previous,
    )
    finding.full_clean()
    finding.save()
    return finding


def finding_remove(*, actor, finding: Finding) -> None:
    _ensure_recording(actor, finding.inspection)
    finding.delete()


def inspection_update(*, actor, visit: Inspection, **fields) -> Inspection:
    """Representative present, summary: editable until sign-off."""
    ensure_may(actor, CHANGE, visit)
    _ensure_editable(visit)
    for key in ("representative_name", "representative_title", "summary"):
        if key in fields:
            setattr(visit, key, (fields[key] or "").strip())
    visit.full_clean()
    visit.save()
    return visit


def inspection_sign_off(
    *,
    actor,
    visit: Inspection,
    representative_name: str | None = None,
    representative_title: str | None = None,
    summary: str | None = None,
) -> Inspection:
    """Sign the visit off: read-only from now on; each finding becomes a rectification order
    and the station side is told."""
    _ensure_recording(actor, visit)
    if representative_name is not None:
        visit.representative_name = representative_name.strip()
    if representative_title is not None:
        visit.representative_title = representative_title.strip()
    if summary is not None:
        visit.summary = summary.strip()
    if not visit.representative_name:
        raise ValidationError({"representative_name": _(REPRESENTATIVE_REQUIRED)})
    answered = set(visit.answers.values_list("item_id", flat=True))
    unanswered = visit.checklist.items.exclude(pk__in=answered).count()
    if unanswered:
        raise ValidationError(_(SIGN_OFF_UNANSWERED) % {"n": unanswered})
    with transaction.atomic():
        visit.status = VisitStatus.SIGNED_OFF
        visit.signed_off_at = _now()
        visit.signed_off_by = actor
        visit.full_clean()
        visit.save()
        for finding in visit.findings.select_related("item").order_by("pk"):
            _order_for_finding(actor, visit, finding)
    return visit


def _order_for_finding(actor, visit: Inspection, finding: Finding) -> RectificationOrder:
    title = finding.item.title if finding.item else finding.get_area_display()
    return rectification_services.order_create(
        actor=actor,
        station=visit.station,
        source_kind=SourceKind.INSPECTION_FINDING,
        source_ref=f"inspection:{visit.pk}",
        severity=finding.severity,
        title=title[:200],
        description=finding.description,
        area=finding.area,
        finding=finding,
        is_repeat=finding.is_repeat,
        institution=visit.institution,
    )


# --- campaigns ----------------------------------------------------------------------------


def _check_in_campaign(campaign: Campaign, day: dt.date) -> None:
    if not campaign.starts_on <= day <= campaign.ends_on:
        raise ValidationError(
            {
                "scheduled_on": _(DATE_OUTSIDE_CAMPAIGN)
                % {
                    "day": day.isoformat(),
                    "first": campaign.starts_on.isoformat(),
                    "last": campaign.ends_on.isoformat(),
                }
            }
        )


def campaign_create(
    *,
    actor,
    name: str,
    theme: str,
    starts_on: dt.date,
    ends_on: dt.date,
    checklist: ChecklistTemplate,
    stations: Iterable[Station] = (),
    institutions: Iterable = (),
    description: str = "",
) -> Campaign:
    _ensure_city(actor)
    stations, institutions = list(stations), list(institutions)
    if not stations and not institutions:
        raise ValidationError(_(CAMPAIGN_NO_STATIONS))
    campaign = Campaign(
        name=name,
        theme=theme,
        starts_on=starts_on,
        ends_on=ends_on,
        checklist=checklist,
        description=description,
    )
    campaign.full_clean()
    with transaction.atomic():
        campaign.save()
        campaign.stations.set(stations)
        campaign.institutions.set(institutions)
    return campaign


def campaign_schedule(*, actor, campaign: Campaign, mode: str = VisitMode.SCHEDULED) -> int:
    """One visit per chosen station and per station a chosen institution runs in the period
    (on its first day); running it again adds only what is missing."""
    _ensure_city(actor)
    from stations.models import Contract

    ids = set(campaign.stations.values_list("pk", flat=True))
    inst_ids = list(campaign.institutions.values_list("pk", flat=True))
    if inst_ids:
        ids |= set(
            Contract.objects.binding()
            .filter(
                institution_id__in=inst_ids,
                is_comprehensive=True,
                starts_on__lte=campaign.ends_on,
                ends_on__gte=campaign.starts_on,
            )
            .values_list("station_id", flat=True)
        )
    have = set(campaign.inspections.values_list("station_id", flat=True))
    todo = sorted(ids - have)
    operators = {
        sid: i.pk for sid, i in operators_on(station_ids=todo, on=campaign.starts_on).items()
    }
    rows = [
        Inspection(
            campaign=campaign,
            station_id=sid,
            institution_id=operators.get(sid),
            checklist=campaign.checklist,
            mode=mode,
            scheduled_on=campaign.starts_on,
        )
        for sid in todo
    ]
    Inspection.objects.bulk_create(rows, batch_size=2000, ignore_conflicts=True)
    if rows:
        # Bulk writes bypass the audit signals: the campaign's row records who scheduled.
        audit.record(
            AuditAction.ACTION,
            instance=campaign,
            message=_("专项督查排定走访%(n)s次") % {"n": len(rows)},
        )
    return len(rows)


# --- Excel import/export of checklists ------------------------------------------------------

CHECKLIST_COLUMNS = ("code", "area", "topic", "title", "guidance", "default_severity")


def checklist_columns():
    from portal import imports

    return [
        imports.Column("code", _("条目编号"), imports.text(20), required=True),
        imports.Column("area", _("领域"), imports.choice(Area.choices), required=True),
        imports.Column("topic", _("分项"), imports.text(40)),
        imports.Column("title", _("检查内容"), imports.text(300), required=True),
        imports.Column("guidance", _("检查指引"), imports.text()),
        imports.Column(
            "default_severity", _("默认问题等级"), imports.choice(Severity.choices), required=True
        ),
    ]


def checklist_import(*, actor, code: str, name: str, upload, kind: str = "quarterly"):
    """A new checklist version from an Excel file; the whole file is checked first."""
    from portal import imports

    try:
        sheet = imports.read_rows(upload, checklist_columns())
    except imports.ImportRefused as refused:
        raise ValidationError(refused.message) from refused
    if sheet.errors:
        raise ValidationError([str(e) for e in sheet.errors])
    if not sheet.rows:
        raise ValidationError(_("工作表没有清单条目。"))
    items = [{k: (row.get(k) or "") for k in CHECKLIST_COLUMNS} for _n, row in sheet.rows]
    return checklist_create(actor=actor, code=code, name=name, kind=kind, items=items)
