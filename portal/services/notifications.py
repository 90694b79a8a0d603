from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone

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
    """Post one inbox message to each recipient; with a ``dedupe_key`` never twice."""
    created = []
    for user in recipients:
        if (
            dedupe_key
            and Notification.objects.filter(recipient=user, dedupe_key=dedupe_key).exists()
        ):
            continue
        try:
            with transaction.atomic():
                created.append(
                    Notification.objects.create(
                        recipient=user,
                        title=title[:200],
                        body=body,
                        url=url[:300],
                        kind=kind,
                        dedupe_key=dedupe_key,
                    )
                )
        except IntegrityError:
            continue  # a concurrent run posted the same message first
    return created


def notification_mark_read(*, actor: User, ids: Iterable[int] | None = None) -> int:
    qs = Notification.objects.restrict(actor, "change").filter(read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=list(ids))
    return qs.update(read_at=timezone.now())


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
        Notification.objects.filter(pk=note.pk).update(emailed_at=timezone.now())
        sent += 1
    return sent
