"""Samples of the evaluations app for the scope walk (tests/samples.py): an evaluation of
station A1 in a cycle open today, assigned to an evaluator other than ``world.evaluator``."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.files.base import ContentFile

from evaluations import services
from evaluations.choices import (
    AppealStatus,
    CycleStatus,
    EvaluationStatus,
    Grade,
    Phase,
    RespondentGroup,
)
from evaluations.models import (
    Appeal,
    AppealItem,
    Cycle,
    Evaluation,
    EvaluatorAssignment,
    Evidence,
    Framework,
    FrameworkNode,
    Score,
    SelfAssessment,
    SurveyLink,
    SurveyQuestion,
    SurveyResponse,
)
from portal import clock
from portal.selectors import policy_for_service_year
from tests.portal.samples import assigned_evaluator
from tests.samples import MARK, register, sample


def _leaf(world) -> FrameworkNode:
    return sample(world, FrameworkNode)


@register(Framework)
def framework(world) -> Framework:
    return Framework.objects.get(code="gz-station", version=1)


@register(FrameworkNode)
def framework_node(world) -> FrameworkNode:
    """A leaf scored in the sample cycle's phase."""
    from evaluations.selectors import framework_tree

    cycle = sample(world, Cycle)
    leaf = framework_tree(cycle.framework).leaves_for(cycle.phase)[0]
    return FrameworkNode.objects.get(pk=leaf.id)


@register(SurveyQuestion)
def survey_question(world) -> SurveyQuestion:
    return SurveyQuestion.objects.order_by("pk").first()


@register(Cycle)
def cycle(world) -> Cycle:
    today = clock.today()
    d = lambda n: today + dt.timedelta(days=n)  # noqa: E731
    created = services.cycle_create(
        actor=world.city_officer,
        service_year=today.year,
        phase=Phase.MIDTERM,
        framework=sample(world, Framework),
        opens_on=d(-10),
        self_due_on=d(5),
        scoring_starts_on=d(-10),
        scoring_due_on=d(10),
        appeal_starts_on=d(11),
        appeal_due_on=d(20),
        publish_on=d(21),
    )
    # Opened by hand: cycle_open would add an evaluation for every station, district B's too.
    created.status = CycleStatus.OPEN
    created.opened_at = clock.now()
    created.policy_version = policy_for_service_year(today.year)
    created.save(update_fields=["status", "opened_at", "policy_version", "updated_at"])
    return created


@register(Evaluation)
def evaluation(world) -> Evaluation:
    """Scored, so that its report (a PDF) exists, and not yet published."""
    cycle = sample(world, Cycle)
    return Evaluation.objects.create(
        cycle=cycle,
        station=world.station_a1,
        institution=world.institution_a,
        status=EvaluationStatus.SCORED,
        self_submitted_at=clock.now(),
        self_submitted_by=world.station_a1_manager,
        total=Decimal("86.50"),
        grade=Grade.GOOD,
        framework=cycle.framework,
        policy_version=cycle.policy_version,
        computed_at=clock.now(),
    )


@register(EvaluatorAssignment)
def evaluator_assignment(world) -> EvaluatorAssignment:
    return EvaluatorAssignment.objects.create(
        evaluation=sample(world, Evaluation),
        evaluator=assigned_evaluator(world),
        starts_on=clock.today() - dt.timedelta(days=5),
        assigned_by=world.city_officer,
    )


@register(Score)
def score(world) -> Score:
    leaf = _leaf(world)
    return Score.objects.create(
        evaluation=sample(world, Evaluation),
        node=leaf,
        score=leaf.max_score,
        comment=f"{MARK}评语",
        scorer=leaf.scorer,
        scored_by=assigned_evaluator(world),
    )


@register(SelfAssessment)
def self_assessment(world) -> SelfAssessment:
    return SelfAssessment.objects.create(
        evaluation=sample(world, Evaluation),
        node=_leaf(world),
        text=f"{MARK}自评说明",
        updated_by=world.station_a1_manager,
    )


@register(Appeal)
def appeal(world) -> Appeal:
    return Appeal.objects.create(
        evaluation=sample(world, Evaluation),
        reason=f"{MARK}申诉理由",
        status=AppealStatus.FILED,
        filed_by=world.station_a1_manager,
    )


@register(AppealItem)
def appeal_item(world) -> AppealItem:
    return AppealItem.objects.create(
        appeal=sample(world, Appeal),
        evaluation=sample(world, Evaluation),
        node=_leaf(world),
        original_score=Decimal("1.00"),
        requested_score=Decimal("2.00"),
        reason=f"{MARK}申诉条目",
    )


@register(Evidence)
def evidence(world) -> Evidence:
    ev = Evidence(
        evaluation=sample(world, Evaluation),
        node=_leaf(world),
        name=f"{MARK}佐证.pdf",
        content_type="application/pdf",
        size=9,
        uploaded_by=world.station_a1_manager,
    )
    ev.file.save("sample-evidence.pdf", ContentFile(b"%PDF-1.4\n"), save=False)
    ev.save()
    return ev


@register(SurveyLink)
def survey_link(world) -> SurveyLink:
    return SurveyLink.objects.create(
        evaluation=sample(world, Evaluation),
        group=RespondentGroup.USERS,
        token="sample-a1-survey-token-0000000000000000",
        issued_by=world.station_a1_manager,
    )


@register(SurveyResponse)
def survey_response(world) -> SurveyResponse:
    link = sample(world, SurveyLink)
    return SurveyResponse.objects.create(
        link=link,
        evaluation=link.evaluation,
        group=link.group,
        answers={},
        mean=Decimal("4.50"),
        comment=f"{MARK}问卷意见",
    )
