"""No task lost, none applied twice: one base task, limits, retries, timeouts, catch-up."""

from __future__ import annotations

import datetime as dt
import os
import signal
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.db import OperationalError, connection

from evaluations import services as evaluation_services
from evaluations.choices import CycleStatus, Phase
from evaluations.models import Cycle, Evaluation, Framework
from portal import clock
from portal.celery import app, use_task_db_timeouts
from portal.choices import AuditAction
from portal.models import AuditEvent, TaskRun
from portal.taskbase import PortalTask, portal_task
from stations.models import Contract
from tests.portal.servers import PrivateRedis, server_env, start_worker, stop

PROJECT_APPS = ("portal", "evaluations", "funding", "inspections", "talent", "stations", "services")


def _portal_tasks():
    app.loader.import_default_modules()
    return {
        name: task
        for name, task in app.tasks.items()
        if name.split(".")[0] in PROJECT_APPS and not name.startswith("tests.")
    }


def test_every_task_uses_the_portal_base_with_limits_and_retries():
    tasks = _portal_tasks()
    assert len(tasks) >= 15
    for name, task in tasks.items():
        assert isinstance(task, PortalTask), f"{name} is not a @portal_task"
        assert task.acks_late and task.reject_on_worker_lost, name
        assert 0 < task.soft_time_limit < task.time_limit, name
        assert OperationalError in task.autoretry_for, name
        assert task.retry_backoff and task.max_retries, name
    scheduled = {entry["task"] for entry in app.conf.beat_schedule.values()}
    assert scheduled <= set(tasks)


def test_the_broker_redelivers_only_after_the_longest_task_could_have_finished():
    assert app.conf.task_acks_late and app.conf.task_reject_on_worker_lost
    assert app.conf.task_time_limit == settings.CELERY_TASK_TIME_LIMIT
    assert settings.CELERY_VISIBILITY_TIMEOUT > settings.CELERY_TASK_TIME_LIMIT
    if settings.CELERY_BROKER_URL.startswith("redis"):
        options = app.conf.broker_transport_options
        assert options["visibility_timeout"] == settings.CELERY_VISIBILITY_TIMEOUT
        assert options["socket_timeout"] <= 2 and options["socket_connect_timeout"] <= 2


_failures = {"left": 0}


@portal_task(name="tests.portal.flaky_database")
def flaky_database() -> str:
    if _failures["left"]:
        _failures["left"] -= 1
        raise OperationalError("server closed the connection unexpectedly")
    return "done"


@portal_task(name="tests.portal.always_broken")
def always_broken() -> None:
    raise ValueError("a bug, not an outage")


@pytest.mark.django_db
def test_a_task_retries_on_a_database_error_and_records_its_runs(monkeypatch):
    monkeypatch.setattr(flaky_database, "retry_backoff", False)  # no waiting in the test
    _failures["left"] = 2
    assert flaky_database.apply().get() == "done"
    assert _failures["left"] == 0  # it failed twice, then ran again and succeeded
    run = TaskRun.objects.get(name="tests.portal.flaky_database")
    assert run.last_success_at is not None and run.last_started_at is not None

    result = always_broken.apply()
    assert isinstance(result.result, ValueError)  # a bug is not retried
    run = TaskRun.objects.get(name="tests.portal.always_broken")
    assert run.last_success_at is None
    assert "a bug, not an outage" in run.last_error and run.last_failure_at is not None


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)  # the test reconnects, as a worker does
def test_web_and_tasks_run_with_statement_and_lock_timeouts():
    def shown() -> tuple[str, str]:
        with connection.cursor() as cursor:
            cursor.execute("SHOW statement_timeout")
            statement = cursor.fetchone()[0]
            cursor.execute("SHOW lock_timeout")
            return statement, cursor.fetchone()[0]

    assert shown() == ("25s", "10s")  # the web's: under gunicorn's 30 s
    before = dict(connection.settings_dict["OPTIONS"])
    shared = dict(settings.DATABASES["default"]["OPTIONS"])
    try:
        use_task_db_timeouts()  # what a worker does when it starts
        assert shown() == ("10min", "1min")
    finally:
        connection.settings_dict["OPTIONS"] = before
        settings.DATABASES["default"]["OPTIONS"] = shared
        connection.close()
    assert shown() == ("25s", "10s")


