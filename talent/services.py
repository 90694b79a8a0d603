"""Writes of the talent app: people and employment, certificates and registration,
continuing education, training programmes, honours, and the audited unmasking of ID numbers.

Every service is keyword-only with ``actor`` first (``None`` is the system), checks scope
again (``ensure_may`` / ``ensure_may_add``), calls ``full_clean()`` before saving, and raises
``ValidationError`` with Chinese messages (module constants) naming the field and the rule.
Messages never contain an ID number.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_variables

from portal import audit, clock, crypto
from portal.choices import AuditAction, AuditOutcome, Role
from portal.models import PolicyVersion
from portal.scoping import (
    ADD,
    CHANGE,
    SYSTEM,
    VIEW,
    ensure_may,
    ensure_may_add,
    is_system,
    roles_allowed,
)
from portal.selectors import PolicyMissing, policy_in_force
from stations.models import Institution, Station
from stations.selectors import operator_on
from talent import rules
from talent.choices import (
    LEVEL_RANK,
    CEHourSource,
    CertificateLevel,
    EmploymentType,
    EnrolmentStatus,
    HonourKind,
    HonourLevel,
)
from talent.models import (
    STAFFING_FIGURES,
    Attendance,
    CERecord,
    Certificate,
    Employment,
    Enrolment,
    Honour,
    Registration,
    SocialWorker,
    StaffingSummary,
    TrainingProgramme,
    TrainingSession,
)

# China's social-work qualification exam was first held in 2008 (国人部发〔2006〕71号).
FIRST_EXAM_YEAR = 2008

NAME_MISMATCH = "该身份证号已有社工档案，但姓名与档案不一致，请核对姓名或身份证号。"
FULL_TIME_CLASH = (
    "该社工%(starts)s至%(ends)s已在“%(station)s”全职任职，同一天不能在两个社工站全职任职。"
)
# The clashing post is at a station the caller may not see: say only that there is one and
# until when, and whom to ask (the district of the station hiring), never which station.
FULL_TIME_CLASH_ELSEWHERE = (
    "该社工%(starts)s至%(ends)s已在其他社工站全职任职，同一天不能在两个社工站全职"
    "任职。如需核实，请联系%(district)s民政局。"
)
FULL_TIME_CLASH_CONCURRENT = "该社工同一时期已有另一条全职任职记录刚刚保存，请刷新后重试。"
NO_OPERATOR = "社工站“%(station)s”在%(on)s没有在履行的服务合同，无法确定承接机构。"
NOT_YOUR_INSTITUTION = "只能为本机构登记任职记录。"
EMPLOYMENT_ALREADY_ENDED = "该任职记录已于%(on)s结束。"
END_BEFORE_START = "离职日期不能早于入职日期（%(on)s）。"
BAD_LEVEL = "证书等级“%(value)s”不存在，可选：助理社会工作师、社会工作师、高级社会工作师。"
BAD_YEAR_PASSED = "取证年份应在%(first)s年至%(last)s年之间。"
DUPLICATE_CERTIFICATE_NUMBER = "证书编号“%(number)s”已被登记。"
REGISTRATION_BEFORE_PASSING = "登记日期不能早于取证年份（%(year)s年）。"
REGISTRATION_OVERLAP = "该社工已有有效期至%(until)s的登记，期满前3个月内请办理续期。"
RENEWAL_OUTSIDE_WINDOW = "续期须在有效期满前%(months)s个月内（%(opens)s至%(closes)s）办理。"
ALREADY_RENEWED = "该登记已续期。"
NO_POLICY = "%(on)s没有生效的政策参数版本。"
NOT_ATTENDED = "该社工未参加培训项目“%(programme)s”的任何课次，不能登记该项目的学时。"
SESSION_OTHER_PROGRAMME = "课次不属于培训项目“%(programme)s”。"
PROGRAMME_FULL = "培训项目“%(programme)s”名额已满（%(places)s人）。"
OVER_BUDGET = (
    "%(year)s年度培训项目预算合计将达%(total)s元，超过政策规定的年度人才培养预算%(limit)s元。"
)
ENROLMENT_WITHDRAWN = "该报名已退出，不能记录出勤或结业。"
HOURS_NOT_POSITIVE = "学时必须大于0。"
DATE_IN_FUTURE = "日期不能晚于今天。"
BAD_HONOUR_LEVEL = "荣誉级别“%(value)s”不存在。"
BAD_HONOUR_KIND = "荣誉类别“%(value)s”不存在。"
REASON_REQUIRED = "请填写查看完整身份证号的原因（至少4个字）。"
UNMASK_NOT_ALLOWED = "只有市级管理员和该社工所在机构的管理员可以查看完整身份证号。"
UNMASK_MESSAGE = "查看完整身份证号：%(whom)s；原因：%(reason)s"
UNMASK_EXPORT_MESSAGE = "导出含完整身份证号的名册%(n)s人；原因：%(reason)s"


def _today() -> date:
    return clock.today()


def _ensure_role(actor, model, action: str) -> None:
    if not roles_allowed(actor, model, action):
        raise PermissionDenied


def _policy(on: date) -> PolicyVersion:
    try:
        return policy_in_force(on)
    except PolicyMissing as error:
        raise ValidationError(_(NO_POLICY) % {"on": on.isoformat()}) from error


# --- ID numbers ------------------------------------------------------------------------------


@sensitive_variables("id_number", "number", "columns", "facts")
def id_number_fields(id_number: str, *, today: date | None = None) -> dict[str, Any]:
    """Check an ID number and return the columns that store it (cipher, hash, mask, sex)."""
    try:
        protected = crypto.protect_id_number(id_number, today=today or _today())
    except rules.InvalidIdNumber as error:
        raise ValidationError({"id_number": _(error.message)}) from None
    return {
        "id_number_cipher": protected.cipher,
        "id_number_hash": protected.hash,
        "id_number_masked": protected.masked,
        "sex": "male" if protected.male else "female",
    }


@sensitive_variables("id_number", "number", "columns")
def id_number_hash(id_number: str) -> str:
    return crypto.id_number_hash(id_number)


def can_unmask(actor, person: SocialWorker, *, on: date | None = None) -> bool:
    """The city admin, and admins of an institution that employs the person today."""
    if actor is None or not actor.is_authenticated:
        return False
    roles = actor.roles
    if Role.CITY_ADMIN in roles:
        return True
    institutions = [
        a.institution_id for a in actor.active_assignments() if a.role == Role.INSTITUTION_ADMIN
    ]
    if not institutions:
        return False
    on = on or _today()
    return (
        Employment.objects.filter(
            person=person,
            institution_id__in=institutions,
            starts_on__lte=on,
        )
        .exclude(ends_on__lt=on)
        .exists()
    )


def unmaskable_person_ids(actor, *, on: date | None = None):
    """``None`` when ``actor`` may unmask everyone; else a subquery of person ids."""
    if actor is not None and Role.CITY_ADMIN in actor.roles:
        return None
    institutions = [
        a.institution_id
        for a in (actor.active_assignments() if actor else [])
        if a.role == Role.INSTITUTION_ADMIN
    ]
    on = on or _today()
    return (
        Employment.objects.filter(institution_id__in=institutions, starts_on__lte=on)
        .exclude(ends_on__lt=on)
        .values_list("person_id", flat=True)
    )


def may_unmask_some(actor) -> bool:
    return (
        actor is not None
        and actor.is_authenticated
        and bool(actor.roles & {Role.CITY_ADMIN, Role.INSTITUTION_ADMIN})
    )


def _clean_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if len(reason) < 4:
        raise ValidationError({"reason": _(REASON_REQUIRED)})
    return reason[:200]


@sensitive_variables("id_number", "number", "columns")
def worker_id_number_reveal(*, actor, person: SocialWorker, reason: str) -> str:
    """The full ID number, for an allowed role with a reason; every reveal is audited."""
    ensure_may(actor, VIEW, person)
    reason = _clean_reason(reason)
    if not can_unmask(actor, person):
        audit.record(
            AuditAction.SENSITIVE_READ,
            instance=person,
            outcome=AuditOutcome.DENIED,
            message=_(UNMASK_MESSAGE) % {"whom": person.name, "reason": reason},
            actor_id=getattr(actor, "pk", None),
            actor_name=getattr(actor, "username", ""),
        )
        raise PermissionDenied(_(UNMASK_NOT_ALLOWED))
    audit.record(
        AuditAction.SENSITIVE_READ,
        instance=person,
        message=_(UNMASK_MESSAGE) % {"whom": person.name, "reason": reason},
        actor_id=actor.pk,
        actor_name=actor.username,
    )
    return crypto.decrypt(person.id_number_cipher)


def export_unmask_audit(*, actor, count: int, reason: str) -> str:
    """Check and record an unmasked export; returns the cleaned reason."""
    reason = _clean_reason(reason)
    if not may_unmask_some(actor):
        raise PermissionDenied(_(UNMASK_NOT_ALLOWED))
    audit.record(
        AuditAction.SENSITIVE_READ,
        object_type="talent.socialworker",
        object_repr=_("社工名册导出"),
        message=_(UNMASK_EXPORT_MESSAGE) % {"n": count, "reason": reason},
        actor_id=actor.pk,
        actor_name=actor.username,
    )
    return reason


# --- per-person figures ------------------------------------------------------------------------


def person_summary_refresh(
    *, person_ids: Iterable[int], today: date | None = None, stations: bool = True
) -> int:
    """Recompute highest certificate, current registration and its CE hours for people.

    The registration that counts is the latest one started by ``today`` (in force, or lapsed
    if none is). A fixed number of queries per 2,000 people; idempotent. The staffing
    summary of the stations where a changed person works this year is refreshed too (unless
    ``stations=False``: the nightly task refreshes every station after every person).
    """
    today = today or _today()
    ids = list(person_ids)
    policies = list(PolicyVersion.objects.order_by("effective_from"))
    changed = 0
    changed_ids: list[int] = []
    for i in range(0, len(ids), 2000):
        chunk = ids[i : i + 2000]
        highest: dict[int, str] = {}
        for pid, level in Certificate.objects.filter(person_id__in=chunk).values_list(
            "person_id", "level"
        ):
            if LEVEL_RANK[level] > LEVEL_RANK.get(highest.get(pid, ""), 0):
                highest[pid] = level
        latest: dict[int, tuple[date, date, str]] = {}
        for pid, starts, expires, level in (
            Registration.objects.filter(person_id__in=chunk, starts_on__lte=today)
            .order_by("person_id", "starts_on")
            .values_list("person_id", "starts_on", "expires_on", "certificate__level")
        ):
            latest[pid] = (starts, expires, level)
        hours: dict[int, Decimal] = {}
        for pid, completed, h in CERecord.objects.filter(person_id__in=chunk).values_list(
            "person_id", "completed_on", "hours"
        ):
            period = latest.get(pid)
            if period and period[0] <= completed <= period[1]:
                hours[pid] = hours.get(pid, Decimal("0")) + h
        people = list(
            SocialWorker.objects.filter(pk__in=chunk).only(
                "pk",
                "highest_level",
                "registration_starts_on",
                "registration_expires_on",
                "ce_hours",
                "ce_required",
            )
        )
        # People with the same new figures are updated together: one UPDATE per distinct
        # tuple (few: most share level and dates), far cheaper than a CASE per row.
        groups: dict[tuple, list[int]] = {}
        for p in people:
            period = latest.get(p.pk)
            required = 0
            if period:
                version = _version_on(policies, period[0])
                required = version.ce_hours_for(period[2]) if version else 0
            new = (
                highest.get(p.pk, ""),
                period[0] if period else None,
                period[1] if period else None,
                hours.get(p.pk, Decimal("0")).quantize(Decimal("0.1")),
                required,
            )
            old = (
                p.highest_level,
                p.registration_starts_on,
                p.registration_expires_on,
                p.ce_hours,
                p.ce_required,
            )
            if new != old:
                groups.setdefault(new, []).append(p.pk)
        for (level, starts, expires, ce_hours, required), pks in groups.items():
            SocialWorker.objects.filter(pk__in=pks).update(
                highest_level=level,
                registration_starts_on=starts,
                registration_expires_on=expires,
                ce_hours=ce_hours,
                ce_required=required,
            )
            changed += len(pks)
            if stations:
                changed_ids.extend(pks)
    if changed_ids:
        station_staffing_refresh(station_ids=stations_of_people(changed_ids, today), today=today)
    return changed


def stations_of_people(person_ids: Iterable[int], today: date) -> list[int]:
    """Stations whose staffing figures of ``today``'s year count these people."""
    return list(
        Employment.objects.filter(person_id__in=list(person_ids), starts_on__lte=today)
        .exclude(ends_on__lt=date(today.year, 1, 1))
        .order_by()
        .values_list("station_id", flat=True)
        .distinct()
    )


