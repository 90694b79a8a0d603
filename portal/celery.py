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
    # Evaluations: open cycles on their date, remind/escalate, compute draft results.
    "evaluations.open_due_cycles": {
        "task": "evaluations.tasks.open_due_cycles",
        "schedule": crontab(hour=1, minute=5),
    },
    "evaluations.send_reminders": {
        "task": "evaluations.tasks.send_reminders",
        "schedule": crontab(hour=8, minute=5),
    },
    "evaluations.compute_due_results": {
        "task": "evaluations.tasks.compute_due_results",
        "schedule": crontab(hour=1, minute=35),
    },
    # Talent: per-person figures first (CE hours, current registration), then the warnings.
    # Just after midnight: the staffing board reads a station's summary only if it is dated
    # today, so until this finishes the board counts live (correct but slow at scale).
    "talent.refresh_person_summaries": {
        "task": "talent.tasks.refresh_person_summaries",
        "schedule": crontab(hour=0, minute=5),
    },
    "talent.warn_expiring_registrations": {
        "task": "talent.tasks.warn_expiring_registrations",
        "schedule": crontab(hour=7, minute=5),
    },
    "talent.warn_ce_shortfalls": {
        "task": "talent.tasks.warn_ce_shortfalls",
        "schedule": crontab(hour=7, minute=15, day_of_week=1),
    },
    "talent.warn_understaffed_stations": {
        "task": "talent.tasks.warn_understaffed_stations",
        "schedule": crontab(hour=7, minute=25, day_of_month=1),
    },
    # Funding: refresh this year's records and warn of projected personnel shortfalls daily
    # (each station is warned at most once a month while it stays under); remind and escalate
    # late spending reports; finalise past years once confirmed or past their grace period.
    "services.open_monthly_reports": {
        "task": "services.tasks.open_monthly_reports",
        "schedule": crontab(hour=0, minute=20),
    },
    "services.refresh_aggregates": {
        "task": "services.tasks.refresh_aggregates",
        "schedule": crontab(hour=2, minute=20),
    },
    "funding.project_year_end": {
        "task": "funding.tasks.project_year_end",
        "schedule": crontab(hour=6, minute=40),
    },
    "funding.remind_late_reports": {
        "task": "funding.tasks.remind_late_reports",
        "schedule": crontab(hour=8, minute=10),
    },
    "funding.finalise_years": {
        "task": "funding.tasks.finalise_years",
        "schedule": crontab(hour=2, minute=50),
    },
    # Inspections: the quarter's draw runs daily and does nothing once the quarter has a plan.
    "inspections.draw_quarter_plan": {
        "task": "inspections.tasks.draw_quarter_plan",
        "schedule": crontab(hour=1, minute=10),
    },
    "inspections.escalate_overdue_orders": {
        "task": "inspections.tasks.escalate_overdue_orders",
        "schedule": crontab(hour=7, minute=30),
    },
    "inspections.remind_teams": {
        "task": "inspections.tasks.remind_teams",
        "schedule": crontab(hour=8, minute=0),
    },
}
