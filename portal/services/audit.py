from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import transaction

from portal import clock
from portal.models import AuditEvent


def audit_events_prune(*, now=None) -> int:
    """Delete audit rows older than the retention period; returns how many went.

    The retention period comes from settings and may never be below 186 days; on PostgreSQL
    the database trigger refuses to delete anything younger whatever the caller asks.
    """
    now = now or clock.now()
    cutoff = now - timedelta(days=settings.AUDIT_RETENTION_DAYS)
    with transaction.atomic():
        deleted, _ = AuditEvent.objects.filter(at__lt=cutoff).delete()
    return deleted
