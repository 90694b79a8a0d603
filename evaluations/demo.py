"""Demo step of the evaluations app: published cycles with results for past service years and
one cycle in progress, so every board has something real to show.

Results are drawn per station from a stable "quality" with noise, scored per leaf of the
seeded example framework and totalled by ``rules.total_score`` (so the figures obey the same
weights and bands as real ones). Writes are ``bulk_create``.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from evaluations import rules, selectors
from evaluations.choices import CycleStatus, EvaluationStatus, Phase, Scorer
from evaluations.models import (
    Cycle,
    Evaluation,
    EvaluatorAssignment,
    Framework,
    Score,
    SelfAssessment,
    SurveyLink,
    SurveyResponse,
)
from portal import clock
from portal.scoping import SYSTEM
from portal.selectors import policy_for_service_year
from stations.demo import DemoContext, register_demo_step

BATCH = 5000
# Score rows (not only the saved breakdown) for the latest published cycle up to this many
# stations: the what-if compares against them. Beyond it only results are stored.
SCORE_ROWS_UP_TO = 5000
# Stations of the cycle in progress that ran the satisfaction survey (links, some answered).
SURVEY_STATIONS = 40
SURVEY_LINKS = {"users": 12, "community": 5}
# Failing published results get their rectification order (the inspections mechanism) up to
# this many, so the demo of a nation-scale run stays quick.
RECTIFICATION_UP_TO = 500


def _cycle_dates(year: int, phase: str) -> dict:
    opens = dt.date(year, 6, 1) if phase == Phase.MIDTERM else dt.date(year, 11, 15)
    d = lambda n: opens + dt.timedelta(days=n)  # noqa: E731
    return {
        "opens_on": opens,
        "self_due_on": d(14),
        "scoring_starts_on": d(7),
        "scoring_due_on": d(30),
        "appeal_starts_on": d(31),
        "appeal_due_on": d(40),
        "publish_on": d(45),
    }


def _live_dates(today: dt.date) -> dict:
    """The cycle in progress: opened 12 days ago (self-assessments due two days ago, so some
    are late), but never before 1 January: it is this service year's cycle, on any day."""
    d = lambda n: today + dt.timedelta(days=n)  # noqa: E731
    opens = max(d(-12), dt.date(today.year, 1, 1))
    return {
        "opens_on": opens,
        "self_due_on": max(d(-2), opens),
        "scoring_starts_on": opens,
        "scoring_due_on": d(15),
        "appeal_starts_on": d(16),
        "appeal_due_on": d(25),
        "publish_on": d(30),
    }


def _operators(cycle: Cycle) -> dict[int, int]:
    """Station -> institution evaluated by ``cycle``, as ``cycle_open`` attributes them."""
    from stations.models import Contract

    out: dict[int, int] = {}
    for sid, iid in (
        Contract.objects.in_force(
            rules.operators_day(service_year=cycle.service_year, opens_on=cycle.opens_on)
        )
        .filter(is_comprehensive=True)
        .order_by("station_id", "-starts_on")
        .values_list("station_id", "institution_id")
    ):
        out.setdefault(sid, iid)
    return out


