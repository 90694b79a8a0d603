"""Reads of the evaluations app. Every list a user sees goes through ``restrict``; the board
and the results table run a fixed number of queries whatever the number of stations."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import Count, Exists, Max, OuterRef, Q, Subquery

from evaluations import rules
from evaluations.choices import (
    GROUP_FOR_SCORER,
    STATUS_ORDER,
    EvaluationStatus,
    Grade,
    NodeLevel,
    Phase,
    RespondentGroup,
    Scorer,
)
from evaluations.models import (
    Cycle,
    Evaluation,
    EvaluatorAssignment,
    Framework,
    FrameworkNode,
    Score,
    SurveyLink,
    SurveyQuestion,
    SurveyResponse,
    active_assignment_q,
)
from portal import clock
from portal.scoping import VIEW

# --- the indicator tree ----------------------------------------------------------------------


@dataclass
class Leaf:
    """A scored leaf of a framework with the dimension it belongs to."""

    id: int
    code: str
    name: str
    max_score: Decimal
    phase: str
    scorer: str
    method: str
    evidence: str
    dimension_code: str
    dimension_name: str
    indicator_name: str = ""


@dataclass
class Tree:
    framework: Framework
    nodes: list[FrameworkNode]
    children: dict[int | None, list[FrameworkNode]] = field(default_factory=dict)
    dimension_weights: dict[str, Decimal | None] = field(default_factory=dict)
    dimension_names: dict[str, str] = field(default_factory=dict)
    leaves: list[Leaf] = field(default_factory=list)

    def leaves_for(self, phase: str) -> list[Leaf]:
        return [lf for lf in self.leaves if _leaf_applies(lf, phase)]

    def leaf_by_id(self) -> dict[int, Leaf]:
        return {lf.id: lf for lf in self.leaves}

    def rows(self):
        """Depth-first (node, depth) for display and export."""

        def walk(parent, depth):
            for n in self.children.get(parent, []):
                yield n, depth
                yield from walk(n.pk, depth + 1)

        yield from walk(None, 0)


def _leaf_applies(leaf: Leaf, phase: str) -> bool:
    if not rules.applies_to(leaf.phase, phase):
        return False
    return not (leaf.scorer == Scorer.FINANCIAL and not rules.financial_applies(phase))


_tree_cache: dict[tuple[int, object], Tree] = {}


def framework_tree(framework: Framework) -> Tree:
    """The framework's tree in one query; frozen versions are cached (they never change)."""
    key = (framework.pk, framework.frozen_at)
    if framework.frozen_at and key in _tree_cache:
        return _tree_cache[key]
    nodes = list(FrameworkNode.objects.filter(framework=framework).order_by("sort_order", "code"))
    tree = Tree(framework=framework, nodes=nodes)
    by_id = {n.pk: n for n in nodes}
    for n in nodes:
        tree.children.setdefault(n.parent_id, []).append(n)
    for n in nodes:
        if n.parent_id is None:
            tree.dimension_weights[n.code] = n.weight
            tree.dimension_names[n.code] = n.name

    def effective_phase(n) -> str:
        phases = []
        while n is not None:
            phases.append(n.phase)
            n = by_id.get(n.parent_id)
        narrow = [p for p in phases if p != "both"]
        return narrow[0] if narrow else "both"

    for n, _depth in tree.rows():
        if tree.children.get(n.pk):
            continue
        top, chain = n, []
        while top.parent_id is not None:
            chain.append(top)
            top = by_id[top.parent_id]
        indicator = next((c for c in chain if c.level == NodeLevel.INDICATOR), None)
        tree.leaves.append(
            Leaf(
                id=n.pk,
                code=n.code,
                name=n.name,
                max_score=n.max_score or Decimal(0),
                phase=effective_phase(n),
                scorer=n.scorer,
                method=n.method,
                evidence=n.evidence,
                dimension_code=top.code,
                dimension_name=top.name,
                indicator_name=indicator.name if indicator and indicator is not n else "",
            )
        )
    if framework.frozen_at:
        _tree_cache[key] = tree
    return tree


