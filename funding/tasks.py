"""Periodic funding tasks: thin, idempotent wrappers over services (they act as the system).

Schedules live in ``portal/celery.py``.
"""

from __future__ import annotations

from celery import shared_task

from funding import services
from portal import clock

RETRY = {"autoretry_for": (ConnectionError,), "retry_backoff": True, "max_retries": 5}


@shared_task(name="funding.tasks.project_year_end", **RETRY)
def project_year_end() -> dict:
    """Refresh this year's records from the reports, then warn of projected shortfalls."""
    today = clock.today()
    refreshed = services.funding_years_refresh(service_year=today.year)
    warned = services.projection_warnings_send(service_year=today.year, today=today)
    return {"refreshed": refreshed, "warned": warned}


@shared_task(name="funding.tasks.remind_late_reports", **RETRY)
def remind_late_reports() -> int:
    return services.late_report_reminders_send(today=clock.today())


@shared_task(name="funding.tasks.finalise_years", **RETRY)
def finalise_years() -> int:
    return services.funding_years_finalise_due(today=clock.today())
