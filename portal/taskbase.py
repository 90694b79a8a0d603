"""The one base class of every Celery task in the portal (``@portal_task``).

- Retries, with exponential backoff and jitter, on the errors an outage raises: Django's
  ``OperationalError``/``InterfaceError`` (PostgreSQL restarted, a statement or lock timeout),
  and broker or socket errors (Redis down). A task body is idempotent, so running it again is
  safe; a task never half-applies because each service writes in one transaction.
- Acknowledged late and rejected (requeued) when its pool process dies mid-task
  (``acks_late`` / ``reject_on_worker_lost``): an out-of-memory kill loses nothing.
- Has a soft and a hard time limit (settings ``CELERY_TASK_SOFT_TIME_LIMIT`` and
  ``CELERY_TASK_TIME_LIMIT``); the Redis ``visibility_timeout`` is above the hard limit, so a
  message is redelivered only when its worker is really gone.
- Records its last start, success and failure in ``TaskRun`` (``/healthz`` reads them).
"""

from __future__ import annotations

import logging
import socket

from celery import Task, shared_task
from django.conf import settings
from django.db import IntegrityError, InterfaceError, OperationalError
from kombu.exceptions import OperationalError as BrokerOperationalError

logger = logging.getLogger(__name__)


def _redis_errors() -> tuple[type[BaseException], ...]:
    try:
        from redis.exceptions import ConnectionError as RedisConnectionError
        from redis.exceptions import TimeoutError as RedisTimeoutError
    except ImportError:  # pragma: no cover - redis is a dependency
        return ()
    return (RedisConnectionError, RedisTimeoutError)


RETRY_ON: tuple[type[BaseException], ...] = (
    OperationalError,
    InterfaceError,
    BrokerOperationalError,
    ConnectionError,
    TimeoutError,
    socket.timeout,
    *_redis_errors(),
)


class PortalTask(Task):
    autoretry_for = RETRY_ON
    retry_backoff = 5  # seconds, doubled each retry
    retry_backoff_max = 600
    retry_jitter = True
    max_retries = 6
    acks_late = True
    reject_on_worker_lost = True
    soft_time_limit = settings.CELERY_TASK_SOFT_TIME_LIMIT
    time_limit = settings.CELERY_TASK_TIME_LIMIT

    def before_start(self, task_id, args, kwargs):
        # (Celery's Django fix-up drops a connection broken by a database restart before each
        # task in a worker, not in eager runs, so this does not close a test's connection.)
        _record(self.name, started=True, worker=getattr(self.request, "hostname", "") or "")

    def on_success(self, retval, task_id, args, kwargs):
        _record(self.name, success=True)

    def on_failure(self, exc, task_id, args, kwargs, einfo):
        _record(self.name, error=f"{type(exc).__name__}: {exc}")


def _record(name: str, *, started=False, success=False, error: str = "", worker: str = ""):
    """Write the task's run row; never fails the task (the database may be the fault)."""
    from portal import clock
    from portal.models import TaskRun

    now = clock.now()
    fields: dict = {}
    if started:
        fields |= {"last_started_at": now, "worker": worker[:200]}
    if success:
        fields |= {"last_success_at": now}
    if error:
        fields |= {"last_failure_at": now, "last_error": error[:500]}
    try:
        if not TaskRun.objects.filter(name=name).update(**fields):
            try:
                TaskRun.objects.create(name=name, **fields)
            except IntegrityError:
                TaskRun.objects.filter(name=name).update(**fields)
    except Exception as problem:
        logger.warning("task run of %s not recorded: %s", name, problem)


def portal_task(*args, **options):
    """``@portal_task(name=...)``: ``shared_task`` with ``PortalTask`` as its base."""
    options.setdefault("base", PortalTask)
    return shared_task(*args, **options)
