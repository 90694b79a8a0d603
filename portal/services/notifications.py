from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction

from portal import clock
from portal.models import Notification, User


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
    e-mail is configured, sending is queued after the transaction commits.
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
        from portal.tasks import send_notification_emails

        transaction.on_commit(send_notification_emails.delay)
    return created


def notification_mark_read(*, actor: User, ids: Iterable[int] | None = None) -> int:
    qs = Notification.objects.restrict(actor, "change").filter(read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=list(ids))
    return qs.update(read_at=clock.now())


def notification_emails_send(*, limit: int = 500) -> int:
    """E-mail unsent notifications to recipients with an address, where e-mail is configured."""
    if not settings.EMAIL_HOST:
        return 0
    sent = 0
    pending = (
        Notification.objects.filter(emailed_at__isnull=True, read_at__isnull=True)
        .exclude(recipient__email="")
        .select_related("recipient")[:limit]
    )
    for note in pending:
        send_mail(note.title, note.body or note.title, None, [note.recipient.email])
        Notification.objects.filter(pk=note.pk).update(emailed_at=clock.now())
        sent += 1
    return sent
