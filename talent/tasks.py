"""Periodic tasks of the talent app: thin, idempotent wrappers (schedule in portal/celery.py)."""

from __future__ import annotations

from celery import shared_task

RETRY = {"autoretry_for": (ConnectionError,), "retry_backoff": True, "max_retries": 5}


@shared_task(name="talent.tasks.refresh_person_summaries", **RETRY)
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


@shared_task(name="talent.tasks.warn_expiring_registrations", **RETRY)
def warn_expiring_registrations() -> int:
    from talent.warnings import registration_expiry_warnings_send

    return registration_expiry_warnings_send()


@shared_task(name="talent.tasks.warn_ce_shortfalls", **RETRY)
def warn_ce_shortfalls() -> int:
    from talent.warnings import ce_shortfall_warnings_send

    return ce_shortfall_warnings_send()


@shared_task(name="talent.tasks.warn_understaffed_stations", **RETRY)
def warn_understaffed_stations() -> int:
    from talent.warnings import understaffed_warnings_send

    return understaffed_warnings_send()
