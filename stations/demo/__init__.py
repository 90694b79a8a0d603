"""The demo data generator: a registry of steps that each app extends.

``manage.py demo --scale city|province|nation --seed N`` runs every registered step in order.
Apps register steps in a ``<app>/demo.py`` module (or ``<app>/demo/`` package), found by
autodiscovery::

    from stations.demo import register_demo_step

    def evaluations(ctx):
        rng = ctx.rng("evaluations")        # its own stream: other steps don't shift it
        for station in ctx.data["stations"]:
            ...

    register_demo_step("evaluations", evaluations, order=200)

Steps write in bulk (``bulk_create``), which bypasses the audit signals on purpose: the run
is recorded by one audit row of action "import". What the stations steps leave in
``ctx.data`` for later steps:

- ``districts``, ``subdistricts``: lists of saved rows (real Guangzhou first, then synthetic);
- ``stations``: saved stations ordered by code; ``institutions``: saved institutions;
- ``operators_today``: station id -> institution id of the comprehensive contract in force;
- ``service_years``: the service years that have contracts (the nine up to ``today``'s);
- ``accounts``: username -> demo user (password ``DEMO_PASSWORD``).
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from portal import clock

# The demo accounts' password; README.md lists the accounts. Demo data only.
DEMO_PASSWORD = "Demo-2026!gz"  # noqa: S105

# Stations per scale: Guangzhou's 201; Guangdong's town-level stations; a national network.
SCALES = {"city": 201, "province": 2000, "nation": 40000}
DEFAULT_SEED = 2026

DemoStep = Callable[["DemoContext"], Any]


@dataclass(order=True)
class _Registered:
    order: int
    name: str
    fn: DemoStep = field(compare=False)


_steps: dict[str, _Registered] = {}
# The steps of this app; tests of the stations app run only these.
STATIONS_STEPS = (
    "geography",
    "institutions",
    "stations",
    "contracts",
    "credit_records",
    "accounts",
)


def register_demo_step(name: str, fn: DemoStep, order: int) -> None:
    """Add (or replace, by name) a step; steps run by ascending ``order``, then name."""
    _steps[name] = _Registered(order, name, fn)


def demo_steps() -> list[_Registered]:
    from django.utils.module_loading import autodiscover_modules

    autodiscover_modules("demo")
    return sorted(_steps.values())


@dataclass
class DemoContext:
    scale: str
    seed: int
    today: date
    data: dict[str, Any] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)
    log: Callable[[str], None] = print

    @property
    def station_count(self) -> int:
        return SCALES[self.scale]

    def rng(self, name: str) -> random.Random:
        """A random stream of its own per step name, derived from the seed."""
        return random.Random(f"{self.seed}:{name}")  # noqa: S311 - demo data, not secrets


def run_demo(
    *,
    scale: str = "city",
    seed: int = DEFAULT_SEED,
    today: date | None = None,
    log: Callable[[str], None] | None = None,
    only: Iterable[str] | None = None,
) -> DemoContext:
    """Run every registered step (or those named in ``only``) and record one audit row."""
    from portal import audit
    from portal.choices import AuditAction

    if scale not in SCALES:
        raise ValueError(f"unknown scale {scale!r}; choose one of {', '.join(SCALES)}")
    ctx = DemoContext(
        scale=scale, seed=seed, today=today or clock.today(), log=log or (lambda _msg: None)
    )
    started = time.perf_counter()
    wanted = set(only) if only is not None else None
    for step in demo_steps():
        if wanted is not None and step.name not in wanted:
            continue
        t0 = time.perf_counter()
        step.fn(ctx)
        ctx.timings[step.name] = time.perf_counter() - t0
        ctx.log(f"  {step.name}: {ctx.timings[step.name]:.1f} s")
    total = time.perf_counter() - started
    audit.record(
        AuditAction.IMPORT,
        object_type="stations.demo",
        object_repr=f"演示数据（{scale}）",
        message=(
            f"生成演示数据：规模{scale}，随机种子{seed}，"
            f"社工站{len(ctx.data.get('stations', []))}个，用时{total:.1f}秒"
        ),
    )
    ctx.timings["total"] = total
    return ctx


from stations.demo import steps as _stations_steps  # noqa: E402,F401  (registers the steps)
