"""Reads of the rectification app. Every read that reaches a user goes through ``restrict``.

Other apps (inspections, evaluations, dashboards) read orders through ``open_orders_for``,
``overdue_orders``, ``orders_for_source`` and ``order_counts_by_station``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db.models import Count, Q

from portal import clock
from portal.scoping import VIEW
from rectification.choices import AWAITING_STATION, OPEN_ORDER_STATUSES
from rectification.models import RectificationOrder


def _orders(user):
    if user is None:
        return RectificationOrder.objects.all()
    return RectificationOrder.objects.restrict(user, VIEW)


def overdue_q(today: dt.date, prefix: str = "") -> Q:
    """SQL twin of ``rules.is_overdue``."""
    return Q(**{f"{prefix}status__in": AWAITING_STATION, f"{prefix}due_on__lt": today})


def open_orders_for(
    station_ids: Iterable[int] | None = None, *, user=None, source_kind: str | None = None
):
    """Orders not yet closed (open, answered, sent back), of ``station_ids`` (all if None)."""
    qs = _orders(user).filter(status__in=OPEN_ORDER_STATUSES)
    if station_ids is not None:
        qs = qs.filter(station_id__in=list(station_ids))
    if source_kind:
        qs = qs.filter(source_kind=source_kind)
    return qs


def overdue_orders(
    *,
    today: dt.date | None = None,
    station_ids: Iterable[int] | None = None,
    user=None,
    source_kind: str | None = None,
):
    """Orders the station still owes past their due date."""
    today = today or clock.today()
    qs = _orders(user).filter(overdue_q(today))
    if station_ids is not None:
        qs = qs.filter(station_id__in=list(station_ids))
    if source_kind:
        qs = qs.filter(source_kind=source_kind)
    return qs


def orders_for_source(*, source_kind: str, source_ref: str, user=None):
    return _orders(user).filter(source_kind=source_kind, source_ref=source_ref)


def order_counts_by_station(
    *, today: dt.date | None = None, station_ids: Iterable[int] | None = None
) -> dict[int, tuple[int, int]]:
    """Station id -> (open orders, overdue orders), system view, one query."""
    today = today or clock.today()
    qs = RectificationOrder.objects.filter(status__in=OPEN_ORDER_STATUSES)
    if station_ids is not None:
        qs = qs.filter(station_id__in=list(station_ids))
    rows = (
        qs.values("station_id")
        .annotate(open=Count("pk"), overdue=Count("pk", filter=overdue_q(today)))
        .order_by()
    )
    return {r["station_id"]: (r["open"], r["overdue"]) for r in rows}


def order_history(order: RectificationOrder):
    return order.events.select_related("actor").order_by("at", "pk")


def order_signal(*, station_ids: Iterable[int], on: dt.date) -> dict[int, dict[str, int]]:
    """The inspection draw's risk signal (``portal.risk``): open and overdue orders."""
    return {
        sid: {"open_orders": open_n, "overdue_orders": overdue_n}
        for sid, (open_n, overdue_n) in order_counts_by_station(
            today=on, station_ids=station_ids
        ).items()
    }
