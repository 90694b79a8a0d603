"""Periodic services tasks: thin, idempotent wrappers over services (they act as the system).

Schedules live in ``portal/celery.py``. Reminders of unsubmitted monthly reports go through
the shared reminder ladder (kind ``service_report``), not through a task of this app.
"""

from __future__ import annotations

from celery import shared_task

from portal import clock
from services import rules, services

RETRY = {"autoretry_for": (ConnectionError,), "retry_backoff": True, "max_retries": 5}


@shared_task(name="services.tasks.open_monthly_reports", acks_late=True, **RETRY)
def open_monthly_reports() -> int:
    """Daily, so a missed 1st is caught up the next day; a rerun opens nothing twice."""
    return services.reports_open(on=clock.today())


@shared_task(name="services.tasks.refresh_aggregates", acks_late=True, **RETRY)
def refresh_aggregates() -> int:
    """Nightly: rebuild this month's and last month's aggregates from the records."""
    today = clock.today()
    done = services.aggregates_refresh_month(year=today.year, month=today.month)
    year, month = rules.previous_month(today)
    return done + services.aggregates_refresh_month(year=year, month=month)