def test_beat_sends_every_periodic_task_once_when_it_starts(monkeypatch, settings):
    from portal import celery as portal_celery

    sent = []
    monkeypatch.setattr(app, "send_task", lambda name, *a, **k: sent.append(name))
    settings.CELERY_BEAT_CATCH_UP_ON_START = True
    portal_celery._catch_up()
    assert sorted(sent) == sorted(e["task"] for e in app.conf.beat_schedule.values())
    settings.CELERY_BEAT_CATCH_UP_ON_START = False
    sent.clear()
    portal_celery._catch_up()
    assert sent == []


# --- a real worker whose pool process is killed mid-task ------------------------------------


def _children(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(p) for p in path.read_text().split()] if path.exists() else []


def _lock_waiters() -> list[int]:
    """Backends of this database waiting on a lock (the task blocked on the cycle's row)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database()"
            " AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()"
        )
        return [row[0] for row in cursor.fetchall()]


def _wait(predicate, seconds: float, what: str, worker):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        if worker.poll() is not None:
            pytest.fail(f"the worker exited while waiting for {what}: {stop(worker)}")
        time.sleep(0.2)
    pytest.fail(f"{what} did not happen within {seconds} s: {stop(worker)}")


@pytest.mark.postgres
@pytest.mark.tools("redis-server")
@pytest.mark.django_db(transaction=True)
@pytest.mark.filterwarnings("ignore::celery.exceptions.AlwaysEagerIgnored")
def test_a_task_whose_pool_process_is_killed_runs_again_once(world):
    """An out-of-memory kill of the pool process mid-task: the message is requeued, the task
    runs again on the new pool process, and the cycle opens with one evaluation per station."""
    today = clock.today()
    cycle = evaluation_services.cycle_create(
        actor=world.city_officer,
        service_year=today.year,
        phase=Phase.MIDTERM,
        framework=Framework.objects.get(code="gz-station", version=1),
        opens_on=today - dt.timedelta(days=1),
        self_due_on=today + dt.timedelta(days=5),
        scoring_starts_on=today,
        scoring_due_on=today + dt.timedelta(days=10),
        appeal_starts_on=today + dt.timedelta(days=11),
        appeal_due_on=today + dt.timedelta(days=20),
        publish_on=today + dt.timedelta(days=21),
    )
    assert cycle.status == CycleStatus.PLANNED and not cycle.evaluations.exists()
    expected = set(
        Contract.objects.in_force(today)
        .filter(is_comprehensive=True)
        .values_list("station_id", flat=True)
    )
    assert expected

    redis = PrivateRedis()
    redis.start()
    queue = f"test-{uuid.uuid4().hex[:8]}"
    worker = None
    # The test holds the cycle's row lock, so the task blocks inside its transaction.
    from django.db import connections

    holder = connections.create_connection("default")
    holder.set_autocommit(False)
    try:
        with holder.cursor() as cursor:
            cursor.execute("SELECT id FROM evaluations_cycle WHERE id = %s FOR UPDATE", [cycle.pk])
        worker = start_worker(server_env(redis), "-Q", queue, pool="prefork")
        app.send_task(
            "evaluations.tasks.open_due_cycles",
            queue=queue,
            connection=app.connection_for_write(redis.url),
        )
        first = _wait(_lock_waiters, 90, "the task waiting on the cycle's lock", worker)
        pool = _children(worker.pid)
        assert len(pool) == 1
        os.kill(pool[0], signal.SIGKILL)  # what the out-of-memory killer does
        # The new pool process gets the requeued message and waits on the lock in turn.
        _wait(lambda: set(_lock_waiters()) - set(first), 90, "the task running again", worker)
        assert _children(worker.pid) != pool
        holder.rollback()  # let it through
        _wait(
            lambda: Cycle.objects.get(pk=cycle.pk).status == CycleStatus.OPEN,
            60,
            "the cycle to open",
            worker,
        )
        _wait(
            lambda: TaskRun.objects.filter(
                name="evaluations.tasks.open_due_cycles", last_success_at__isnull=False
            ).exists(),
            30,
            "the run to be recorded",
            worker,
        )
    finally:
        holder.rollback()
        holder.close()
        log = stop(worker)
        redis.stop()
    assert "WorkerLostError" in log or "SIGKILL" in log, log
    evaluations = list(Evaluation.objects.filter(cycle=cycle).values_list("station_id", flat=True))
    assert sorted(evaluations) == sorted(expected)  # every station once, none twice
    opened = AuditEvent.objects.filter(
        object_type__icontains="cycle", object_id=str(cycle.pk), action=AuditAction.ACTION
    )
    assert opened.count() == 1  # "evaluations created" recorded once: the rerun created none