STAFFING_CHUNK = 2000


def station_staffing_refresh(
    *, station_ids: Iterable[int] | None = None, today: date | None = None
) -> int:
    """Recompute the staffing summary (``StaffingSummary``) of stations for ``today``: every
    station when ``station_ids`` is None (the nightly task), else the ones given (the
    services, after a write that changes their figures, inside the write's transaction).

    The rows are locked before the employments are counted, so two writers at one station
    take turns and the second counts the first's committed rows. Four queries per 2,000
    stations; idempotent. Without a policy in force the board counts live and nothing is
    stored.
    """
    from talent.selectors import live_staffing, staffing_window_end

    today = today or _today()
    try:
        policy = policy_in_force(today)
    except PolicyMissing:
        return 0
    window_end = staffing_window_end(today, policy)
    if station_ids is None:
        ids = list(Station.objects.order_by("pk").values_list("pk", flat=True))
    else:
        ids = sorted(set(station_ids))
    for i in range(0, len(ids), STAFFING_CHUNK):
        chunk = ids[i : i + STAFFING_CHUNK]
        with transaction.atomic():
            StaffingSummary.objects.bulk_create(
                [StaffingSummary(station_id=pk) for pk in chunk], ignore_conflicts=True
            )
            list(
                StaffingSummary.objects.select_for_update()
                .filter(station_id__in=chunk)
                .order_by("station_id")
                .values_list("pk", flat=True)
            )
            figures = {
                row["station_id"]: row
                for row in live_staffing(
                    Station.objects.filter(pk__in=chunk), on=today, window_end=window_end
                )
            }
            StaffingSummary.objects.bulk_create(
                [
                    StaffingSummary(
                        station_id=pk,
                        computed_on=today,
                        window_end=window_end,
                        **{k: figures.get(pk, {}).get(k, 0) for k in STAFFING_FIGURES},
                    )
                    for pk in chunk
                ],
                update_conflicts=True,
                unique_fields=["station"],
                update_fields=["computed_on", "window_end", *STAFFING_FIGURES],
                batch_size=1000,
            )
    return len(ids)


