"""Celery wiring: the schedule names real tasks, and a real worker on Redis does real work."""

import datetime as dt
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.db import connection

from portal import clock
from portal.celery import app
from portal.choices import AuditAction
from portal.models import AuditEvent

ROOT = Path(__file__).resolve().parents[2]


def test_every_scheduled_entry_names_a_registered_task():
    app.loader.import_default_modules()
    assert app.conf.beat_schedule, "the periodic schedule is declared in portal/celery.py"
    for name, entry in app.conf.beat_schedule.items():
        assert entry["task"] in app.tasks, f"{name} schedules unknown task {entry['task']}"


def test_the_audit_pruning_job_is_scheduled():
    tasks = {entry["task"] for entry in app.conf.beat_schedule.values()}
    assert "portal.tasks.prune_audit_events" in tasks


@pytest.mark.postgres
@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
# send_task always goes to the broker; the tests' eager setting does not apply to it.
@pytest.mark.filterwarnings("ignore::celery.exceptions.AlwaysEagerIgnored")
def test_a_real_worker_on_redis_prunes_old_audit_rows_in_postgresql(database_clock):
    old = AuditEvent.objects.create(
        action=AuditAction.ACTION, message="old", at=clock.now() - dt.timedelta(days=200)
    )
    recent = AuditEvent.objects.create(action=AuditAction.ACTION, message="recent")

    queue = f"test-{uuid.uuid4().hex[:8]}"
    db = connection.settings_dict
    env = {
        **os.environ,
        "DATABASE_URL": (
            f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
        ),
        "CELERY_BROKER_URL": os.environ["REDIS_URL"],
        "PORTAL_DEV": "1",
    }
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "portal",
            "worker",
            "--pool",
            "solo",
            "--concurrency",
            "1",
            "-Q",
            queue,
            "--without-mingle",
            "--without-gossip",
            "--without-heartbeat",
            "-l",
            "warning",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        sender = app.connection_for_write(os.environ["REDIS_URL"])
        app.send_task("portal.tasks.prune_audit_events", queue=queue, connection=sender)
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            if not AuditEvent.objects.filter(pk=old.pk).exists():
                break
            assert worker.poll() is None, worker.stdout.read().decode()
            time.sleep(0.5)
        else:
            pytest.fail("the worker did not prune the old audit row within 90 s")
        assert AuditEvent.objects.filter(pk=recent.pk).exists()
    finally:
        worker.terminate()
        try:
            worker.wait(timeout=20)
        except subprocess.TimeoutExpired:
            worker.kill()
    # The test settings run queued tasks in-process (CELERY_TASK_ALWAYS_EAGER), but send_task
    # never does: the old row went because the worker on Redis pruned it.
