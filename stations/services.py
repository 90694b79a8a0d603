"""Writes of the stations app: geography, institutions, credit records, stations, outposts,
contracts.

Every service is keyword-only with ``actor`` first (``None`` is the system), checks scope
again (``ensure_may`` / ``ensure_may_add``), calls ``full_clean()`` before saving, and raises
``ValidationError`` with Chinese messages (module constants) naming the field and the rule.
History comes from the audit signals; explicit audit rows are written for confirmations.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from portal import audit, clock
from portal.choices import AuditAction, Role
from portal.errors import Conflict
from portal.scoping import (
    ADD,
    CHANGE,
    SYSTEM,
    as_user,
    ensure_may,
    ensure_may_add,
    is_system,
    roles_allowed,
)
from portal.selectors import PolicyMissing, policy_for_service_year
from stations import rules
from stations.choices import (
    BINDING_CONTRACT_STATUSES,
    ContractStatus,
    InstitutionStatus,
    ManagementMode,
    SubdistrictKind,
)
from stations.models import (
    Community,
    Contract,
    CreditRecord,
    District,
    Institution,
    Outpost,
    ProjectKind,
    Station,
    Subdistrict,
)

GEOGRAPHY_FIXTURE = Path(__file__).resolve().parent / "fixtures" / "guangzhou_geography.json"
# Guangzhou's purchased station projects began with the 2008-2011 pilots; nothing earlier.
EARLIEST_SERVICE_YEAR = 2008

CREDIT_CODE_INVALID = (
    "统一社会信用代码未通过GB 32100校验：%(reason)s"
    "如该代码确为登记机关核发，须由市级管理员确认后保存。"
)
CREDIT_CODE_MALFORMED = (
    "统一社会信用代码格式不正确：%(reason)s这样的代码不能确认，请核对后重新填写"
    "（只有18位、字符均合法而仅校验码不符的代码，才可由市级管理员确认）。"
)
CREDIT_CODE_CONFIRMED = (
    "市级管理员确认统一社会信用代码%(code)s真实有效（未通过GB 32100校验：%(reason)s）。"
)
CREDIT_ALREADY_LIFTED = "该信用记录已于%(on)s移出，不能重复移出。"
CREDIT_LIFT_BEFORE_LISTING = "移出日期不能早于列入日期（%(on)s）。"
OUT_OF_REACH = "镇街“%(name)s”不在您的管辖范围内。"
COMMUNITY_OUTSIDE = "村居“%(name)s”不属于本站所在镇街“%(subdistrict)s”。"
COMMUNITY_NOT_SERVED = "村居“%(name)s”不在本站服务的村居范围内。"
PILOT_NEEDS_TOWN = "试点模式（站长领导制+副站长负责制）仅适用于镇，“%(name)s”不是镇。"
PILOT_NEEDS_HEAD_TITLE = "试点模式下站长由镇社会事务办主任担任，请填写站长职务。"
PILOT_NEEDS_DEPUTY = "试点模式下须由一名社工担任副站长（负责制），请填写副站长。"
OUTPOST_ALREADY_CLOSED = "该社工点已于%(on)s撤销。"
OUTPOST_CLOSE_BEFORE_OPEN = "撤销日期不能早于设立日期（%(on)s）。"
CONTRACT_OVERLAP = (
    "同一社工站同一天只能有一份生效的综合项目合同：与合同%(code)s（承接机构：%(institution)s，"
    "%(starts)s至%(ends)s）的期限重叠。"
)
CONTRACT_OVERLAP_CONCURRENT = (
    "同一社工站同一天只能有一份生效的综合项目合同：另一份重叠的合同刚刚保存，请刷新后重试。"
)
CONTRACT_PURCHASER_DISTRICT = "购买方镇街“%(name)s”应与社工站在同一区。"
CONTRACT_NO_POLICY = "%(year)d年度没有生效的政策参数版本，无法确定标准经费。"
CONTRACT_INSTITUTION_GONE = "承接机构“%(name)s”已注销，不能签订或变更合同。"
CONTRACT_KIND_INACTIVE = "项目类型“%(name)s”已停用。"
CONTRACT_LOCKED = "合同%(code)s已%(status)s，不能再修改。"
CONTRACT_NOT_SIGNED = "只有已签订的合同可以提前终止（当前状态：%(status)s）。"
CONTRACT_TERMINATE_RANGE = "终止日期应在合同期限%(starts)s至%(ends)s之内，且早于原定结束日期。"
CONTRACT_TERMINATE_REASON = "请填写提前终止的原因。"
CONTRACT_STATUS_VIA_TERMINATE = "提前终止合同请使用“提前终止”操作，以记录终止日期和原因。"
UNKNOWN_FIELDS = "unknown fields: %s"

INSTITUTION_FIELDS = {
    "name",
    "credit_code",
    "legal_representative",
    "registration_authority",
    "registered_on",
    "rating",
    "status",
    "address",
    "phone",
    "email",
}
STATION_FIELDS = {
    "code",
    "name",
    "subdistrict",
    "address",
    "phone",
    "email",
    "head_name",
    "head_title",
    "deputy_head_name",
    "management_mode",
    "status",
    "established_on",
    "longitude",
    "latitude",
}
CONTRACT_FIELDS = {
    "code",
    "institution",
    "purchaser",
    "kind",
    "service_year",
    "starts_on",
    "ends_on",
    "annual_fee",
    "status",
    "signed_on",
    "note",
}


def _check_fields(fields: dict[str, Any], allowed: set[str]) -> None:
    unknown = set(fields) - allowed
    if unknown:
        raise TypeError(UNKNOWN_FIELDS % ", ".join(sorted(unknown)))


def _is_city_admin(actor) -> bool:
    return actor is not None and actor.is_authenticated and Role.CITY_ADMIN in actor.roles


@contextmanager
def _restored_on_error(instance):
    """A refused update leaves the caller's instance as it is stored, not half-changed."""
    try:
        yield
    except (ValidationError, Conflict):
        instance.refresh_from_db()
        raise