def _version_on(policies: list[PolicyVersion], on: date) -> PolicyVersion | None:
    found = None
    for version in policies:
        if version.effective_from <= on:
            found = version
    return found


# --- people and employment ---------------------------------------------------------------------

PERSON_FIELDS = {"name", "phone", "education_level", "major", "school", "note"}


def _actor_institution_ids(actor) -> list[int]:
    if actor is None or is_system(actor):
        return []
    return [
        a.institution_id for a in actor.active_assignments() if a.role == Role.INSTITUTION_ADMIN
    ]


def _institution_for(
    actor, station: Station, on: date, institution: Institution | None
) -> Institution:
    """Whose employee: the actor's own institution; else the station's operator on the start
    date, or today's operator for a spell that began before the current contract."""
    own = (
        [] if is_system(actor) or Role.CITY_ADMIN in actor.roles else _actor_institution_ids(actor)
    )
    if institution is not None:
        if own and institution.pk not in own:
            raise ValidationError({"institution": _(NOT_YOUR_INSTITUTION)})
        return institution
    today_operator = operator_on(station_id=station.pk, on=_today())
    if own:
        if today_operator is not None and today_operator.pk in own:
            return today_operator
        return Institution.objects.get(pk=own[0])
    operator = operator_on(station_id=station.pk, on=on) or today_operator
    if operator is None:
        raise ValidationError(
            {"station": _(NO_OPERATOR) % {"station": station.name, "on": on.isoformat()}}
        )
    return operator


