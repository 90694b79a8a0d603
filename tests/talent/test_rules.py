"""Pure rules: GB 11643 citizen ID numbers, registration dates, staffing thresholds."""

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from talent import rules

TODAY = dt.date(2026, 6, 30)
births = st.dates(min_value=dt.date(1900, 1, 1), max_value=TODAY)
areas = st.sampled_from(rules.GUANGZHOU_AREAS)


@given(birth=births, male=st.booleans(), seq=st.integers(0, 499), area=areas)
def test_every_generated_id_number_passes_and_gives_back_birth_date_and_sex(birth, male, seq, area):
    number = rules.make_id_number(birth_date=birth, male=male, sequence=seq, area=area)
    facts = rules.check_id_number(number, today=TODAY)
    assert facts.birth_date == birth
    assert facts.male is male
    assert int(number[16]) % 2 == (1 if male else 0)


@given(birth=births, seq=st.integers(0, 499), position=st.integers(0, 16), delta=st.integers(1, 9))
def test_changing_any_one_digit_breaks_the_check(birth, seq, position, delta):
    number = rules.make_id_number(birth_date=birth, male=True, sequence=seq)
    digit = (int(number[position]) + delta) % 10
    broken = number[:position] + str(digit) + number[position + 1 :]
    with pytest.raises(rules.InvalidIdNumber):
        rules.check_id_number(broken, today=TODAY)


def test_the_check_character_follows_the_standard_weights():
    # 11010519491231002X is the example in GB 11643-1999.
    facts = rules.check_id_number("11010519491231002x", today=TODAY)
    assert facts.birth_date == dt.date(1949, 12, 31)
    assert facts.male is False
    assert rules.id_check_char("11010519491231002") == "X"


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("1101051949123100", rules.ID_BAD_LENGTH),
        ("11010519491231002A", rules.ID_BAD_CHARACTERS),
        ("110105A9491231002X", rules.ID_BAD_CHARACTERS),
    ],
)
def test_malformed_id_numbers_are_refused_with_a_reason(value, message):
    with pytest.raises(rules.InvalidIdNumber) as error:
        rules.check_id_number(value, today=TODAY)
    assert error.value.message == message


def test_an_impossible_birth_date_is_refused():
    first17 = "44010619900230001"  # 30 February
    with pytest.raises(rules.InvalidIdNumber) as error:
        rules.check_id_number(first17 + rules.id_check_char(first17), today=TODAY)
    assert error.value.message == rules.ID_BAD_BIRTH_DATE


def test_a_birth_date_after_today_is_refused():
    number = rules.make_id_number(birth_date=TODAY + dt.timedelta(days=1), male=True)
    with pytest.raises(rules.InvalidIdNumber) as error:
        rules.check_id_number(number, today=TODAY)
    assert error.value.message == rules.ID_FUTURE_BIRTH_DATE
    rules.check_id_number(rules.make_id_number(birth_date=TODAY, male=True), today=TODAY)


@given(birth=births, seq=st.integers(0, 499))
def test_the_mask_shows_three_and_four_characters_and_never_the_birth_date(birth, seq):
    number = rules.make_id_number(birth_date=birth, male=False, sequence=seq)
    masked = rules.mask_id_number(number)
    assert len(masked) == 18
    assert masked[:3] == number[:3] and masked[-4:] == number[-4:]
    assert set(masked[3:14]) == {"*"}
    assert f"{birth:%Y%m%d}" not in masked


def test_a_registration_is_valid_for_three_years_to_the_day_before():
    assert rules.registration_expires_on(dt.date(2023, 3, 1), valid_years=3) == dt.date(2026, 2, 28)
    assert rules.registration_expires_on(dt.date(2020, 2, 29), valid_years=3) == dt.date(
        2023, 2, 27
    )


def test_renewal_is_possible_in_the_last_three_months_only():
    expires = dt.date(2026, 6, 30)
    assert rules.renewal_window(expires, window_months=3) == (dt.date(2026, 3, 31), expires)
    assert rules.in_renewal_window(dt.date(2026, 3, 31), expires, window_months=3)
    assert not rules.in_renewal_window(dt.date(2026, 3, 30), expires, window_months=3)
    assert rules.in_renewal_window(expires, expires, window_months=3)
    assert not rules.in_renewal_window(expires + dt.timedelta(days=1), expires, window_months=3)


def test_the_certificate_share_is_compared_without_dividing():
    assert rules.certificate_share_met(12, 20, Decimal("60.00"))
    assert not rules.certificate_share_met(11, 20, Decimal("60.00"))
    # 6000 of 10000 is exactly 60.00%; one fewer is 59.99%.
    assert rules.certificate_share_met(6000, 10000, Decimal("60.00"))
    assert not rules.certificate_share_met(5999, 10000, Decimal("60.00"))


def test_turnover_is_leavers_over_average_headcount():
    assert rules.turnover_percent(3, 20, 18) == Decimal("15.8")
    assert rules.turnover_percent(0, 0, 0) is None


def test_vacancies_and_ce_shortfall_never_go_negative():
    assert rules.vacancies(17, 20) == 3
    assert rules.vacancies(22, 20) == 0
    assert rules.ce_shortfall(Decimal("80"), 72) == 0
    assert rules.ce_shortfall(Decimal("60.5"), 72) == Decimal("11.5")
