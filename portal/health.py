"""What ``/healthz`` and the city admin's home page report: database, Redis, the worker's
heartbeat and each periodic task's last successful run (``TaskRun``, written by the base task
class, portal/taskbase.py)."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from django.conf import settings
from django.db import connection

from portal import clock

logger = logging.getLogger(__name__)

HEARTBEAT_TASK = "portal.tasks.heartbeat"


@dataclass(frozen=True)
class Periodic:
    entry: str  # the beat schedule's key
    task: str
    last_success_at: dt.datetime | None
    due_at: dt.datetime | None  # when the next run after the last success was due
    late: bool

    @property
    def label(self) -> str:
        """What the task is called on pages (``portal.celery.PERIODIC_LABELS``)."""
        from portal.celery import PERIODIC_LABELS

        return str(PERIODIC_LABELS.get(self.entry, self.entry))


def database_status() -> dict:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return {"ok": True}
    except Exception as error:
        logger.warning("health: database unavailable: %s", error)
        return {"ok": False, "error": type(error).__name__}


def redis_status() -> dict:
    if not settings.REDIS_URL:
        return {"ok": True, "configured": False}
    try:
        import redis

        client = redis.Redis.from_url(
            settings.REDIS_URL,
            socket_connect_timeout=settings.REDIS_SOCKET_TIMEOUT,
            socket_timeout=settings.REDIS_SOCKET_TIMEOUT,
        )
        try:
            client.ping()
        finally:
            client.close()
        return {"ok": True, "configured": True}
    except Exception as error:
        return {"ok": False, "configured": True, "error": type(error).__name__}


def _runs() -> dict:
    from portal.models import TaskRun

    return {run.name: run for run in TaskRun.objects.all()}


def worker_status(runs: dict, now: dt.datetime) -> dict:
    run = runs.get(HEARTBEAT_TASK)
    last = run.last_success_at if run else None
    stale = dt.timedelta(seconds=settings.HEALTH_HEARTBEAT_STALE_SECONDS)
    return {
        "ok": last is not None and now - last <= stale,
        "last_heartbeat": last.isoformat() if last else None,
    }


def _grace(schedule) -> dt.timedelta:
    every = getattr(schedule, "run_every", None)
    if isinstance(every, dt.timedelta) and every < dt.timedelta(hours=1):
        return max(dt.timedelta(minutes=10), 3 * every)  # frequent tasks (outbox, heartbeat)
    return dt.timedelta(minutes=settings.HEALTH_PERIODIC_GRACE_MINUTES)


def periodic_status(runs: dict, now: dt.datetime) -> list[Periodic]:
    """Each periodic task: late when the run due after its last success has not happened
    within a grace period. A task that never ran counts from the worker's first heartbeat
    (or is late at once when no worker ever ran)."""
    from portal.celery import app

    heartbeat = runs.get(HEARTBEAT_TASK)
    since_worker = heartbeat.last_started_at if heartbeat else None
    result = []
    for entry, spec in sorted(app.conf.beat_schedule.items()):
        schedule = spec["schedule"]
        if not hasattr(schedule, "remaining_estimate"):
            from celery.schedules import schedule as every

            schedule = every(dt.timedelta(seconds=float(schedule)))
        run = runs.get(spec["task"])
        last = run.last_success_at if run else None
        anchor = last or since_worker
        if anchor is None:
            result.append(Periodic(entry, spec["task"], None, None, True))
            continue
        due_at = _next_due(schedule, anchor)
        result.append(Periodic(entry, spec["task"], last, due_at, now > due_at + _grace(schedule)))
    return result


def _next_due(schedule, anchor: dt.datetime) -> dt.datetime:
    """The first time ``schedule`` was due after ``anchor`` (pure: no clock read)."""
    every = getattr(schedule, "run_every", None)
    if isinstance(every, dt.timedelta) and not hasattr(schedule, "hour"):
        return anchor + every
    start, ends_in, _now = schedule.remaining_delta(anchor)  # a crontab, in its time zone
    return start + ends_in


def report() -> tuple[dict, int]:
    """The JSON body of /healthz and its status: 503 when the database does not answer
    (nothing can be served), or with ``strict`` when anything is wrong."""
    now = clock.now()
    body: dict = {"database": database_status(), "redis": redis_status()}
    runs: dict = {}
    if body["database"]["ok"]:
        try:
            runs = _runs()
        except Exception as error:
            body["database"] = {"ok": False, "error": type(error).__name__}
    body["worker"] = worker_status(runs, now)
    periodic = periodic_status(runs, now) if body["database"]["ok"] else []
    body["periodic"] = [
        {
            "name": p.entry,
            "task": p.task,
            "last_success": p.last_success_at.isoformat() if p.last_success_at else None,
            "due_at": p.due_at.isoformat() if p.due_at else None,
            "late": p.late,
        }
        for p in periodic
    ]
    problems = [name for name in ("database", "redis", "worker") if not body[name]["ok"]] + [
        p.entry for p in periodic if p.late
    ]
    body["status"] = (
        "ok" if not problems else ("error" if not body["database"]["ok"] else "degraded")
    )
    body["problems"] = problems
    return body, 503 if not body["database"]["ok"] else 200


def late_periodic_tasks() -> list[Periodic]:
    """For the city admin's home page: periodic tasks that have not run when due (1 query)."""
    return [p for p in periodic_status(_runs(), clock.now()) if p.late]
