from __future__ import annotations

from celery import shared_task

from portal.services.audit import audit_events_prune
from portal.services.notifications import notification_emails_send


@shared_task(
    name="portal.tasks.prune_audit_events",
    autoretry_for=(ConnectionError,),
    retry_backoff=True,
    max_retries=5,
)
def prune_audit_events() -> int:
    return audit_events_prune()


@shared_task(
    name="portal.tasks.send_notification_emails",
    autoretry_for=(ConnectionError,),
    retry_backoff=True,
    max_retries=5,
)
def send_notification_emails() -> int:
    return notification_emails_send()
