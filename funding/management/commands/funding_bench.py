"""``manage.py funding_bench --scale city|province|nation``: the funding board, the spending
overview and the projection run, timed on PostgreSQL.

Creates ``portal_funding_bench_<scale>``, migrates it, loads the stations demo steps and the
funding step (timed), then prints the server time (median of ``--runs``) and query count of
the compliance board (page and API) and the spending overview, as the city admin and a
district officer, and the time of the projection run over all stations (refresh of this
year's records from the reports, then the warnings). ``--reuse`` measures an existing bench
database (migrated first); ``--keep`` keeps it.

``--bulk`` (the default at nation scale) writes the funding rows with set-based SQL
(``funding.demo_bulk``: ``INSERT ... SELECT generate_series``) instead of the ORM demo step:
the same shape of data, about 1.4 million reports and 9 million lines at nation scale, in
minutes instead of hours. ``--reuse --reload-funding`` rewrites only the funding rows of a
kept database (e.g. one loaded by ``manage.py bench --scale nation --stations-only --keep``,
renamed, or a kept funding bench database).
"""

from __future__ import annotations

import argparse
import statistics
import time

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, connections, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import reverse

from portal import clock
from stations.demo import DEFAULT_SEED, SCALES, STATIONS_STEPS, run_demo


class Command(BaseCommand):
    help = (
        "经费基准测试（PostgreSQL）：合规看板、支出汇总的服务器耗时与查询数，以及年末预测运行时间。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--scale", choices=list(SCALES), default="city")
        parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
        parser.add_argument("--runs", type=int, default=7)
        parser.add_argument("--keep", action="store_true")
        parser.add_argument("--reuse", action="store_true")
        parser.add_argument(
            "--bulk",
            action=argparse.BooleanOptionalAction,
            default=None,
            help="经费数据用SQL批量生成（国家规模默认开启）。",
        )
        parser.add_argument(
            "--reload-funding",
            action="store_true",
            help="与 --reuse 同用：只重新生成经费数据（SQL批量）。",
        )

    def handle(self, *args, scale, seed, runs, keep, reuse, bulk, reload_funding, **options):
        if connection.vendor != "postgresql":
            raise CommandError("funding_bench 需要 PostgreSQL：请设置 DATABASE_URL。")
        original = connection.settings_dict["NAME"]
        name = f"portal_funding_bench_{scale}"
        load: dict[str, float] = {}
        if bulk is None:
            bulk = scale == "nation"
        try:
            if not reuse:
                self._recreate(name)
            self._switch(name)
            if not reuse:
                load = self._load(scale, seed, bulk)
            else:
                load = self._migrate(seed, reload_funding)
            storages = {
                **settings.STORAGES,
                "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
            }
            with override_settings(STORAGES=storages):
                rows = self._measure(runs)
            projection = self._projection()
            sizes = self._sizes()
        finally:
            self._switch(original)
            if not keep and not reuse:
                self._drop(name)
        self._report(scale, name, load, rows, projection, sizes, runs)

    def _recreate(self, name):
        self._drop(name)
        with connection._nodb_cursor() as cursor:
            cursor.execute(f'CREATE DATABASE "{name}"')

    def _drop(self, name):
        connections.close_all()
        with connection._nodb_cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')

    def _switch(self, name):
        connections.close_all()
        settings.DATABASES["default"]["NAME"] = name
        connection.settings_dict["NAME"] = name

    def _load(self, scale, seed, bulk):
        times = {}
        t0 = time.perf_counter()
        call_command("migrate", verbosity=0, interactive=False)
        times["migrate"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        steps = STATIONS_STEPS if bulk else (*STATIONS_STEPS, "funding")
        with transaction.atomic():
            ctx = run_demo(scale=scale, seed=seed, only=steps, log=self._log)
        times["demo"] = time.perf_counter() - t0
        times.update({f"  {k}": v for k, v in ctx.timings.items() if k != "total"})
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        if bulk:
            times.update(self._bulk(seed))
        return times

    def _log(self, message):
        self.stderr.write(message)

    def _bulk(self, seed):
        from funding.demo_bulk import funding_bulk

        t0 = time.perf_counter()
        with transaction.atomic():
            funding_bulk(seed=seed, log=self._log)
        return {"funding (SQL bulk)": time.perf_counter() - t0}

    def _migrate(self, seed, reload_funding):
        # Only this app's migrations (and what they depend on): a kept database measures the
        # funding pages, whatever other apps' work in progress does to their migrations.
        t0 = time.perf_counter()
        call_command("migrate", "funding", verbosity=0, interactive=False)
        times = {"migrate": time.perf_counter() - t0}
        if reload_funding:
            times.update(self._bulk(seed))
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        return times

    def _measure(self, runs):
        from portal.models import User
        from stations.models import District

        year = clock.today().year
        users = {u.username: u for u in User.objects.filter(username__in=["admin", "district"])}
        if len(users) < 2:
            raise CommandError("bench database has no demo accounts")
        tianhe = District.objects.get(code="440106")
        targets = [
            ("board page", reverse("funding:board") + f"?year={year}"),
            (
                "board page, filtered",
                reverse("funding:board")
                + f"?year={year}&district={tianhe.pk}&status=projected_under",
            ),
            ("board page 5", reverse("funding:board") + f"?year={year}&page=5"),
            ("board API", f"/api/v1/funding/years/?service_year={year}"),
            ("overview page", reverse("funding:overview") + f"?year={year}"),
            (
                "overview, district",
                reverse("funding:overview") + f"?year={year}&district={tianhe.pk}",
            ),
        ]
        rows = []
        for label, username in (("city admin", "admin"), ("district officer", "district")):
            client = Client(raise_request_exception=False)
            client.force_login(users[username], backend="django.contrib.auth.backends.ModelBackend")
            for target, url in targets:
                client.get(url, secure=True)
                times, queries, status = [], 0, 0
                for _run in range(runs):
                    with CaptureQueriesContext(connection) as ctx:
                        t0 = time.perf_counter()
                        response = client.get(url, secure=True)
                        times.append((time.perf_counter() - t0) * 1000)
                    queries, status = len(ctx.captured_queries), response.status_code
                rows.append(
                    (
                        label,
                        target,
                        statistics.median(times),
                        queries,
                        "" if status == 200 else f"HTTP {status}",
                    )
                )
        return rows

    def _projection(self):
        from funding.services import funding_years_refresh, projection_warnings_send

        today = clock.today()
        t0 = time.perf_counter()
        refreshed = funding_years_refresh(service_year=today.year)
        t1 = time.perf_counter()
        warned = projection_warnings_send(service_year=today.year, today=today)
        t2 = time.perf_counter()
        return {"refreshed": refreshed, "refresh_s": t1 - t0, "warned": warned, "warn_s": t2 - t1}

    def _sizes(self):
        from funding.models import FundingYear, SpendingLine, SpendingReport

        return {
            "funding years": FundingYear.objects.count(),
            "spending reports": SpendingReport.objects.count(),
            "spending lines": SpendingLine.objects.count(),
        }

    def _report(self, scale, name, load, rows, projection, sizes, runs):
        out = self.stdout.write
        out(f"\nfunding_bench --scale {scale} ({SCALES[scale]} stations), database {name}")
        out("  " + ", ".join(f"{k}: {v:,}" for k, v in sizes.items()))
        if load:
            out("\nload                         seconds")
            for key, value in load.items():
                out(f"  {key:<27}{value:8.1f}")
        out(f"\nserver time (median of {runs}) and queries per request")
        out(f"  {'user':<18}{'target':<24}{'ms':>8}{'queries':>9}")
        for label, target, ms, queries, note in rows:
            out(f"  {label:<18}{target:<24}{ms:8.1f}{queries:9d}  {note}".rstrip())
        out(
            f"\nprojection run: refreshed {projection['refreshed']:,} records in "
            f"{projection['refresh_s']:.1f} s; warnings posted {projection['warned']:,} in "
            f"{projection['warn_s']:.1f} s"
        )
