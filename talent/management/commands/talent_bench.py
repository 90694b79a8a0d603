"""``manage.py talent_bench``: roster import of 20,000 rows, and the staffing board's server
time and query count at city, province (and, with ``--scales ...,nation``, nation) scale.

Not a test: it prints figures for the notes. On PostgreSQL each scale works in its own
database, ``portal_talentbench_<scale>`` (created and migrated beside the configured one):
the scale's synthetic stations, people and employments are loaded there, the nightly
staffing refresh is run and timed, then the board is measured as the selector (``staffing``:
the first page with its totals) and as the whole page (``GET /talent/board/`` through the
test client: view, template, middleware), for a city officer and a district officer, with
the query count of each. The board is also timed with the summary ignored (``live``: what
every read cost before the summary).

``--keep`` keeps the databases; ``--reuse`` measures a kept scale's database again (after
migrating it) instead of loading it anew; ``--drop`` drops every kept one and exits. The
roster import runs in the first scale's database inside a transaction that is rolled back.
Elsewhere (SQLite) everything runs inside a rolled-back transaction in the configured
database.
"""

from __future__ import annotations

import hashlib
import io
import statistics
import time
from datetime import date, timedelta
from decimal import Decimal

import openpyxl
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import connection, connections, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from portal import clock
from portal.choices import Role
from portal.models import RoleAssignment, User
from portal.scoping import SYSTEM
from stations.choices import ContractStatus
from stations.models import Contract, District, Institution, ProjectKind, Station, Subdistrict
from stations.rules import credit_code_for_index
from talent import roster, rules
from talent.choices import CertificateLevel, EmploymentType, Position
from talent.models import Employment, SocialWorker, StaffingSummary
from talent.selectors import BOARD_PAGE, fill_operators, staffing
from talent.services import station_staffing_refresh

# stations, staff per station, districts in the filter (the bench district holds every
# station; the others are empty, as many as a city, a province and the nation have)
SCALES = {"city": (201, 20, 11), "province": (2000, 20, 120), "nation": (40000, 20, 2850)}
BATCH = 5000
DB_NAME = "portal_talentbench"
# Institutions of each load get their own credit codes (the import shares a database).
CODE_BASE = {"IMP": 900_000, "CIT": 950_000, "PRO": 960_000, "NAT": 980_000}


class _Rollback(Exception):
    pass


