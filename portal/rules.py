"""Pure rules of the portal core, on plain values (no database).

Deadline reminders and escalation: one ladder per kind of deadline (``DeadlineLadder`` in the
policy data). Before a deadline, those who still owe something are reminded when the days
left reach one of the ladder's "remind before" horizons; after it, each level (station,
institution, district, city) is told from its own number of days late. A level without a
number is never told. Every app asks these functions; none keeps its own ladder.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from itertools import pairwise

from portal.choices import LadderLevel

LEVELS = (LadderLevel.STATION, LadderLevel.INSTITUTION, LadderLevel.DISTRICT, LadderLevel.CITY)


@dataclass(frozen=True)
class Ladder:
    """A ladder as the rules read it: the reminder horizons (days before the deadline) and,
    per level, the days late from which that level is told (``None``: never)."""

    remind_before: tuple[int, ...] = ()
    station_after: int | None = None
    institution_after: int | None = None
    district_after: int | None = None
    city_after: int | None = None

    def after(self, level: int) -> int | None:
        days: dict[int, int | None] = {
            LadderLevel.STATION: self.station_after,
            LadderLevel.INSTITUTION: self.institution_after,
            LadderLevel.DISTRICT: self.district_after,
            LadderLevel.CITY: self.city_after,
        }
        return days[level]


def days_left(today: date, due: date) -> int:
    return (due - today).days


def days_late(today: date, due: date) -> int:
    """Days past the deadline: 0 on the due day and before it, 1 the day after."""
    return max(0, (today - due).days)


def remind_horizon(today: date, due: date, ladder: Ladder) -> int | None:
    """The smallest reminder horizon the days left fall within (``0 <= left <= horizon``), or
    ``None`` when no reminder is due: before the widest horizon or after the due day. With
    horizons 90/30/7, 31 days left is the 90-day reminder and 30 the 30-day one; each horizon
    is one reminder (its dedupe key carries the horizon)."""
    left = days_left(today, due)
    if left < 0:
        return None
    fitting = [h for h in ladder.remind_before if left <= h]
    return min(fitting) if fitting else None


def should_remind(today: date, due: date, ladder: Ladder) -> bool:
    return remind_horizon(today, due, ladder) is not None


def levels_reached(late_days: int, ladder: Ladder) -> list[int]:
    """Every level told after ``late_days`` days late, lowest first (none on time)."""
    if late_days <= 0:
        return []
    return [
        level
        for level in LEVELS
        if (after := ladder.after(level)) is not None and late_days >= after
    ]


def escalation_level(late_days: int, ladder: Ladder) -> int:
    """The highest level told after ``late_days`` days late (``LadderLevel.NONE`` if none)."""
    reached = levels_reached(late_days, ladder)
    return max(reached) if reached else LadderLevel.NONE


AFTER_FIELDS = (
    "station_after_days",
    "institution_after_days",
    "district_after_days",
    "city_after_days",
)
NEGATIVE = "天数不能为负数。"
AFTER_ZERO = "逾期升级天数至少为1（到期当天不算逾期）。"
NOT_ORDERED = "升级天数须依次不减：社工站 ≤ 承接机构 ≤ 区民政局 ≤ 市民政局。"
REMIND_TOO_FAR = "提前提醒天数不能超过366天。"


def ladder_problems(
    remind_before: Iterable[int],
    after: Iterable[int | None],
) -> dict[str, str]:
    """Field name -> the reason a ladder is not acceptable (untranslated message ids; empty
    when it is). ``after`` lists the after-days of station, institution, district, city."""
    problems: dict[str, str] = {}
    reminders = list(remind_before)
    if any(d < 0 for d in reminders):
        problems["remind_before_days"] = NEGATIVE
    elif any(d > 366 for d in reminders):
        problems["remind_before_days"] = REMIND_TOO_FAR
    names = AFTER_FIELDS
    values = list(after)
    for name, value in zip(names, values, strict=True):
        if value is not None and value < 1:
            problems[name] = AFTER_ZERO
    if not problems:
        set_values = [(n, v) for n, v in zip(names, values, strict=True) if v is not None]
        for (_n1, first), (name, later) in pairwise(set_values):
            if later < first:
                problems[name] = NOT_ORDERED
                break
    return problems
