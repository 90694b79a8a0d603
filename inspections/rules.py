"""Pure policy checks of the inspections app, on plain values.

The quarterly draw lives here: ``draw(inputs)`` depends on nothing but its inputs (the stored
seed, strata, weights and settings), so anyone can re-run a stored plan's draw and get the
same stations, modes and dates.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from collections.abc import Mapping
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from inspections.choices import SampleMode, VisitMode

DRAW_ALGORITHM = "weighted-stratified-es-v1"
# Visits are spread over the quarter's working days, a week clear of its ends (practice).
EDGE_DAYS = 7


# --- quarters -----------------------------------------------------------------------------


def quarter_of(day: dt.date) -> tuple[int, int]:
    return day.year, (day.month - 1) // 3 + 1


def quarter_bounds(year: int, quarter: int) -> tuple[dt.date, dt.date]:
    first = dt.date(year, 3 * (quarter - 1) + 1, 1)
    nxt = dt.date(year + 1, 1, 1) if quarter == 4 else dt.date(year, 3 * quarter + 1, 1)
    return first, nxt - dt.timedelta(days=1)


def in_quarter(day: dt.date, year: int, quarter: int) -> bool:
    first, last = quarter_bounds(year, quarter)
    return first <= day <= last


# --- the draw -----------------------------------------------------------------------------


def sample_size(n: int, *, mode: str, rate: Decimal, count: int, minimum: int) -> int:
    """How many of a district's ``n`` stations to draw (rate rounded half-up)."""
    if n <= 0:
        return 0
    if mode == SampleMode.COUNT:
        k = count
    else:
        k = int((Decimal(n) * Decimal(rate) / 100).quantize(Decimal("1"), ROUND_HALF_UP))
    return max(0, min(n, max(k, minimum)))


def normalise_grade(grade) -> str:
    """An evaluation grade from the evaluations app as ``excellent|good|pass|failed|``."""
    if grade is None:
        return ""
    text = str(grade).strip().lower()
    if text in {"failed", "fail", "不合格", "unqualified"}:
        return "failed"
    if text in {"pass", "passed", "qualified", "合格", "basic"}:
        return "pass"
    if text in {"good", "良好"}:
        return "good"
    if text in {"excellent", "优秀"}:
        return "excellent"
    return ""


def station_weight(signals: Mapping[str, Any], weights: Mapping[str, Decimal]) -> Decimal:
    """Risk weight of one station: 1 plus the weighted signals (riskier, drawn more often)."""
    w = Decimal("1")
    grade = normalise_grade(signals.get("grade"))
    if grade == "failed":
        w += weights["grade_failed"]
    elif grade == "pass":
        w += weights["grade_pass"]
    w += weights["open_order"] * int(signals.get("open_orders", 0) or 0)
    w += weights["overdue_order"] * int(signals.get("overdue_orders", 0) or 0)
    if signals.get("under_floor"):
        w += weights["under_floor"]
    complaints = min(int(signals.get("complaints", 0) or 0), int(weights["complaint_cap"]))
    w += weights["complaint"] * complaints
    return w.quantize(Decimal("0.01"))


def _working_days(first: dt.date, last: dt.date) -> list[dt.date]:
    days = []
    day = first
    while day <= last:
        if day.weekday() < 5:
            days.append(day)
        day += dt.timedelta(days=1)
    return days


def draw(inputs: Mapping) -> dict:
    """The quarter's visits from the stored inputs; deterministic.

    Per district (stratum) a weighted sample without replacement (Efraimidis and Spirakis:
    key ``u ** (1 / w)``, the ``k`` largest keys win), then the stations forced in because
    they have not been visited this year, then the stations the officer added by hand. Each
    visit's mode and date come from streams of their own, derived from the same seed.
    """
    seed = inputs["seed"]
    sample = inputs["sample"]
    rate, count = Decimal(sample["rate"]), int(sample["count"])
    minimum = int(sample["min_per_district"])
    rng = random.Random(f"{seed}:sample")  # noqa: S311 - a reproducible draw, not a secret
    reasons: dict[int, str] = {}
    for district in sorted(inputs["strata"], key=int):
        rows = inputs["strata"][district]
        k = sample_size(len(rows), mode=sample["mode"], rate=rate, count=count, minimum=minimum)
        keyed = []
        for station_id, weight in rows:
            u = rng.random()
            w = float(weight)
            key = math.log(u) / w if w > 0 and u > 0 else -math.inf
            keyed.append((key, -int(station_id)))
        keyed.sort(reverse=True)
        for _key, neg_id in keyed[:k]:
            reasons[-neg_id] = "drawn"
    for station_id in inputs.get("forced", []):
        reasons.setdefault(int(station_id), "forced_annual")
    for station_id in inputs.get("manual", []):
        reasons.setdefault(int(station_id), "manual")

    first, last = quarter_bounds(int(inputs["year"]), int(inputs["quarter"]))
    days = _working_days(first + dt.timedelta(days=EDGE_DAYS), last - dt.timedelta(days=EDGE_DAYS))
    mode_rng = random.Random(f"{seed}:mode")  # noqa: S311
    day_rng = random.Random(f"{seed}:day")  # noqa: S311
    unannounced = Decimal(sample["unannounced_percent"])
    visits = []
    for station_id in sorted(reasons):
        mode = (
            VisitMode.UNANNOUNCED
            if Decimal(str(mode_rng.random())) * 100 < unannounced
            else VisitMode.SCHEDULED
        )
        day = days[day_rng.randrange(len(days))]
        visits.append([station_id, str(mode), reasons[station_id], day.isoformat()])
    return {"algorithm": DRAW_ALGORITHM, "visits": visits}


def draw_differences(stored: Mapping, recomputed: Mapping) -> list[str]:
    """What differs between a stored draw result and a re-run (empty: reproduced)."""
    old = {v[0]: v for v in stored.get("visits", [])}
    new = {v[0]: v for v in recomputed.get("visits", [])}
    diffs = []
    for sid in sorted(set(old) | set(new)):
        if old.get(sid) != new.get(sid):
            diffs.append(f"station {sid}: stored {old.get(sid)} recomputed {new.get(sid)}")
    return diffs