def framework_list(user):
    return (
        Framework.objects.restrict(user, VIEW)
        .annotate(
            node_count=Count("nodes", distinct=True), cycle_count=Count("cycles", distinct=True)
        )
        .order_by("code", "-version")
    )


def framework_problems(tree: Tree) -> list[str]:
    """What keeps a framework from being used: leaves without a maximum, no leaves at all."""
    from django.utils.translation import gettext as _

    problems = []
    if not tree.leaves:
        problems.append(_("指标体系没有任何评分项。"))
    for leaf in tree.leaves:
        if not leaf.max_score:
            problems.append(
                _("“%(code)s %(name)s”未设满分。") % {"code": leaf.code, "name": leaf.name}
            )
    for phase in Phase.values:
        if tree.leaves and not tree.leaves_for(phase):
            problems.append(_("没有适用于%(phase)s的评分项。") % {"phase": Phase(phase).label})
    return problems


# --- cycles and the board --------------------------------------------------------------------


def cycle_list(user):
    return Cycle.objects.restrict(user, VIEW).select_related("framework", "policy_version")


def current_cycle(user, today: date) -> Cycle | None:
    """The latest cycle (by opening date) that has opened by ``today``, among those the user
    may see: what the evaluation list shows when no cycle is chosen."""
    return (
        Cycle.objects.restrict(user, VIEW)
        .filter(opens_on__lte=today)
        .order_by("-opens_on", "-pk")
        .first()
    )


def evaluations_in_scope(user, cycle: Cycle | None = None):
    qs = Evaluation.objects.restrict(user, VIEW)
    if cycle is not None:
        qs = qs.filter(cycle=cycle)
    return qs


def late_q(cycle: Cycle, today: date) -> Q:
    """Evaluations behind their cycle's dates: self-assessment not in by its due date, or not
    scored by the scoring deadline, or an appeal not answered by the appeal deadline."""
    cond = Q(pk__in=[])
    if today > cycle.self_due_on:
        cond |= Q(status=EvaluationStatus.NOT_STARTED)
    if today > cycle.scoring_due_on:
        cond |= Q(status__in=[EvaluationStatus.NOT_STARTED, EvaluationStatus.SUBMITTED])
    if today > cycle.appeal_due_on:
        cond |= Q(status=EvaluationStatus.IN_APPEAL)
    return cond


BOARD_DISTRICTS = 60
CHART_DISTRICTS = 30


def _district_names(ids) -> dict[int, dict]:
    from stations.models import District

    return {
        d["pk"]: d for d in District.objects.filter(pk__in=list(ids)).values("pk", "code", "name")
    }


def cycle_board(user, cycle: Cycle, today: date | None = None) -> dict:
    """Progress per district and status, late counts: one aggregate query, one for names.

    The aggregate groups by the district id alone (a hash over an index-only scan of the
    cycle's rows); the names are read for the districts shown. The totals cover every
    district in scope; the table shows at most ``BOARD_DISTRICTS`` rows (the most late first)
    so that a nation-scale board (thousands of districts) renders as fast as a city's.
    ``district_count`` tells the page how many there are; the evaluation list's district
    filter reaches the others.
    """
    today = today or clock.today()
    late = late_q(cycle, today)
    aggregates = {s: Count("pk", filter=Q(status=s)) for s in STATUS_ORDER}
    rows = list(
        evaluations_in_scope(user, cycle)
        .order_by()
        .values("station__district_id")
        .annotate(total=Count("pk"), late=Count("pk", filter=late), **aggregates)
    )
    totals = dict.fromkeys(STATUS_ORDER, 0) | {"total": 0, "late": 0}
    for r in rows:
        for k in totals:
            totals[k] += r[k]
    district_count = len(rows)
    if district_count > BOARD_DISTRICTS:
        rows.sort(key=lambda r: (-r["late"], r["station__district_id"]))
        rows = rows[:BOARD_DISTRICTS]
    names = _district_names(r["station__district_id"] for r in rows)
    districts = sorted(
        (
            {
                "id": r["station__district_id"],
                "code": names[r["station__district_id"]]["code"],
                "name": names[r["station__district_id"]]["name"],
                "total": r["total"],
                "late": r["late"],
                "statuses": [r[s] for s in STATUS_ORDER],
                "done_percent": round(100 * r[EvaluationStatus.PUBLISHED] / r["total"])
                if r["total"]
                else 0,
            }
            for r in rows
        ),
        key=lambda d: d["code"],
    )
    return {
        "cycle": cycle,
        "today": today,
        "districts": districts,
        "district_count": district_count,
        "totals": totals,
        "statuses": [(s, EvaluationStatus(s).label, totals[s]) for s in STATUS_ORDER],
    }


