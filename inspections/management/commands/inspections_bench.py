"""``manage.py inspections_bench``: the quarterly draw's time and the quarter board's server time
and query count, on the database as loaded (``manage.py demo --scale city|province|nation``).

Not a test: it prints figures for the note. The draw runs inside a transaction that is rolled
back (a far-future quarter, so it never meets a real plan); the pure draw is also timed on a
synthetic nation-scale input (40,000 stations in 2,000 districts) whatever is loaded.
"""

from __future__ import annotations

import random
import statistics
import time

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings

from inspections import rules, services
from portal.models import User
from portal.scoping import SYSTEM
from stations.models import Station

BOARD_URLS = ["/inspections/board/", "/api/v1/inspections/board/"]


class _Rollback(Exception):
    pass


class Command(BaseCommand):
    help = "督查基准测试：季度抽取耗时，季度看板的服务器耗时与查询数。"

    def add_arguments(self, parser):
        parser.add_argument("--runs", type=int, default=7)
        parser.add_argument(
            "--synthetic", type=int, default=40000, help="stations in the synthetic pure-draw input"
        )

    def handle(self, *args, runs, synthetic, **options):
        stations = Station.objects.count()
        self.stdout.write(f"数据库：{connection.vendor}，社工站 {stations} 个")
        self.stdout.write(self._pure_draw(synthetic))
        if stations:
            self.stdout.write(self._full_draw())
        storages = {
            **settings.STORAGES,
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        }
        with override_settings(STORAGES=storages, ALLOWED_HOSTS=["*"]):
            for username in ("city", "district"):
                user = User.objects.filter(username=username).first()
                if user is None:
                    continue
                for url in BOARD_URLS:
                    self.stdout.write(self._board(user, url, runs))

    def _pure_draw(self, n: int) -> str:
        rng = random.Random(1)
        strata: dict[str, list] = {}
        for sid in range(1, n + 1):
            strata.setdefault(str(sid % 2000 + 1), []).append([sid, f"{1 + rng.random() * 4:.2f}"])
        inputs = {
            "year": 2099,
            "quarter": 1,
            "seed": 42,
            "strata": strata,
            "forced": [],
            "manual": [],
            "sample": {
                "mode": "rate",
                "rate": "25.00",
                "count": 5,
                "min_per_district": 1,
                "unannounced_percent": "30.00",
            },
        }
        t0 = time.perf_counter()
        result = rules.draw(inputs)
        elapsed = time.perf_counter() - t0
        return (
            f"纯抽取算法（合成 {n} 个社工站，2000个区）：{elapsed:.2f} 秒，"
            f"抽中 {len(result['visits'])} 个"
        )

    def _full_draw(self) -> str:
        timing = {}
        try:
            with transaction.atomic():
                t0 = time.perf_counter()
                inputs = services.plan_inputs(
                    year=2099, quarter=1, seed=42, settings=services.selectors.settings_in_force()
                )
                timing["inputs"] = time.perf_counter() - t0
                t1 = time.perf_counter()
                plan = services.plan_draw(actor=SYSTEM, year=2099, quarter=1, seed=42)
                timing["total"] = time.perf_counter() - t1
                timing["visits"] = plan.inspections.count()
                t2 = time.perf_counter()
                check = services.plan_verify_draw(plan=plan)
                timing["verify"] = time.perf_counter() - t2
                timing["reproduced"] = check.reproduced
                del inputs
                raise _Rollback
        except _Rollback:
            pass
        return (
            f"完整季度抽取（读取风险信号、抽取、写入{timing['visits']}个督查）："
            f"{timing['total']:.2f} 秒（其中收集输入约 {timing['inputs']:.2f} 秒）；"
            f"复核 {timing['verify']:.2f} 秒，结果一致：{timing['reproduced']}"
        )

    def _board(self, user, url: str, runs: int) -> str:
        client = Client()
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        client.get(url, secure=True)  # warm up
        times, queries = [], 0
        for _ in range(runs):
            with CaptureQueriesContext(connection) as ctx:
                t0 = time.perf_counter()
                response = client.get(url, secure=True)
                times.append((time.perf_counter() - t0) * 1000)
            queries = len(ctx.captured_queries)
            assert response.status_code == 200, (url, response.status_code)
        return (
            f"{url}（{user.username}）：中位 {statistics.median(times):.0f} ms，查询 {queries} 次"
        )
