from datetime import date
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from services import rules


def test_exactly_24_hours_a_day_passes_and_a_minute_more_fails():
    assert not rules.day_overbooked(Decimal("24.00"))
    assert rules.day_overbooked(Decimal("24.01"))


def test_a_home_visit_of_5000_person_times_is_absurd():
    problem = rules.person_times_problem(
        person_times=5000,
        kind_name="探访",
        max_person_times=20,
        registered=1,
        others=0,
        attendance_required=True,
    )
    assert problem == rules.PERSON_TIMES_ABSURD % {"kind": "探访", "max": 20, "n": 5000}


@given(registered=st.integers(0, 30), others=st.integers(0, 30))
def test_person_times_may_reach_but_not_pass_attendees_plus_others(registered, others):
    at_limit = registered + others
    kwargs = {
        "kind_name": "小组",
        "max_person_times": 1000,
        "registered": registered,
        "others": others,
        "attendance_required": True,
    }
    if at_limit >= 1:
        assert rules.person_times_problem(person_times=at_limit, **kwargs) is None
    assert rules.person_times_problem(person_times=at_limit + 1, **kwargs) == (
        rules.PERSON_TIMES_OVER_ATTENDANCE
        % {"n": at_limit + 1, "registered": registered, "others": others}
    )


def test_a_community_activity_head_count_may_exceed_the_sign_in():
    assert (
        rules.person_times_problem(
            person_times=300,
            kind_name="社区活动",
            max_person_times=3000,
            registered=0,
            others=0,
            attendance_required=False,
        )
        is None
    )


def test_zero_person_times_is_refused():
    assert (
        rules.person_times_problem(
            person_times=0,
            kind_name="个案",
            max_person_times=10,
            registered=1,
            others=0,
            attendance_required=True,
        )
        == rules.PERSON_TIMES_TOO_FEW
    )


def test_hours_at_the_kinds_limit_pass_and_above_fail():
    assert rules.hours_problem(hours=Decimal("8"), kind_name="个案", max_hours=Decimal("8")) is None
    assert rules.hours_problem(hours=Decimal("8.01"), kind_name="个案", max_hours=Decimal("8"))
    assert rules.hours_problem(hours=Decimal("0"), kind_name="个案", max_hours=Decimal("8")) == (
        rules.HOURS_BAD
    )


def test_the_report_is_due_on_the_policy_day_of_the_next_month(today):
    assert rules.report_due_on(today.year, 12, due_day=10) == date(today.year + 1, 1, 10)
    assert rules.report_due_on(today.year, 1, due_day=31) == date(today.year, 2, 28) or (
        rules.report_due_on(today.year, 1, due_day=31) == date(today.year, 2, 29)
    )


def test_a_report_is_late_the_day_after_its_due_day(today):
    assert not rules.report_late(due_on=today, today=today, submitted=False)
    assert rules.report_late(
        due_on=date.fromordinal(today.toordinal() - 1), today=today, submitted=False
    )
    assert not rules.report_late(
        due_on=date.fromordinal(today.toordinal() - 1), today=today, submitted=True
    )


def test_previous_month_wraps_at_january(today):
    assert rules.previous_month(date(today.year, 1, 1)) == (today.year - 1, 12)
    assert rules.previous_month(date(today.year, 3, 31)) == (today.year, 2)


def test_projection_runs_the_rate_to_the_year_end():
    assert rules.projected(Decimal("100"), elapsed_days=73, year_days=365) == Decimal("500.00")
    assert rules.projected(Decimal("100"), elapsed_days=0, year_days=365) == Decimal("0.00")


def test_early_warning_fires_below_the_warning_line_and_not_at_it():
    assert not rules.projected_short(
        projected_value=Decimal("35244"), target=Decimal("35244"), warning_percent=Decimal("100")
    )
    assert rules.projected_short(
        projected_value=Decimal("35243.99"),
        target=Decimal("35244"),
        warning_percent=Decimal("100"),
    )
    assert not rules.projected_short(
        projected_value=Decimal("0"), target=Decimal("0"), warning_percent=Decimal("100")
    )


def test_birth_years_outside_a_lifetime_are_refused(today):
    assert rules.birth_year_problem(today.year, today=today) is None
    assert rules.birth_year_problem(today.year + 1, today=today)
    assert rules.birth_year_problem(today.year - 121, today=today)