def full_time_clash(
    *, person_id: int, starts_on: date, ends_on: date | None, exclude_pk: int | None = None
) -> Employment | None:
    qs = Employment.objects.filter(person_id=person_id, employment_type=EmploymentType.FULL_TIME)
    if ends_on is not None:
        qs = qs.filter(starts_on__lte=ends_on)
    qs = qs.exclude(ends_on__lt=starts_on)
    if exclude_pk:
        qs = qs.exclude(pk=exclude_pk)
    return qs.select_related("station").order_by("starts_on").first()


def clash_message(other: Employment, *, named: bool, district: str) -> str:
    """The refusal of a second full-time post. ``named``: the caller may see the station of
    ``other`` (else it is not named); ``district``: the district to contact (that of the
    station hiring, which the caller sees)."""
    values = {
        "starts": other.starts_on.isoformat(),
        "ends": other.ends_on.isoformat() if other.ends_on else _("今"),
    }
    if named:
        return _(FULL_TIME_CLASH) % (values | {"station": other.station.name})
    return _(FULL_TIME_CLASH_ELSEWHERE) % (values | {"district": district})


def _clash_message_for(actor, other: Employment, station: Station) -> str:
    named = (
        is_system(actor)
        or Station.objects.restrict(actor, VIEW).filter(pk=other.station_id).exists()
    )
    return clash_message(other, named=named, district=station.district.name)


