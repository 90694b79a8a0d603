"""GB 32100 unified social credit codes, and the contract checks on plain values."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from stations.rules import (
    CREDIT_CODE_ALPHABET,
    CREDIT_CODE_WEIGHTS,
    check_credit_code,
    contract_period_problems,
    credit_code_for_index,
    fee_problem,
    make_credit_code,
    periods_overlap,
)

# Codes published on the national enterprise credit information system.
REAL_CODES = ["91350100M000100Y43", "91110108551385082Q"]

prefixes = st.builds(
    lambda reg, cat, area: reg + cat + area,
    st.sampled_from("159Y"),
    st.sampled_from("1239"),
    st.text(alphabet="0123456789", min_size=6, max_size=6),
)
bodies = st.text(alphabet=CREDIT_CODE_ALPHABET, min_size=8, max_size=8)


def test_the_weights_are_powers_of_three_modulo_31():
    assert CREDIT_CODE_WEIGHTS[:6] == (1, 3, 9, 27, 19, 26)
    assert len(set(CREDIT_CODE_WEIGHTS)) == 17


@pytest.mark.parametrize("code", REAL_CODES)
def test_it_accepts_real_registered_codes(code):
    assert check_credit_code(code).ok


def test_it_accepts_codes_typed_in_lower_case_with_spaces():
    result = check_credit_code(" 91350100m000100y43 ")
    assert result.ok
    assert result.code == "91350100M000100Y43"


def test_it_names_the_expected_check_character():
    result = check_credit_code("91350100M000100Y44")
    assert not result.ok
    assert result.reason == "第18位校验码应为3，实为4（GB 32100）。"


def test_it_rejects_a_code_of_the_wrong_length():
    assert check_credit_code("9135010").reason == "统一社会信用代码应为18位，当前为7位。"


@pytest.mark.parametrize("char", ["I", "O", "S", "V", "Z", "-"])
def test_it_rejects_characters_outside_the_alphabet(char):
    code = "91350100M000100Y4" + char
    result = check_credit_code(code)
    assert not result.ok
    assert result.reason.startswith(f"第18位字符“{char}”不是统一社会信用代码允许的字符")


def test_it_rejects_letters_in_the_area_code():
    code = make_credit_code(prefix="5244A100", body="MJ000001")
    assert check_credit_code(code).reason == "第3-8位应为6位数字的登记管理机关行政区划码。"


def test_it_checks_the_organisation_code_part_as_well():
    # Position 17 changed and position 18 recomputed: GB 32100 passes, GB 11714 does not.
    from stations.rules import _credit_check_char

    good = make_credit_code(prefix="52440106", body="MJL16426")
    first16 = good[:16]
    wrong17 = next(c for c in "0123456789X" if c != good[16])
    code = first16 + wrong17 + _credit_check_char(first16 + wrong17)
    result = check_credit_code(code)
    assert not result.ok
    assert result.reason == (
        f"第17位（组织机构代码校验码）应为{good[16]}，实为{wrong17}（GB 11714）。"
    )


@given(prefix=prefixes, body=bodies)
def test_every_generated_code_passes(prefix, body):
    assert check_credit_code(make_credit_code(prefix=prefix, body=body)).ok


@given(seed=st.integers())
def test_seeded_codes_are_reproducible_and_valid(seed):
    code = make_credit_code(seed)
    assert code == make_credit_code(seed)
    assert check_credit_code(code).ok


@given(
    prefix=prefixes,
    body=bodies,
    position=st.integers(0, 17),
    replacement=st.sampled_from(CREDIT_CODE_ALPHABET),
)
def test_changing_any_single_character_always_fails(prefix, body, position, replacement):
    # Guaranteed, not just likely: the weights are non-zero modulo the prime 31, so any
    # change of one value shifts the weighted sum modulo 31, and the check value is a
    # one-to-one function of that sum.
    code = make_credit_code(prefix=prefix, body=body)
    if code[position] == replacement:
        return
    changed = code[:position] + replacement + code[position + 1 :]
    assert not check_credit_code(changed).ok


@given(prefix=prefixes, body=bodies, i=st.integers(0, 16), j=st.integers(0, 16))
def test_swapping_two_different_characters_among_the_first_17_always_fails(prefix, body, i, j):
    # Guaranteed too: 3 is a primitive root modulo 31, so the 17 weights are all different.
    code = make_credit_code(prefix=prefix, body=body)
    if code[i] == code[j]:
        return
    chars = list(code)
    chars[i], chars[j] = chars[j], chars[i]
    assert not check_credit_code("".join(chars)).ok


def test_indexed_codes_are_distinct_and_valid():
    codes = {credit_code_for_index(n) for n in range(2000)}
    assert len(codes) == 2000
    assert all(check_credit_code(c).ok for c in codes)


@pytest.mark.parametrize(
    ("fee", "ok"),
    [
        (Decimal("2400000.00"), True),
        (Decimal("0.01"), True),
        (Decimal("0.00"), False),
        (Decimal("-1.00"), False),
        (Decimal("1.005"), False),
    ],
)
def test_a_fee_must_be_positive_money(fee, ok):
    assert (fee_problem(fee) is None) is ok


def test_a_contract_starts_in_its_service_year_and_runs_at_most_one_term():
    ok = contract_period_problems(
        service_year=2024,
        starts_on=date(2024, 1, 1),
        ends_on=date(2026, 12, 31),
        term_years=3,
        latest_year=2027,
    )
    assert ok == {}
    too_long = contract_period_problems(
        service_year=2024,
        starts_on=date(2024, 1, 1),
        ends_on=date(2027, 1, 1),
        term_years=3,
        latest_year=2027,
    )
    assert too_long == {"ends_on": "合同期限不能超过3年（政策参数：合同周期）。"}
    wrong_year = contract_period_problems(
        service_year=2024,
        starts_on=date(2023, 12, 1),
        ends_on=date(2024, 11, 30),
        term_years=3,
        latest_year=2027,
    )
    assert wrong_year == {"starts_on": "开始日期应在服务年度2024年内。"}
    reversed_ = contract_period_problems(
        service_year=2024,
        starts_on=date(2024, 5, 1),
        ends_on=date(2024, 4, 30),
        term_years=3,
        latest_year=2027,
    )
    assert reversed_ == {"ends_on": "结束日期不能早于开始日期。"}


def test_closed_periods_that_share_one_day_overlap():
    assert periods_overlap(
        date(2024, 1, 1), date(2024, 6, 30), date(2024, 6, 30), date(2024, 12, 31)
    )
    assert not periods_overlap(
        date(2024, 1, 1), date(2024, 6, 29), date(2024, 6, 30), date(2024, 12, 31)
    )


# --- which failing codes a city admin may confirm ----------------------------------------------


def _with_wrong_check(code: str) -> str:
    return code[:-1] + ("0" if code[-1] != "0" else "1")


def _with_wrong_org_check(code: str) -> str:
    from stations.rules import _credit_check_char

    wrong17 = "0" if code[16] != "0" else "1"
    first17 = code[:16] + wrong17
    return first17 + _credit_check_char(first17)


GOOD = make_credit_code(prefix="52440106", body="MJL16426")


@pytest.mark.parametrize(
    ("code", "confirmable"),
    [
        (_with_wrong_check(GOOD), True),  # position 18 disagrees
        (_with_wrong_org_check(GOOD), True),  # position 17 (GB 11714) disagrees
        (GOOD[:17], False),  # 17 characters
        (GOOD + "1", False),  # 19 characters
        (GOOD[:9] + "I" + GOOD[10:], False),  # I is not in the alphabet
        (GOOD[:9] + "O" + GOOD[10:], False),
        (GOOD[:12] + "S" + GOOD[13:], False),
        (GOOD[:12] + "V" + GOOD[13:], False),
        (GOOD[:12] + "Z" + GOOD[13:], False),
        (GOOD[:17] + "-", False),
        ("52" + "44A106" + GOOD[8:], False),  # the area code is not six digits
        ("", False),
    ],
)
def test_only_a_well_formed_code_whose_check_character_disagrees_is_confirmable(code, confirmable):
    result = check_credit_code(code)
    assert not result.ok
    assert result.confirmable is confirmable, result.reason


def test_a_valid_code_needs_no_confirmation():
    result = check_credit_code(GOOD)
    assert result.ok and not result.confirmable


@given(st.text(alphabet=CREDIT_CODE_ALPHABET + "IOSVZ", max_size=30).filter(lambda c: len(c) != 18))
def test_a_code_of_any_other_length_is_never_confirmable(code):
    assert not check_credit_code(code).confirmable


@given(
    st.text(alphabet=CREDIT_CODE_ALPHABET, min_size=17, max_size=17),
    st.integers(min_value=0, max_value=17),
    st.sampled_from("IOSVZ"),
)
def test_a_code_with_a_forbidden_letter_is_never_confirmable(rest, position, letter):
    code = rest[:position] + letter + rest[position:]
    assert not check_credit_code(code).confirmable
