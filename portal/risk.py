"""Risk signals of the quarterly inspection draw, registered by the apps that own them.

Each app registers its signal in ``AppConfig.ready()`` (like ``register_todo_provider`` in
``portal.dashboards.todo`` and ``register_station_tab`` in ``stations.tabs``)::

    from portal.risk import register_risk_signal

    register_risk_signal("grade", _("评估等级"), latest_grades_for)

A signal is ``fn(*, station_ids, on)`` returning either station id -> value, station id ->
dict of values (merged into the station's signals: the orders signal gives ``open_orders``
and ``overdue_orders``), or an iterable of station ids (each ``True``). It reads the system
view (no user) with a fixed number of queries.

The signals the draw weighs (``inspections.rules.station_weight``) and who registers them:

- ``grade``: evaluations (``evaluations.selectors.latest_grades_for``);
- ``under_floor``: funding (``funding.selectors.stations_projected_under_floor``);
- ``orders``: rectification (open and overdue orders per station);
- ``complaints``: the services app, once built, registers ``complaint_counts_for`` here
  (station id -> complaints in the window) under this key. Until then the draw records the
  signal as not connected and weighs it neutrally.

A signal that raises fails loudly where mistakes should be seen (``PORTAL_SIGNALS_STRICT``:
on under DEBUG and pytest); in production the error is logged, the signal weighs neutrally
and the plan records the failure, so the plan page shows a warning naming it.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.utils.translation import gettext_lazy as _

logger = logging.getLogger(__name__)

# Chinese names of the signals the draw knows, registered or not (the plan page names them).
KNOWN_SIGNALS = {
    "grade": _("评估等级"),
    "under_floor": _("人员经费低于下限"),
    "orders": _("未关闭和逾期的整改单"),
    "complaints": _("服务投诉"),
}


@dataclass(frozen=True)
class RiskSignal:
    key: str
    label: Any
    fn: Callable[..., Any]


_SIGNALS: dict[str, RiskSignal] = {}


def register_risk_signal(key: str, label, fn: Callable[..., Any]) -> None:
    """Register (or replace, on a repeated ``ready()``) the signal ``key``."""
    _SIGNALS[key] = RiskSignal(key, label, fn)


def unregister_risk_signal(key: str) -> None:
    _SIGNALS.pop(key, None)


def risk_signals_registered() -> dict[str, RiskSignal]:
    return dict(_SIGNALS)


def signal_label(key: str) -> str:
    """The Chinese name of signal ``key`` (registered label, else the known one, else key)."""
    if key in _SIGNALS:
        return str(_SIGNALS[key].label)
    return str(KNOWN_SIGNALS.get(key, key))


def strict() -> bool:
    return bool(getattr(settings, "PORTAL_SIGNALS_STRICT", False))


def _values(raw) -> dict[int, Any]:
    if isinstance(raw, dict):
        return {int(k): v for k, v in raw.items()}
    return {int(sid): True for sid in raw}


def collect(station_ids: Iterable[int], on: dt.date) -> tuple[dict[int, dict], dict[str, dict]]:
    """Per station: every registered signal's values; and per signal (known or registered)
    whether it was connected, and whether it failed.

    ``{"available": True}``, ``{"available": False}`` (not registered) or
    ``{"available": False, "failed": "KeyError"}`` (raised; re-raised when strict).
    """
    ids = list(station_ids)
    per_station: dict[int, dict] = {sid: {} for sid in ids}
    status: dict[str, dict] = {}
    for key in [*KNOWN_SIGNALS, *(k for k in _SIGNALS if k not in KNOWN_SIGNALS)]:
        signal = _SIGNALS.get(key)
        if signal is None:
            status[key] = {"available": False}
            continue
        try:
            values = _values(signal.fn(station_ids=ids, on=on))
        except Exception as error:
            if strict():
                raise
            logger.exception("risk signal %s failed; weighed neutrally", key)
            status[key] = {"available": False, "failed": type(error).__name__}
            continue
        status[key] = {"available": True}
        for sid, value in values.items():
            if sid not in per_station:
                continue
            if isinstance(value, dict):
                per_station[sid].update(value)
            else:
                per_station[sid][key] = value
    return per_station, status
