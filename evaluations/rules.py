"""Pure rules of the evaluations app, on plain values (no database).

Grade bands are not in code: the caller passes the policy version's thresholds
(``PolicyVersion.grade_excellent_min`` etc.; RULES.md: unknown for Guangzhou, Shenzhen 2021
bands seeded as defaults). Rounding is half-up to two decimals, stated once here.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING

from evaluations.choices import GROUP_FOR_SCORER, Grade, NodePhase, Phase

if TYPE_CHECKING:
    from evaluations.selectors import Leaf, Tree

CENT = Decimal("0.01")
HUNDRED = Decimal("100")


def q2(value: Decimal) -> Decimal:
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def grade_for(
    total: Decimal, *, excellent_min: Decimal, good_min: Decimal, pass_min: Decimal
) -> str:
    """The grade of a total: 优秀 >= excellent_min, 良好 >= good_min, 合格 >= pass_min."""
    total = Decimal(total)
    if total >= excellent_min:
        return Grade.EXCELLENT
    if total >= good_min:
        return Grade.GOOD
    if total >= pass_min:
        return Grade.PASS
    return Grade.FAIL


def grade_for_policy(total: Decimal, policy) -> str:
    return grade_for(
        total,
        excellent_min=policy.grade_excellent_min,
        good_min=policy.grade_good_min,
        pass_min=policy.grade_pass_min,
    )


def applies_to(node_phase: str, phase: str) -> bool:
    """Whether an indicator of ``node_phase`` is scored in a cycle of ``phase``."""
    return node_phase == NodePhase.BOTH or node_phase == phase


def financial_applies(phase: str) -> bool:
    """Financial evaluation is done at the final evaluation only (穗民规字〔2019〕11号)."""
    return phase == Phase.FINAL


@dataclass(frozen=True)
class LeafScore:
    """One scored leaf as the total sees it."""

    dimension: str
    max_score: Decimal
    score: Decimal | None


def score_problem(score: Decimal | None, max_score: Decimal) -> str | None:
    """``None`` when the score is acceptable, else the reason key (``missing``, ``negative``,
    ``above_max``)."""
    if score is None:
        return "missing"
    if score < 0:
        return "negative"
    if score > max_score:
        return "above_max"
    return None


def total_score(leaves: Iterable[LeafScore], weights: dict[str, Decimal | None]) -> Decimal:
    """The 100-point total from leaf scores and dimension weights.

    Each dimension contributes ``weight × (its points / its maximum)``; weights are scaled so
    the dimensions present sum to 100. A dimension without a weight weighs its maximum points,
    so a framework without weights is simply "points scored of points possible". Leaves without
    a score count nothing (what-if on a changed tree); a dimension with no maximum is skipped.
    """
    points: dict[str, Decimal] = {}
    maxima: dict[str, Decimal] = {}
    for leaf in leaves:
        maxima[leaf.dimension] = maxima.get(leaf.dimension, Decimal(0)) + Decimal(leaf.max_score)
        points[leaf.dimension] = points.get(leaf.dimension, Decimal(0)) + Decimal(leaf.score or 0)
    dims = [d for d, m in maxima.items() if m > 0]
    if not dims:
        return Decimal("0.00")
    raw: dict[str, Decimal] = {d: (weights.get(d) or maxima[d]) for d in dims}
    weight_sum = sum(raw.values(), Decimal(0))
    if weight_sum <= 0:
        return Decimal("0.00")
    total = sum((raw[d] * points[d] / maxima[d] for d in dims), Decimal(0)) * HUNDRED / weight_sum
    return min(q2(total), Decimal("100.00"))


@dataclass(frozen=True)
class Entered:
    """A score entered by hand for one leaf, the maximum it was entered against and who
    entered it (a user id)."""

    score: Decimal
    max_score: Decimal
    by: int | None = None


@dataclass(frozen=True)
class ScoreSources:
    """Every source of one evaluation's leaf values, by leaf code.

    ``entered``: the scores the scorers typed in (evaluator, purchaser, supervisor, and the
    financial part, which the evaluator scores by hand from the funding module's figures);
    ``survey``: respondent group -> (mean answer, number of answers) of the satisfaction
    survey. A new source of values is added here and in ``leaf_value``, nowhere else.
    """

    entered: Mapping[str, Entered] = field(default_factory=dict)
    survey: Mapping[str, tuple[Decimal, int]] = field(default_factory=dict)


@dataclass(frozen=True)
class Scored:
    """One evaluation scored: the total, the breakdown saved with the result (per leaf:
    code, dimension, maximum, score, scorer, who, source) and the leaves without a value."""

    total: Decimal
    breakdown: list[dict]
    missing: list[Leaf]


def leaf_value(leaf: Leaf, sources: ScoreSources) -> tuple[Decimal | None, int | None, str]:
    """``(value, who entered it, source)`` of one leaf.

    A survey-mapped indicator takes its score from the answers when there are any, else
    from the entry by hand. An entry made against another maximum (a changed framework in
    the what-if) is scaled to this leaf's maximum, half-up to the fen.
    """
    group = GROUP_FOR_SCORER.get(leaf.scorer)
    if group is not None and group in sources.survey:
        mean, count = sources.survey[group]
        return survey_score(mean, leaf.max_score), None, f"survey:{count}"
    entered = sources.entered.get(leaf.code)
    if entered is None:
        return None, None, "manual"
    if entered.max_score == leaf.max_score:
        return Decimal(entered.score), entered.by, "manual"
    if not entered.max_score:
        return None, None, "manual"
    return q2(Decimal(entered.score) * leaf.max_score / entered.max_score), entered.by, "manual"


def score_evaluation(tree: Tree, phase: str, sources: ScoreSources) -> Scored:
    """The one computation of a result: every leaf of ``tree`` that applies in ``phase``
    valued from ``sources``, totalled with the tree's dimension weights. Stored results and
    the what-if both come from here, so an unchanged framework changes no station's score.
    """
    breakdown, values, missing = [], [], []
    for leaf in tree.leaves_for(phase):
        value, by, source = leaf_value(leaf, sources)
        if value is None:
            missing.append(leaf)
        values.append(LeafScore(leaf.dimension_code, leaf.max_score, value))
        breakdown.append(
            {
                "code": leaf.code,
                "dim": leaf.dimension_code,
                "max": str(leaf.max_score),
                "score": None if value is None else str(value),
                "scorer": leaf.scorer,
                "by": by,
                "source": source,
            }
        )
    return Scored(total_score(values, tree.dimension_weights), breakdown, missing)


def dimension_percentages(leaves: Sequence[LeafScore]) -> dict[str, Decimal]:
    """Per dimension: points scored as a percentage of its maximum (the radar chart)."""
    points: dict[str, Decimal] = {}
    maxima: dict[str, Decimal] = {}
    for leaf in leaves:
        maxima[leaf.dimension] = maxima.get(leaf.dimension, Decimal(0)) + Decimal(leaf.max_score)
        points[leaf.dimension] = points.get(leaf.dimension, Decimal(0)) + Decimal(leaf.score or 0)
    return {d: (q2(points[d] * HUNDRED / m) if m else Decimal("0.00")) for d, m in maxima.items()}


def survey_score(
    mean: Decimal, max_score: Decimal, *, scale_max: int = 5, scale_min: int = 1
) -> Decimal:
    """A survey-mapped indicator's score: the mean rating (1..5) mapped linearly onto 0..max."""
    span = Decimal(scale_max - scale_min)
    return q2((Decimal(mean) - scale_min) / span * Decimal(max_score))


def financial_suggestion(
    share: Decimal | None, floor_percent: Decimal, max_score: Decimal
) -> Decimal | None:
    """A suggested financial score from the personnel share (穗府办规〔2018〕13号: 65% floor):
    full marks at or above the floor, in proportion below it. The evaluator decides."""
    if share is None:
        return None
    if share * 1 >= floor_percent:
        return q2(max_score)
    return q2(Decimal(max_score) * Decimal(share) / Decimal(floor_percent))


def within(day: date, start: date, end: date) -> bool:
    return start <= day <= end


def operators_day(*, service_year: int, opens_on: date) -> date:
    """The day whose operators a cycle evaluates: its opening day, kept inside its service year.

    A final evaluation opened in January judges the year that has just ended, not the new
    year's contracts (another institution's, or not signed yet); a cycle opened before its
    year begins evaluates those who run the stations from 1 January.
    """
    return min(max(opens_on, date(service_year, 1, 1)), date(service_year, 12, 31))
