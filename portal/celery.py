"""The Celery app, configured from Django settings (``CELERY_`` prefix).

The periodic schedule is declared here, in one place. Every periodic task is idempotent and
driven by dates stored in the database, so a missed or repeated run changes nothing, and a
missed run is made up by the next one:

- ``prune_audit_events``, ``deliver_outbox``: act on every row old enough / due; any run
  catches up.
- ``evaluations.open_due_cycles``: every cycle whose ``opens_on`` has come; ``send_reminders``:
  every deadline passed, once per dedupe key; ``compute_due_results``: every open cycle past
  its scoring deadline and before its appeal window (days long).
- ``talent.*``: figures recomputed from the rows; warnings once per dedupe key (person and
  expiry, district and month), so a run on another day posts what the missed one would have.
- ``funding.*``: this year's records refreshed; reminders and finalisation by the dates
  stored (deadlines, grace periods), once per dedupe key.
- ``inspections.*``: the quarter's plan if it has none; each overdue order raised to the level
  its lateness reaches (once per level); visits in the next three days reminded once.

When beat starts (after an outage or a deploy) it sends each periodic task once
(``CELERY_BEAT_CATCH_UP_ON_START``), so a run missed while beat, Redis or the worker was down is
caught up then rather than at the next scheduled time.
https://docs.celeryq.dev/en/stable/django/first-steps-with-django.html
"""

import logging
import os

from celery import Celery
from celery.schedules import crontab
from celery.signals import beat_init, worker_init, worker_process_init
from django.conf import settings
from django.utils.translation import gettext_lazy as _

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
    # The worker's heartbeat for /healthz (the base task records each run).
    "portal.heartbeat": {
        "task": "portal.tasks.heartbeat",
        "schedule": 60.0,
    },
    # The outbox: requests write the messages to send, this sends them (every minute).
    "portal.deliver_outbox": {
        "task": "portal.tasks.deliver_outbox",
        "schedule": settings.OUTBOX_DELIVERY_SECONDS,
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
    # Services: open last month's reports (daily, so a missed 1st is caught up); rebuild the
    # monthly aggregates nightly.
    "services.open_monthly_reports": {
        "task": "services.tasks.open_monthly_reports",
        "schedule": crontab(hour=0, minute=20),
    },
    "services.refresh_aggregates": {
        "task": "services.tasks.refresh_aggregates",
        "schedule": crontab(hour=2, minute=20),
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

# What each periodic task is called on pages (the city admin's late-task warning, /healthz).
PERIODIC_LABELS = {
    "portal.prune_audit_events": _("清理过期审计日志"),
    "portal.heartbeat": _("后台任务心跳"),
    "portal.deliver_outbox": _("发送待发邮件"),
    "evaluations.open_due_cycles": _("按期开启评估周期"),
    "evaluations.send_reminders": _("评估提醒与逾期升级"),
    "evaluations.compute_due_results": _("计算评估结果"),
    "talent.refresh_person_summaries": _("更新社工人员汇总"),
    "talent.warn_expiring_registrations": _("登记到期提醒"),
    "talent.warn_ce_shortfalls": _("继续教育学时不足提醒"),
    "talent.warn_understaffed_stations": _("社工站人员不足提醒"),
    "services.open_monthly_reports": _("开启服务月报"),
    "services.refresh_aggregates": _("重算服务统计"),
    "funding.project_year_end": _("经费年末预测"),
    "funding.remind_late_reports": _("支出报告逾期提醒"),
    "funding.finalise_years": _("经费年度结算"),
    "inspections.draw_quarter_plan": _("季度督查抽取"),
    "inspections.escalate_overdue_orders": _("整改逾期升级"),
    "inspections.remind_teams": _("督查走访提醒"),
}


logger = logging.getLogger(__name__)


def use_task_db_timeouts() -> None:
    """Give this process's database connections the tasks' (larger) statement and lock
    timeouts; the web's are in ``DATABASES`` (portal/settings.py)."""
    from django.db import connections

    if not settings.IS_POSTGRES:
        return
    options = (
        f"-c statement_timeout={settings.TASK_DB_STATEMENT_TIMEOUT_MS}"
        f" -c lock_timeout={settings.TASK_DB_LOCK_TIMEOUT_MS}"
    )
    settings.DATABASES["default"].setdefault("OPTIONS", {})["options"] = options
    connection = connections["default"]
    connection.settings_dict.setdefault("OPTIONS", {})["options"] = options
    connection.close()


@worker_init.connect
def _worker_init(**kwargs) -> None:
    use_task_db_timeouts()


@worker_process_init.connect
def _worker_process_init(**kwargs) -> None:
    use_task_db_timeouts()


@beat_init.connect
def _catch_up(sender=None, **kwargs) -> None:
    """Send each periodic task once as beat starts (see the module's docstring)."""
    if not settings.CELERY_BEAT_CATCH_UP_ON_START:
        return
    for name, entry in app.conf.beat_schedule.items():
        try:
            app.send_task(entry["task"])
        except Exception as error:  # the broker is down: the schedule will run it later
            logger.warning("catch-up run of %s not sent: %s", name, error)
