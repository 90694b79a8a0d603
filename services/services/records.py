"""服务记录 (service records): entry, correction until the month's report is approved, delete.

Every write rebuilds the station-month's aggregates in the same transaction, so boards never
show a figure the records do not add up to.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from portal import clock
from portal.errors import Conflict
from portal.scoping import CHANGE, DELETE, as_user, ensure_may, ensure_may_add, is_system
from services import rules
from services.choices import CaseStep, KindCode, ReportStatus
from services.models import (
    Attendance,
    MonthlyReport,
    ServiceField,
    ServiceKind,
    ServiceRecord,
    ServiceUser,
    TargetGroup,
)
from services.services.aggregates import aggregates_refresh
from services.services.catalogue import freeze
from services.services.common import catalogue_on, claim_version

DATE_REQUIRED = "请填写服务日期。"
UNKNOWN_KIND = "服务类型「%(code)s」不在%(on)s生效的服务目录中。"
UNKNOWN_FIELD = "服务领域「%(code)s」不在%(on)s生效的服务目录中。"
UNKNOWN_GROUP = "服务对象类别「%(code)s」不在%(on)s生效的服务目录中。"
NOT_A_NUMBER = "「%(label)s」不是有效的数字。"
OTHERS_NEGATIVE = "未登记参与人数不能为负数。"
USER_OTHER_STATION = "服务对象（编号%(pk)s）不是本站登记的服务对象。"
USER_WITHDRAWN = "服务对象（编号%(pk)s）已撤回同意，不能再登记对其的服务。"
WORKER_NOT_HERE = "社工（编号%(pk)s）不在本站在岗人员中。"
TITLE_REQUIRED = "请填写服务主题。"
COMMUNITY_OUTSIDE = "村居「%(name)s」不属于本站所在镇街。"
STEP_ONLY_FOR_CASES = "只有个案记录填写个案进展。"

# Kinds whose person-times cannot exceed the registered attendees plus others counted.
ATTENDANCE_BOUND = {KindCode.CASE, KindCode.GROUP, KindCode.HOME_VISIT}


def month_locked(station_id: int, on: date) -> bool:
    return MonthlyReport.objects.filter(
        station_id=station_id, year=on.year, month=on.month, status=ReportStatus.APPROVED
    ).exists()


def _ensure_open(station_id: int, on: date) -> None:
    if month_locked(station_id, on):
        raise Conflict(_(rules.LOCKED_MONTH) % {"year": on.year, "month": on.month})


def _code(value) -> str:
    return str(getattr(value, "code", value) or "")


def _clean(station, data: dict[str, Any], *, actor, record: ServiceRecord | None):
    today = clock.today()
    errors: dict[str, str] = {}
    on = data.get("service_on")
    if not on:
        raise ValidationError({"service_on": _(DATE_REQUIRED)})
    if on > today:
        raise ValidationError({"service_on": _(rules.FUTURE_DATE) % {"on": on.isoformat()}})
    version = catalogue_on(on)
    kind = ServiceKind.objects.filter(version=version, code=_code(data.get("kind"))).first()
    if kind is None:
        errors["kind"] = _(UNKNOWN_KIND) % {"code": _code(data.get("kind")), "on": on}
    field = ServiceField.objects.filter(version=version, code=_code(data.get("field"))).first()
    if field is None:
        errors["field"] = _(UNKNOWN_FIELD) % {"code": _code(data.get("field")), "on": on}
    wanted = [_code(g) for g in data.get("target_groups") or []]
    groups = list(TargetGroup.objects.filter(version=version, code__in=wanted))
    missing = set(wanted) - {g.code for g in groups}
    if missing:
        errors["target_groups"] = _(UNKNOWN_GROUP) % {"code": sorted(missing)[0], "on": on}
    title = str(data.get("title") or "").strip()
    if not title:
        errors["title"] = _(TITLE_REQUIRED)
    community = data.get("community")
    if community is not None and community.subdistrict_id != station.subdistrict_id:
        errors["community"] = _(COMMUNITY_OUTSIDE) % {"name": community.name}
    try:
        hours = Decimal(str(data.get("hours")).strip())
        if not hours.is_finite():
            raise InvalidOperation
    except (InvalidOperation, ValueError):
        errors["hours"] = _(NOT_A_NUMBER) % {"label": _("时长")}
        hours = None
    try:
        person_times = int(data.get("person_times"))
    except (TypeError, ValueError):
        errors["person_times"] = _(NOT_A_NUMBER) % {"label": _("服务人次")}
        person_times = None
    try:
        others = int(data.get("others_count") or 0)
        if others < 0:
            errors["others_count"] = _(OTHERS_NEGATIVE)
    except (TypeError, ValueError):
        errors["others_count"] = _(NOT_A_NUMBER) % {"label": _("未登记参与人数")}
        others = 0
    attendee_ids = [int(getattr(u, "pk", u)) for u in data.get("attendees") or []]
    attendee_ids = list(dict.fromkeys(attendee_ids))
    attendees = list(ServiceUser.objects.filter(pk__in=attendee_ids))
    found = {u.pk: u for u in attendees}
    for pk in attendee_ids:
        person = found.get(pk)
        if person is None or person.station_id != station.pk:
            errors["attendees"] = _(USER_OTHER_STATION) % {"pk": pk}
            break
        if person.withdrawn_on is not None:
            errors["attendees"] = _(USER_WITHDRAWN) % {"pk": pk}
            break
    worker_ids = list(dict.fromkeys(int(getattr(w, "pk", w)) for w in data.get("workers") or []))
    if worker_ids and not is_system(actor):
        from talent.selectors import station_staff

        in_post = set(
            station_staff(actor, station=station, on=on).values_list("person_id", flat=True)
        )
        for pk in worker_ids:
            if pk not in in_post:
                errors["workers"] = _(WORKER_NOT_HERE) % {"pk": pk}
                break
    step = data.get("case_step") or ""
    if kind is not None and "kind" not in errors:
        if kind.kind == KindCode.CASE:
            if len(attendee_ids) != 1:
                errors.setdefault("attendees", _(rules.CASE_NEEDS_ONE_USER))
            if step not in CaseStep.values:
                errors["case_step"] = _(rules.CASE_NEEDS_STEP)
        elif step:
            errors["case_step"] = _(STEP_ONLY_FOR_CASES)
        if hours is not None and "hours" not in errors:
            problem = rules.hours_problem(
                hours=hours, kind_name=kind.name, max_hours=kind.max_hours
            )
            if problem:
                errors["hours"] = _(problem)
        if person_times is not None and "person_times" not in errors:
            problem = rules.person_times_problem(
                person_times=person_times,
                kind_name=kind.name,
                max_person_times=kind.max_person_times,
                registered=len(attendee_ids),
                others=others,
                attendance_required=kind.kind in ATTENDANCE_BOUND,
            )
            if problem:
                errors["person_times"] = _(problem)
    if errors:
        raise ValidationError(errors)
    if worker_ids:
        _check_worker_days(worker_ids, on, hours, exclude_pk=record.pk if record else None)
    return {
        "service_on": on,
        "catalogue": version,
        "kind": kind,
        "field": field,
        "groups": groups,
        "title": title[:80],
        "community": community,
        "hours": hours,
        "person_times": person_times,
        "others_count": others,
        "case_step": step if kind.kind == KindCode.CASE else "",
        "note": str(data.get("note") or "").strip()[:300],
        "attendees": attendee_ids,
        "workers": worker_ids,
    }


def _check_worker_days(worker_ids, on: date, hours: Decimal, *, exclude_pk) -> None:
    through = ServiceRecord.workers.through
    qs = through.objects.filter(socialworker_id__in=worker_ids, servicerecord__service_on=on)
    if exclude_pk:
        qs = qs.exclude(servicerecord_id=exclude_pk)
    booked = {
        r["socialworker_id"]: (r["socialworker__name"], r["h"])
        for r in qs.values("socialworker_id", "socialworker__name")
        .annotate(h=Sum("servicerecord__hours"))
        .order_by()
    }
    for name, already in booked.values():
        total = (already or Decimal("0")) + hours
        if rules.day_overbooked(total):
            raise ValidationError(
                {
                    "workers": _(rules.HOURS_OVER_DAY)
                    % {"worker": name, "on": on.isoformat(), "total": total}
                }
            )


def _save(record: ServiceRecord, clean: dict) -> None:
    for key in (
        "service_on",
        "catalogue",
        "kind",
        "field",
        "title",
        "community",
        "hours",
        "person_times",
        "others_count",
        "case_step",
        "note",
    ):
        setattr(record, key, clean[key])
    record.save()
    record.target_groups.set(clean["groups"])
    record.workers.set(clean["workers"])
    Attendance.objects.filter(record=record).exclude(user_id__in=clean["attendees"]).delete()
    have = set(Attendance.objects.filter(record=record).values_list("user_id", flat=True))
    Attendance.objects.bulk_create(
        [Attendance(record=record, user_id=pk) for pk in clean["attendees"] if pk not in have]
    )
    freeze(clean["catalogue"])


def service_record_create(*, actor, station, data: dict[str, Any]) -> ServiceRecord:
    ensure_may_add(actor, ServiceRecord, station=station)
    clean = _clean(station, data, actor=actor, record=None)
    with transaction.atomic():
        _ensure_open(station.pk, clean["service_on"])
        record = ServiceRecord(station=station, created_by=as_user(actor))
        _save(record, clean)
        aggregates_refresh(
            station_id=station.pk, year=record.service_on.year, month=record.service_on.month
        )
    return record


def service_record_update(*, actor, record: ServiceRecord, version, data: dict[str, Any]):
    ensure_may(actor, CHANGE, record)
    _ensure_open(record.station_id, record.service_on)
    clean = _clean(record.station, data, actor=actor, record=record)
    before = record.service_on
    with transaction.atomic():
        _ensure_open(record.station_id, clean["service_on"])
        claim_version(record, version, what=_("服务记录"))
        _save(record, clean)
        for day in {(before.year, before.month), (record.service_on.year, record.service_on.month)}:
            aggregates_refresh(station_id=record.station_id, year=day[0], month=day[1])
    return record


def service_record_delete(*, actor, record: ServiceRecord) -> None:
    ensure_may(actor, DELETE, record)
    _ensure_open(record.station_id, record.service_on)
    with transaction.atomic():
        station_id, on = record.station_id, record.service_on
        record.delete()
        aggregates_refresh(station_id=station_id, year=on.year, month=on.month)
