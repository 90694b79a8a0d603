"""Periodic tasks of the inspections app: thin, idempotent wrappers around services."""

from __future__ import annotations

import datetime as dt

from inspections import rules, services
from portal import clock
from portal.scoping import SYSTEM
from portal.taskbase import portal_task
from rectification import services as rectification_services


@portal_task(name="inspections.tasks.draw_quarter_plan")
def draw_quarter_plan(on: str | None = None) -> int | None:
    """Draft the current quarter's plan if it has none (runs daily; the unique constraint on
    year and quarter makes a repeated or concurrent run create nothing)."""
    day = dt.date.fromisoformat(on) if on else clock.today()
    year, quarter = rules.quarter_of(day)
    plan = services.plan_draw(actor=SYSTEM, year=year, quarter=quarter)
    return plan.pk


@portal_task(name="inspections.tasks.escalate_overdue_orders")
def escalate_overdue_orders(on: str | None = None) -> int:
    """Raise overdue rectification orders: station, institution, district, city."""
    day = dt.date.fromisoformat(on) if on else clock.today()
    return rectification_services.rectification_escalate_overdue(today=day)


@portal_task(name="inspections.tasks.remind_teams")
def remind_teams(on: str | None = None) -> int:
    """Remind inspectors of confirmed visits in the next three days (once per visit)."""
    day = dt.date.fromisoformat(on) if on else clock.today()
    return services.inspection_remind_teams(today=day)