def _ensure_role(actor, model, action: str) -> None:
    if not roles_allowed(actor, model, action):
        raise PermissionDenied


# --- geography ----------------------------------------------------------------------------


@dataclass(frozen=True)
class GeographyCounts:
    districts: int
    subdistricts: int
    communities: int
    created: int
    updated: int


def _upsert(
    model, rows: list[dict[str, Any]], fields: list[str]
) -> tuple[dict[str, int], int, int]:
    """Insert new codes, update changed ones; returns code -> id and the counts."""
    existing = {obj.code: obj for obj in model.objects.filter(code__in=[r["code"] for r in rows])}
    new, changed = [], []
    for row in rows:
        obj = existing.get(row["code"])
        if obj is None:
            new.append(model(**row))
        elif any(getattr(obj, f) != row[f] for f in fields):
            for f in fields:
                setattr(obj, f, row[f])
            changed.append(obj)
    model.objects.bulk_create(new, batch_size=2000)
    if changed:
        model.objects.bulk_update(changed, fields, batch_size=2000)
    ids = dict(model.objects.filter(code__in=[r["code"] for r in rows]).values_list("code", "id"))
    return ids, len(new), len(changed)


def geography_load(
    *, actor=SYSTEM, path: str | Path | None = None, record: bool = True
) -> GeographyCounts:
    """Load districts, streets/towns and communities from the shipped fixture (idempotent).

    Rows are matched by code: new codes are inserted and changed names/kinds updated, in bulk
    and without per-row audit signals; one audit row records a load that changed something
    (``record=False`` leaves it to a caller that records its own run, the demo generator).
    """
    _ensure_role(actor, District, ADD)
    data = json.loads(Path(path or GEOGRAPHY_FIXTURE).read_text(encoding="utf-8"))
    with transaction.atomic():
        district_ids, c1, u1 = _upsert(
            District, [{"code": c, "name": n} for c, n in data["districts"]], ["name"]
        )
        sub_ids, c2, u2 = _upsert(
            Subdistrict,
            [
                {"code": c, "name": n, "kind": k, "district_id": district_ids[c[:6]]}
                for c, n, k in data["subdistricts"]
            ],
            ["name", "kind", "district_id"],
        )
        comm_ids, c3, u3 = _upsert(
            Community,
            [
                {"code": c, "name": n, "kind": k, "subdistrict_id": sub_ids[c[:9]]}
                for c, n, k in data["communities"]
            ],
            ["name", "kind", "subdistrict_id"],
        )
        created, updated = c1 + c2 + c3, u1 + u2 + u3
        if record and (created or updated):
            audit.record(
                AuditAction.IMPORT,
                object_type="stations.geography",
                object_repr=data.get("city", {}).get("name", ""),
                message=f"区划数据：新增{created}条，更新{updated}条（{data.get('source', '')}）",
                **_actor_kwargs(actor),
            )
    return GeographyCounts(len(district_ids), len(sub_ids), len(comm_ids), created, updated)


