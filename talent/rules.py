"""Pure policy checks on plain values: no database, no settings.

Thresholds are arguments: callers take them from ``portal.selectors.policy_in_force(date)``.
"""

from __future__ import annotations

import calendar
import random
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

# --- citizen ID numbers (GB 11643-1999) ---------------------------------------------------

ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK_CHARS = "10X98765432"

ID_BAD_LENGTH = "身份证号应为18位。"
ID_BAD_CHARACTERS = "身份证号前17位应为数字，最后一位为数字或X。"
ID_BAD_BIRTH_DATE = "身份证号中的出生日期（第7-14位）不是有效日期。"
ID_FUTURE_BIRTH_DATE = "身份证号中的出生日期不能晚于今天。"
ID_BAD_CHECK = "身份证号校验位不正确（GB 11643）。"


class InvalidIdNumber(ValueError):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class IdNumberFacts:
    birth_date: date
    male: bool


def normalise_id_number(value: str) -> str:
    return (value or "").strip().replace(" ", "").upper()


def id_check_char(first17: str) -> str:
    total = sum(int(d) * w for d, w in zip(first17, ID_WEIGHTS, strict=True))
    return ID_CHECK_CHARS[total % 11]


def check_id_number(value: str, *, today: date) -> IdNumberFacts:
    """Check an 18-character citizen ID; return its birth date and sex or raise.

    The 17th digit is odd for men; the birth date must be a real date not after ``today``.
    Messages never repeat the number itself (it must not reach logs or error pages).
    """
    number = normalise_id_number(value)
    if len(number) != 18:
        raise InvalidIdNumber(ID_BAD_LENGTH)
    if not number[:17].isdigit() or not (number[17].isdigit() or number[17] == "X"):
        raise InvalidIdNumber(ID_BAD_CHARACTERS)
    try:
        birth = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError as error:
        raise InvalidIdNumber(ID_BAD_BIRTH_DATE) from error
    if birth > today:
        raise InvalidIdNumber(ID_FUTURE_BIRTH_DATE)
    if id_check_char(number[:17]) != number[17]:
        raise InvalidIdNumber(ID_BAD_CHECK)
    return IdNumberFacts(birth_date=birth, male=int(number[16]) % 2 == 1)


def mask_id_number(value: str) -> str:
    """First 3 and last 4 characters: the birth date (positions 7-14) never shows."""
    number = normalise_id_number(value)
    if len(number) < 8:
        return "*" * len(number)
    return number[:3] + "*" * (len(number) - 7) + number[-4:]


GUANGZHOU_AREAS = (
    "440103",
    "440104",
    "440105",
    "440106",
    "440111",
    "440112",
    "440113",
    "440114",
    "440115",
    "440117",
    "440118",
)


def make_id_number(*, birth_date: date, male: bool, sequence: int = 1, area: str = "440106") -> str:
    """A valid ID number (demo data and tests): ``sequence`` 0..499 picks the 15th-17th digits."""
    seq = (sequence % 500) * 2 + (1 if male else 0)
    first17 = f"{area}{birth_date:%Y%m%d}{seq:03d}"
    return first17 + id_check_char(first17)


def random_id_number(rng: random.Random, *, born_from: int = 1965, born_to: int = 2002) -> str:
    birth = date(rng.randint(born_from, born_to), rng.randint(1, 12), rng.randint(1, 28))
    return make_id_number(
        birth_date=birth,
        male=rng.random() < 0.3,
        sequence=rng.randrange(500),
        area=rng.choice(GUANGZHOU_AREAS),
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
