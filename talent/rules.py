"""Pure policy checks on plain values: no database, no settings.

Thresholds are arguments: callers take them from ``portal.selectors.policy_in_force(date)``.
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

# --- citizen ID numbers (GB 11643-1999): portal.idnumbers, shared with the services app ------
from portal.idnumbers import (  # noqa: F401  (talent's callers keep ``rules.<name>``)
    GUANGZHOU_AREAS,
    ID_BAD_BIRTH_DATE,
    ID_BAD_CHARACTERS,
    ID_BAD_CHECK,
    ID_BAD_LENGTH,
    ID_CHECK_CHARS,
    ID_FUTURE_BIRTH_DATE,
    ID_WEIGHTS,
    IdNumberFacts,
    InvalidIdNumber,
    check_id_number,
    id_check_char,
    make_id_number,
    mask_id_number,
    normalise_id_number,
    random_id_number,
)

# --- dates ---------------------------------------------------------------------------------


def add_months(day: date, months: int) -> date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def add_years(day: date, years: int) -> date:
    return add_months(day, 12 * years)


# --- registration (民发〔2009〕44号) ------------------------------------------------------------


def registration_expires_on(starts_on: date, *, valid_years: int) -> date:
    """The last valid day of a registration of ``valid_years`` starting on ``starts_on``."""
    return add_years(starts_on, valid_years) - timedelta(days=1)


def renewal_window(expires_on: date, *, window_months: int) -> tuple[date, date]:
    """The days on which a registration may be renewed: its last ``window_months`` months."""
    return add_months(expires_on, -window_months) + timedelta(days=1), expires_on


def in_renewal_window(on: date, expires_on: date, *, window_months: int) -> bool:
    opens, closes = renewal_window(expires_on, window_months=window_months)
    return opens <= on <= closes


def first_registration_deadline(year_passed: int, *, within_years: int) -> date:
    """Only the year passed is recorded, so the year counts from the end of that year."""
    return date(year_passed + within_years, 12, 31)


# --- continuing education (民发〔2009〕123号) ---------------------------------------------------


def ce_shortfall(hours: Decimal, required: int) -> Decimal:
    """Hours still missing in a registration period (0 when met)."""
    return max(Decimal(required) - Decimal(hours), Decimal("0"))


# --- staffing ------------------------------------------------------------------------------


def vacancies(headcount: int, standard: int) -> int:
    return max(standard - headcount, 0)


def certificate_share_met(certified: int, headcount: int, min_percent: Decimal) -> bool:
    """Compared without dividing (RULES.md): certified * 100 >= headcount * min_percent."""
    return Decimal(certified) * 100 >= Decimal(headcount) * Decimal(min_percent)


def turnover_percent(leavers: int, headcount_start: int, headcount_end: int) -> Decimal | None:
    """Leavers over average headcount, in percent (half-up to one place); None without staff."""
    average = Decimal(headcount_start + headcount_end) / 2
    if average == 0:
        return None
    return (Decimal(leavers) * 100 / average).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