def _actor_kwargs(actor) -> dict[str, Any]:
    if actor is None or is_system(actor):
        return {}
    return {"actor_id": actor.pk, "actor_name": str(actor)}


# --- institutions -------------------------------------------------------------------------


def _apply_credit_code_check(actor, institution: Institution, confirm_invalid_code: bool) -> str:
    """Validate the code; returns the failing reason when a city admin confirmed it. Only a
    well-formed code whose check character disagrees may be confirmed; a malformed one never."""
    result = rules.check_credit_code(institution.credit_code)
    institution.credit_code = result.code
    if result.ok:
        institution.credit_code_confirmed_by = None
        institution.credit_code_confirmed_at = None
        return ""
    if not result.confirmable:
        raise ValidationError({"credit_code": _(CREDIT_CODE_MALFORMED) % {"reason": result.reason}})
    if confirm_invalid_code and _is_city_admin(actor):
        institution.credit_code_confirmed_by = as_user(actor)
        institution.credit_code_confirmed_at = clock.now()
        return result.reason
    raise ValidationError({"credit_code": _(CREDIT_CODE_INVALID) % {"reason": result.reason}})


def _record_confirmation(actor, institution: Institution, reason: str) -> None:
    audit.record(
        AuditAction.ACTION,
        instance=institution,
        message=_(CREDIT_CODE_CONFIRMED) % {"code": institution.credit_code, "reason": reason},
        **_actor_kwargs(actor),
    )


def institution_create(
    *, actor, name: str, credit_code: str, confirm_invalid_code: bool = False, **fields: Any
) -> Institution:
    """Register an institution. A code failing GB 32100 needs a city admin's confirmation."""
    _check_fields(fields, INSTITUTION_FIELDS)
    _ensure_role(actor, Institution, ADD)
    institution = Institution(name=name.strip(), credit_code=credit_code, **fields)
    reason = _apply_credit_code_check(actor, institution, confirm_invalid_code)
    institution.full_clean()
    with transaction.atomic():
        institution.save()
        if reason:
            _record_confirmation(actor, institution, reason)
    return institution


def institution_update(
    *, actor, institution: Institution, confirm_invalid_code: bool = False, **fields: Any
) -> Institution:
    """Change an institution. The code is checked again only when it changes."""
    _check_fields(fields, INSTITUTION_FIELDS)
    ensure_may(actor, CHANGE, institution)
    old_code = institution.credit_code
    with _restored_on_error(institution):
        for key, value in fields.items():
            setattr(institution, key, value)
        reason = ""
        new_code = rules.normalise_credit_code(fields.get("credit_code", old_code))
        if new_code != old_code:
            reason = _apply_credit_code_check(actor, institution, confirm_invalid_code)
        institution.full_clean()
        with transaction.atomic():
            institution.save()
            if reason:
                _record_confirmation(actor, institution, reason)
    return institution


def credit_record_add(
    *,
    actor,
    institution: Institution,
    kind: str,
    listed_on: date,
    reason: str,
    authority: str = "",
) -> CreditRecord:
    """List an institution (abnormal operation, serious dishonesty) or record a penalty."""
    _ensure_role(actor, CreditRecord, ADD)
    ensure_may(actor, "view", institution)
    record = CreditRecord(
        institution=institution, kind=kind, listed_on=listed_on, reason=reason, authority=authority
    )
    record.full_clean()
    record.save()
    return record


def credit_record_lift(*, actor, record: CreditRecord, lifted_on: date) -> CreditRecord:
    ensure_may(actor, CHANGE, record)
    if record.lifted_on is not None:
        raise Conflict(_(CREDIT_ALREADY_LIFTED) % {"on": record.lifted_on.isoformat()})
    if lifted_on < record.listed_on:
        raise ValidationError(
            {"lifted_on": _(CREDIT_LIFT_BEFORE_LISTING) % {"on": record.listed_on.isoformat()}}
        )
    record.lifted_on = lifted_on
    record.full_clean()
    record.save()
    return record


