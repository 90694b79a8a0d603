"""The draw's risk signals come from the registry (portal.risk): a failing one fails loudly
in tests, and in production is recorded and named on the quarter plan page in Chinese."""

from __future__ import annotations

import pytest

from inspections import rules, services
from tests.portal.test_risk import extra_signal  # noqa: F401


def _broken(*, station_ids, on):
    raise ValueError("bug in the grade selector")


def test_a_failing_signal_stops_the_draw_when_strict(world, today, extra_signal):  # noqa: F811
    extra_signal("grade", "评估等级", _broken)
    year, quarter = rules.quarter_of(today)
    with pytest.raises(ValueError):
        services.plan_draw(actor=None, year=year, quarter=quarter, seed=7)


def test_the_plan_names_a_failed_signal_in_chinese_in_production(
    world,
    today,
    login,
    settings,
    extra_signal,  # noqa: F811
):
    extra_signal("grade", "评估等级", _broken)
    settings.PORTAL_SIGNALS_STRICT = False
    year, quarter = rules.quarter_of(today)
    plan = services.plan_draw(actor=None, year=year, quarter=quarter, seed=7)
    assert plan.inputs["signals"]["grade"] == {"available": False, "failed": "ValueError"}
    body = login(world.city_officer).get(f"/inspections/plans/{plan.pk}/").content.decode()
    assert 'data-failed-signal="grade"' in body
    assert "风险信号“评估等级”读取失败" in body
    # Every signal by its Chinese name, none by a module path or bare key.
    for name in ("评估等级", "人员经费低于下限", "未关闭和逾期的整改单", "服务投诉"):
        assert name in body
    assert "selectors" not in body and "under_floor" not in body.replace('"under_floor"', "")
    assert "按比例抽取" in body or "按数量抽取" in body
