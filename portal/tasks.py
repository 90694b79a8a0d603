from __future__ import annotations

from portal.services.audit import audit_events_prune
from portal.services.notifications import outbox_deliver
from portal.taskbase import portal_task


@portal_task(name="portal.tasks.prune_audit_events")
def prune_audit_events() -> int:
    return audit_events_prune()


@portal_task(name="portal.tasks.deliver_outbox")
def deliver_outbox() -> int:
    """Send the outbox's due messages (e-mail); requests only write the rows."""
    return outbox_deliver()


@portal_task(name="portal.tasks.heartbeat", soft_time_limit=30, time_limit=60)
def heartbeat() -> str:
    """Every minute: the base task records the run (``TaskRun``), which /healthz reads as the
    worker's last heartbeat."""
    return "ok"
