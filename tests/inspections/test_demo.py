"""The demo step: past quarters with visits, findings and orders, the current quarter's plan
with unannounced visits, each order judged by the policy version in force when it opened."""

from __future__ import annotations

import pytest

from inspections import rules
from inspections.choices import PlanStatus, VisitMode
from inspections.demo import inspections as inspections_step
from inspections.models import QuarterPlan
from portal import clock
from portal.models import PolicyVersion
from rectification.choices import OrderStatus
from rectification.models import RectificationOrder
from stations.demo import DemoContext
from tests.factories import DistrictFactory, StationFactory, SubdistrictFactory

pytestmark = pytest.mark.django_db


def _newer_policy_from(day):
    latest = PolicyVersion.objects.order_by("-effective_from").first()
    latest.pk = None
    latest.name = "测试版本"
    latest.effective_from = day
    latest.rectification_days_minor = 5
    latest.save()
    return latest


def test_the_demo_step_adds_past_quarters_and_the_current_plan_with_unannounced_visits(world):
    today = clock.today()
    stations = []
    for _ in range(2):
        sub = SubdistrictFactory(district=DistrictFactory())
        stations += [StationFactory(subdistrict=sub) for _ in range(20)]
    year, quarter = rules.quarter_of(today)
    first, _last = rules.quarter_bounds(year, quarter)
    newer = _newer_policy_from(first)
    ctx = DemoContext(scale="city", seed=3, today=today, log=lambda _m: None)
    ctx.data.update({"stations": stations, "accounts": {"inspector": world.inspector}})

    inspections_step(ctx)

    plans = QuarterPlan.objects.order_by("year", "quarter")
    assert plans.count() == 5 and all(p.status == PlanStatus.CONFIRMED for p in plans)
    current = plans.get(year=year, quarter=quarter)
    assert current.inspections.filter(mode=VisitMode.UNANNOUNCED).exists()
    statuses = set(RectificationOrder.objects.values_list("status", flat=True))
    assert statuses == set(OrderStatus.values)
    # Orders of past quarters keep the version in force when they opened, not today's.
    older = RectificationOrder.objects.filter(opened_on__lt=first)
    assert older.exists() and not older.filter(policy_version=newer).exists()
    assert (
        not RectificationOrder.objects.filter(opened_on__gte=first)
        .exclude(policy_version=newer)
        .exists()
    )
    inspections_step(ctx)  # a rerun adds nothing
    assert QuarterPlan.objects.count() == 5
