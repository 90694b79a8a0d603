"""服务对象 (service users): registration with consent, corrections, withdrawal, audited reads.

PIPL: sensitive personal information (art. 28: minors, disability, drug rehabilitation,
community correction) is processed only by the serving station; the city admin may open one
record with a stated reason; every read of a sensitive record is audited.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_variables

from portal import audit, clock, crypto, idnumbers
from portal.choices import AuditAction, AuditOutcome, Role
from portal.scoping import CHANGE, VIEW, as_user, ensure_may, ensure_may_add
from services import rules
from services.choices import ConsentMethod, Gender
from services.models import ServiceUser
from services.services.common import catalogue_on, claim_version

NAME_REQUIRED = "请填写服务对象姓名。"
GENDER_BAD = "性别只能是“男”“女”或“未说明”。"
CONSENT_METHOD_BAD = "请选择同意方式（书面、口头、电子或监护人同意）。"
CONSENT_REQUIRED = "请填写服务对象（或监护人）同意收集其个人信息的日期。"
DUPLICATE_ID = "本站已登记该身份证号的服务对象（%(name)s），请勿重复登记。"
DUPLICATE_PERSON = (
    "本站已登记同名、同出生年份、同村居的服务对象（%(name)s），可能是同一人，请核对后再登记。"
)
UNKNOWN_GROUP = "服务对象类别「%(code)s」不在%(on)s生效的服务目录中。"
UNKNOWN_FIELD = "服务领域「%(code)s」不在%(on)s生效的服务目录中。"
COMMUNITY_OUTSIDE = "村居「%(name)s」不属于本站所在镇街。"
WITHDRAWN = "该服务对象已撤回同意，其个人信息已删除，不能再修改或登记服务。"
REASON_REQUIRED = "查看敏感服务对象须说明理由（至少4个字）。"
READ_MESSAGE = "查看敏感服务对象记录（%(station)s）：%(reason)s"
PII_CHANGED = "修改服务对象个人信息：%(fields)s（不记录内容）"
HIDDEN_IN_TRAIL = ("name", "contact", "id_number_hash")
WITHDRAW_MESSAGE = "服务对象撤回同意，个人信息已删除，仅保留匿名统计。"


def _clean_groups(codes_or_items, on: date, *, model, message) -> list:
    version = catalogue_on(on)
    wanted = []
    for item in codes_or_items or []:
        wanted.append(getattr(item, "code", item))
    found = {g.code: g for g in model.objects.filter(version=version, code__in=wanted)}
    for code in wanted:
        if code not in found:
            raise ValidationError(_(message) % {"code": code, "on": on.isoformat()})
    return [found[c] for c in dict.fromkeys(wanted)]


def _flags(groups, fields) -> tuple[bool, bool]:
    sensitive = any(g.sensitive for g in groups) or any(f.sensitive for f in fields)
    basic = any(g.basic_guarantee for g in groups)
    return sensitive, basic


@sensitive_variables("data", "id_number")
def _clean(station, data: dict[str, Any], *, today: date, instance: ServiceUser | None):
    from services.models import ServiceField, TargetGroup

    errors: dict[str, str] = {}
    name = str(data.get("name") or "").strip()
    if not name:
        errors["name"] = _(NAME_REQUIRED)
    gender = data.get("gender") or ""
    if gender and gender not in Gender.values:
        errors["gender"] = _(GENDER_BAD)
    birth_year = data.get("birth_year")
    if birth_year in ("", None):
        birth_year = None
    else:
        try:
            birth_year = int(birth_year)
        except (TypeError, ValueError):
            birth_year = -1
        problem = rules.birth_year_problem(birth_year, today=today)
        if problem:
            errors["birth_year"] = _(problem)
    community = data.get("community")
    if community is not None and community.subdistrict_id != station.subdistrict_id:
        errors["community"] = _(COMMUNITY_OUTSIDE) % {"name": community.name}
    consent_on = data.get("consent_on") if instance is None else instance.consent_on
    consent_method = data.get("consent_method") if instance is None else instance.consent_method
    if instance is None:
        if not consent_on:
            errors["consent_on"] = _(CONSENT_REQUIRED)
        elif consent_on > today:
            errors["consent_on"] = _(rules.CONSENT_FUTURE)
        if consent_method not in ConsentMethod.values:
            errors["consent_method"] = _(CONSENT_METHOD_BAD)
    protected = None
    id_number = str(data.get("id_number") or "").strip()
    if id_number:
        try:
            protected = crypto.protect_id_number(id_number, today=today)
        except idnumbers.InvalidIdNumber as error:
            errors["id_number"] = _(error.message)
        else:
            if not gender:
                gender = Gender.MALE if protected.male else Gender.FEMALE
            if birth_year is None:
                birth_year = protected.birth_date.year
    try:
        groups = _clean_groups(
            data.get("target_groups"), today, model=TargetGroup, message=UNKNOWN_GROUP
        )
    except ValidationError as error:
        errors["target_groups"] = error.messages[0]
        groups = []
    try:
        fields = _clean_groups(data.get("fields"), today, model=ServiceField, message=UNKNOWN_FIELD)
    except ValidationError as error:
        errors["fields"] = error.messages[0]
        fields = []
    if errors:
        raise ValidationError(errors)
    return {
        "name": name[:40],
        "gender": gender,
        "birth_year": birth_year,
        "community": community,
        "contact": str(data.get("contact") or "").strip()[:40],
        "consent_on": consent_on,
        "consent_method": consent_method,
        "protected": protected,
        "groups": groups,
        "fields": fields,
    }


def _check_duplicates(station, clean: dict, *, exclude_pk=None) -> None:
    others = ServiceUser.objects.filter(station=station, withdrawn_on__isnull=True)
    if exclude_pk:
        others = others.exclude(pk=exclude_pk)
    protected = clean["protected"]
    if protected is not None:
        hit = others.filter(id_number_hash=protected.hash).first()
        if hit:
            raise ValidationError({"id_number": _(DUPLICATE_ID) % {"name": hit.name}})
    if clean["birth_year"] is not None:
        hit = others.filter(
            name=clean["name"], birth_year=clean["birth_year"], community=clean["community"]
        ).first()
        if hit:
            raise ValidationError({"name": _(DUPLICATE_PERSON) % {"name": hit.name}})


def _write(person: ServiceUser, clean: dict) -> None:
    for key in ("name", "gender", "birth_year", "community", "contact"):
        setattr(person, key, clean[key])
    if clean["protected"] is not None:
        person.id_number_cipher = clean["protected"].cipher
        person.id_number_hash = clean["protected"].hash
        person.id_number_masked = clean["protected"].masked
    person.is_sensitive, person.basic_guarantee = _flags(clean["groups"], clean["fields"])


@sensitive_variables("data")
def service_user_create(*, actor, station, data: dict[str, Any]) -> ServiceUser:
    """Register a person the station serves, with their (or their guardian's) consent."""
    ensure_may_add(actor, ServiceUser, station=station)
    today = clock.today()
    clean = _clean(station, data, today=today, instance=None)
    _check_duplicates(station, clean)
    person = ServiceUser(
        station=station,
        consent_on=clean["consent_on"],
        consent_method=clean["consent_method"],
        consent_recorded_by=as_user(actor),
    )
    _write(person, clean)
    try:
        with transaction.atomic():
            person.save()
            person.target_groups.set(clean["groups"])
            person.fields.set(clean["fields"])
    except IntegrityError:  # a concurrent registration of the same ID number
        raise ValidationError({"id_number": _(DUPLICATE_ID) % {"name": clean["name"]}}) from None
    return person


@sensitive_variables("data")
def service_user_update(*, actor, person: ServiceUser, version, data: dict[str, Any]):
    ensure_may(actor, CHANGE, person)
    if person.withdrawn_on is not None:
        raise ValidationError(_(WITHDRAWN))
    today = clock.today()
    clean = _clean(person.station, data, today=today, instance=person)
    _check_duplicates(person.station, clean, exclude_pk=person.pk)
    with transaction.atomic():
        claim_version(person, version, what=_("服务对象"))
        before = {k: getattr(person, k) for k in HIDDEN_IN_TRAIL}
        _write(person, clean)
        person.save()
        person.target_groups.set(clean["groups"])
        person.fields.set(clean["fields"])
        changed = sorted(k for k in HIDDEN_IN_TRAIL if getattr(person, k) != before[k])
        if changed:
            # The trail masks personal values, so a change of only those would leave no row:
            # say which fields changed, never their values.
            audit.record(
                AuditAction.UPDATE,
                instance=person,
                changes={k: ["***", "***"] for k in changed},
                message=_(PII_CHANGED) % {"fields": "、".join(changed)},
            )
    return person


def service_user_withdraw(*, actor, person: ServiceUser, version) -> ServiceUser:
    """Consent withdrawn (PIPL art. 15, 47): the personal information is deleted; the row
    stays, nameless, so the station's counts and past records keep adding up."""
    ensure_may(actor, CHANGE, person)
    if person.withdrawn_on is not None:
        raise ValidationError(_(WITHDRAWN))
    with transaction.atomic():
        claim_version(person, version, what=_("服务对象"))
        person.name = ""
        person.contact = ""
        person.birth_year = None
        person.community = None
        person.id_number_cipher = person.id_number_hash = person.id_number_masked = ""
        person.withdrawn_on = clock.today()
        person.save()
        audit.record(AuditAction.ACTION, instance=person, message=_(WITHDRAW_MESSAGE))
    return person


def is_serving_station(actor, person: ServiceUser) -> bool:
    return any(
        a.role == Role.STATION_MANAGER and a.station_id == person.station_id
        for a in actor.active_assignments()
    )


def service_user_read(*, actor, person: ServiceUser, reason: str = "") -> ServiceUser:
    """Open one person's record. A sensitive one: the serving station, or the city admin with
    a reason; either way the read is audited. ``Http404`` outside scope."""
    ensure_may(actor, VIEW, person)
    if not person.sensitive_on(clock.today()):
        return person
    reason = (reason or "").strip()
    serving = is_serving_station(actor, person)
    if not serving and len(reason) < 4:
        audit.record(
            AuditAction.SENSITIVE_READ,
            instance=person,
            outcome=AuditOutcome.DENIED,
            message=_(REASON_REQUIRED),
        )
        raise PermissionDenied(_(REASON_REQUIRED))
    audit.record(
        AuditAction.SENSITIVE_READ,
        instance=person,
        message=_(READ_MESSAGE) % {"station": person.station_id, "reason": reason or _("本站服务")},
    )
    return person