class Command(BaseCommand):
    help = "人才模块基准：2万行名册导入耗时，各规模人员配置看板的服务器耗时与查询数。"

    def add_arguments(self, parser):
        parser.add_argument("--rows", type=int, default=20000)
        parser.add_argument("--scales", default="city,province")
        parser.add_argument("--runs", type=int, default=5)
        parser.add_argument("--skip-import", action="store_true")
        parser.add_argument("--keep", action="store_true", help="保留基准库 portal_talentbench")
        parser.add_argument(
            "--reuse", action="store_true", help="复用保留的基准库中已载入的规模，只重新测量"
        )
        parser.add_argument("--drop", action="store_true", help="删除基准库后退出")

    def handle(self, *args, rows, scales, runs, skip_import, keep, reuse, drop, **options):
        scales = [s.strip() for s in scales.split(",") if s.strip()]
        if connection.vendor != "postgresql":
            self.stdout.write(f"database: {connection.vendor} (rolled back, no --keep/--reuse)")
            if not skip_import:
                self._in_rollback(lambda: self._import(rows))
            for scale in scales:
                self._in_rollback(lambda scale=scale: self._board(scale, runs, load=True))
            return
        original = connection.settings_dict["NAME"]
        if drop:
            for scale in SCALES:
                self._drop(f"{DB_NAME}_{scale}")
            self.stdout.write(f"dropped {DB_NAME}_*")
            return
        try:
            for n, scale in enumerate(scales):
                name = f"{DB_NAME}_{scale}"
                reused = reuse and self._exists(name)
                if not reused:
                    self._drop(name)
                    with connection._nodb_cursor() as cursor:
                        cursor.execute(f'CREATE DATABASE "{name}"')
                self._switch(name)
                t0 = time.perf_counter()
                call_command("migrate", verbosity=0, interactive=False)
                self.stdout.write(
                    f"database: postgresql {name} ({'reused, ' if reused else ''}"
                    f"migrated in {time.perf_counter() - t0:.1f} s)"
                )
                if n == 0 and not skip_import:
                    self._in_rollback(lambda: self._import(rows))
                loaded = Station.objects.filter(code__startswith=self._prefix(scale)).exists()
                self._board(scale, runs, load=not loaded)
                self._switch(original)
                if not keep:
                    self._drop(name)
        finally:
            self._switch(original)
            if not keep:
                for scale in scales:
                    self._drop(f"{DB_NAME}_{scale}")

    def _in_rollback(self, fn):
        try:
            with transaction.atomic():
                fn()
                raise _Rollback
        except _Rollback:
            pass

    def _exists(self, name) -> bool:
        with connection._nodb_cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
            return cursor.fetchone() is not None

    def _drop(self, name):
        connections.close_all()
        with connection._nodb_cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')

    def _switch(self, name):
        connections.close_all()
        settings.DATABASES["default"]["NAME"] = name
        connection.settings_dict["NAME"] = name

    @staticmethod
    def _tag(scale: str) -> str:
        return scale[:3].upper()

    def _prefix(self, scale: str) -> str:
        return f"BENCH-{self._tag(scale)}-"

    # --- synthetic spine -----------------------------------------------------------------

    def _spine(self, n_stations: int, tag: str, n_districts: int = 1):
        today = clock.today()
        taken = set(District.objects.values_list("code", flat=True))
        free = (f"{c:06d}" for c in range(989999, 100000, -1) if f"{c:06d}" not in taken)
        district = District.objects.create(code=next(free), name=f"基准区{tag}")
        District.objects.bulk_create(
            [District(code=next(free), name=f"基准区{tag}{i}") for i in range(1, n_districts)]
        )
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
                    name=f"基准社工机构{tag}{i}",
                    credit_code=credit_code_for_index(CODE_BASE[tag] + i),
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
        result = roster.roster_import(actor=SYSTEM, fileobj=io.BytesIO(data))
        first = time.perf_counter() - t0
        if not result.ok:
            self.stdout.write(f"  errors: {result.errors[:5]}")
        t0 = time.perf_counter()
        again = roster.roster_import(actor=SYSTEM, fileobj=io.BytesIO(data))
        second = time.perf_counter() - t0
        self.stdout.write(
            f"  first import: {first:.1f} s ({result.people_created} people, "
            f"{result.employments_created} employments, {result.certificates_created} "
            f"certificates)\n  re-import (no change expected, changed={again.changed}): "
            f"{second:.1f} s"
        )

    # --- staffing board -------------------------------------------------------------------

    def _board(self, scale: str, runs: int, load: bool):
        n_stations, per_station, n_districts = SCALES[scale]
        today = clock.today()
        if load:
            self._load(scale, n_stations, per_station, n_districts, today)
        district = District.objects.get(name=f"基准区{self._tag(scale)}")
        self._measure(scale, district, runs, today)

    def _load(self, scale, n_stations, per_station, n_districts, today):
        t0 = time.perf_counter()
        district, stations, operators = self._spine(n_stations, self._tag(scale), n_districts)
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
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("ANALYZE")
        user = User.objects.create(username=f"bench-{scale}", is_active=True)
        RoleAssignment.objects.create(user=user, role=Role.CITY_OFFICER)
        district_user = User.objects.create(username=f"bench-{scale}-d", is_active=True)
        RoleAssignment.objects.create(
            user=district_user, role=Role.DISTRICT_OFFICER, district=district
        )
        self.stdout.write(
            f"loaded {scale} scale: {n_stations} stations in 1 of {n_districts} districts "
            f"in {load:.1f} s"
        )

    def _measure(self, scale: str, district, runs: int, today):
        user = User.objects.get(username=f"bench-{scale}")
        district_user = User.objects.get(username=f"bench-{scale}-d")
        # The nightly task's station refresh (the services keep it in step after that).
        t0 = time.perf_counter()
        refreshed = station_staffing_refresh(
            station_ids=Station.objects.filter(code__startswith=self._prefix(scale)).values_list(
                "pk", flat=True
            )
        )
        refresh = time.perf_counter() - t0
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE talent_staffingsummary")
        workers = SocialWorker.objects.count()
        stations_total = Station.objects.count()
        self.stdout.write(
            f"board at {scale} scale: {stations_total} stations, {workers} workers, "
            f"{District.objects.count()} districts in the database; nightly staffing refresh "
            f"of {refreshed} stations: {refresh:.1f} s"
        )
        url = reverse("talent:board")
        for label, who in (("city officer", user), ("district officer", district_user)):
            results = {}
            for mode in ("selector", "selector live", "page"):
                timings, queries, note = [], 0, ""
                client = None
                if mode == "page":
                    client = Client(raise_request_exception=True)
                    client.force_login(who, backend="django.contrib.auth.backends.ModelBackend")
                    client.get(url, secure=True)
                for _ in range(runs if mode != "selector live" else max(1, min(runs, 2))):
                    who.forget_assignments()
                    with CaptureQueriesContext(connection) as ctx:
                        t = time.perf_counter()
                        if mode == "page":
                            response = client.get(url, secure=True)
                            note = f"HTTP {response.status_code}, {len(response.content)} bytes"
                        else:
                            board = staffing(who, on=today, live=mode == "selector live")
                            rows = list(board.page(1, BOARD_PAGE).object_list)
                            totals = board.totals()
                            fill_operators(rows, on=today)
                            note = f"{totals['stations']} stations, {len(rows)} rows shown"
                        timings.append((time.perf_counter() - t) * 1000)
                    queries = len(ctx.captured_queries)
                results[mode] = (statistics.median(timings), queries, note)
            for mode, (ms, queries, note) in results.items():
                self.stdout.write(
                    f"  {label:<17} {mode:<14} {ms:8.0f} ms {queries:3d} queries  {note}"
                )
        fresh = StaffingSummary.objects.filter(computed_on=today).count()
        self.stdout.write(f"  ({fresh} fresh summary rows)")
