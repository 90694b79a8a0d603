from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction

from portal import clock
from portal.models import Notification, OutboxMessage, OutboxStatus, User

logger = logging.getLogger(__name__)


def notification_post(
    *,
    recipients: Iterable[User],
    title: str,
    body: str = "",
    url: str = "",
    kind: str = "general",
    dedupe_key: str = "",
) -> list[Notification]:
    """Post one inbox message to each recipient; with a ``dedupe_key`` never twice.

    One query to skip recipients who already have the message and one insert for the rest,
    however many recipients (periodic warnings reach thousands at province scale). When
    e-mail is configured, one outbox row per recipient with an address is written in the
    caller's transaction; ``portal.tasks.deliver_outbox`` sends them. Nothing is queued to
    Celery from here, so a request never waits on, or fails because of, Redis.
    """
    users = list({user.pk: user for user in recipients}.values())
    if dedupe_key and users:
        done = set(
            Notification.objects.filter(recipient__in=users, dedupe_key=dedupe_key).values_list(
                "recipient_id", flat=True
            )
        )
        users = [user for user in users if user.pk not in done]
    if not users:
        return []
    rows = [
        Notification(
            recipient=user,
            title=title[:200],
            body=body,
            url=url[:300],
            kind=kind,
            dedupe_key=dedupe_key,
        )
        for user in users
    ]
    try:
        with transaction.atomic():
            created = Notification.objects.bulk_create(rows)
    except IntegrityError:
        # A concurrent run posted the same message to some of them first: go one by one.
        created = []
        for row in rows:
            try:
                with transaction.atomic():
                    row.pk = None
                    row.save()
                    created.append(row)
            except IntegrityError:
                continue
    if created and settings.EMAIL_HOST:
        outbox_emails_write(created)
    return created


def notification_mark_read(*, actor: User, ids: Iterable[int] | None = None) -> int:
    qs = Notification.objects.restrict(actor, "change").filter(read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=list(ids))
    return qs.update(read_at=clock.now())


def outbox_emails_write(notifications: Iterable[Notification]) -> list[OutboxMessage]:
    """One pending e-mail per notification whose recipient has an address (one insert)."""
    now = clock.now()
    rows = [
        OutboxMessage(
            kind="email",
            notification=note,
            to=note.recipient.email,
            subject=note.title[:200],
            body=note.body or note.title,
            next_attempt_at=now,
        )
        for note in notifications
        if note.recipient.email
    ]
    return OutboxMessage.objects.bulk_create(rows)


def outbox_retry_delay(attempts: int) -> dt.timedelta:
    """Backoff after the n-th failed attempt: 1, 2, 4 ... minutes, at most 6 hours."""
    return dt.timedelta(minutes=min(2 ** max(attempts - 1, 0), 360))


def outbox_deliver(*, limit: int = 200) -> int:
    """Send due outbox messages, one row lock each; return how many were sent.

    Safe with several workers: each row is taken with ``FOR UPDATE SKIP LOCKED`` and marked
    in the same transaction, so two workers never send one message, and a message is marked
    sent only once the mail server accepted it. A failure keeps the row pending with
    ``next_attempt_at`` pushed back (``outbox_retry_delay``); after
    ``OUTBOX_MAX_ATTEMPTS`` it is marked failed. A notification read before its e-mail went
    out is skipped (the user has seen it).
    """
    sent = 0
    for _ in range(limit):
        now = clock.now()
        with transaction.atomic():
            message = (
                OutboxMessage.objects.select_for_update(skip_locked=True, of=("self",))
                .select_related("notification")
                .filter(status=OutboxStatus.PENDING, next_attempt_at__lte=now)
                .order_by("next_attempt_at", "id")
                .first()
            )
            if message is None:
                break
            note = message.notification
            if note is not None and note.read_at is not None:
                message.status = OutboxStatus.SKIPPED
                message.save(update_fields=["status"])
                continue
            message.attempts += 1
            try:
                _deliver(message)
            except Exception as error:  # any failure of the mail server: try again later
                logger.warning("outbox message %s not delivered: %s", message.pk, error)
                message.last_error = str(error)[:500]
                if message.attempts >= settings.OUTBOX_MAX_ATTEMPTS:
                    message.status = OutboxStatus.FAILED
                else:
                    message.next_attempt_at = now + outbox_retry_delay(message.attempts)
                message.save(update_fields=["attempts", "last_error", "status", "next_attempt_at"])
                continue
            message.status = OutboxStatus.SENT
            message.sent_at = now
            message.save(update_fields=["attempts", "status", "sent_at"])
            if note is not None:
                Notification.objects.filter(pk=note.pk).update(emailed_at=now)
            sent += 1
    return sent


def _deliver(message: OutboxMessage) -> None:
    if message.kind != "email":
        raise ValueError(f"unknown outbox kind {message.kind!r}")
    send_mail(message.subject, message.body, None, [message.to], fail_silently=False)


def outbox_pending_count() -> int:
    return OutboxMessage.objects.filter(status=OutboxStatus.PENDING).count()