def late_case(today: date):
    """``True`` for an evaluation behind its own cycle's dates (a CASE over the joined cycle),
    so lists across cycles flag lateness in SQL, never per row in Python."""
    from django.db.models import BooleanField, Case, Value, When

    return Case(
        When(
            Q(status=EvaluationStatus.NOT_STARTED) & Q(cycle__self_due_on__lt=today),
            then=Value(True),
        ),
        When(
            Q(status__in=[EvaluationStatus.NOT_STARTED, EvaluationStatus.SUBMITTED])
            & Q(cycle__scoring_due_on__lt=today),
            then=Value(True),
        ),
        When(
            Q(status=EvaluationStatus.IN_APPEAL) & Q(cycle__appeal_due_on__lt=today),
            then=Value(True),
        ),
        default=Value(False),
        output_field=BooleanField(),
    )


# Newest cycle first. Cycles sort by their opening date, never by ``phase``: the stored values
# sort "final" before "midterm", the opposite of their order in the service year.
EVALUATION_LIST_ORDER = ("-cycle__opens_on", "station__code")


def evaluation_list(user, cycle: Cycle | None = None, today: date | None = None):
    """Rows of a list: station, district, institution, cycle, and ``is_late``."""
    today = today or clock.today()
    qs = evaluations_in_scope(user, cycle).select_related(
        "station", "station__district", "station__subdistrict", "institution", "cycle"
    )
    return qs.annotate(is_late=late_case(today))


def results_table(user, cycle: Cycle):
    """Scored or published evaluations of a cycle with district rank (window function)."""
    from django.db.models import F, Window
    from django.db.models.functions import Rank

    return (
        evaluations_in_scope(user, cycle)
        .filter(total__isnull=False)
        .select_related("station", "station__district", "institution")
        .annotate(
            district_rank=Window(
                Rank(), partition_by=[F("station__district_id")], order_by=F("total").desc()
            )
        )
        .order_by("-total", "station__code")
    )


def results_rows(user, cycle: Cycle):
    """The results table a page at a time: the same rows and order as ``results_table``
    without the window (which ranks every row of the cycle before the first page can be
    cut). Ranks for the page come from ``with_district_rank``."""
    return (
        evaluations_in_scope(user, cycle)
        .filter(total__isnull=False)
        .order_by("-total", "station__code")
    )


