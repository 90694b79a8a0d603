"""Citizen ID numbers (GB 11643-1999): check, normalise, mask, and make valid ones for demos.

Pure functions on plain values. Shared by every app that stores an ID number (talent's social
workers, services' service users); storage goes through ``portal.crypto``.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date

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
