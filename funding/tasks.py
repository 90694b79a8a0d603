"""Periodic funding tasks: thin, idempotent wrappers over services (they act as the system).

Schedules live in ``portal/celery.py``.
"""

from __future__ import annotations

from funding import services
from portal import clock
from portal.taskbase import portal_task


@portal_task(name="funding.tasks.project_year_end")
def project_year_end() -> dict:
    """Refresh this year's records from the reports, then warn of projected shortfalls."""
    today = clock.today()
    refreshed = services.funding_years_refresh(service_year=today.year)
    warned = services.projection_warnings_send(service_year=today.year, today=today)
    return {"refreshed": refreshed, "warned": warned}


@portal_task(name="funding.tasks.remind_late_reports")
def remind_late_reports() -> int:
    return services.late_report_reminders_send(today=clock.today())


@portal_task(name="funding.tasks.finalise_years")
def finalise_years() -> int:
    return services.funding_years_finalise_due(today=clock.today())