def evaluations(ctx: DemoContext) -> None:
    rng = ctx.rng("evaluations")
    framework = Framework.objects.filter(code="gz-station").order_by("version").first()
    if framework is None:
        return
    tree = selectors.framework_tree(framework)
    today = ctx.today
    stations = ctx.data.get("stations", [])
    quality = {s.pk: min(0.99, max(0.35, rng.gauss(0.84, 0.08))) for s in stations}
    accounts = ctx.data.get("accounts", {})
    evaluator = accounts.get("evaluator")
    demo_station = ctx.data.get("demo_station")
    now = clock.now()

    plan: list[tuple[int, str, bool]] = []  # year, phase, live
    for year in (today.year - 2, today.year - 1):
        plan += [(year, Phase.MIDTERM, False), (year, Phase.FINAL, False)]
    mid = _cycle_dates(today.year, Phase.MIDTERM)
    if mid["publish_on"] < today:
        plan.append((today.year, Phase.MIDTERM, False))
        plan.append((today.year, Phase.FINAL, True))
    else:
        plan.append((today.year, Phase.MIDTERM, True))
    last_published = max(((y, p) for y, p, live in plan if not live), default=None)

    for year, phase, live in plan:
        if Cycle.objects.filter(service_year=year, phase=phase).exists():
            continue
        dates = _live_dates(today) if live else _cycle_dates(year, phase)
        policy = policy_for_service_year(year)
        cycle = Cycle.objects.create(
            name=f"{year}年度{Phase(phase).label}",
            service_year=year,
            phase=phase,
            framework=framework,
            policy_version=policy,
            status=CycleStatus.OPEN if live else CycleStatus.PUBLISHED,
            opened_at=now,
            published_at=None if live else now,
            **dates,
        )
        if not framework.frozen_at:
            framework.frozen_at = now
            framework.save(update_fields=["frozen_at"])
        operators = _operators(cycle)
        leaves = tree.leaves_for(phase)
        rows, score_rows, self_rows = [], [], []
        small = len(operators) <= SCORE_ROWS_UP_TO
        # The latest published cycle keeps its score rows (the what-if reads them); the cycle in
        # progress has its score sheets and self-assessments filled in, as people left them.
        want_scores = ((year, phase) == last_published or live) and small
        drift = rng.uniform(-0.03, 0.03)
        for sid, iid in sorted(operators.items()):
            q = quality.get(sid, 0.8) + drift
            ev = Evaluation(cycle=cycle, station_id=sid, institution_id=iid)
            roll = rng.random()
            if live and demo_station is not None and sid == demo_station.pk:
                # The demo station's self-assessment is under way: drafted, not yet submitted,
                # so its manager has it on the to-do list (issue 13).
                rows.append(ev)
                if small:
                    self_rows.append(ev)
                continue
            if live and roll < 0.35:
                rows.append(ev)  # not started (late: self-assessment was due two days ago)
                continue
            if live and roll < 0.75:
                ev.status, ev.self_submitted_at = EvaluationStatus.SUBMITTED, now
                rows.append(ev)
                if small:
                    self_rows.append(ev)
                continue
            leaf_scores, breakdown = [], []
            for lf in leaves:
                frac = min(1.0, max(0.0, rng.gauss(q, 0.07)))
                value = rules.q2(lf.max_score * Decimal(str(round(frac, 3))))
                leaf_scores.append(rules.LeafScore(lf.dimension_code, lf.max_score, value))
                breakdown.append(
                    {
                        "code": lf.code,
                        "dim": lf.dimension_code,
                        "max": str(lf.max_score),
                        "score": str(value),
                        "scorer": lf.scorer,
                        "by": None,
                        "source": "demo",
                    }
                )
            total = rules.total_score(leaf_scores, tree.dimension_weights)
            ev.total, ev.grade = total, rules.grade_for_policy(total, policy)
            ev.breakdown, ev.framework, ev.policy_version = breakdown, framework, policy
            ev.computed_at, ev.self_submitted_at = now, now
            ev.status = EvaluationStatus.SCORED if live else EvaluationStatus.PUBLISHED
            ev.published_at = None if live else now
            rows.append(ev)
            if live and small:
                self_rows.append(ev)
            if want_scores:
                score_rows.append(
                    (ev, [(lf, ls.score) for lf, ls in zip(leaves, leaf_scores, strict=True)])
                )
        Evaluation.objects.bulk_create(rows, batch_size=BATCH)
        if score_rows:
            Score.objects.bulk_create(
                [
                    Score(
                        evaluation_id=ev.pk,
                        node_id=lf.id,
                        score=value,
                        scorer=lf.scorer,
                        scored_by=evaluator if lf.scorer in _EVALUATOR_PARTS else None,
                        comment="",
                    )
                    for ev, pairs in score_rows
                    for lf, value in pairs
                ],
                batch_size=BATCH,
            )
        if self_rows:
            SelfAssessment.objects.bulk_create(
                [
                    SelfAssessment(
                        evaluation_id=ev.pk,
                        node_id=lf.id,
                        text=_self_text(lf, rng),
                    )
                    for ev in self_rows
                    for lf in leaves
                    if lf.scorer == Scorer.EVALUATOR
                ],
                batch_size=BATCH,
            )
        if live:
            _surveys(cycle, rows, ctx, rng, now)
        if live and evaluator is not None:
            station = ctx.data.get("demo_station")
            district_id = station.district_id if station else None
            mine = (
                Evaluation.objects.filter(cycle=cycle, station__district_id=district_id)
                if district_id
                else Evaluation.objects.filter(cycle=cycle)[:20]
            )
            EvaluatorAssignment.objects.bulk_create(
                [
                    EvaluatorAssignment(
                        evaluation_id=pk,
                        evaluator=evaluator,
                        starts_on=dates["opens_on"],
                        ends_on=dates["publish_on"],
                    )
                    for pk in mine.values_list("pk", flat=True)
                ],
                batch_size=BATCH,
            )
        ctx.log(f"    {cycle.name}: {len(rows)} evaluations")
    ctx.data["evaluation_framework"] = framework
    _rectifications(ctx)


