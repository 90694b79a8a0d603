"""Pure policy checks of the rectification app, on plain values."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from rectification.choices import AWAITING_STATION, OrderStatus


def due_date(opened_on: dt.date, days: int) -> dt.date:
    """The rectification deadline: ``days`` calendar days after the order is opened."""
    return opened_on + dt.timedelta(days=days)


def is_overdue(status: str, due_on: dt.date, today: dt.date) -> bool:
    """An order the station still owes (open or sent back) past its due date.

    An answered order waits for the verifier, so it is not the station's delay.
    """
    return status in AWAITING_STATION and due_on < today


def can_respond(status: str) -> bool:
    return status in AWAITING_STATION


def can_verify(status: str) -> bool:
    return status == OrderStatus.ANSWERED


def is_repeat(previous_found_on: Iterable[dt.date], found_on: dt.date, window_days: int) -> bool:
    """A finding repeats one at the same station and item within the window before it."""
    return any(0 <= (found_on - d).days <= window_days for d in previous_found_on)
