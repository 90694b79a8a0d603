"""``manage.py evaluations_bench --scale city|province|nation``: evaluation timings (PostgreSQL).

Creates a database ``portal_evalbench_<scale>`` beside the configured one, migrates it, loads
the stations demo steps only (geography, institutions, stations, contracts, accounts), then:

1. times opening a cycle (one evaluation per station with a contract in force) and a rerun;
2. writes every scorer's scores for every evaluation (setup, timed but not a target);
3. times computing and saving every result (``results_compute_cycle``), then VACUUM ANALYZE
   (what autovacuum does after such a rewrite);
4. measures server time (median of ``--runs``) and queries of the cycle board and the results
   table, as the city admin and a district officer.

The database is dropped afterwards unless ``--keep``. ``--reuse`` measures a kept database
again (step 4 only, after migrating it), e.g. to compare before and after a change.
"""

from __future__ import annotations

import datetime as dt
import statistics
import time
from decimal import Decimal

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, connections, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from portal import clock
from portal.scoping import SYSTEM
from stations.demo import DEFAULT_SEED, SCALES, DemoContext, demo_steps

STATION_STEPS = {"geography", "institutions", "stations", "contracts", "accounts"}


class Command(BaseCommand):
    help = (
        "评估基准测试（PostgreSQL）：开启周期、计算结果的耗时，看板和结果表的服务器耗时与查询数。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--scale", choices=list(SCALES), default="city")
        parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
        parser.add_argument("--runs", type=int, default=5)
        parser.add_argument("--keep", action="store_true")
        parser.add_argument(
            "--reuse",
            action="store_true",
            help="复用 --keep 保留的基准库，只迁移并重新测量页面（不重建数据）。",
        )

    def handle(self, *args, scale, seed, runs, keep, reuse=False, **options):
        if connection.vendor != "postgresql":
            raise CommandError("evaluations_bench 需要 PostgreSQL：请设置 DATABASE_URL。")
        original = connection.settings_dict["NAME"]
        name = f"portal_evalbench_{scale}"
        try:
            if reuse and self._exists(name):
                self._switch(name)
                times = self._reuse()
            else:
                self._recreate(name)
                self._switch(name)
                times = self._load(scale, seed)
                times.update(self._cycle())
            rows = self._measure(runs)
        finally:
            self._switch(original)
            if not keep:
                self._drop(name)
        out = self.stdout.write
        out(f"\nevaluations_bench --scale {scale} ({SCALES[scale]} stations)")
        out("\nstep                                   seconds")
        for key, value in times.items():
            out(f"  {key:<37}{value:8.1f}")
        out(f"\nserver time (median of {runs}) and queries per request")
        for label, target, ms, queries, note in rows:
            out(f"  {label:<18}{target:<16}{ms:8.1f} ms{queries:6d} q  {note}")

    def _recreate(self, name):
        self._drop(name)
        with connection._nodb_cursor() as cursor:
            cursor.execute(f'CREATE DATABASE "{name}"')

    def _exists(self, name) -> bool:
        with connection._nodb_cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
            return cursor.fetchone() is not None

    def _reuse(self) -> dict:
        from evaluations.models import Cycle

        t0 = time.perf_counter()
        call_command("migrate", verbosity=0, interactive=False)
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
        cycle = Cycle.objects.order_by("-pk").first()
        if cycle is None:
            raise CommandError("基准库中没有评估周期：请先不带 --reuse 运行一次（加 --keep）。")
        self.cycle_id = cycle.pk
        return {"migrate + vacuum analyze (reused db)": time.perf_counter() - t0}

    def _drop(self, name):
        connections.close_all()
        with connection._nodb_cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')

    def _switch(self, name):
        connections.close_all()
        settings.DATABASES["default"]["NAME"] = name
        connection.settings_dict["NAME"] = name

    def _load(self, scale, seed) -> dict:
        times = {}
        t0 = time.perf_counter()
        call_command("migrate", verbosity=0, interactive=False)
        times["migrate"] = time.perf_counter() - t0
        ctx = DemoContext(scale=scale, seed=seed, today=clock.today())
        t0 = time.perf_counter()
        with transaction.atomic():
            for step in demo_steps():
                if step.name in STATION_STEPS:
                    step.fn(ctx)
        times["load stations demo"] = time.perf_counter() - t0
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        return times

    def _cycle(self) -> dict:
        from evaluations import selectors, services
        from evaluations.choices import Phase
        from evaluations.models import Cycle, Evaluation, Framework, Score

        times = {}
        today = clock.today()
        framework = Framework.objects.get(code="gz-station", version=1)
        d = lambda n: today + dt.timedelta(days=n)  # noqa: E731
        cycle = services.cycle_create(
            actor=SYSTEM,
            service_year=today.year,
            phase=Phase.FINAL,
            framework=framework,
            opens_on=d(-5),
            self_due_on=d(-1),
            scoring_starts_on=d(-5),
            scoring_due_on=d(0),
            appeal_starts_on=d(1),
            appeal_due_on=d(5),
            publish_on=d(6),
        )
        t0 = time.perf_counter()
        result = services.cycle_open(cycle_id=cycle.pk)
        times[f"open cycle ({result.created} evaluations)"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        again = services.cycle_open(cycle_id=cycle.pk)
        times[f"open again (created {again.created})"] = time.perf_counter() - t0
        cycle.refresh_from_db()
        leaves = selectors.framework_tree(framework).leaves_for(cycle.phase)
        t0 = time.perf_counter()
        ids = list(Evaluation.objects.filter(cycle=cycle).values_list("pk", flat=True))
        with connection.cursor() as cursor:
            raw = cursor.cursor
            from io import StringIO

            buf = StringIO()
            for i, eid in enumerate(ids):
                for k, lf in enumerate(leaves):
                    frac = Decimal(60 + (i * 7 + k * 13) % 41) / 100
                    buf.write(
                        f"{eid}\t{lf.id}\t{(lf.max_score * frac):.2f}\t\t{lf.scorer}\t"
                        f"{clock.now().isoformat()}\n"
                    )
            buf.seek(0)
            raw.copy_from(
                buf,
                Score._meta.db_table,
                columns=["evaluation_id", "node_id", "score", "comment", "scorer", "scored_at"],
            )
        times[f"setup: write {len(ids) * len(leaves)} scores"] = time.perf_counter() - t0
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        t0 = time.perf_counter()
        saved = services.results_compute_cycle(cycle=cycle)
        times[f"compute + save {saved} results"] = time.perf_counter() - t0
        # Every row was just rewritten: autovacuum would follow within a minute in service;
        # run it now so the pages are measured with the visibility map index-only scans use.
        t0 = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
        times["setup: vacuum analyze"] = time.perf_counter() - t0
        self.cycle_id = cycle.pk
        Cycle.objects.filter(pk=cycle.pk).update()
        return times

    def _measure(self, runs):
        from portal.models import User
        from stations.models import District

        users = {u.username: u for u in User.objects.filter(username__in=["admin", "district"])}
        rows = []
        targets = [
            ("cycle board", reverse("evaluations:cycle_board", args=[self.cycle_id])),
            ("results table", reverse("evaluations:results", args=[self.cycle_id])),
            ("evaluation list", reverse("evaluations:evaluation_list") + f"?cycle={self.cycle_id}"),
            ("API list", f"/api/v1/evaluations/?cycle={self.cycle_id}"),
        ]
        _ = District
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