_EVALUATOR_PARTS = frozenset({Scorer.EVALUATOR, Scorer.FINANCIAL, Scorer.USERS, Scorer.COMMUNITY})
_SELF_TEXTS = (
    "已按要求整理相关台账和佐证材料，详见附件。",
    "本年度按计划完成，个别环节仍在完善中。",
    "制度和记录齐全，服务过程留有照片和签到表。",
    "已完成主要工作，部分资料正在补充归档。",
)


def _self_text(leaf, rng) -> str:
    return f"{leaf.name}：{rng.choice(_SELF_TEXTS)}"


def _surveys(cycle: Cycle, rows: list[Evaluation], ctx: DemoContext, rng, now) -> None:
    """Survey links for some stations of the cycle in progress whose scores are not in yet
    (the answers would change a result already computed), about two in three answered."""
    import secrets

    from evaluations.choices import SURVEY_SCALE
    from evaluations.selectors import survey_questions

    demo_station = ctx.data.get("demo_station")
    pending = [e for e in rows if e.status == EvaluationStatus.SUBMITTED]
    pending.sort(key=lambda e: (demo_station is None or e.station_id != demo_station.pk, e.pk))
    chosen = pending[:SURVEY_STATIONS]
    questions = {g: [code for code, _t in survey_questions(g)] for g in SURVEY_LINKS}
    links, answers = [], []
    low, high = SURVEY_SCALE
    for ev in chosen:
        for group, count in SURVEY_LINKS.items():
            for _i in range(count):
                link = SurveyLink(
                    evaluation_id=ev.pk,
                    group=group,
                    token=secrets.token_urlsafe(24),
                    issued_at=now,
                )
                links.append(link)
                if questions[group] and rng.random() < 0.65:
                    link.answered_at = now
                    answers.append((link, group))
    SurveyLink.objects.bulk_create(links, batch_size=BATCH)
    responses = []
    for link, group in answers:
        values = {code: rng.choice((3, 4, 4, 5, 5)) for code in questions[group]}
        values = {k: min(high, max(low, v)) for k, v in values.items()}
        mean = rules.q2(Decimal(sum(values.values())) / len(values))
        responses.append(
            SurveyResponse(
                link_id=link.pk,
                evaluation_id=link.evaluation_id,
                group=group,
                answers=values,
                mean=mean,
                submitted_at=now,
            )
        )
    SurveyResponse.objects.bulk_create(responses, batch_size=BATCH)


def _rectifications(ctx: DemoContext) -> None:
    """A failing published result requires a rectification plan: open each one's order through
    the shared mechanism, as publication does."""
    from evaluations.choices import Grade
    from evaluations.services import rectification_open_for

    failing = (
        Evaluation.objects.filter(
            status=EvaluationStatus.PUBLISHED, grade=Grade.FAIL, rectification_order_id=None
        )
        .select_related("cycle", "station")
        .order_by("cycle__opens_on", "station_id")[:RECTIFICATION_UP_TO]
    )
    n = sum(1 for ev in failing if rectification_open_for(actor=SYSTEM, evaluation=ev))
    if n:
        ctx.log(f"    rectification orders for failing results: {n}")


register_demo_step("evaluations", evaluations, order=150)
