"""Roster import from Excel: the whole file is checked first, every bad row is listed with its
row number, column and reason, and nothing is written unless the file is clean. Importing the
same file again changes nothing. Reads and writes in bulk (20,000 rows in seconds).

Error messages never repeat an ID number: the row number and column say where to look.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_variables

from portal import audit, clock, crypto
from portal.choices import AuditAction, Role
from portal.imports import (
    Column,
    RowError,
    Sheet,
    choice,
    code,
    date_value,
    integer_value,
    read_rows,
    text,
)
from portal.scoping import ADD, VIEW, is_system, stations_for
from stations.models import Station
from stations.selectors import operators_on
from talent import rules
from talent.choices import (
    LEVEL_RANK,
    CertificateLevel,
    EducationLevel,
    EmploymentType,
    Position,
)
from talent.models import Certificate, Employment, SocialWorker
from talent.services import (
    FIRST_EXAM_YEAR,
    clash_message,
    person_summary_refresh,
    station_staffing_refresh,
)

COLUMNS = [
    Column("name", "姓名", text(40), required=True, example="李敏"),
    Column("id_number", "身份证号", code(18), required=True, example="440106199001011234"),
    Column("phone", "手机号", text(20), example="13800000000"),
    Column("education_level", "学历", choice(EducationLevel.choices), example="本科"),
    Column("major", "专业", text(60), example="社会工作"),
    Column("school", "毕业院校", text(80), example="中山大学"),
    Column("station_code", "站点编号", code(20), required=True, example="TH-001"),
    Column("position", "岗位", choice(Position.choices), required=True, example="一线社工"),
    Column(
        "employment_type", "用工形式", choice(EmploymentType.choices), required=True, example="全职"
    ),
    Column("starts_on", "入职日期", date_value, required=True, example="2024-03-01"),
    Column("ends_on", "离职日期", date_value),
    Column("level", "证书等级", choice(CertificateLevel.choices), example="社会工作师"),
    Column("certificate_number", "证书编号", text(40)),
    Column("year_passed", "取证年份", integer_value, example=2019),
]
HEADER = {c.key: c.header for c in COLUMNS}

UNKNOWN_STATION = "站点编号“%(code)s”不存在，或不在您可以登记人员的社工站范围内。"
NO_OPERATOR = "社工站“%(station)s”当前没有在履行的服务合同，无法确定承接机构。"
DUPLICATE_ROW = "与第%(row)s行重复（同一人、同一社工站、同一入职日期）。"
FILE_FULL_TIME_CLASH = "与第%(row)s行的全职任职时间重叠：同一天不能在两个社工站全职任职。"
NAME_DIFFERS_IN_FILE = "同一身份证号在第%(row)s行的姓名不同。"
NAME_DIFFERS_ON_FILE = "该身份证号已有社工档案，但姓名与档案不一致。"
END_BEFORE_START = "离职日期不能早于入职日期。"
CERT_INCOMPLETE = "填写证书等级时须同时填写证书编号和取证年份。"
CERT_WITHOUT_LEVEL = "填写证书编号时须填写证书等级。"
CERT_NUMBER_TAKEN = "证书编号已被其他社工登记。"
CERT_NUMBER_IN_FILE = "证书编号与第%(row)s行的另一人重复。"
CERT_YEAR = "取证年份应在%(first)s年至%(last)s年之间。"
CONCURRENT = "导入时其他用户同时修改了相关人员的任职记录，请重新导入。"
IMPORT_MESSAGE = (
    "导入社工名册：新增%(people)s人、更新%(updated)s人，"
    "新增任职%(jobs)s条、更新%(jobs_updated)s条，新增证书%(certs)s张"
)


@dataclass
class RosterResult:
    errors: list[RowError] = field(default_factory=list)
    rows: int = 0
    people_created: int = 0
    people_updated: int = 0
    employments_created: int = 0
    employments_updated: int = 0
    certificates_created: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def changed(self) -> bool:
        return bool(
            self.people_created
            or self.people_updated
            or self.employments_created
            or self.employments_updated
            or self.certificates_created
        )


def _overlap(a_start: date, a_end: date | None, b_start: date, b_end: date | None) -> bool:
    return (b_end is None or a_start <= b_end) and (a_end is None or b_start <= a_end)


# Every local of the import holds rows with ID numbers (rows, checked, clean, item, plan,
# by_person...): all are hidden from error reports.
@sensitive_variables()
def roster_import(*, actor, fileobj, today: date | None = None) -> RosterResult:
    """Read, check and (only when clean) write an uploaded roster."""
    sheet = read_rows(fileobj, COLUMNS)
    return roster_apply(actor=actor, sheet=sheet, today=today)


PERSON_DETAIL_FIELDS = ("phone", "education_level", "major", "school")


@sensitive_variables()
def roster_apply(*, actor, sheet: Sheet, today: date | None = None) -> RosterResult:
    today = today or clock.today()
    result = RosterResult(errors=list(sheet.errors), rows=len(sheet.rows))
    errors = result.errors

    def err(row: int, key: str, message: str) -> None:
        errors.append(RowError(row, HEADER.get(key, ""), message))

    # 1. Cells: ID numbers, dates, certificates.
    rows: list[tuple[int, dict[str, Any], str]] = []
    bad_rows = {e.row for e in errors}
    for number, rec in sheet.rows:
        if number in bad_rows:
            continue
        ok = True
        try:
            rules.check_id_number(rec["id_number"], today=today)
        except rules.InvalidIdNumber as error:
            err(number, "id_number", _(error.message))
            ok = False
        if rec.get("ends_on") and rec["ends_on"] < rec["starts_on"]:
            err(number, "ends_on", _(END_BEFORE_START))
            ok = False
        level, cert_no, year = (
            rec.get("level"),
            rec.get("certificate_number"),
            rec.get("year_passed"),
        )
        if level and not (cert_no and year):
            err(number, "level", _(CERT_INCOMPLETE))
            ok = False
        elif cert_no and not level:
            err(number, "level", _(CERT_WITHOUT_LEVEL))
            ok = False
        elif year is not None and not FIRST_EXAM_YEAR <= year <= today.year:
            err(
                number, "year_passed", _(CERT_YEAR) % {"first": FIRST_EXAM_YEAR, "last": today.year}
            )
            ok = False
        if ok:
            rows.append(
                (number, rec, crypto.keyed_hash(rules.normalise_id_number(rec["id_number"])))
            )

    # 2. Stations within the actor's reach, and whose staff they are.
    codes = {rec["station_code"] for _n, rec, _h in rows}
    stations = {
        s.code: s
        for s in stations_for(actor, Employment, ADD)
        .filter(code__in=codes)
        .select_related("subdistrict", "district")
    }
    own_institutions = [
        a.institution
        for a in (actor.active_assignments() if actor else [])
        if a.role == Role.INSTITUTION_ADMIN
    ]
    operators = operators_on(station_ids=[s.pk for s in stations.values()], on=today)
    checked = []
    for number, rec, digest in rows:
        station = stations.get(rec["station_code"])
        if station is None:
            err(number, "station_code", _(UNKNOWN_STATION) % {"code": rec["station_code"]})
            continue
        institution = operators.get(station.pk)
        if len(own_institutions) == 1 and (
            institution is None or institution.pk != own_institutions[0].pk
        ):
            institution = own_institutions[0]
        if institution is None:
            err(number, "station_code", _(NO_OPERATOR) % {"station": station.name})
            continue
        checked.append((number, rec, digest, station, institution))

    # 3. Within the file: duplicates, names, full-time overlaps, certificate numbers.
    by_person: dict[str, list] = defaultdict(list)
    cert_rows: dict[str, tuple[int, str]] = {}
    clean = []
    for item in checked:
        number, rec, digest, station, _inst = item
        ok = True
        for other_number, other, _s in by_person[digest]:
            if other["name"] != rec["name"]:
                err(number, "name", _(NAME_DIFFERS_IN_FILE) % {"row": other_number})
                ok = False
                break
            if (
                other["station_code"] == rec["station_code"]
                and other["starts_on"] == rec["starts_on"]
            ):
                err(number, "", _(DUPLICATE_ROW) % {"row": other_number})
                ok = False
                break
            if (
                rec["employment_type"] == EmploymentType.FULL_TIME
                and other["employment_type"] == EmploymentType.FULL_TIME
                and _overlap(
                    rec["starts_on"], rec.get("ends_on"), other["starts_on"], other.get("ends_on")
                )
            ):
                err(number, "starts_on", _(FILE_FULL_TIME_CLASH) % {"row": other_number})
                ok = False
                break
        cert_no = rec.get("certificate_number")
        if ok and cert_no:
            seen = cert_rows.get(cert_no)
            if seen and seen[1] != digest:
                err(number, "certificate_number", _(CERT_NUMBER_IN_FILE) % {"row": seen[0]})
                ok = False
            else:
                cert_rows[cert_no] = (number, digest)
        by_person[digest].append((number, rec, station))
        if ok:
            clean.append(item)

    # 4. Against the database: people on file, their full-time posts, certificate numbers.
    digests = list({item[2] for item in clean})
    existing: dict[str, SocialWorker] = {}
    for i in range(0, len(digests), 2000):
        for p in SocialWorker.objects.filter(id_number_hash__in=digests[i : i + 2000]):
            existing[p.id_number_hash] = p
    person_ids = [p.pk for p in existing.values()]
    posts: dict[int, list[Employment]] = defaultdict(list)
    for i in range(0, len(person_ids), 2000):
        for e in Employment.objects.filter(person_id__in=person_ids[i : i + 2000]).select_related(
            "station"
        ):
            posts[e.person_id].append(e)
    # Stations of those posts the actor may see: a clash names only these (one query).
    post_stations = {e.station_id for jobs in posts.values() for e in jobs}
    if is_system(actor):
        visible_stations = post_stations
    else:
        visible_stations = set(
            Station.objects.restrict(actor, VIEW)
            .filter(pk__in=post_stations)
            .values_list("pk", flat=True)
        )
    numbers = list(cert_rows)
    taken: dict[str, int] = {}
    for i in range(0, len(numbers), 2000):
        taken.update(
            Certificate.objects.filter(number__in=numbers[i : i + 2000]).values_list(
                "number", "person_id"
            )
        )
    person_certs: dict[int, set[str]] = defaultdict(set)
    for i in range(0, len(person_ids), 2000):
        for pid, level in Certificate.objects.filter(
            person_id__in=person_ids[i : i + 2000]
        ).values_list("person_id", "level"):
            person_certs[pid].add(level)

    plan = []
    for number, rec, digest, station, institution in clean:
        person = existing.get(digest)
        same = None
        if person is not None:
            if person.name != rec["name"]:
                err(number, "name", _(NAME_DIFFERS_ON_FILE))
                continue
            clash = None
            for e in posts.get(person.pk, []):
                if e.station_id == station.pk and e.starts_on == rec["starts_on"]:
                    same = e
                    continue
                if (
                    rec["employment_type"] == EmploymentType.FULL_TIME
                    and e.employment_type == EmploymentType.FULL_TIME
                    and _overlap(rec["starts_on"], rec.get("ends_on"), e.starts_on, e.ends_on)
                ):
                    clash = e
            if clash is not None:
                err(
                    number,
                    "starts_on",
                    clash_message(
                        clash,
                        named=clash.station_id in visible_stations,
                        district=station.district.name,
                    ),
                )
                continue
        cert_no = rec.get("certificate_number")
        if cert_no and cert_no in taken and (person is None or taken[cert_no] != person.pk):
            err(number, "certificate_number", _(CERT_NUMBER_TAKEN))
            continue
        plan.append((number, rec, digest, station, institution, person, same))

    if errors:
        errors.sort(key=lambda e: (e.row, e.column))
        return result

    # 5. Write, all or nothing.
    try:
        with transaction.atomic():
            _write(plan, result, person_certs, today)
    except IntegrityError:
        errors.append(RowError(0, "", _(CONCURRENT)))
        return result
    if result.changed:
        audit.record(
            AuditAction.IMPORT,
            object_type="talent.socialworker",
            object_repr=_("社工名册"),
            message=_(IMPORT_MESSAGE)
            % {
                "people": result.people_created,
                "updated": result.people_updated,
                "jobs": result.employments_created,
                "jobs_updated": result.employments_updated,
                "certs": result.certificates_created,
            },
            actor_id=getattr(actor, "pk", None),
            actor_name=getattr(actor, "username", None),
        )
    return result


@sensitive_variables()
def _write(plan, result: RosterResult, person_certs, today: date) -> None:
    new_people: dict[str, SocialWorker] = {}
    changed_people: dict[int, SocialWorker] = {}
    for _number, rec, digest, _station, _inst, person, _same in plan:
        if person is None:
            if digest not in new_people:
                number = rules.normalise_id_number(rec["id_number"])
                facts = rules.check_id_number(number, today=today)
                new_people[digest] = SocialWorker(
                    name=rec["name"],
                    id_number_cipher=crypto.encrypt(number),
                    id_number_hash=digest,
                    id_number_masked=rules.mask_id_number(number),
                    sex="male" if facts.male else "female",
                    **{f: rec.get(f) or "" for f in PERSON_DETAIL_FIELDS},
                )
        else:
            changed = False
            for f in PERSON_DETAIL_FIELDS:
                value = rec.get(f) or ""
                if value and getattr(person, f) != value:
                    setattr(person, f, value)
                    changed = True
            if changed:
                changed_people[person.pk] = person
    # New people's highest certificate is known from the file: no refresh pass needed.
    for _number, rec, digest, _station, _inst, person, _same in plan:
        level = rec.get("level")
        if person is None and level:
            p = new_people[digest]
            if LEVEL_RANK[level] > LEVEL_RANK.get(p.highest_level, 0):
                p.highest_level = level
    SocialWorker.objects.bulk_create(list(new_people.values()), batch_size=1000)
    if not all(p.pk for p in new_people.values()):  # backends without RETURNING
        ids = dict(
            SocialWorker.objects.filter(id_number_hash__in=list(new_people)).values_list(
                "id_number_hash", "pk"
            )
        )
        for digest, p in new_people.items():
            p.pk = p.id = ids[digest]
    if changed_people:
        SocialWorker.objects.bulk_update(
            list(changed_people.values()), list(PERSON_DETAIL_FIELDS), batch_size=1000
        )

    new_jobs, changed_jobs, new_certs = [], [], []
    touched_people = set()
    for _number, rec, digest, station, institution, person, same in plan:
        person = person or new_people[digest]
        fields = {
            "position": rec["position"],
            "employment_type": rec["employment_type"],
            "ends_on": rec.get("ends_on"),
        }
        if same is None:
            new_jobs.append(
                Employment(
                    person=person,
                    station=station,
                    institution=institution,
                    starts_on=rec["starts_on"],
                    **fields,
                )
            )
        elif any(getattr(same, k) != v for k, v in fields.items()):
            for k, v in fields.items():
                setattr(same, k, v)
            changed_jobs.append(same)
        level = rec.get("level")
        if level and level not in person_certs[person.pk]:
            person_certs[person.pk].add(level)
            new_certs.append(
                Certificate(
                    person=person,
                    level=level,
                    number=rec["certificate_number"],
                    year_passed=rec["year_passed"],
                )
            )
            if digest not in new_people:
                touched_people.add(person.pk)
    Employment.objects.bulk_create(new_jobs, batch_size=1000)
    if changed_jobs:
        Employment.objects.bulk_update(
            changed_jobs, ["position", "employment_type", "ends_on"], batch_size=1000
        )
    Certificate.objects.bulk_create(new_certs, batch_size=1000)
    if touched_people:
        person_summary_refresh(person_ids=touched_people, today=today)
    # The board's summary serves today's figures: refreshed for today whatever ``today`` is.
    station_staffing_refresh(
        station_ids={job.station_id for job in new_jobs} | {job.station_id for job in changed_jobs}
    )

    anchors = {}
    for job in new_jobs:
        anchors.setdefault(
            job.person.pk,
            {
                "station_id": job.station_id,
                "subdistrict_id": job.station.subdistrict_id,
                "district_id": job.station.district_id,
                "institution_id": job.institution_id,
            },
        )
    for p in new_people.values():
        p._audit_anchor_cache = anchors.get(p.pk, {})
    audit.record_bulk(AuditAction.CREATE, new_people.values())
    audit.record_bulk(AuditAction.CREATE, new_jobs)
    result.people_created = len(new_people)
    result.people_updated = len(changed_people)
    result.employments_created = len(new_jobs)
    result.employments_updated = len(changed_jobs)
    result.certificates_created = len(new_certs)


def template_rows() -> list[list[Any]]:
    example = rules.make_id_number(birth_date=date(1990, 1, 1), male=False, sequence=12)
    return [[c.example if c.key != "id_number" else example for c in COLUMNS]]
