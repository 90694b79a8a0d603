"""The funding demo step: every demo station gets budgets and monthly spending."""

from __future__ import annotations

import pytest
from django.db.models import Count, Sum

from funding.models import Budget, FundingYear, SocialResource, SpendingReport
from funding.selectors import with_floor_checks
from stations.demo import STATIONS_STEPS, run_demo
from stations.models import Station

pytestmark = pytest.mark.django_db


def test_the_demo_gives_every_station_budgets_and_spending_with_a_handful_under(db, today):
    run_demo(scale="city", seed=7, only=(*STATIONS_STEPS, "funding"))
    stations = Station.objects.count()
    years = FundingYear.objects.filter(is_comprehensive=True)
    assert years.values("station_id").distinct().count() == stations
    assert years.values("service_year").distinct().count() == 3
    # Budgets add up to the fee, lines included.
    for budget in Budget.objects.annotate(s=Sum("lines__amount"))[:50]:
        assert budget.s == budget.fee == budget.total
    # Reports carry the right totals.
    report = SpendingReport.objects.annotate(s=Sum("lines__amount")).first()
    assert report.s == report.total
    # Past years are final; in January last year's December report still waits for the
    # district (and the grace is not over), so last year is not final yet.
    final = {today.year - 2} | ({today.year - 1} if today.month > 1 else set())
    assert set(years.filter(final=True).values_list("service_year", flat=True)) == final
    board = with_floor_checks(years)
    counts = dict(board.values_list("status").annotate(n=Count("pk")))
    under_final = counts.get("failed", 0)
    projected = counts.get("projected_under", 0)
    assert counts.get("passed", 0) + under_final == stations * len(final)
    assert 0 < under_final < stations * len(final) * 0.1
    assert 0 < projected < stations * 0.15
    assert SocialResource.objects.exists()