def with_district_rank(qs, cycle: Cycle):
    """Annotate ``district_rank``: 1 + how many of the cycle's results in the evaluation's
    district are higher (the same as SQL ``RANK()``). Evaluated per row returned, so apply it
    to a page's rows only; each row reads its district's few peers by index."""
    from django.db.models import IntegerField
    from django.db.models.functions import Coalesce

    above = (
        Evaluation.objects.filter(
            cycle_id=cycle.pk,
            total__isnull=False,
            station__district_id=OuterRef("station__district_id"),
            total__gt=OuterRef("total"),
        )
        .order_by()
        .values("cycle_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return qs.annotate(district_rank=Coalesce(Subquery(above, output_field=IntegerField()), 0) + 1)


def grade_distribution(user, cycle: Cycle) -> dict:
    """Per district: how many of each grade (one aggregate query by district id, one for the
    names of the districts charted: at most ``CHART_DISTRICTS``, the most results first)."""
    grades = [g.value for g in Grade]
    rows = list(
        evaluations_in_scope(user, cycle)
        .filter(total__isnull=False)
        .order_by()
        .values("station__district_id")
        .annotate(**{g: Count("pk", filter=Q(grade=g)) for g in grades})
    )
    if len(rows) > CHART_DISTRICTS:
        rows.sort(key=lambda r: (-sum(r[g] for g in grades), r["station__district_id"]))
        rows = rows[:CHART_DISTRICTS]
    names = _district_names(r["station__district_id"] for r in rows)
    rows.sort(key=lambda r: names[r["station__district_id"]]["code"])
    return {
        "district_ids": [r["station__district_id"] for r in rows],
        "districts": [names[r["station__district_id"]]["name"] for r in rows],
        "grades": [
            {"key": g, "label": str(Grade(g).label), "counts": [r[g] for r in rows]} for g in grades
        ],
    }


def station_history(user, station) -> list[Evaluation]:
    return list(
        Evaluation.objects.restrict(user, VIEW)
        .filter(station=station)
        .select_related("cycle", "institution")
        .order_by("cycle__opens_on")
    )


def previous_evaluation(evaluation: Evaluation) -> Evaluation | None:
    """The same station's latest earlier evaluation with a result."""
    earlier = (
        Evaluation.objects.filter(station_id=evaluation.station_id, total__isnull=False)
        .exclude(pk=evaluation.pk)
        .filter(
            Q(cycle__service_year__lt=evaluation.cycle.service_year)
            | Q(cycle__service_year=evaluation.cycle.service_year, cycle__phase=Phase.MIDTERM)
            & ~Q(cycle__phase=evaluation.cycle.phase)
        )
        .select_related("cycle")
        .order_by("-cycle__opens_on")
    )
    return earlier.first()


def district_rank(evaluation: Evaluation) -> tuple[int | None, int]:
    """Rank of the evaluation's total among its district's in the cycle, and how many."""
    if evaluation.total is None:
        return None, 0
    peers = Evaluation.objects.filter(
        cycle_id=evaluation.cycle_id,
        station__district_id=evaluation.station.district_id,
        total__isnull=False,
    )
    agg = peers.aggregate(n=Count("pk"), above=Count("pk", filter=Q(total__gt=evaluation.total)))
    return agg["above"] + 1, agg["n"]


# --- one evaluation --------------------------------------------------------------------------


def evaluation_get(user, pk: int) -> Evaluation:
    from django.shortcuts import get_object_or_404

    return get_object_or_404(
        Evaluation.objects.restrict(user, VIEW).select_related(
            "cycle",
            "cycle__framework",
            "cycle__policy_version",
            "station",
            "station__district",
            "station__subdistrict",
            "institution",
            "policy_version",
            "framework",
        ),
        pk=pk,
    )


def survey_means(evaluation_ids) -> dict[tuple[int, str], tuple[Decimal, int]]:
    """(evaluation id, group) -> (mean of the answers' means, count), one query."""
    from django.db.models import Avg

    rows = (
        SurveyResponse.objects.filter(evaluation_id__in=evaluation_ids)
        .order_by()
        .values("evaluation_id", "group")
        .annotate(mean=Avg("mean"), n=Count("pk"))
    )
    return {(r["evaluation_id"], r["group"]): (Decimal(r["mean"]), r["n"]) for r in rows}


def score_sources(tree: Tree, evaluation_ids) -> dict[int, rules.ScoreSources]:
    """Every source of the scores of ``evaluation_ids`` (a list or a queryset of ids), for
    ``rules.score_evaluation``: the scores entered, by leaf code of ``tree`` (the framework
    they were entered on), and the survey answers. Two queries; an evaluation with neither
    has no entry."""
    by_id = tree.leaf_by_id()
    entered: dict[int, dict[str, rules.Entered]] = {}
    rows = (
        Score.objects.filter(evaluation_id__in=evaluation_ids)
        .order_by()
        .values_list("evaluation_id", "node_id", "score", "scored_by_id")
    )
    for ev_id, node_id, score, by in rows.iterator(chunk_size=20000):
        leaf = by_id.get(node_id)
        if leaf is not None:
            entered.setdefault(ev_id, {})[leaf.code] = rules.Entered(score, leaf.max_score, by)
    survey: dict[int, dict[str, tuple[Decimal, int]]] = {}
    for (ev_id, group), value in survey_means(evaluation_ids).items():
        survey.setdefault(ev_id, {})[group] = value
    return {
        ev_id: rules.ScoreSources(entered.get(ev_id, {}), survey.get(ev_id, {}))
        for ev_id in entered.keys() | survey.keys()
    }


def survey_questions(group: str) -> list[tuple[str, str]]:
    """(code, text) of the questions in use for a respondent group, in order (one query).
    The public survey page has no user, so this reads the reference table directly."""
    return list(
        SurveyQuestion.objects.filter(group=group, is_active=True)
        .order_by("sort_order", "code")
        .values_list("code", "text")
    )


def survey_rate_rows(user, cycle: Cycle):
    """Per station and group: links issued and answered, one grouped query; page it and
    format each row with ``survey_rate``."""
    return (
        SurveyLink.objects.restrict(user, VIEW)
        .filter(evaluation__cycle=cycle)
        .order_by()
        .values(
            "evaluation_id",
            "evaluation__station__code",
            "evaluation__station__name",
            "evaluation__station__district__name",
            "group",
        )
        .annotate(issued=Count("pk"), answered=Count("pk", filter=Q(answered_at__isnull=False)))
        .order_by("evaluation__station__code", "group")
    )


def survey_rate(r: dict) -> dict:
    return {
        "evaluation_id": r["evaluation_id"],
        "code": r["evaluation__station__code"],
        "station": r["evaluation__station__name"],
        "district": r["evaluation__station__district__name"],
        "group": RespondentGroup(r["group"]).label,
        "issued": r["issued"],
        "answered": r["answered"],
        "rate": round(100 * r["answered"] / r["issued"]) if r["issued"] else 0,
    }


def survey_rates(user, cycle: Cycle) -> list[dict]:
    """Every row of ``survey_rate_rows``, formatted (exports and small scopes)."""
    return [survey_rate(r) for r in survey_rate_rows(user, cycle)]


def survey_totals(user, cycle: Cycle) -> list[dict]:
    """Links issued and answered per group over the whole scope, one row per group (one
    query)."""
    rows = (
        SurveyLink.objects.restrict(user, VIEW)
        .filter(evaluation__cycle=cycle)
        .order_by()
        .values("group")
        .annotate(issued=Count("pk"), answered=Count("pk", filter=Q(answered_at__isnull=False)))
    )
    out = []
    for r in rows:
        out.append(
            {
                "group": RespondentGroup(r["group"]).label,
                "issued": r["issued"],
                "answered": r["answered"],
                "rate": round(100 * r["answered"] / r["issued"]) if r["issued"] else 0,
            }
        )
    return sorted(out, key=lambda r: str(r["group"]))


def active_evaluator_ids(evaluation: Evaluation, on: date | None = None) -> list[int]:
    on = on or clock.today()
    return list(
        EvaluatorAssignment.objects.filter(
            active_assignment_q(on), evaluation=evaluation
        ).values_list("evaluator_id", flat=True)
    )


def evaluator_has(user, evaluation: Evaluation, on: date | None = None) -> bool:
    on = on or clock.today()
    return EvaluatorAssignment.objects.filter(
        active_assignment_q(on), evaluation=evaluation, evaluator=user
    ).exists()


def scores_by_node(evaluation: Evaluation) -> dict[int, Score]:
    return {s.node_id: s for s in evaluation.scores.select_related("scored_by")}


def evaluations_with_flags(qs):
    """Annotate whether an appeal exists (for lists)."""
    from evaluations.models import Appeal

    return qs.annotate(has_appeal=Exists(Appeal.objects.filter(evaluation=OuterRef("pk"))))


def last_results_cycle(before: Cycle | None = None) -> Cycle | None:
    qs = Cycle.objects.filter(
        Exists(Evaluation.objects.filter(cycle=OuterRef("pk"), total__isnull=False))
    )
    return qs.order_by("-opens_on").first()


def what_if(user, draft: Framework, cycle: Cycle) -> list[dict]:
    """Per station: the cycle's total and grade, and what they would be under ``draft``.

    Each result is computed again by ``rules.score_evaluation``, the function that computed
    the stored one, from the same sources: scores entered carry over by indicator code
    (scaled to a changed maximum) and survey answers feed the indicators mapped to them. An
    unchanged framework therefore changes nothing; a new indicator with no value counts
    nothing and is reported as missing. A fixed number of queries, whatever the number of
    stations.
    """
    old_tree = framework_tree(cycle.framework)
    new_tree = framework_tree(draft)
    policy = cycle.policy_version
    if policy is None:
        from portal.selectors import policy_for_service_year

        policy = policy_for_service_year(cycle.service_year)
    scored = (
        evaluations_in_scope(user, cycle)
        .filter(total__isnull=False)
        .select_related("station", "station__district")
        .order_by("station__code")
    )
    evaluations = list(scored)
    sources = score_sources(old_tree, scored.values("pk"))
    nothing = rules.ScoreSources()
    out = []
    for ev in evaluations:
        result = rules.score_evaluation(new_tree, cycle.phase, sources.get(ev.pk, nothing))
        new_grade = rules.grade_for_policy(result.total, policy)
        out.append(
            {
                "station": ev.station,
                "district": ev.station.district.name,
                "old_total": ev.total,
                "old_grade": Grade(ev.grade).label if ev.grade else "",
                "new_total": result.total,
                "new_grade": Grade(new_grade).label,
                "change": result.total - ev.total,
                "grade_changed": new_grade != ev.grade,
                "missing": len(result.missing),
            }
        )
    return out


def trend(history: list[Evaluation]) -> dict:
    return {
        "labels": [
            f"{e.cycle.service_year}{e.cycle.get_phase_display()}"
            for e in history
            if e.total is not None
        ],
        "totals": [float(e.total) for e in history if e.total is not None],
    }


def to_do_counts(user) -> dict:
    """Counts for the home page's to-do list, one query per role family."""
    qs = Evaluation.objects.restrict(user, VIEW).filter(cycle__status="open")
    return qs.aggregate(
        not_started=Count("pk", filter=Q(status=EvaluationStatus.NOT_STARTED)),
        submitted=Count("pk", filter=Q(status=EvaluationStatus.SUBMITTED)),
        in_appeal=Count("pk", filter=Q(status=EvaluationStatus.IN_APPEAL)),
        scored=Count("pk", filter=Q(status=EvaluationStatus.SCORED)),
        first_due=Max("cycle__self_due_on"),
    )


__all__ = ["GROUP_FOR_SCORER", "Subquery"]


def latest_grades_for(*, station_ids, on: date) -> dict[int, str]:
    """Each station's grade in its latest published evaluation whose cycle opened by ``on``.

    A risk signal for the quarterly inspection draw (inspections.selectors): one query with a
    correlated subquery per station (served by the cycle/station index), not one per row.
    """
    from stations.models import Station

    latest = (
        Evaluation.objects.filter(
            station=OuterRef("pk"),
            status=EvaluationStatus.PUBLISHED,
            cycle__opens_on__lte=on,
        )
        .exclude(grade="")
        .order_by("-cycle__opens_on", "-pk")
        .values("grade")[:1]
    )
    rows = (
        Station.objects.filter(pk__in=list(station_ids))
        .annotate(latest_grade=Subquery(latest))
        .filter(latest_grade__isnull=False)
        .values_list("pk", "latest_grade")
    )
    return dict(rows)
