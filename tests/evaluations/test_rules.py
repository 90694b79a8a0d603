from datetime import date
from decimal import Decimal

import pytest

from evaluations import rules
from evaluations.choices import Grade

BANDS = {
    "excellent_min": Decimal("90.00"),
    "good_min": Decimal("80.00"),
    "pass_min": Decimal("60.00"),
}


@pytest.mark.parametrize(
    ("total", "grade"),
    [
        ("100.00", Grade.EXCELLENT),
        ("90.00", Grade.EXCELLENT),
        ("89.99", Grade.GOOD),
        ("80.00", Grade.GOOD),
        ("79.99", Grade.PASS),
        ("60.00", Grade.PASS),
        ("59.99", Grade.FAIL),
        ("0.00", Grade.FAIL),
    ],
)
def test_grade_bands_hold_at_their_boundaries(total, grade):
    assert rules.grade_for(Decimal(total), **BANDS) == grade


def test_grade_bands_come_from_the_policy_values_given():
    bands = {"excellent_min": Decimal("95"), "good_min": Decimal("85"), "pass_min": Decimal("70")}
    assert rules.grade_for(Decimal("94.99"), **bands) == Grade.GOOD
    assert rules.grade_for(Decimal("69.99"), **bands) == Grade.FAIL


def test_total_weighs_dimensions_by_their_weights():
    leaves = [
        rules.LeafScore("A", Decimal(10), Decimal(10)),
        rules.LeafScore("B", Decimal(10), Decimal(5)),
    ]
    # A: 100% at weight 30; B: 50% at weight 70 -> 30 + 35 = 65
    assert rules.total_score(leaves, {"A": Decimal(30), "B": Decimal(70)}) == Decimal("65.00")


def test_total_without_weights_is_points_of_points_possible():
    leaves = [
        rules.LeafScore("A", Decimal(10), Decimal(9)),
        rules.LeafScore("B", Decimal(30), Decimal(15)),
    ]
    assert rules.total_score(leaves, {}) == Decimal("60.00")


def test_weights_are_rescaled_when_a_dimension_does_not_apply():
    leaves = [rules.LeafScore("A", Decimal(10), Decimal(10))]
    assert rules.total_score(leaves, {"A": Decimal(15), "D4": Decimal(15)}) == Decimal("100.00")


def test_score_problems_name_the_rule_broken():
    assert rules.score_problem(None, Decimal(5)) == "missing"
    assert rules.score_problem(Decimal("-0.01"), Decimal(5)) == "negative"
    assert rules.score_problem(Decimal("5.01"), Decimal(5)) == "above_max"
    assert rules.score_problem(Decimal("5.00"), Decimal(5)) is None
    assert rules.score_problem(Decimal("0"), Decimal(5)) is None


def test_survey_mean_maps_onto_the_indicator_maximum():
    assert rules.survey_score(Decimal(5), Decimal(10)) == Decimal("10.00")
    assert rules.survey_score(Decimal(1), Decimal(10)) == Decimal("0.00")
    assert rules.survey_score(Decimal(4), Decimal(10)) == Decimal("7.50")


def test_financial_suggestion_gives_full_marks_at_the_floor():
    assert rules.financial_suggestion(Decimal("65.00"), Decimal("65.00"), Decimal(10)) == Decimal(
        "10.00"
    )
    assert rules.financial_suggestion(Decimal("52.00"), Decimal("65.00"), Decimal(10)) == Decimal(
        "8.00"
    )


@pytest.mark.parametrize(
    ("service_year", "opens_on", "day"),
    [
        (2027, date(2027, 6, 1), date(2027, 6, 1)),
        (2027, date(2027, 1, 1), date(2027, 1, 1)),
        (2027, date(2027, 12, 31), date(2027, 12, 31)),
        (2027, date(2028, 1, 10), date(2027, 12, 31)),  # a final opened after its year
        (2028, date(2027, 12, 20), date(2028, 1, 1)),  # a mid-term opened before its year
        (2028, date(2028, 2, 29), date(2028, 2, 29)),
    ],
)
def test_a_cycle_evaluates_the_operators_of_a_day_inside_its_service_year(
    service_year, opens_on, day
):
    assert rules.operators_day(service_year=service_year, opens_on=opens_on) == day
