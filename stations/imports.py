"""Excel import of stations, institutions and contracts.

The whole file is checked before anything stays written: cells are parsed, duplicates and
overlapping contracts *within the file* are found, and then every row runs through the
services (so scope, policy and the overlap check against the database are the same as on the
pages) inside one transaction, each row in its own savepoint. If any row failed, or the user
asked only to check, the transaction is rolled back and every error is reported with its row
number, column and reason. A clean file is committed as a whole.

Rows are matched on their natural key (station code, credit code, contract code or station +
kind + service year + institution) and updated only where a cell differs, so importing the
same file again changes nothing. An empty optional cell leaves the stored value alone.
Audit rows come from the services' model signals, plus one summary row per import.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal import audit
from portal.choices import AuditAction
from portal.errors import Conflict
from portal.imports import (
    Column,
    RowError,
    choice,
    code,
    date_value,
    decimal_value,
    integer_value,
    read_rows,
    text,
)
from portal.scoping import VIEW
from stations import rules, services
from stations.choices import (
    BINDING_CONTRACT_STATUSES,
    ContractStatus,
    InstitutionRating,
    InstitutionStatus,
    ManagementMode,
    StationStatus,
)
from stations.models import (
    Contract,
    District,
    Institution,
    ProjectKind,
    Station,
    Subdistrict,
)

DUPLICATE_IN_FILE = "与第%(row)s行重复（%(what)s）。"
OVERLAP_IN_FILE = (
    "与本文件第%(row)s行的综合项目合同期限重叠（同一社工站同一天只能有一份生效的综合项目合同）。"
)
UNKNOWN_SUBDISTRICT = "找不到镇街“%(value)s”。请填写9位镇街代码，或区内唯一的镇街名称。"
AMBIGUOUS_SUBDISTRICT = "镇街名称“%(value)s”在多个区出现，请同时填写“区”列或改填9位镇街代码。"
UNKNOWN_DISTRICT = "找不到区“%(value)s”。"
UNKNOWN_STATION = "找不到站点编号“%(value)s”，或该站点不在您的管辖范围内。"
UNKNOWN_INSTITUTION = (
    "找不到承接机构“%(value)s”（按统一社会信用代码或机构名称查找）。请先导入机构。"
)
UNKNOWN_KIND = "找不到项目类型“%(value)s”。"
BAD_CREDIT_CODE = "%(reason)s导入时不能确认未通过校验的代码，请由市级管理员在机构页面登记。"
MALFORMED_CREDIT_CODE = "%(reason)s格式不正确的代码不能登记，请核对后重新填写。"
CONTRACT_OTHER_STATION = "合同编号“%(code)s”已用于其他社工站（%(station)s），不能改到本站。"
OUT_OF_SCOPE = "该行的对象不在您的管辖范围内。"
NOT_ALLOWED = "您的角色无权新建或修改该行的对象。"
SUMMARY = "Excel导入%(label)s：新增%(created)s条，更新%(updated)s条，未变化%(unchanged)s条。"


@dataclass
class ImportResult:
    label: str
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)
    dry_run: bool = False

    @property
    def committed(self) -> bool:
        return not self.errors and not self.dry_run

    @property
    def ok(self) -> bool:
        return not self.errors


class RowProblem(Exception):
    """A row-level error found while resolving references (column header, message)."""

    def __init__(self, column: str, message: str):
        super().__init__(message)
        self.column = column
        self.message = message


class Importer:
    # Templates show the class (label, columns); they must not try to instantiate it.
    do_not_call_in_templates = True
    key = ""
    label: Any = ""
    model: type = Station
    columns: Sequence[Column] = ()
    examples: Sequence[Sequence[Any]] = ()

    def __init__(self, actor):
        self.actor = actor

    # --- hooks ---------------------------------------------------------------------------

    def natural_key(self, record: dict) -> tuple | None:
        raise NotImplementedError

    def check_file(self, rows: list[tuple[int, dict]]) -> list[RowError]:
        """In-file checks: the same natural key twice."""
        errors, seen = [], {}
        for number, record in rows:
            key = self.natural_key(record)
            if key is None:
                continue
            if key in seen:
                errors.append(
                    RowError(
                        number,
                        self.key_column(),
                        _(DUPLICATE_IN_FILE)
                        % {"row": seen[key], "what": " / ".join(str(k) for k in key)},
                    )
                )
            else:
                seen[key] = number
        return errors

    def key_column(self) -> str:
        return str(self.columns[0].header)

    def apply(self, record: dict) -> str:
        """Create or update one row through the services: "created", "updated", "unchanged"."""
        raise NotImplementedError

    # --- the run -------------------------------------------------------------------------

    def header_for(self, field_name: str) -> str:
        mapping = {c.key: c.header for c in self.columns} | self.field_headers
        return str(mapping.get(field_name, ""))

    field_headers: dict[str, str] = {}

    def run(self, fileobj, *, dry_run: bool = False) -> ImportResult:
        """Check the whole file, then write it in one transaction (or nothing at all)."""
        sheet = read_rows(fileobj, self.columns)  # ImportRefused propagates to the caller
        result = ImportResult(label=str(self.label), rows=len(sheet.rows), dry_run=dry_run)
        errors = list(sheet.errors)
        bad_rows = {e.row for e in errors}
        file_errors = self.check_file([(n, r) for n, r in sheet.rows if n not in bad_rows])
        errors += file_errors
        bad_rows |= {e.row for e in file_errors}
        with transaction.atomic():
            for number, record in sheet.rows:
                if number in bad_rows:
                    continue
                try:
                    with transaction.atomic():
                        outcome = self.apply(record)
                except RowProblem as problem:
                    errors.append(RowError(number, problem.column, problem.message))
                    continue
                except ValidationError as error:
                    errors.extend(self._row_errors(number, error))
                    continue
                except Http404:
                    errors.append(RowError(number, "", _(OUT_OF_SCOPE)))
                    continue
                except PermissionDenied:
                    errors.append(RowError(number, "", _(NOT_ALLOWED)))
                    continue
                except Conflict as conflict:
                    errors.append(RowError(number, "", str(conflict.message)))
                    continue
                setattr(result, outcome, getattr(result, outcome) + 1)
            errors.sort(key=lambda e: (e.row, e.column))
            result.errors = errors
            if errors or dry_run:
                transaction.set_rollback(True)
            elif result.created or result.updated:
                audit.record(
                    AuditAction.IMPORT,
                    object_type=self.model._meta.label_lower,
                    object_repr=str(self.label),
                    message=_(SUMMARY)
                    % {
                        "label": self.label,
                        "created": result.created,
                        "updated": result.updated,
                        "unchanged": result.unchanged,
                    },
                )
        return result

    def _row_errors(self, number: int, error: ValidationError) -> list[RowError]:
        if hasattr(error, "error_dict"):
            out = []
            for name, errs in error.error_dict.items():
                column = self.header_for(name)
                for e in errs:
                    for message in e.messages:
                        out.append(RowError(number, column, message))
            return out
        return [RowError(number, "", m) for m in error.messages]

    @staticmethod
    def changes(obj, record: dict, fields: Sequence[str]) -> dict:
        """The fields of ``record`` (given, non-empty) that differ from ``obj``."""
        changed = {}
        for name in fields:
            if name not in record or record[name] in (None, ""):
                continue
            value = record[name]
            current = getattr(obj, name)
            if hasattr(value, "pk"):
                if getattr(current, "pk", None) != value.pk:
                    changed[name] = value
            elif current != value:
                changed[name] = value
        return changed

    @staticmethod
    def given(record: dict, fields: Sequence[str]) -> dict:
        return {k: record[k] for k in fields if record.get(k) not in (None, "")}


# --- references ----------------------------------------------------------------------------


def resolve_subdistrict(value: str, district_value: str, column: str, district_column: str):
    value = (value or "").strip()
    if value.isdigit() and len(value) == 9:
        found = Subdistrict.objects.filter(code=value).select_related("district").first()
        if found is None:
            raise RowProblem(column, _(UNKNOWN_SUBDISTRICT) % {"value": value})
        return found
    candidates = Subdistrict.objects.filter(name=value).select_related("district")
    if district_value:
        district = District.objects.filter(Q(name=district_value) | Q(code=district_value)).first()
        if district is None:
            raise RowProblem(district_column, _(UNKNOWN_DISTRICT) % {"value": district_value})
        candidates = candidates.filter(district=district)
    found = list(candidates[:2])
    if not found:
        raise RowProblem(column, _(UNKNOWN_SUBDISTRICT) % {"value": value})
    if len(found) > 1:
        raise RowProblem(column, _(AMBIGUOUS_SUBDISTRICT) % {"value": value})
    return found[0]


def resolve_institution(value: str, column: str) -> Institution:
    value = (value or "").strip()
    normalised = rules.normalise_credit_code(value)
    found = Institution.objects.filter(Q(credit_code=normalised) | Q(name=value)).first()
    if found is None:
        raise RowProblem(column, _(UNKNOWN_INSTITUTION) % {"value": value})
    return found


# --- stations ------------------------------------------------------------------------------

STATION_FIELDS = (
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
)


class StationImporter(Importer):
    key = "stations"
    label = gettext_lazy("社工站")
    model = Station
    columns = (
        Column("code", gettext_lazy("站点编号"), code(20), required=True, example="TH-001"),
        Column(
            "name", gettext_lazy("站点名称"), text(120), required=True, example="五山街社工服务站"
        ),
        Column(
            "district",
            gettext_lazy("区"),
            text(40),
            example="天河区",
            help=gettext_lazy("镇街名称在多个区出现时必填"),
        ),
        Column(
            "subdistrict",
            gettext_lazy("镇街"),
            text(40),
            required=True,
            example="五山街道",
            help=gettext_lazy("镇街名称或9位代码"),
        ),
        Column("address", gettext_lazy("地址"), text(200), example="天河区五山路1号"),
        Column("phone", gettext_lazy("联系电话"), text(30), example="020-12345678"),
        Column("email", gettext_lazy("电子邮箱"), text(254)),
        Column("head_name", gettext_lazy("站长"), text(40), example="李四"),
        Column("head_title", gettext_lazy("站长职务"), text(60)),
        Column("deputy_head_name", gettext_lazy("副站长"), text(40)),
        Column(
            "management_mode",
            gettext_lazy("管理模式"),
            choice(ManagementMode.choices),
            example=str(ManagementMode.STANDARD.label),
        ),
        Column(
            "status",
            gettext_lazy("状态"),
            choice(StationStatus.choices),
            example=str(StationStatus.ACTIVE.label),
        ),
        Column("established_on", gettext_lazy("成立日期"), date_value, example="2018-01-01"),
    )

    def natural_key(self, record):
        return (record["code"],) if record.get("code") else None

    def apply(self, record):
        headers = {c.key: str(c.header) for c in self.columns}
        record = dict(record)
        record["subdistrict"] = resolve_subdistrict(
            record.get("subdistrict", ""),
            record.get("district", ""),
            headers["subdistrict"],
            headers["district"],
        )
        existing = Station.objects.filter(code=record["code"]).first()
        if existing is None:
            services.station_create(
                actor=self.actor, code=record["code"], **self.given(record, STATION_FIELDS)
            )
            return "created"
        changed = self.changes(existing, record, STATION_FIELDS)
        if not changed:
            # Still refuse rows the user may not touch, even when nothing would change.
            if not Station.objects.restrict(self.actor, VIEW).filter(pk=existing.pk).exists():
                raise Http404
            return "unchanged"
        services.station_update(actor=self.actor, station=existing, **changed)
        return "updated"


# --- institutions --------------------------------------------------------------------------

INSTITUTION_FIELDS = (
    "name",
    "legal_representative",
    "registration_authority",
    "registered_on",
    "rating",
    "status",
    "address",
    "phone",
    "email",
)


class InstitutionImporter(Importer):
    key = "institutions"
    label = gettext_lazy("承接机构")
    model = Institution
    columns = (
        Column(
            "credit_code",
            gettext_lazy("统一社会信用代码"),
            code(18),
            required=True,
            example="52440100MJL000004H",
        ),
        Column(
            "name",
            gettext_lazy("机构名称"),
            text(120),
            required=True,
            example="广州市示例社会工作服务中心",
        ),
        Column("legal_representative", gettext_lazy("法定代表人"), text(40), example="张三"),
        Column(
            "registration_authority", gettext_lazy("登记管理机关"), text(80), example="广州市民政局"
        ),
        Column("registered_on", gettext_lazy("登记日期"), date_value, example="2012-05-01"),
        Column(
            "rating", gettext_lazy("社会组织等级"), choice(InstitutionRating.choices), example="4A"
        ),
        Column(
            "status",
            gettext_lazy("状态"),
            choice(InstitutionStatus.choices),
            example=str(InstitutionStatus.ACTIVE.label),
        ),
        Column("address", gettext_lazy("地址"), text(200)),
        Column("phone", gettext_lazy("联系电话"), text(30)),
        Column("email", gettext_lazy("电子邮箱"), text(254)),
    )

    def natural_key(self, record):
        return (record["credit_code"],) if record.get("credit_code") else None

    def check_file(self, rows):
        errors = super().check_file(rows)
        names: dict[str, int] = {}
        header = str(self.columns[0].header)
        name_header = str(self.columns[1].header)
        for number, record in rows:
            check = rules.check_credit_code(record.get("credit_code", ""))
            if not check.ok:
                message = BAD_CREDIT_CODE if check.confirmable else MALFORMED_CREDIT_CODE
                errors.append(RowError(number, header, _(message) % {"reason": check.reason}))
            name = record.get("name")
            if name and name in names:
                errors.append(
                    RowError(
                        number,
                        name_header,
                        _(DUPLICATE_IN_FILE) % {"row": names[name], "what": name},
                    )
                )
            elif name:
                names[name] = number
        return errors

    def apply(self, record):
        credit_code = rules.normalise_credit_code(record["credit_code"])
        existing = Institution.objects.filter(credit_code=credit_code).first()
        if existing is None:
            services.institution_create(
                actor=self.actor,
                credit_code=credit_code,
                name=record["name"],
                **self.given(record, INSTITUTION_FIELDS[1:]),
            )
            return "created"
        changed = self.changes(existing, record, INSTITUTION_FIELDS)
        if not changed:
            return "unchanged"
        services.institution_update(actor=self.actor, institution=existing, **changed)
        return "updated"


# --- contracts -----------------------------------------------------------------------------

CONTRACT_FIELDS = (
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
)


class ContractImporter(Importer):
    key = "contracts"
    label = gettext_lazy("服务合同")
    model = Contract
    columns = (
        Column(
            "code",
            gettext_lazy("合同编号"),
            code(40),
            help=gettext_lazy("留空则自动编号；已有合同按编号匹配"),
        ),
        Column("station", gettext_lazy("站点编号"), code(20), required=True, example="TH-001"),
        Column(
            "institution",
            gettext_lazy("承接机构"),
            text(120),
            required=True,
            example="52440100MJL000004H",
            help=gettext_lazy("统一社会信用代码或机构名称"),
        ),
        Column(
            "kind",
            gettext_lazy("项目类型"),
            text(60),
            example="社工服务站综合项目",
            help=gettext_lazy("留空为综合项目"),
        ),
        Column(
            "service_year", gettext_lazy("服务年度"), integer_value, required=True, example=2025
        ),
        Column("starts_on", gettext_lazy("开始日期"), date_value, example="2025-01-01"),
        Column("ends_on", gettext_lazy("结束日期"), date_value, example="2025-12-31"),
        Column(
            "annual_fee",
            gettext_lazy("年度项目经费（元）"),
            decimal_value,
            example="2400000.00",
            help=gettext_lazy("留空取该服务年度政策标准"),
        ),
        Column(
            "purchaser",
            gettext_lazy("购买方（镇街）"),
            text(40),
            help=gettext_lazy("留空为站点所在镇街"),
        ),
        Column(
            "status",
            gettext_lazy("状态"),
            choice(ContractStatus.choices),
            example=str(ContractStatus.SIGNED.label),
        ),
        Column("signed_on", gettext_lazy("签订日期"), date_value),
        Column("note", gettext_lazy("备注"), text(300)),
    )

    def key_column(self) -> str:
        return str(self.columns[0].header)

    def natural_key(self, record):
        return ("code", record["code"]) if record.get("code") else None

    def _kind(self, value: str) -> ProjectKind:
        if not value:
            return ProjectKind.objects.get(is_comprehensive=True)
        found = ProjectKind.objects.filter(Q(name=value) | Q(code=value)).first()
        if found is None:
            raise RowProblem(str(self.columns[3].header), _(UNKNOWN_KIND) % {"value": value})
        return found

    def check_file(self, rows):
        """Duplicated codes, and comprehensive contracts of one station overlapping each other
        inside the file (the database check sees only rows already written)."""
        errors = super().check_file(rows)
        kinds = {k.name: k for k in ProjectKind.objects.all()} | {
            k.code: k for k in ProjectKind.objects.all()
        }
        by_station: dict[str, list] = defaultdict(list)
        for number, record in rows:
            kind = kinds.get(record.get("kind") or "") if record.get("kind") else None
            comprehensive = kind.is_comprehensive if kind else not record.get("kind")
            status = record.get("status") or ContractStatus.SIGNED
            if not comprehensive or status not in BINDING_CONTRACT_STATUSES:
                continue
            year = record.get("service_year")
            if not year:
                continue
            starts = record.get("starts_on") or dt.date(year, 1, 1)
            ends = record.get("ends_on") or dt.date(year, 12, 31)
            for other_number, o_starts, o_ends in by_station[record["station"]]:
                if rules.periods_overlap(starts, ends, o_starts, o_ends):
                    errors.append(
                        RowError(
                            number,
                            str(self.columns[5].header),
                            _(OVERLAP_IN_FILE) % {"row": other_number},
                        )
                    )
                    break
            else:
                by_station[record["station"]].append((number, starts, ends))
        return errors

    field_headers = {"starts_on": gettext_lazy("开始日期")}

    def apply(self, record):
        headers = {c.key: str(c.header) for c in self.columns}
        station = (
            Station.objects.restrict(self.actor, VIEW)
            .filter(code=record["station"])
            .select_related("subdistrict", "district")
            .first()
        )
        if station is None:
            raise RowProblem(headers["station"], _(UNKNOWN_STATION) % {"value": record["station"]})
        values = dict(record)
        values["institution"] = resolve_institution(record["institution"], headers["institution"])
        values["kind"] = self._kind(record.get("kind", ""))
        if record.get("purchaser"):
            values["purchaser"] = resolve_subdistrict(
                record["purchaser"],
                station.district.name if station.district_id else "",
                headers["purchaser"],
                headers["purchaser"],
            )
        existing = self._existing(values, station)
        if existing is None:
            services.contract_create(
                actor=self.actor,
                station=station,
                code=record.get("code", ""),
                **self.given(values, CONTRACT_FIELDS),
            )
            return "created"
        if existing.station_id != station.pk:
            raise RowProblem(
                headers["code"],
                _(CONTRACT_OTHER_STATION)
                % {"code": existing.code, "station": existing.station.code},
            )
        changed = self.changes(existing, values, CONTRACT_FIELDS)
        if not changed:
            if not Contract.objects.restrict(self.actor, VIEW).filter(pk=existing.pk).exists():
                raise Http404
            return "unchanged"
        services.contract_update(actor=self.actor, contract=existing, **changed)
        return "updated"

    def _existing(self, values: dict, station: Station) -> Contract | None:
        if values.get("code"):
            return Contract.objects.filter(code=values["code"]).select_related("station").first()
        return (
            Contract.objects.filter(
                station=station,
                kind=values["kind"],
                service_year=values["service_year"],
                institution=values["institution"],
            )
            .exclude(status=ContractStatus.CANCELLED)
            .select_related("station")
            .first()
        )


IMPORTERS: dict[str, type[Importer]] = {
    i.key: i for i in (StationImporter, InstitutionImporter, ContractImporter)
}