# --- stations -----------------------------------------------------------------------------


def _ensure_subdistrict_in_reach(actor, subdistrict: Subdistrict, action: str) -> None:
    """District officers place stations only in the streets/towns of their district."""
    if is_system(actor):
        return
    roles = roles_allowed(actor, Station, action)
    if Role.CITY_ADMIN in roles:
        return
    districts = {
        a.district_id for a in actor.active_assignments() if a.role == Role.DISTRICT_OFFICER
    }
    if Role.DISTRICT_OFFICER not in roles or subdistrict.district_id not in districts:
        raise ValidationError({"subdistrict": _(OUT_OF_REACH) % {"name": subdistrict.name}})


def _check_station(station: Station, communities: Iterable[Community] | None) -> None:
    errors: dict[str, list[str]] = {}
    if station.management_mode == ManagementMode.PILOT_2019:
        if station.subdistrict.kind != SubdistrictKind.TOWN:
            errors.setdefault("management_mode", []).append(
                _(PILOT_NEEDS_TOWN) % {"name": station.subdistrict.name}
            )
        if not station.head_title.strip():
            errors.setdefault("head_title", []).append(_(PILOT_NEEDS_HEAD_TITLE))
        if not station.deputy_head_name.strip():
            errors.setdefault("deputy_head_name", []).append(_(PILOT_NEEDS_DEPUTY))
    for community in communities or ():
        if community.subdistrict_id != station.subdistrict_id:
            errors.setdefault("communities", []).append(
                _(COMMUNITY_OUTSIDE)
                % {"name": community.name, "subdistrict": station.subdistrict.name}
            )
    if errors:
        raise ValidationError(errors)


def station_create(
    *,
    actor,
    code: str,
    name: str,
    subdistrict: Subdistrict,
    communities: Iterable[Community] = (),
    **fields: Any,
) -> Station:
    """Set up a station in a street/town; it serves communities of that street/town only."""
    _check_fields(fields, STATION_FIELDS)
    ensure_may_add(actor, Station)
    _ensure_subdistrict_in_reach(actor, subdistrict, ADD)
    communities = list(communities)
    station = Station(code=code.strip(), name=name.strip(), subdistrict=subdistrict, **fields)
    station.district_id = subdistrict.district_id
    _check_station(station, communities)
    station.full_clean()
    with transaction.atomic():
        station.save()
        if communities:
            station.communities.set(communities)
    return station


def station_update(
    *, actor, station: Station, communities: Iterable[Community] | None = None, **fields: Any
) -> Station:
    """Change a station; moving it checks the new street/town is within the actor's reach."""
    _check_fields(fields, STATION_FIELDS)
    ensure_may(actor, CHANGE, station)
    new_sub = fields.get("subdistrict")
    if new_sub is not None and new_sub.pk != station.subdistrict_id:
        _ensure_subdistrict_in_reach(actor, new_sub, CHANGE)
    with _restored_on_error(station):
        for key, value in fields.items():
            setattr(station, key, value)
        station.district_id = station.subdistrict.district_id
        served = list(communities) if communities is not None else list(station.communities.all())
        _check_station(station, served)
        station.full_clean()
        with transaction.atomic():
            station.save()
            if communities is not None:
                station.communities.set(served)
    return station


def outpost_create(
    *,
    actor,
    station: Station,
    community: Community,
    name: str = "",
    address: str = "",
    opened_on: date | None = None,
) -> Outpost:
    """Open an outpost (社工点) in one of the villages/communities the station manages."""
    ensure_may_add(actor, Outpost, station=station)
    if community.subdistrict_id != station.subdistrict_id:
        raise ValidationError(
            {
                "community": _(COMMUNITY_OUTSIDE)
                % {"name": community.name, "subdistrict": station.subdistrict.name}
            }
        )
    served = set(station.communities.values_list("pk", flat=True))
    if served and community.pk not in served:
        raise ValidationError({"community": _(COMMUNITY_NOT_SERVED) % {"name": community.name}})
    outpost = Outpost(
        station=station,
        community=community,
        name=(name or f"{community.name}社工点").strip(),
        address=address,
        opened_on=opened_on or clock.today(),
    )
    outpost.full_clean()
    outpost.save()
    return outpost


