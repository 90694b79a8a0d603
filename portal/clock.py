"""The one clock: every "today" and "now" in the portal comes from here.

Results that depend on the date (what is overdue, which service year is current, which
policy version is in force) take ``today`` as an input wherever they can; when they must ask,
they ask this module, never ``date.today()`` or ``datetime.now()``. Tests pin the clock with
time-machine (``tests/conftest.py``: the ``today`` fixture and ``--today=YYYY-MM-DD``), and a
process started with ``PORTAL_TODAY=YYYY-MM-DD`` outside production (a test's gunicorn or
Celery worker, a demo loaded "as of" a date) runs as if that morning had come; see
``portal.settings``.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.utils import timezone


def today() -> date:
    """Today's date in the portal's time zone (Asia/Shanghai)."""
    return timezone.localdate()


def now() -> datetime:
    """The current moment, time-zone aware."""
    return timezone.now()


def as_of(on: date) -> datetime:
    """The moment a question about day ``on`` is asked for: now, for today; the end of that
    day (the next midnight, local time), for any other day. Rows ended at a moment (a role or
    an assignment ended "now") count on ``on`` only if they ended after it."""
    if on == today():
        return now()
    return timezone.make_aware(datetime.combine(on + timedelta(days=1), time.min))
