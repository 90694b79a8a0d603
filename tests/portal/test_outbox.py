"""The transactional outbox: requests write the messages, a periodic task sends them."""

from __future__ import annotations

import re
import threading
from pathlib import Path

import pytest
from django.core import mail
from django.db import connection, transaction

from portal import clock
from portal.models import Notification, OutboxMessage, OutboxStatus
from portal.services.notifications import notification_post, outbox_deliver
from portal.tasks import deliver_outbox

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def email_on(settings):
    settings.EMAIL_HOST = "smtp.example.org"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    return settings


@pytest.mark.django_db
def test_posting_a_notification_writes_an_outbox_row_in_the_same_transaction(world, email_on):
    with pytest.raises(RuntimeError), transaction.atomic():
        notification_post(recipients=[world.city_officer], title="回滚的通知")
        assert OutboxMessage.objects.filter(subject="回滚的通知").count() == 1
        raise RuntimeError("the request failed")
    # The request failed: neither the notification nor its e-mail exists.
    assert not Notification.objects.filter(title="回滚的通知").exists()
    assert not OutboxMessage.objects.filter(subject="回滚的通知").exists()

    note = notification_post(recipients=[world.city_officer], title="整改通知", body="请整改")[0]
    row = OutboxMessage.objects.get(notification=note)
    assert (row.to, row.subject, row.body, row.status) == (
        world.city_officer.email,
        "整改通知",
        "请整改",
        OutboxStatus.PENDING,
    )
    assert mail.outbox == []  # nothing sent from the request


@pytest.mark.django_db
def test_no_email_configured_writes_no_outbox_rows(world, settings):
    settings.EMAIL_HOST = ""
    notification_post(recipients=[world.city_officer], title="站内通知")
    assert not OutboxMessage.objects.exists()


@pytest.mark.django_db
def test_the_task_sends_each_message_once_and_marks_it(world, email_on):
    notes = notification_post(
        recipients=[world.city_officer, world.district_a_officer], title="评估开始"
    )
    assert deliver_outbox.apply().get() == 2
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [world.city_officer.email, world.district_a_officer.email]
    )
    assert deliver_outbox.apply().get() == 0  # idempotent: a second run sends nothing
    assert len(mail.outbox) == 2
    for note in notes:
        note.refresh_from_db()
        assert note.emailed_at is not None
        assert note.outbox.status == OutboxStatus.SENT and note.outbox.attempts == 1


@pytest.mark.django_db
def test_a_failing_mail_server_backs_off_then_gives_up(world, email_on, monkeypatch):
    import portal.services.notifications as notifications

    email_on.OUTBOX_MAX_ATTEMPTS = 3
    note = notification_post(recipients=[world.city_officer], title="督查任务")[0]

    def refuse(message):
        raise OSError("connection refused by smtp.example.org")

    monkeypatch.setattr(notifications, "_deliver", refuse)
    assert outbox_deliver() == 0
    row = OutboxMessage.objects.get(notification=note)
    assert row.status == OutboxStatus.PENDING and row.attempts == 1
    assert "refused" in row.last_error
    assert row.next_attempt_at > clock.now()
    assert outbox_deliver() == 0  # not due yet: no second attempt at once
    assert OutboxMessage.objects.get(pk=row.pk).attempts == 1

    for attempt in (2, 3):
        OutboxMessage.objects.filter(pk=row.pk).update(next_attempt_at=clock.now())
        outbox_deliver()
        assert OutboxMessage.objects.get(pk=row.pk).attempts == attempt
    row.refresh_from_db()
    assert row.status == OutboxStatus.FAILED

    monkeypatch.undo()
    OutboxMessage.objects.filter(pk=row.pk).update(next_attempt_at=clock.now())
    assert outbox_deliver() == 0 and mail.outbox == []  # failed rows are not retried


@pytest.mark.django_db
def test_a_notification_read_before_its_email_went_out_is_skipped(world, email_on):
    note = notification_post(recipients=[world.city_officer], title="已读的通知")[0]
    Notification.objects.filter(pk=note.pk).update(read_at=clock.now())
    assert outbox_deliver() == 0
    assert mail.outbox == []
    assert OutboxMessage.objects.get(notification=note).status == OutboxStatus.SKIPPED


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_message_another_worker_holds_is_skipped_not_sent_twice(world, email_on):
    held, other = notification_post(
        recipients=[world.city_officer, world.district_a_officer], title="两个工人"
    )
    locked = threading.Event()
    release = threading.Event()

    def other_worker():
        from django.db import connections

        try:
            with transaction.atomic():
                OutboxMessage.objects.select_for_update().get(notification=held)
                locked.set()
                release.wait(20)
        finally:
            connections.close_all()

    thread = threading.Thread(target=other_worker)
    thread.start()
    try:
        assert locked.wait(20)
        assert outbox_deliver() == 1  # the held row is skipped, not waited for
        assert [m.to[0] for m in mail.outbox] == [world.district_a_officer.email]
    finally:
        release.set()
        thread.join()
    assert OutboxMessage.objects.get(notification=held).status == OutboxStatus.PENDING
    assert outbox_deliver() == 1
    assert OutboxMessage.objects.get(notification=other).attempts == 1
    assert connection.vendor == "postgresql"


def test_no_request_code_enqueues_a_task_or_defers_work_to_commit():
    """Requests write rows; only tasks and the beat schedule talk to the broker."""
    pattern = re.compile(r"\.delay\(|\.apply_async\(|\bsend_task\(|on_commit\(")
    offenders = []
    skip = {"tests", "var", "node_modules"}
    folders = [p for p in ROOT.iterdir() if p.is_dir() and p.name[0] != "." and p.name not in skip]
    for path in (path for folder in folders for path in folder.rglob("*.py")):
        rel = path.relative_to(ROOT)
        if rel.as_posix() == "portal/celery.py":  # beat's catch-up on start, not a request
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if pattern.search(line) and not line.lstrip().startswith("#"):
                offenders.append(f"{rel}:{number}: {line.strip()}")
    assert offenders == []
