"""Celery tasks of the evaluations app: thin, idempotent wrappers around services."""

from __future__ import annotations

from evaluations import services
from portal import clock
from portal.taskbase import portal_task


@portal_task(name="evaluations.tasks.open_due_cycles")
def open_due_cycles() -> int:
    """Open every cycle whose opening date has come (a rerun creates nothing twice)."""
    return sum(r.created for r in services.cycles_open_due())


@portal_task(name="evaluations.tasks.send_reminders")
def send_reminders() -> int:
    """Remind before each deadline, escalate after it (dedupe keys: never twice)."""
    return services.reminders_send_all()


@portal_task(name="evaluations.tasks.compute_results")
def compute_results(cycle_id: int) -> int:
    from evaluations.models import Cycle

    return services.results_compute_cycle(cycle=Cycle.objects.get(pk=cycle_id))


@portal_task(name="evaluations.tasks.compute_due_results")
def compute_due_results() -> int:
    """After the scoring deadline, compute the draft results of every complete evaluation."""

    from evaluations.choices import CycleStatus
    from evaluations.models import Cycle

    today = clock.today()
    return sum(
        services.results_compute_cycle(cycle=c)
        for c in Cycle.objects.filter(
            status=CycleStatus.OPEN, scoring_due_on__lt=today, appeal_starts_on__gte=today
        )
    )
