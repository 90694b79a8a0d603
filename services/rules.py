"""Pure checks of the services app on plain values: no database, no settings.

Thresholds are arguments: the catalogue's service kinds carry what one record may count, the
services policy (``ServicePolicy``) the report's due day. Messages are module constants the
tests match.
"""

from __future__ import annotations

import calendar
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

# A day has 24 hours: no worker serves more in one day, whatever the policy.
HOURS_IN_A_DAY = Decimal("24")

FUTURE_DATE = "服务日期 %(on)s 晚于今天，不能登记未来的服务。"
LOCKED_MONTH = "%(year)s年%(month)s月的服务月报已审核通过，该月记录已锁定，不能新增或修改。"
PERSON_TIMES_TOO_FEW = "服务人次必须是正整数。"
PERSON_TIMES_ABSURD = "一条「%(kind)s」记录最多%(max)s人次，填写的%(n)s人次明显有误。"
PERSON_TIMES_OVER_ATTENDANCE = (
    "服务人次%(n)s超过了出席的登记服务对象%(registered)s人加未登记参与者%(others)s人之和。"
)
HOURS_BAD = "服务时长必须大于0小时。"
HOURS_OVER_KIND = "一条「%(kind)s」记录的时长最多%(max)s小时，填写了%(hours)s小时。"
HOURS_OVER_DAY = "社工「%(worker)s」在%(on)s的服务时长合计%(total)s小时，超过一天24小时。"
CASE_NEEDS_ONE_USER = "个案记录必须选择一名登记的服务对象。"
CASE_NEEDS_STEP = "个案记录须注明个案进展（开案、跟进或结案）。"
BIRTH_YEAR_BAD = "出生年份%(year)s不合理（应在%(low)s年至今年之间）。"
CONSENT_FUTURE = "同意日期不能晚于今天。"

OLDEST_YEARS = 120


def person_times_problem(
    *,
    person_times: int,
    kind_name: str,
    max_person_times: int,
    registered: int,
    others: int,
    attendance_required: bool,
) -> str | None:
    """Why ``person_times`` cannot be right for one record, or ``None``.

    ``attendance_required``: a group session counts at most its registered attendees plus the
    others counted at the door; a community activity's head count may exceed the sign-in.
    """
    if person_times < 1:
        return PERSON_TIMES_TOO_FEW
    if person_times > max_person_times:
        return PERSON_TIMES_ABSURD % {"kind": kind_name, "max": max_person_times, "n": person_times}
    if attendance_required and person_times > registered + others:
        return PERSON_TIMES_OVER_ATTENDANCE % {
            "n": person_times,
            "registered": registered,
            "others": others,
        }
    return None


def hours_problem(*, hours: Decimal, kind_name: str, max_hours: Decimal) -> str | None:
    if hours <= 0:
        return HOURS_BAD
    if hours > max_hours:
        return HOURS_OVER_KIND % {"kind": kind_name, "max": max_hours, "hours": hours}
    return None


def day_overbooked(total_hours: Decimal) -> bool:
    """A worker's hours on one day: exactly 24 passes, 24.01 fails."""
    return total_hours > HOURS_IN_A_DAY


def birth_year_problem(year: int | None, *, today: date) -> str | None:
    if year is None:
        return None
    low = today.year - OLDEST_YEARS
    if year < low or year > today.year:
        return BIRTH_YEAR_BAD % {"year": year, "low": low}
    return None


# --- months and reports ---------------------------------------------------------------------


def previous_month(on: date) -> tuple[int, int]:
    return (on.year - 1, 12) if on.month == 1 else (on.year, on.month - 1)


def month_bounds(year: int, month: int) -> tuple[date, date]:
    return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])


def report_due_on(year: int, month: int, *, due_day: int) -> date:
    """The report of ``year``-``month`` is due on ``due_day`` of the following month."""
    y, m = (year + 1, 1) if month == 12 else (year, month + 1)
    return date(y, m, min(due_day, calendar.monthrange(y, m)[1]))


def report_late(*, due_on: date, today: date, submitted: bool) -> bool:
    """Late the day after the due day, while not submitted."""
    return not submitted and today > due_on


# --- targets and projection -------------------------------------------------------------------


def projected(done: Decimal, *, elapsed_days: int, year_days: int) -> Decimal:
    """Year-end figure at the run rate so far, rounded half-up to 2 places."""
    if elapsed_days <= 0:
        return Decimal("0.00")
    value = Decimal(done) * year_days / elapsed_days
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def projected_short(*, projected_value: Decimal, target: Decimal, warning_percent: Decimal) -> bool:
    """Early warning: the projection reaches less than ``warning_percent`` of the target.
    Compared without dividing: ``projected * 100 < target * percent``."""
    if target <= 0:
        return False
    return Decimal(projected_value) * 100 < Decimal(target) * warning_percent


def percent_of(done: Decimal | int, target: Decimal | int) -> Decimal | None:
    if target <= 0:
        return None
    return (Decimal(done) * 100 / Decimal(target)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
