from __future__ import annotations

from celery import shared_task

from portal.services.audit import audit_events_prune
from portal.services.notifications import outbox_deliver


@shared_task(
    name="portal.tasks.prune_audit_events",
    autoretry_for=(ConnectionError,),
    retry_backoff=True,
    max_retries=5,
)
def prune_audit_events() -> int:
    return audit_events_prune()


@shared_task(
    name="portal.tasks.deliver_outbox",
    autoretry_for=(ConnectionError,),
    retry_backoff=True,
    max_retries=5,
)
def deliver_outbox() -> int:
    """Send the outbox's due messages (e-mail); requests only write the rows."""
    return outbox_deliver()