def outpost_close(*, actor, outpost: Outpost, closed_on: date) -> Outpost:
    ensure_may(actor, CHANGE, outpost)
    if outpost.closed_on is not None:
        raise Conflict(_(OUTPOST_ALREADY_CLOSED) % {"on": outpost.closed_on.isoformat()})
    if outpost.opened_on and closed_on < outpost.opened_on:
        raise ValidationError(
            {"closed_on": _(OUTPOST_CLOSE_BEFORE_OPEN) % {"on": outpost.opened_on.isoformat()}}
        )
    outpost.closed_on = closed_on
    outpost.full_clean()
    outpost.save()
    return outpost


# --- contracts ----------------------------------------------------------------------------


def contract_next_code(*, station: Station, service_year: int, kind: ProjectKind) -> str:
    """``HT-<year>-<station code>`` for the comprehensive project, with a suffix otherwise."""
    base = f"HT-{service_year}-{station.code}"
    if not kind.is_comprehensive:
        base = f"{base}-{kind.code[:8].upper()}"
    code, n = base, 1
    while Contract.objects.filter(code=code).exists():
        n += 1
        code = f"{base}-{n}"
    return code[:40]


def _overlapping(contract: Contract):
    return (
        Contract.objects.filter(
            station_id=contract.station_id,
            is_comprehensive=True,
            status__in=BINDING_CONTRACT_STATUSES,
            starts_on__lte=contract.ends_on,
            ends_on__gte=contract.starts_on,
        )
        .exclude(pk=contract.pk)
        .select_related("institution")
        .order_by("starts_on")
        .first()
    )


def _overlap_error(other: Contract | None) -> ValidationError:
    if other is None:
        return ValidationError({"starts_on": _(CONTRACT_OVERLAP_CONCURRENT)})
    return ValidationError(
        {
            "starts_on": _(CONTRACT_OVERLAP)
            % {
                "code": other.code,
                "institution": other.institution.name,
                "starts": other.starts_on.isoformat(),
                "ends": other.ends_on.isoformat(),
            }
        }
    )


def _is_exclusion_violation(exc: IntegrityError) -> bool:
    cause = exc.__cause__
    return getattr(cause, "pgcode", None) == "23P01" or (
        "stations_contract_one_comprehensive_per_day" in str(exc)
    )


def _validate_contract(contract: Contract) -> None:
    """Policy checks on one contract, field by field; the overlap check comes separately."""
    errors: dict[str, str] = {}
    fee_problem = rules.fee_problem(contract.annual_fee)
    if fee_problem:
        errors["annual_fee"] = fee_problem
    if contract.starts_on and contract.ends_on and contract.service_year:
        # The term is the policy's (contract_term_years), never a literal: the version the
        # contract records, else the one of its service year.
        policy = contract.policy_version or _policy_for(contract.service_year)
        term_years = policy.contract_term_years
        errors.update(
            rules.contract_period_problems(
                service_year=contract.service_year,
                starts_on=contract.starts_on,
                ends_on=contract.ends_on,
                term_years=term_years,
                earliest_year=EARLIEST_SERVICE_YEAR,
                latest_year=clock.today().year + 1,
            )
        )
    if contract.purchaser.district_id != contract.station.district_id:
        errors["purchaser"] = _(CONTRACT_PURCHASER_DISTRICT) % {"name": contract.purchaser.name}
    if contract.institution.status == InstitutionStatus.DEREGISTERED:
        errors["institution"] = _(CONTRACT_INSTITUTION_GONE) % {"name": contract.institution.name}
    if not contract.kind.active and contract._state.adding:
        errors["kind"] = _(CONTRACT_KIND_INACTIVE) % {"name": contract.kind.name}
    if errors:
        raise ValidationError(errors)


