"""``manage.py services_bench``: time the services boards and one record entry on the data
in the database (load it first with ``manage.py demo``). Prints server time and query count.

Nation scale (10 million records with ``generate_series`` on partitioned tables) is not built
yet; this measures what is there.
"""

from __future__ import annotations

import time
from datetime import timedelta
from decimal import Decimal

from django.core.management.base import BaseCommand
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from portal import clock
from portal.choices import Role
from portal.models import RoleAssignment
from portal.scoping import SYSTEM
from services import selectors, services
from services.models import ServiceRecord
from services.services.reports import month_figures


class Rollback(Exception):
    pass


def _timed(fn):
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        result = fn()
        elapsed = (time.perf_counter() - started) * 1000
    return result, elapsed, len(queries)


class Command(BaseCommand):
    help = "Time the services boards, the month's figures and one record entry."

    def handle(self, *args, **options):
        today = clock.today()
        records = ServiceRecord.objects.count()
        self.stdout.write(f"service records: {records}")
        city = RoleAssignment.objects.filter(role=Role.CITY_OFFICER).select_related("user").first()
        district = (
            RoleAssignment.objects.filter(role=Role.DISTRICT_OFFICER).select_related("user").first()
        )
        for label, assignment in (("city board", city), ("district board", district)):
            if assignment is None:
                continue
            user = assignment.user
            selectors.board(user, year=today.year)  # warm the user's assignments
            _r, ms, n = _timed(lambda u=user: selectors.board(u, year=today.year))
            self.stdout.write(f"{label}: {ms:.1f} ms, {n} queries")
        prev = today.replace(day=1) - timedelta(days=1)
        figures, ms, n = _timed(lambda: month_figures(year=prev.year, month=prev.month))
        self.stdout.write(
            f"month figures of {prev:%Y-%m} for {len(figures)} stations: {ms:.1f} ms, {n} queries"
        )
        station = ServiceRecord.objects.values_list("station_id", flat=True).first()
        if station is None:
            return
        from stations.models import Station

        data = {
            "service_on": today,
            "kind": "activity",
            "field": "elderly",
            "target_groups": ["general"],
            "title": "bench",
            "hours": Decimal("2"),
            "person_times": 30,
        }
        try:
            with transaction.atomic():
                _r, ms, n = _timed(
                    lambda: services.service_record_create(
                        actor=SYSTEM, station=Station.objects.get(pk=station), data=data
                    )
                )
                self.stdout.write(
                    f"one record entry (with its aggregates): {ms:.1f} ms, {n} queries"
                )
                raise Rollback
        except Rollback:
            pass
