"""``manage.py bench --scale city|province|nation``: load time and list/page timings (PostgreSQL).

Not a test: it prints a table for ``docs/scaling.md``. It creates a dedicated database
``portal_bench_<scale>`` beside the configured one, migrates it, loads the scale's demo data
(timed), then measures server time (median of ``--runs``) and query counts of the station list
page and API (first page, with and without filters) and a station page, through Django's test
client, as the city admin and as a district officer. The database is dropped afterwards unless
``--keep``; ``--reuse`` measures an existing bench database without reloading it.
"""

from __future__ import annotations

import statistics
import time

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, connections, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import NoReverseMatch, reverse

from stations.demo import DEFAULT_SEED, SCALES, STATIONS_STEPS, run_demo

API_STATIONS = "/api/v1/stations/"


class Command(BaseCommand):
    help = "基准测试（PostgreSQL）：演示数据载入时间，社工站列表页、API、详情页的耗时与查询数。"

    def add_arguments(self, parser):
        parser.add_argument("--scale", choices=list(SCALES), default="city")
        parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
        parser.add_argument("--runs", type=int, default=7, help="timed runs per target (median)")
        parser.add_argument("--keep", action="store_true", help="keep the bench database")
        parser.add_argument(
            "--reuse",
            action="store_true",
            help="measure an existing bench database without reloading",
        )
        parser.add_argument(
            "--stations-only",
            action="store_true",
            help="load only the stations app's demo steps (not staff, ...)",
        )

    def handle(self, *args, scale, seed, runs, keep, reuse, stations_only, **options):
        if connection.vendor != "postgresql":
            raise CommandError("bench 需要 PostgreSQL：请设置 DATABASE_URL。")
        original = connection.settings_dict["NAME"]
        bench_db = f"portal_bench_{scale}"
        load: dict[str, float] = {}
        try:
            if not reuse:
                self._recreate(bench_db)
            self._switch(bench_db)
            if not reuse:
                load = self._load(scale, seed, STATIONS_STEPS if stations_only else None)
            # Pages link static files by name; the bench does not run collectstatic.
            storages = {
                **settings.STORAGES,
                "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
            }
            with override_settings(STORAGES=storages):
                rows = self._measure(runs)
        finally:
            self._switch(original)
            if not keep and not reuse:
                self._drop(bench_db)
        self._report(scale, bench_db, load, rows, runs)

    # --- database ---------------------------------------------------------------------------

    def _admin_cursor(self):
        return connection._nodb_cursor()

    def _recreate(self, name: str) -> None:
        self._drop(name)
        with self._admin_cursor() as cursor:
            cursor.execute(f'CREATE DATABASE "{name}"')

    def _drop(self, name: str) -> None:
        connections.close_all()
        with self._admin_cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')

    def _switch(self, name: str) -> None:
        connections.close_all()
        settings.DATABASES["default"]["NAME"] = name
        connection.settings_dict["NAME"] = name

    def _load(self, scale: str, seed: int, only) -> dict[str, float]:
        times = {}
        t0 = time.perf_counter()
        call_command("migrate", verbosity=0, interactive=False)
        times["migrate"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        with transaction.atomic():
            ctx = run_demo(scale=scale, seed=seed, only=only)
        times["demo"] = time.perf_counter() - t0
        times.update({f"  {k}": v for k, v in ctx.timings.items() if k != "total"})
        t0 = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        times["analyze"] = time.perf_counter() - t0
        return times

    # --- measurements -----------------------------------------------------------------------

    def _targets(self, user_label: str, district_id: int, station_id: int):
        def url(name, *args, query=""):
            try:
                return reverse(name, args=args) + query
            except NoReverseMatch:
                return None

        filt = f"?district={district_id}&status=active&q=街"
        yield "list page", url("stations:station_list")
        yield "list page, filtered", url("stations:station_list", query=filt)
        yield "API list", API_STATIONS
        yield "API list, filtered", API_STATIONS + filt
        yield "station page", url("stations:station_detail", station_id)

    def _measure(self, runs: int):
        from portal.models import User
        from stations.models import District, Station

        users = {u.username: u for u in User.objects.filter(username__in=["admin", "district"])}
        if len(users) < 2:
            raise CommandError("bench database has no demo accounts: run without --reuse")
        tianhe = District.objects.get(code="440106")
        station = Station.objects.filter(district=tianhe).order_by("code").first()
        rows = []
        for label, username in (("city admin", "admin"), ("district officer", "district")):
            client = Client(raise_request_exception=False)
            client.force_login(users[username], backend="django.contrib.auth.backends.ModelBackend")
            for target, url in self._targets(label, tianhe.pk, station.pk):
                if url is None:
                    rows.append((label, target, "-", None, None, "route missing: skipped"))
                    continue
                client.get(url, secure=True)  # warm caches, templates, the connection
                times, queries, status = [], 0, 0
                for _run in range(runs):
                    with CaptureQueriesContext(connection) as ctx:
                        t0 = time.perf_counter()
                        response = client.get(url, secure=True)
                        times.append((time.perf_counter() - t0) * 1000)
                    queries, status = len(ctx.captured_queries), response.status_code
                note = "" if status == 200 else f"HTTP {status}"
                rows.append((label, target, url, statistics.median(times), queries, note))
        return rows

    def _report(self, scale, bench_db, load, rows, runs) -> None:
        from django.db import connection as conn

        out = self.stdout.write
        out(
            f"\nbench --scale {scale} ({SCALES[scale]} stations), database {bench_db}, "
            f"PostgreSQL {conn.pg_version // 10000 if conn.pg_version else '?'}"
        )
        if load:
            out("\nload                         seconds")
            for key, value in load.items():
                out(f"  {key:<27}{value:8.1f}")
        out(f"\nserver time (median of {runs}) and queries per request")
        out(f"  {'user':<18}{'target':<22}{'ms':>8}{'queries':>9}  url / note")
        for label, target, url, ms, queries, note in rows:
            ms_s = f"{ms:8.1f}" if ms is not None else f"{'-':>8}"
            q_s = f"{queries:9d}" if queries is not None else f"{'-':>9}"
            out(f"  {label:<18}{target:<22}{ms_s}{q_s}  {url} {note}".rstrip())