def _is_exclusion_violation(exc: IntegrityError) -> bool:
    return getattr(exc.__cause__, "pgcode", None) == "23P01" or (
        "talent_employment_one_full_time_per_day" in str(exc)
    )


def _save_employment(employment: Employment, *, actor) -> Employment:
    """Check the full-time rule under a lock on the person, then save; translate the
    PostgreSQL exclusion constraint for writers that raced past the check. A clash names the
    other station only to an ``actor`` who may see it."""
    with transaction.atomic():
        SocialWorker.objects.select_for_update().filter(pk=employment.person_id).first()
        if employment.employment_type == EmploymentType.FULL_TIME:
            other = full_time_clash(
                person_id=employment.person_id,
                starts_on=employment.starts_on,
                ends_on=employment.ends_on,
                exclude_pk=employment.pk,
            )
            if other is not None:
                raise ValidationError(
                    {"starts_on": _clash_message_for(actor, other, employment.station)}
                )
        employment.full_clean()
        try:
            with transaction.atomic():
                employment.save()
        except IntegrityError as exc:
            if _is_exclusion_violation(exc):
                raise ValidationError({"starts_on": _(FULL_TIME_CLASH_CONCURRENT)}) from exc
            raise
        station_staffing_refresh(station_ids=[employment.station_id])
    return employment


def employment_add(
    *,
    actor,
    person: SocialWorker,
    station: Station,
    position: str,
    starts_on: date,
    employment_type: str = EmploymentType.FULL_TIME,
    ends_on: date | None = None,
    institution: Institution | None = None,
    leave_reason: str = "",
) -> Employment:
    ensure_may_add(actor, Employment, station=station)
    employment = Employment(
        person=person,
        station=station,
        position=position,
        employment_type=employment_type,
        starts_on=starts_on,
        ends_on=ends_on,
        leave_reason=leave_reason,
        institution=_institution_for(actor, station, starts_on, institution),
    )
    if ends_on is not None and ends_on < starts_on:
        raise ValidationError({"ends_on": _(END_BEFORE_START) % {"on": starts_on.isoformat()}})
    return _save_employment(employment, actor=actor)


@sensitive_variables("id_number", "number", "columns")
def worker_hire(
    *,
    actor,
    name: str,
    id_number: str,
    station: Station,
    position: str,
    starts_on: date,
    employment_type: str = EmploymentType.FULL_TIME,
    institution: Institution | None = None,
    **details: Any,
) -> tuple[SocialWorker, Employment]:
    """Take on a person at a station. A person already on file (same ID number) keeps their
    record and gains an employment: a move between institutions is one person with history."""
    unknown = set(details) - PERSON_FIELDS
    if unknown:
        raise TypeError(f"unknown fields: {', '.join(sorted(unknown))}")
    ensure_may_add(actor, Employment, station=station)
    columns = id_number_fields(id_number)
    with transaction.atomic():
        person = SocialWorker.objects.filter(id_number_hash=columns["id_number_hash"]).first()
        if person is None:
            person = SocialWorker(name=name.strip(), **columns, **details)
            person.full_clean()
            person.save()
        elif person.name != name.strip():
            raise ValidationError({"name": _(NAME_MISMATCH)})
        employment = employment_add(
            actor=actor,
            person=person,
            station=station,
            position=position,
            starts_on=starts_on,
            employment_type=employment_type,
            institution=institution,
        )
    return person, employment


