import pytest

from evaluations.choices import CycleStatus, EvaluationStatus
from evaluations.demo import evaluations as evaluations_step
from evaluations.models import Cycle, Evaluation
from portal import clock
from stations.demo import DemoContext

pytestmark = pytest.mark.django_db


def test_the_demo_step_adds_published_cycles_and_one_in_progress(world):
    from tests.factories import ContractFactory

    today = clock.today()
    for year in (today.year - 2, today.year - 1):
        for station in (world.station_a1, world.station_b1):
            ContractFactory(station=station, service_year=year)
    ctx = DemoContext(scale="city", seed=1, today=today, log=lambda _m: None)
    ctx.data.update(
        {
            "stations": [world.station_a1, world.station_a2, world.station_b1],
            "accounts": {"evaluator": world.evaluator},
            "demo_station": world.station_a1,
        }
    )
    evaluations_step(ctx)
    live = Cycle.objects.filter(status=CycleStatus.OPEN)
    assert live.count() == 1
    assert Cycle.objects.filter(status=CycleStatus.PUBLISHED).count() >= 4
    published = Evaluation.objects.filter(status=EvaluationStatus.PUBLISHED)
    assert published.exists() and all(e.total is not None for e in published)
    assert world.evaluator.evaluation_assignments.exists()
    evaluations_step(ctx)  # a rerun adds nothing
    assert Cycle.objects.filter(status=CycleStatus.OPEN).count() == 1


def test_the_demo_cycle_in_progress_has_score_sheets_self_assessments_and_surveys(world):
    from evaluations import selectors
    from evaluations.models import Score, SelfAssessment, SurveyLink, SurveyResponse
    from tests.factories import ContractFactory, StationFactory

    today = clock.today()
    stations = [StationFactory(subdistrict=world.station_a1.subdistrict) for _i in range(15)]
    for station in stations:
        ContractFactory(station=station, service_year=today.year)
    ctx = DemoContext(scale="city", seed=3, today=today, log=lambda _m: None)
    ctx.data.update(
        {
            "stations": stations,
            "accounts": {"evaluator": world.evaluator},
            "demo_station": stations[0],
        }
    )
    evaluations_step(ctx)
    live = Cycle.objects.get(status=CycleStatus.OPEN)
    leaf_count = len(selectors.framework_tree(live.framework).leaves_for(live.phase))
    scored = Evaluation.objects.filter(cycle=live, status=EvaluationStatus.SCORED)
    submitted = Evaluation.objects.filter(cycle=live, status=EvaluationStatus.SUBMITTED)
    assert scored.exists() and submitted.exists()
    for ev in scored:
        assert Score.objects.filter(evaluation=ev).count() == leaf_count
    for ev in [*scored, *submitted]:
        assert SelfAssessment.objects.filter(evaluation=ev).exclude(text="").exists()
    assert SurveyLink.objects.filter(evaluation__in=submitted).exists()
    assert not SurveyLink.objects.filter(evaluation__in=scored).exists()
    answered = SurveyLink.objects.filter(answered_at__isnull=False)
    assert answered.exists() and SurveyResponse.objects.count() == answered.count()


def test_the_demo_opens_a_rectification_order_for_each_failing_published_result(world):
    from evaluations.choices import Grade
    from evaluations.demo import _rectifications
    from inspections.models import RectificationOrder
    from tests.factories import ContractFactory

    today = clock.today()
    ContractFactory(station=world.station_a1, service_year=today.year - 1)
    ctx = DemoContext(scale="city", seed=1, today=today, log=lambda _m: None)
    ctx.data.update({"stations": [world.station_a1], "accounts": {}})
    evaluations_step(ctx)
    ev = Evaluation.objects.filter(status=EvaluationStatus.PUBLISHED).first()
    Evaluation.objects.filter(pk=ev.pk).update(grade=Grade.FAIL, rectification_order_id=None)
    _rectifications(ctx)
    ev.refresh_from_db()
    order = RectificationOrder.objects.get(pk=ev.rectification_order_id)
    assert order.source_ref == f"evaluation:{ev.pk}" and order.station_id == ev.station_id
    _rectifications(ctx)  # a rerun opens nothing twice
    assert RectificationOrder.objects.filter(source_ref=f"evaluation:{ev.pk}").count() == 1
