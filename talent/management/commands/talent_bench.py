"""``manage.py talent_bench``: roster import of 20,000 rows, and the staffing board's server
time and query count at city, province (and, with ``--scales ...,nation``, nation) scale.

Not a test: it prints figures for the notes. Everything it creates lives inside one
transaction that is rolled back at the end, so it can run against a development database.
Run it on PostgreSQL (``DATABASE_URL``) for meaningful figures.
"""

from __future__ import annotations

import hashlib
import io
import statistics
import time
from datetime import date, timedelta
from decimal import Decimal

import openpyxl
from django.core.management.base import BaseCommand
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from portal.choices import Role
from portal.models import RoleAssignment, User
from stations.choices import ContractStatus
from stations.models import Contract, District, Institution, ProjectKind, Station, Subdistrict
from stations.rules import credit_code_for_index
from talent import roster, rules
from talent.choices import CertificateLevel, EmploymentType, Position
from talent.models import Employment, SocialWorker
from talent.selectors import staffing_board

SCALES = {"city": (201, 20), "province": (2000, 20), "nation": (40000, 20)}
BATCH = 5000


class _Rollback(Exception):
    pass


class Command(BaseCommand):
    help = "人才模块基准：2万行名册导入耗时，各规模人员配置看板的服务器耗时与查询数。"

    def add_arguments(self, parser):
        parser.add_argument("--rows", type=int, default=20000)
        parser.add_argument("--scales", default="city,province")
        parser.add_argument("--runs", type=int, default=5)
        parser.add_argument("--skip-import", action="store_true")

    def handle(self, *args, rows, scales, runs, skip_import, **options):
        self.stdout.write(f"database: {connection.vendor}")
        if not skip_import:
            self._in_rollback(lambda: self._import(rows))
        for scale in [s.strip() for s in scales.split(",") if s.strip()]:
            self._in_rollback(lambda scale=scale: self._board(scale, runs))

    def _in_rollback(self, fn):
        try:
            with transaction.atomic():
                fn()
                raise _Rollback
        except _Rollback:
            pass

    # --- synthetic spine -----------------------------------------------------------------

    def _spine(self, n_stations: int, tag: str):
        today = timezone.localdate()
        taken = set(District.objects.values_list("code", flat=True))
        code = next(f"{c:06d}" for c in range(989999, 900000, -1) if f"{c:06d}" not in taken)
        district = District.objects.create(code=code, name=f"基准区{tag}")
        subs = Subdistrict.objects.bulk_create(
            [
                Subdistrict(
                    code=f"{district.code}{i:03d}",
                    name=f"基准街道{i}",
                    kind="street",
                    district=district,
                )
                for i in range(min(999, max(1, n_stations // 20)))
            ]
        )
        insts = Institution.objects.bulk_create(
            [
                Institution(
                    name=f"基准社工机构{tag}{i}", credit_code=credit_code_for_index(900_000 + i)
                )
                for i in range(max(1, n_stations // 3))
            ]
        )
        stations = Station.objects.bulk_create(
            [
                Station(
                    code=f"BENCH-{tag}-{i:05d}",
                    name=f"基准社工站{i}",
                    subdistrict=subs[i % len(subs)],
                    district=district,
                )
                for i in range(n_stations)
            ],
            batch_size=BATCH,
        )
        kind = ProjectKind.objects.get(is_comprehensive=True)
        Contract.objects.bulk_create(
            [
                Contract(
                    code=f"BENCH-{tag}-{s.pk}",
                    station=s,
                    institution=insts[i % len(insts)],
                    purchaser=s.subdistrict,
                    kind=kind,
                    is_comprehensive=True,
                    service_year=today.year,
                    starts_on=date(today.year, 1, 1),
                    ends_on=date(today.year, 12, 31),
                    annual_fee=Decimal("2400000.00"),
                    status=ContractStatus.SIGNED,
                )
                for i, s in enumerate(stations)
            ],
            batch_size=BATCH,
        )
        operators = {s.pk: insts[i % len(insts)].pk for i, s in enumerate(stations)}
        return district, stations, operators

    # --- roster import -------------------------------------------------------------------

    def _import(self, n_rows: int):
        per_station = 20
        _district, stations, _ops = self._spine(max(1, n_rows // per_station), "IMP")
        # A normal workbook (shared strings), as Excel and WPS save them.
        wb = openpyxl.Workbook()
        ws = wb.active
        ws.append([c.header for c in roster.COLUMNS])
        start = date(1975, 1, 1)
        levels = ["助理社会工作师", "社会工作师", ""]
        for i in range(n_rows):
            number = rules.make_id_number(
                birth_date=start + timedelta(days=i // 400),
                male=bool(i % 2),
                sequence=(i % 400) // 2 + (i % 2),
                area="440106",
            )
            level = levels[i % 3]
            ws.append(
                [
                    f"基准{i}",
                    number,
                    "13800000000",
                    "本科",
                    "社会工作",
                    "广州大学",
                    stations[i // per_station].code,
                    "一线社工",
                    "全职",
                    "2024-03-01",
                    None,
                    level,
                    f"BENCH{i:07d}" if level else None,
                    2019 if level else None,
                ]
            )
        buf = io.BytesIO()
        wb.save(buf)
        data = buf.getvalue()
        self.stdout.write(f"roster: {n_rows} rows, {len(data) / 1e6:.1f} MB")
        t0 = time.perf_counter()
        result = roster.roster_import(actor=None, fileobj=io.BytesIO(data))
        first = time.perf_counter() - t0
        if not result.ok:
            self.stdout.write(f"  errors: {result.errors[:5]}")
        t0 = time.perf_counter()
        again = roster.roster_import(actor=None, fileobj=io.BytesIO(data))
        second = time.perf_counter() - t0
        self.stdout.write(
            f"  first import: {first:.1f} s ({result.people_created} people, "
            f"{result.employments_created} employments, {result.certificates_created} "
            f"certificates)\n  re-import (no change expected, changed={again.changed}): "
            f"{second:.1f} s"
        )

    # --- staffing board -------------------------------------------------------------------

    def _board(self, scale: str, runs: int):
        n_stations, per_station = SCALES[scale]
        today = timezone.localdate()
        t0 = time.perf_counter()
        district, stations, operators = self._spine(n_stations, scale[:3].upper())
        levels = [
            CertificateLevel.ASSISTANT,
            CertificateLevel.INTERMEDIATE,
            "",
            "",
            CertificateLevel.SENIOR,
        ]
        for i in range(0, len(stations), 1000):
            chunk = stations[i : i + 1000]
            people = []
            for s in chunk:
                for k in range(per_station - (s.pk % 4)):
                    digest = hashlib.sha256(f"bench:{scale}:{s.pk}:{k}".encode()).hexdigest()
                    level = levels[k % len(levels)]
                    people.append(
                        SocialWorker(
                            name=f"基准{k}",
                            id_number_cipher="-",
                            id_number_hash=digest,
                            id_number_masked="440***********0000",
                            sex="female",
                            highest_level=level,
                            registration_starts_on=today - timedelta(days=400) if level else None,
                            registration_expires_on=today + timedelta(days=(k * 37) % 700 - 30)
                            if level
                            else None,
                            ce_hours=Decimal(k * 3),
                            ce_required=72 if level else 0,
                        )
                    )
            SocialWorker.objects.bulk_create(people, batch_size=BATCH)
            jobs, j = [], 0
            for s in chunk:
                for k in range(per_station - (s.pk % 4)):
                    position = (
                        Position.HEAD
                        if k == 0
                        else Position.DEPUTY_HEAD
                        if k == 1
                        else Position.FRONTLINE
                    )
                    jobs.append(
                        Employment(
                            person=people[j],
                            station=s,
                            institution_id=operators[s.pk],
                            position=position,
                            employment_type=EmploymentType.FULL_TIME,
                            starts_on=today - timedelta(days=300 + k),
                            ends_on=today - timedelta(days=10) if k == 19 else None,
                        )
                    )
                    j += 1
            Employment.objects.bulk_create(jobs, batch_size=BATCH)
        load = time.perf_counter() - t0
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(
                    "ANALYZE talent_employment; ANALYZE talent_socialworker; "
                    "ANALYZE stations_station; ANALYZE stations_contract;"
                )
        user = User.objects.create(username=f"bench-{scale}", is_active=True)
        RoleAssignment.objects.create(user=user, role=Role.CITY_OFFICER)
        district_user = User.objects.create(username=f"bench-{scale}-d", is_active=True)
        RoleAssignment.objects.create(
            user=district_user, role=Role.DISTRICT_OFFICER, district=district
        )
        workers = SocialWorker.objects.count()
        self.stdout.write(
            f"board at {scale} scale: {n_stations} stations, {workers} workers "
            f"in the database (loaded in {load:.1f} s)"
        )
        for label, who in (("city officer", user), ("district officer", district_user)):
            timings, queries = [], 0
            for _ in range(runs):
                who.forget_assignments()
                with CaptureQueriesContext(connection) as ctx:
                    t = time.perf_counter()
                    board = staffing_board(who, on=today)
                    timings.append((time.perf_counter() - t) * 1000)
                queries = len(ctx.captured_queries)
            self.stdout.write(
                f"  {label}: {len(board)} stations, median "
                f"{statistics.median(timings):.0f} ms, {queries} queries"
            )