def _save_contract(contract: Contract) -> Contract:
    """Check overlaps under a lock on the station row, then save; translate the constraint.

    The lock serialises writers of one station, so the service's check sees the other's
    contract; the PostgreSQL exclusion constraint holds even for writers that skip the lock.
    ``FOR NO KEY UPDATE`` rather than ``FOR UPDATE``: a writer inserting a contract takes a key
    share lock on the station when its (deferred) foreign key is checked at commit, and a full
    update lock here would deadlock with it.
    """
    with transaction.atomic():
        Station.objects.select_for_update(no_key=True).filter(pk=contract.station_id).first()
        contract.is_comprehensive = contract.kind.is_comprehensive
        if contract.is_comprehensive and contract.status in BINDING_CONTRACT_STATUSES:
            other = _overlapping(contract)
            if other is not None:
                raise _overlap_error(other)
        contract.full_clean()
        try:
            with transaction.atomic():
                contract.save()
        except IntegrityError as exc:
            if _is_exclusion_violation(exc):
                raise _overlap_error(_overlapping(contract)) from exc
            raise
    return contract


def _policy_for(service_year: int):
    try:
        return policy_for_service_year(service_year)
    except PolicyMissing as exc:
        raise ValidationError(
            {"service_year": _(CONTRACT_NO_POLICY) % {"year": service_year}}
        ) from exc


def contract_create(
    *,
    actor,
    station: Station,
    institution: Institution,
    service_year: int,
    kind: ProjectKind | None = None,
    annual_fee: Decimal | None = None,
    starts_on: date | None = None,
    ends_on: date | None = None,
    purchaser: Subdistrict | None = None,
    code: str = "",
    signed_on: date | None = None,
    status: str = ContractStatus.SIGNED,
    note: str = "",
) -> Contract:
    """Sign a service-year contract for a station.

    Defaults: the comprehensive project kind, the calendar service year, the station's
    street/town as purchaser, and the standard annual fee of the policy version that judges
    the service year (recorded on the contract).
    """
    ensure_may_add(actor, Contract, station=station)
    kind = kind or ProjectKind.objects.get(is_comprehensive=True)
    policy = _policy_for(service_year)
    contract = Contract(
        station=station,
        institution=institution,
        kind=kind,
        service_year=service_year,
        purchaser=purchaser or station.subdistrict,
        annual_fee=policy.standard_annual_fee if annual_fee is None else annual_fee,
        starts_on=starts_on or date(service_year, 1, 1),
        ends_on=ends_on or date(service_year, 12, 31),
        signed_on=signed_on,
        status=status,
        note=note,
        policy_version=policy,
    )
    contract.code = (code or "").strip() or contract_next_code(
        station=station, service_year=service_year, kind=kind
    )
    _validate_contract(contract)
    return _save_contract(contract)


def contract_update(*, actor, contract: Contract, **fields: Any) -> Contract:
    """Change a draft or signed contract; the overlap and policy checks run again."""
    _check_fields(fields, CONTRACT_FIELDS)
    ensure_may(actor, CHANGE, contract)
    if contract.status in (ContractStatus.TERMINATED, ContractStatus.CANCELLED):
        raise Conflict(
            _(CONTRACT_LOCKED) % {"code": contract.code, "status": contract.get_status_display()}
        )
    if fields.get("status") == ContractStatus.TERMINATED:
        raise ValidationError({"status": _(CONTRACT_STATUS_VIA_TERMINATE)})
    with _restored_on_error(contract):
        for key, value in fields.items():
            setattr(contract, key, value)
        if "service_year" in fields:
            contract.policy_version = _policy_for(contract.service_year)
        _validate_contract(contract)
        return _save_contract(contract)


def contract_terminate(*, actor, contract: Contract, terminated_on: date, reason: str) -> Contract:
    """End a signed contract early: ``terminated_on`` is the last day the institution serves.

    The contract stays in force for the days it ran, so the operator of that period remains
    answerable; the planned end date is kept.
    """
    ensure_may(actor, CHANGE, contract)
    if contract.status != ContractStatus.SIGNED:
        raise Conflict(_(CONTRACT_NOT_SIGNED) % {"status": contract.get_status_display()})
    if not reason.strip():
        raise ValidationError({"termination_reason": _(CONTRACT_TERMINATE_REASON)})
    if not contract.starts_on <= terminated_on < contract.ends_on:
        raise ValidationError(
            {
                "ends_on": _(CONTRACT_TERMINATE_RANGE)
                % {"starts": contract.starts_on.isoformat(), "ends": contract.ends_on.isoformat()}
            }
        )
    contract.planned_ends_on = contract.ends_on
    contract.ends_on = terminated_on
    contract.status = ContractStatus.TERMINATED
    contract.termination_reason = reason.strip()
    contract.full_clean()
    contract.save()
    return contract
