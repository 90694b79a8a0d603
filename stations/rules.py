"""Pure checks of the stations app, on plain values (no database).

The unified social credit code check follows GB 32100-2015 and, for positions 9-17, the
organisation code check of GB 11714-1997, as written in ``domain/RULES.md``.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.utils.translation import gettext as _

# GB 32100-2015: the 31 characters of the code (no I, O, S, V, Z), valued 0..30.
CREDIT_CODE_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CREDIT_CODE_VALUES = {c: i for i, c in enumerate(CREDIT_CODE_ALPHABET)}
# Weights of positions 1-17: 3^(i-1) mod 31.
CREDIT_CODE_WEIGHTS = tuple(pow(3, i, 31) for i in range(17))
# GB 11714-1997: weights of the eight body characters of the organisation code.
ORG_CODE_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)

CODE_LENGTH = "统一社会信用代码应为18位，当前为%(n)d位。"
CODE_CHARACTER = (
    "第%(pos)d位字符“%(char)s”不是统一社会信用代码允许的字符（数字及除I、O、S、V、Z外的大写字母）。"
)
CODE_AREA = "第3-8位应为6位数字的登记管理机关行政区划码。"
CODE_ORG_CHECK = "第17位（组织机构代码校验码）应为%(expected)s，实为%(actual)s（GB 11714）。"
CODE_CHECK = "第18位校验码应为%(expected)s，实为%(actual)s（GB 32100）。"

FEE_NOT_POSITIVE = "年度项目经费必须大于0元。"
FEE_PRECISION = "年度项目经费最多保留两位小数。"
PERIOD_REVERSED = "结束日期不能早于开始日期。"
PERIOD_YEAR = "开始日期应在服务年度%(year)d年内。"
PERIOD_TOO_LONG = "合同期限不能超过%(years)d年（政策参数：合同周期）。"
SERVICE_YEAR_RANGE = "服务年度应在%(low)d年至%(high)d年之间。"


@dataclass(frozen=True)
class CreditCodeCheck:
    """The result of checking a code: ``ok`` or the first rule it breaks, in Chinese.

    ``confirmable``: the code is well formed (18 characters of the alphabet, six digits of
    area code) and only a check character disagrees. A few real registered codes are like
    that, and a city admin may confirm one (RULES.md, "Identifiers"); a code of the wrong
    length or with a forbidden character was never issued and can never be confirmed.
    """

    code: str
    ok: bool
    reason: str = ""
    confirmable: bool = False

    def __bool__(self) -> bool:
        return self.ok


def normalise_credit_code(code: str) -> str:
    """Codes are written in upper case; users paste them with spaces and lower case."""
    return "".join((code or "").split()).upper()


def _org_check_char(body: str) -> str:
    """GB 11714 check character of an eight-character organisation code body."""
    total = sum(
        (int(c) if c.isdigit() else ord(c) - ord("A") + 10) * w
        for c, w in zip(body, ORG_CODE_WEIGHTS, strict=True)
    )
    value = 11 - total % 11
    return {10: "X", 11: "0"}.get(value, str(value))


def _credit_check_char(first17: str) -> str:
    pairs = zip(first17, CREDIT_CODE_WEIGHTS, strict=True)
    total = sum(CREDIT_CODE_VALUES[c] * w for c, w in pairs)
    return CREDIT_CODE_ALPHABET[(31 - total % 31) % 31]


def check_credit_code(code: str) -> CreditCodeCheck:
    """Check a unified social credit code (GB 32100-2015 with the GB 11714 part).

    What the check guarantees: the last character is a checksum modulo 31 (a prime) with
    weights 3^(i-1), all distinct and non-zero, so changing any single character, and swapping
    any two different characters among positions 1-17, always fails. The organisation-code
    check on positions 9-17 is a second, weaker filter (modulo 11).
    """
    code = normalise_credit_code(code)
    if len(code) != 18:
        return CreditCodeCheck(code, False, _(CODE_LENGTH) % {"n": len(code)})
    for pos, char in enumerate(code, start=1):
        if char not in CREDIT_CODE_VALUES:
            return CreditCodeCheck(code, False, _(CODE_CHARACTER) % {"pos": pos, "char": char})
    if not code[2:8].isdigit():
        return CreditCodeCheck(code, False, _(CODE_AREA))
    expected = _credit_check_char(code[:17])
    if code[17] != expected:
        reason = _(CODE_CHECK) % {"expected": expected, "actual": code[17]}
        return CreditCodeCheck(code, False, reason, confirmable=True)
    org_expected = _org_check_char(code[8:16])
    if code[16] != org_expected:
        reason = _(CODE_ORG_CHECK) % {"expected": org_expected, "actual": code[16]}
        return CreditCodeCheck(code, False, reason, confirmable=True)
    return CreditCodeCheck(code, True)


def make_credit_code(
    seed: int | str | None = None,
    *,
    prefix: str = "52440100",
    body: str | None = None,
    rng: random.Random | None = None,
) -> str:
    """A code that passes ``check_credit_code``, for demo data and tests.

    ``prefix`` holds positions 1-8 (registration authority, category, area code):
    ``52`` is a civil-affairs 民办非企业单位, ``440100`` Guangzhou. ``body`` fixes positions
    9-16 (eight characters of the alphabet); otherwise they are drawn from ``seed``/``rng``
    in the shape of civil-affairs organisation codes (``MJ`` + six characters).
    """
    if len(prefix) != 8 or any(c not in CREDIT_CODE_VALUES for c in prefix):
        raise ValueError("prefix must be 8 characters of the credit-code alphabet")
    if body is None:
        rng = rng or random.Random(seed)  # noqa: S311 - demo data, not secrets
        tail = "".join(rng.choice(CREDIT_CODE_ALPHABET) for _ in range(6))
        body = "MJ" + tail
    if len(body) != 8 or any(c not in CREDIT_CODE_VALUES for c in body):
        raise ValueError("body must be 8 characters of the credit-code alphabet")
    first17 = prefix + body + _org_check_char(body)
    return first17 + _credit_check_char(first17)


def credit_code_for_index(index: int, *, prefix: str = "52440100") -> str:
    """A distinct valid code per non-negative index (bulk demo data): body ``MJ`` + base 31."""
    digits = []
    n = index
    for _position in range(6):
        n, r = divmod(n, 31)
        digits.append(CREDIT_CODE_ALPHABET[r])
    if n:
        raise ValueError("index too large for six base-31 characters")
    return make_credit_code(prefix=prefix, body="MJ" + "".join(reversed(digits)))


# --- contracts ----------------------------------------------------------------------------


def fee_problem(fee: Decimal | None) -> str | None:
    """A contract fee is positive money with at most two decimal places."""
    if fee is None:
        return None
    if fee <= 0:
        return _(FEE_NOT_POSITIVE)
    if fee != fee.quantize(Decimal("0.01")):
        return _(FEE_PRECISION)
    return None


def contract_period_problems(
    *,
    service_year: int,
    starts_on: date,
    ends_on: date,
    term_years: int,
    earliest_year: int = 2000,
    latest_year: int,
) -> dict[str, str]:
    """Field -> message for a contract period that is out of bounds.

    A contract is named by the service year in which it starts and runs at most one term
    (``term_years`` from the policy version: 3 years, signed a year at a time).
    """
    problems: dict[str, str] = {}
    if not earliest_year <= service_year <= latest_year:
        problems["service_year"] = _(SERVICE_YEAR_RANGE) % {
            "low": earliest_year,
            "high": latest_year,
        }
        return problems
    if starts_on.year != service_year:
        problems["starts_on"] = _(PERIOD_YEAR) % {"year": service_year}
    if ends_on < starts_on:
        problems["ends_on"] = _(PERIOD_REVERSED)
    else:
        try:
            limit = starts_on.replace(year=starts_on.year + term_years)
        except ValueError:  # 29 February
            limit = date(starts_on.year + term_years, 3, 1)
        if ends_on >= limit:
            problems["ends_on"] = _(PERIOD_TOO_LONG) % {"years": term_years}
    return problems


def periods_overlap(a_start: date, a_end: date, b_start: date, b_end: date) -> bool:
    """Closed periods ``[a_start, a_end]`` and ``[b_start, b_end]`` share a day."""
    return a_start <= b_end and b_start <= a_end
