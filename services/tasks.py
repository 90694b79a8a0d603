"""Periodic services tasks: thin, idempotent wrappers over services (they act as the system).

Schedules live in ``portal/celery.py``. Reminders of unsubmitted monthly reports go through
the shared reminder ladder (kind ``service_report``), not through a task of this app.
"""

from __future__ import annotations

from portal import clock
from portal.taskbase import portal_task
from services import rules, services


@portal_task(name="services.tasks.open_monthly_reports")
def open_monthly_reports() -> int:
    """Daily, so a missed 1st is caught up the next day; a rerun opens nothing twice."""
    return services.reports_open(on=clock.today())


@portal_task(name="services.tasks.refresh_aggregates")
def refresh_aggregates() -> int:
    """Nightly: rebuild this month's and last month's aggregates from the records."""
    today = clock.today()
    done = services.aggregates_refresh_month(year=today.year, month=today.month)
    year, month = rules.previous_month(today)
    return done + services.aggregates_refresh_month(year=year, month=month)
