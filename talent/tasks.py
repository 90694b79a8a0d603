"""Periodic tasks of the talent app: thin, idempotent wrappers (schedule in portal/celery.py)."""

from __future__ import annotations

from portal.taskbase import portal_task


@portal_task(name="talent.tasks.refresh_person_summaries")
def refresh_person_summaries() -> int:
    """Nightly: every person's figures, then every station's staffing summary for the day
    (until it has run, the board counts the day's figures live: right, only slower)."""
    from talent.models import SocialWorker
    from talent.services import person_summary_refresh, station_staffing_refresh

    changed = person_summary_refresh(
        person_ids=SocialWorker.objects.values_list("pk", flat=True), stations=False
    )
    station_staffing_refresh()
    return changed


@portal_task(name="talent.tasks.warn_expiring_registrations")
def warn_expiring_registrations() -> int:
    from talent.warnings import registration_expiry_warnings_send

    return registration_expiry_warnings_send()


@portal_task(name="talent.tasks.warn_ce_shortfalls")
def warn_ce_shortfalls() -> int:
    from talent.warnings import ce_shortfall_warnings_send

    return ce_shortfall_warnings_send()


@portal_task(name="talent.tasks.warn_understaffed_stations")
def warn_understaffed_stations() -> int:
    from talent.warnings import understaffed_warnings_send

    return understaffed_warnings_send()
