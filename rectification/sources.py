"""Where orders come from: each source app registers itself here in ``AppConfig.ready()``.

The rectification app knows no source app. An app that opens orders (inspections for the
findings of a visit, evaluations for a failing grade) registers:

- its source kind, with a Chinese label and a function ``describe(order)`` giving the URL and
  title of the source an order names (the order page shows a link, not ``evaluation:610``);
- optionally ``audit_anchors(order)``: the anchors of an order's audit rows, when the source
  must hide them (an unannounced visit's orders carry none);
- optionally a visibility rule (``register_visibility``) narrowing every order query: orders of
  an unannounced visit stay invisible to the station side until the visit starts.

It also registers the settings orders follow (``register_settings``): an object with
``photo_max_mb`` (evidence upload limit). When an overdue order is escalated is the policy's
``rectification`` deadline ladder (``portal.selectors.ladder_in_force``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Source:
    kind: str
    label: Any  # a lazy Chinese label
    describe: Callable[[Any], tuple[str, str] | None] | None = None
    audit_anchors: Callable[[Any], dict] | None = None


_SOURCES: dict[str, Source] = {}
# fn(qs, prefix, *, user, assignments) -> qs; ``prefix`` reaches the order ("" or "order__").
_VISIBILITY: dict[str, Callable[..., Any]] = {}
_SETTINGS: list[Callable[[dt.date | None], Any]] = []


def register_source(
    kind: str,
    label,
    describe: Callable[[Any], tuple[str, str] | None] | None = None,
    *,
    audit_anchors: Callable[[Any], dict] | None = None,
) -> None:
    """Register (or replace, on a repeated ``ready()``) the source ``kind``."""
    _SOURCES[kind] = Source(kind, label, describe, audit_anchors)


def source(kind: str) -> Source | None:
    return _SOURCES.get(kind)


def sources() -> dict[str, Source]:
    return dict(_SOURCES)


def register_visibility(name: str, rule: Callable[..., Any]) -> None:
    _VISIBILITY[name] = rule


def narrow(qs, prefix: str, *, user, assignments):
    """Apply every registered visibility rule to ``qs`` (orders or rows hanging off one)."""
    for rule in _VISIBILITY.values():
        qs = rule(qs, prefix, user=user, assignments=assignments)
    return qs


def register_settings(provider: Callable[[dt.date | None], Any]) -> None:
    _SETTINGS[:] = [provider]


class SettingsMissing(LookupError):
    pass


def settings_in_force(on: dt.date | None = None):
    """The settings in force on ``on`` from the registered provider (the inspection settings)."""
    if not _SETTINGS:
        raise SettingsMissing("no rectification settings provider is registered")
    return _SETTINGS[0](on)
