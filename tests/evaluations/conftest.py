"""Fixtures of the evaluations tests: the seeded example framework and a cycle opened today."""

from __future__ import annotations

import datetime as dt

import pytest

from evaluations import services
from evaluations.choices import Phase
from evaluations.models import Evaluation, Framework
from portal import clock
from tests.factories import assign


def dates(
    today: dt.date,
    *,
    opens=-10,
    self_due=5,
    scoring_start=-10,
    scoring_due=10,
    appeal_start=11,
    appeal_due=20,
    publish=21,
) -> dict:
    d = lambda n: today + dt.timedelta(days=n)  # noqa: E731
    return {
        "opens_on": d(opens),
        "self_due_on": d(self_due),
        "scoring_starts_on": d(scoring_start),
        "scoring_due_on": d(scoring_due),
        "appeal_starts_on": d(appeal_start),
        "appeal_due_on": d(appeal_due),
        "publish_on": d(publish),
    }


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def framework(db) -> Framework:
    return Framework.objects.get(code="gz-station", version=1)


@pytest.fixture
def cycle(world, framework):
    today = clock.today()
    c = services.cycle_create(
        actor=world.city_officer,
        service_year=today.year,
        phase=Phase.MIDTERM,
        framework=framework,
        **dates(today),
    )
    services.cycle_open(cycle_id=c.pk)
    c.refresh_from_db()
    return c


@pytest.fixture
def ev_a1(world, cycle) -> Evaluation:
    return Evaluation.objects.select_related("cycle", "station").get(
        cycle=cycle, station=world.station_a1
    )


@pytest.fixture
def assigned(world, ev_a1):
    services.assignment_create(
        actor=world.city_officer, evaluations=[ev_a1], evaluator=world.evaluator
    )
    return ev_a1


def leaves(ev):
    from evaluations.selectors import framework_tree

    return framework_tree(ev.cycle.framework).leaves_for(ev.cycle.phase)


def score_everything(world, ev, fraction="0.9"):
    """Every scorer enters full-fraction scores for their part; returns the evaluation."""
    from decimal import Decimal

    from evaluations.choices import Scorer

    by_scorer = {}
    for lf in leaves(ev):
        by_scorer.setdefault(lf.scorer, []).append(lf)
    actors = {
        Scorer.EVALUATOR: world.evaluator,
        Scorer.USERS: world.evaluator,
        Scorer.COMMUNITY: world.evaluator,
        Scorer.FINANCIAL: world.evaluator,
        Scorer.PURCHASER: world.subdistrict_a1_officer,
        Scorer.SUPERVISOR: world.district_a_officer,
    }
    for scorer, lfs in by_scorer.items():
        ev.refresh_from_db()
        services.scores_save(
            actor=actors[scorer],
            evaluation=ev,
            version=ev.version,
            entries=[services.ScoreInput(lf.id, lf.max_score * Decimal(fraction)) for lf in lfs],
        )
    ev.refresh_from_db()
    return ev


__all__ = ["assign"]
