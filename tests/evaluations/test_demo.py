import pytest
from django.utils import timezone

from evaluations.choices import CycleStatus, EvaluationStatus
from evaluations.demo import evaluations as evaluations_step
from evaluations.models import Cycle, Evaluation
from stations.demo import DemoContext

pytestmark = pytest.mark.django_db


def test_the_demo_step_adds_published_cycles_and_one_in_progress(world):
    from tests.factories import ContractFactory

    today = timezone.localdate()
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
