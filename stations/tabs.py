"""The tab strip of the station page, a registry later capabilities append to.

An app adds its tab once, in its ``AppConfig.ready()``::

    from stations.tabs import register_station_tab
    register_station_tab("evaluations", _("评估"), "evaluations/station_tab.html", order=10)

``content`` is a template name rendered with the page context (``station``, ``user``,
``request``) or a callable ``(request, station) -> str`` returning safe HTML. Only registered
tabs are shown: a capability that is not built yet has no tab at all rather than an empty one.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.template.loader import render_to_string
from django.utils.safestring import mark_safe


@dataclass(frozen=True)
class StationTab:
    key: str
    label: Any
    content: str | Callable[[Any, Any], str]
    order: int = 100

    def render(self, request, station, context: dict) -> str:
        if callable(self.content):
            return mark_safe(self.content(request, station))  # noqa: S308 - the app's own HTML
        return render_to_string(self.content, context, request=request)


_tabs: dict[str, StationTab] = {}


def register_station_tab(key: str, label, content, order: int = 100) -> None:
    """Add (or replace, on re-registration) the tab ``key``."""
    _tabs[key] = StationTab(key=key, label=label, content=content, order=order)


def unregister_station_tab(key: str) -> None:
    _tabs.pop(key, None)


def station_tabs() -> list[StationTab]:
    return sorted(_tabs.values(), key=lambda t: (t.order, t.key))