def worker_update(*, actor, person: SocialWorker, **fields: Any) -> SocialWorker:
    unknown = set(fields) - PERSON_FIELDS
    if unknown:
        raise TypeError(f"unknown fields: {', '.join(sorted(unknown))}")
    ensure_may(actor, CHANGE, person)
    for key, value in fields.items():
        setattr(person, key, value)
    try:
        person.full_clean()
    except ValidationError:
        person.refresh_from_db()
        raise
    person.save()
    return person


def employment_end(
    *, actor, employment: Employment, ends_on: date, leave_reason: str = ""
) -> Employment:
    ensure_may(actor, CHANGE, employment)
    if employment.ends_on is not None and employment.ends_on <= ends_on:
        raise ValidationError(
            {"ends_on": _(EMPLOYMENT_ALREADY_ENDED) % {"on": employment.ends_on.isoformat()}}
        )
    if ends_on < employment.starts_on:
        raise ValidationError(
            {"ends_on": _(END_BEFORE_START) % {"on": employment.starts_on.isoformat()}}
        )
    employment.ends_on = ends_on
    employment.leave_reason = leave_reason
    return _save_employment(employment, actor=actor)


# --- certificates and registration ---------------------------------------------------------------


def _check_level(level: str, field: str = "level") -> None:
    if level not in CertificateLevel.values:
        raise ValidationError({field: _(BAD_LEVEL) % {"value": level}})


def certificate_add(
    *, actor, person: SocialWorker, level: str, number: str, year_passed: int
) -> Certificate:
    _ensure_role(actor, Certificate, ADD)
    ensure_may(actor, CHANGE, person)
    _check_level(level)
    today = _today()
    if not FIRST_EXAM_YEAR <= int(year_passed) <= today.year:
        raise ValidationError(
            {"year_passed": _(BAD_YEAR_PASSED) % {"first": FIRST_EXAM_YEAR, "last": today.year}}
        )
    number = number.strip()
    if Certificate.objects.filter(number=number).exists():
        raise ValidationError({"number": _(DUPLICATE_CERTIFICATE_NUMBER) % {"number": number}})
    certificate = Certificate(person=person, level=level, number=number, year_passed=year_passed)
    certificate.full_clean()
    certificate.save()
    person_summary_refresh(person_ids=[person.pk])
    return certificate


def registration_add(*, actor, certificate: Certificate, starts_on: date) -> Registration:
    """A first registration, or a new one after a lapse; expiry from the policy in force."""
    _ensure_role(actor, Registration, ADD)
    person = certificate.person
    ensure_may(actor, CHANGE, person)
    if starts_on.year < certificate.year_passed:
        raise ValidationError(
            {"starts_on": _(REGISTRATION_BEFORE_PASSING) % {"year": certificate.year_passed}}
        )
    policy = _policy(starts_on)
    overlapping = Registration.objects.filter(
        person=person, starts_on__lte=starts_on, expires_on__gte=starts_on
    ).first()
    if overlapping is not None:
        raise ValidationError(
            {"starts_on": _(REGISTRATION_OVERLAP) % {"until": overlapping.expires_on.isoformat()}}
        )
    registration = Registration(
        person=person,
        certificate=certificate,
        starts_on=starts_on,
        expires_on=rules.registration_expires_on(
            starts_on, valid_years=policy.registration_valid_years
        ),
        policy_version=policy,
    )
    registration.full_clean()
    registration.save()
    person_summary_refresh(person_ids=[person.pk])
    return registration


def registration_renew(
    *,
    actor,
    registration: Registration,
    on: date | None = None,
    certificate: Certificate | None = None,
) -> Registration:
    """Renew in the last months of validity (民发〔2009〕44号); the new period follows on."""
    _ensure_role(actor, Registration, ADD)
    ensure_may(actor, CHANGE, registration.person)
    on = on or _today()
    policy = _policy(on)
    months = policy.registration_renewal_window_months
    if Registration.objects.filter(renews=registration).exists():
        raise ValidationError({"registration": _(ALREADY_RENEWED)})
    if not rules.in_renewal_window(on, registration.expires_on, window_months=months):
        opens, closes = rules.renewal_window(registration.expires_on, window_months=months)
        raise ValidationError(
            {
                "registration": _(RENEWAL_OUTSIDE_WINDOW)
                % {"months": months, "opens": opens.isoformat(), "closes": closes.isoformat()}
            }
        )
    starts = registration.expires_on + timedelta(days=1)
    start_policy = _policy(starts)
    renewal = Registration(
        person=registration.person,
        certificate=certificate or registration.certificate,
        starts_on=starts,
        renews=registration,
        policy_version=start_policy,
        expires_on=rules.registration_expires_on(
            starts, valid_years=start_policy.registration_valid_years
        ),
    )
    renewal.full_clean()
    renewal.save()
    person_summary_refresh(person_ids=[registration.person_id])
    return renewal


