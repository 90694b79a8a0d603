"""The Celery app, configured from Django settings (``CELERY_`` prefix).

The periodic schedule is declared here, in one place. Every periodic task is idempotent and
driven by dates stored in the database, so a missed or repeated run changes nothing.
https://docs.celeryq.dev/en/stable/django/first-steps-with-django.html
"""

import os

from celery import Celery
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

app = Celery("portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

app.conf.beat_schedule = {
    # Audit rows older than the retention period (186 days at least) are pruned nightly.
    "portal.prune_audit_events": {
        "task": "portal.tasks.prune_audit_events",
        "schedule": crontab(hour=3, minute=17),
    },
    "portal.send_notification_emails": {
        "task": "portal.tasks.send_notification_emails",
        "schedule": crontab(minute="*/5"),
    },
}
