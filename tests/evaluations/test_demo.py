import pytest

from evaluations.choices import CycleStatus, EvaluationStatus, Grade
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
    from rectification.models import RectificationOrder
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


def test_the_what_if_of_an_unchanged_framework_equals_every_stored_result_of_the_demo(db):
    from decimal import Decimal

    from django.db.models import Exists, OuterRef

    from evaluations import rules, selectors, services
    from evaluations.choices import SURVEY_SCORERS
    from evaluations.models import Framework, Score
    from stations.demo import STATIONS_STEPS, run_demo

    ctx = run_demo(scale="city", seed=7, only=(*STATIONS_STEPS, "evaluations"))
    city = ctx.data["accounts"]["city"]
    # The stations of the live cycle that ran the survey are scored as in issue 18: the
    # evaluator types 0 for the survey-mapped items, the answers give them their value.
    live = Cycle.objects.get(status=CycleStatus.OPEN)
    leaves = selectors.framework_tree(live.framework).leaves_for(live.phase)
    surveyed = list(
        Evaluation.objects.filter(cycle=live, survey_responses__isnull=False).distinct()
    )
    Score.objects.bulk_create(
        Score(
            evaluation=ev,
            node_id=lf.id,
            scorer=lf.scorer,
            score=Decimal(0) if lf.scorer in SURVEY_SCORERS else rules.q2(lf.max_score * 4 / 5),
        )
        for ev in surveyed
        for lf in leaves
    )
    assert services.results_compute_cycle(cycle=live) >= len(surveyed) > 0

    framework = Framework.objects.get(code="gz-station", version=1)
    copy = services.framework_new_version(actor=city, framework=framework)
    # The cycles with score rows: the latest published one and the live one.
    cycles = Cycle.objects.filter(
        Exists(Score.objects.filter(evaluation__cycle=OuterRef("pk")))
    ).order_by("opens_on")
    assert cycles.count() == 2 and selectors.last_results_cycle() in cycles
    for cycle in cycles:
        stored = {
            code: (total, Grade(grade).label)
            for code, total, grade in Evaluation.objects.filter(
                cycle=cycle, total__isnull=False
            ).values_list("station__code", "total", "grade")
        }
        rows = selectors.what_if(city, copy, cycle)
        assert len(stored) > 50
        assert {r["station"].code: (r["new_total"], r["new_grade"]) for r in rows} == stored
        assert not any(r["change"] or r["grade_changed"] or r["missing"] for r in rows)