# --- continuing education and training ---------------------------------------------------


def ce_record_add(
    *,
    actor,
    person: SocialWorker,
    hours: Decimal,
    completed_on: date,
    title: str,
    provider: str = "",
    programme: TrainingProgramme | None = None,
) -> CERecord:
    """Hours from outside the portal. Hours of a portal programme come only from attendance:
    naming a programme the person did not attend is refused."""
    _ensure_role(actor, CERecord, ADD)
    ensure_may(actor, VIEW, person)
    if programme is not None:
        attended = Attendance.objects.filter(
            enrolment__programme=programme, enrolment__person=person
        ).exists()
        if not attended:
            raise ValidationError({"programme": _(NOT_ATTENDED) % {"programme": programme.title}})
        enrolment = Enrolment.objects.get(programme=programme, person=person)
        return enrolment_complete(actor=SYSTEM, enrolment=enrolment, completed_on=completed_on)
    if Decimal(hours) <= 0:
        raise ValidationError({"hours": _(HOURS_NOT_POSITIVE)})
    if completed_on > _today():
        raise ValidationError({"completed_on": _(DATE_IN_FUTURE)})
    record = CERecord(
        person=person,
        hours=hours,
        completed_on=completed_on,
        title=title,
        provider=provider,
        source=CEHourSource.EXTERNAL,
    )
    record.full_clean()
    record.save()
    person_summary_refresh(person_ids=[person.pk])
    return record


def programme_create(
    *,
    actor,
    year: int,
    kind: str,
    title: str,
    provider: str,
    budget: Decimal,
    places: int,
    starts_on: date | None = None,
    ends_on: date | None = None,
    note: str = "",
) -> TrainingProgramme:
    _ensure_role(actor, TrainingProgramme, ADD)
    programme = TrainingProgramme(
        year=year,
        kind=kind,
        title=title,
        provider=provider,
        budget=budget,
        places=places,
        starts_on=starts_on,
        ends_on=ends_on,
        note=note,
    )
    programme.full_clean()
    _check_budget(programme)
    programme.save()
    return programme


def _check_budget(programme: TrainingProgramme) -> None:
    """The year's programmes stay within the talent-training budget (reply letter: 3M yuan)."""
    limit = _policy(date(programme.year, 1, 1)).talent_training_budget
    others = (
        TrainingProgramme.objects.filter(year=programme.year)
        .exclude(pk=programme.pk)
        .aggregate(total=Sum("budget"))["total"]
    ) or Decimal("0")
    total = others + programme.budget
    if total > limit:
        raise ValidationError(
            {
                "budget": _(OVER_BUDGET)
                % {"year": programme.year, "total": f"{total:,.2f}", "limit": f"{limit:,.2f}"}
            }
        )


def programme_update(*, actor, programme: TrainingProgramme, **fields: Any) -> TrainingProgramme:
    ensure_may(actor, CHANGE, programme)
    for key, value in fields.items():
        setattr(programme, key, value)
    try:
        programme.full_clean()
        _check_budget(programme)
    except ValidationError:
        programme.refresh_from_db()
        raise
    programme.save()
    return programme


def session_add(
    *,
    actor,
    programme: TrainingProgramme,
    held_on: date,
    topic: str,
    hours: Decimal,
    location: str = "",
) -> TrainingSession:
    ensure_may(actor, CHANGE, programme)
    session = TrainingSession(
        programme=programme, held_on=held_on, topic=topic, hours=hours, location=location
    )
    session.full_clean()
    session.save()
    return session


def enrolment_add(*, actor, programme: TrainingProgramme, person: SocialWorker) -> Enrolment:
    _ensure_role(actor, Enrolment, ADD)
    ensure_may(actor, VIEW, programme)
    ensure_may(actor, VIEW, person)
    today = _today()
    institution_ids = _actor_institution_ids(actor)
    current = Employment.objects.filter(person=person, starts_on__lte=today).exclude(
        ends_on__lt=today
    )
    if institution_ids and not (actor.roles & {Role.CITY_ADMIN, Role.CITY_OFFICER}):
        current = current.filter(institution_id__in=institution_ids)
    employment = current.order_by("-starts_on").first()
    if employment is None:
        raise PermissionDenied
    with transaction.atomic():
        TrainingProgramme.objects.select_for_update().filter(pk=programme.pk).first()
        taken = (
            Enrolment.objects.filter(programme=programme)
            .exclude(status=EnrolmentStatus.WITHDRAWN)
            .count()
        )
        if taken >= programme.places:
            raise ValidationError(
                {
                    "programme": _(PROGRAMME_FULL)
                    % {"programme": programme.title, "places": programme.places}
                }
            )
        enrolment = Enrolment(
            programme=programme, person=person, institution_id=employment.institution_id
        )
        enrolment.full_clean()
        enrolment.save()
    return enrolment


def attendance_record(*, actor, session: TrainingSession, enrolments: Iterable[Enrolment]) -> int:
    """Mark enrolled people present at a session; marking twice changes nothing."""
    ensure_may(actor, CHANGE, session.programme)
    created = 0
    for enrolment in enrolments:
        if enrolment.programme_id != session.programme_id:
            raise ValidationError(
                {"session": _(SESSION_OTHER_PROGRAMME) % {"programme": enrolment.programme.title}}
            )
        if enrolment.status == EnrolmentStatus.WITHDRAWN:
            raise ValidationError({"enrolment": _(ENROLMENT_WITHDRAWN)})
        _attendance, was_created = Attendance.objects.get_or_create(
            enrolment=enrolment, session=session
        )
        created += int(was_created)
    return created


def enrolment_complete(
    *,
    actor,
    enrolment: Enrolment,
    completed_on: date | None = None,
    exam_passed: bool | None = None,
) -> CERecord:
    """Record completion and credit the attended sessions' hours as continuing education.
    Idempotent: completing again returns the same credit."""
    ensure_may(actor, CHANGE, enrolment)
    if enrolment.status == EnrolmentStatus.WITHDRAWN:
        raise ValidationError({"enrolment": _(ENROLMENT_WITHDRAWN)})
    existing = CERecord.objects.filter(enrolment=enrolment).first()
    if existing is not None:
        return existing
    hours = (
        TrainingSession.objects.filter(attendances__enrolment=enrolment).aggregate(h=Sum("hours"))[
            "h"
        ]
    ) or Decimal("0")
    programme = enrolment.programme
    if hours <= 0:
        raise ValidationError({"enrolment": _(NOT_ATTENDED) % {"programme": programme.title}})
    completed_on = completed_on or _today()
    with transaction.atomic():
        enrolment.status = EnrolmentStatus.COMPLETED
        enrolment.completed_on = completed_on
        if exam_passed is not None:
            enrolment.exam_passed = exam_passed
        enrolment.save()
        record = CERecord(
            person_id=enrolment.person_id,
            hours=hours,
            completed_on=completed_on,
            source=CEHourSource.PROGRAMME,
            title=programme.title[:120],
            provider=programme.provider,
            enrolment=enrolment,
        )
        record.full_clean()
        record.save()
    person_summary_refresh(person_ids=[enrolment.person_id])
    return record


def enrolment_record_exam(*, actor, enrolment: Enrolment, passed: bool) -> Enrolment:
    ensure_may(actor, CHANGE, enrolment)
    enrolment.exam_passed = passed
    enrolment.save(update_fields=["exam_passed"])
    return enrolment


# --- honours -------------------------------------------------------------------------------


def honour_add(
    *, actor, person: SocialWorker, level: str, kind: str, title: str, year: int, issuer: str
) -> Honour:
    _ensure_role(actor, Honour, ADD)
    ensure_may(actor, VIEW, person)
    if level not in HonourLevel.values:
        raise ValidationError({"level": _(BAD_HONOUR_LEVEL) % {"value": level}})
    if kind not in HonourKind.values:
        raise ValidationError({"kind": _(BAD_HONOUR_KIND) % {"value": kind}})
    honour = Honour(person=person, level=level, kind=kind, title=title, year=year, issuer=issuer)
    honour.full_clean()
    honour.save()
    return honour
