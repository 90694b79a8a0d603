"""Reads of the inspections app. Every read that reaches a user goes through ``restrict``.

Rectification orders are the rectification app's (``rectification.selectors``).
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Q

from inspections.choices import (
    Area,
    ChecklistStatus,
    Severity,
    VisitMode,
    VisitStatus,
)
from inspections.models import (
    Campaign,
    ChecklistTemplate,
    Finding,
    Inspection,
    InspectionSettings,
    QuarterPlan,
)
from portal import clock, risk
from portal.scoping import VIEW
from rectification.choices import OPEN_ORDER_STATUSES, OrderStatus
from rectification.models import RectificationOrder
from rectification.selectors import overdue_q

NO_SETTINGS = "没有在%(on)s生效的督查参数。"


class SettingsMissing(LookupError):
    pass


def settings_in_force(on: dt.date | None = None) -> InspectionSettings:
    on = on or clock.today()
    found = (
        InspectionSettings.objects.filter(effective_from__lte=on)
        .select_related("default_checklist")
        .order_by("-effective_from")
        .first()
    )
    if found is None:
        raise SettingsMissing(NO_SETTINGS % {"on": on.isoformat()})
    return found


def active_checklist(kind: str = "quarterly") -> ChecklistTemplate | None:
    return (
        ChecklistTemplate.objects.filter(kind=kind, status=ChecklistStatus.ACTIVE)
        .order_by("-version")
        .first()
    )


# --- risk signals, registered by the apps that own them (portal.risk) --------------------


def risk_signals(station_ids: list[int], on: dt.date) -> tuple[dict[int, dict], dict]:
    """Per station: grade, open/overdue orders, under-floor projection, complaints; and which
    signals were connected (or failed). Each app registers its own in ``portal.risk``."""
    return risk.collect(station_ids, on)


def stations_visited_in(year: int, *, before: dt.date | None = None) -> set[int]:
    """Stations with a visit this year that was not cancelled (system view)."""
    qs = Inspection.objects.filter(scheduled_on__year=year).exclude(status=VisitStatus.CANCELLED)
    if before is not None:
        qs = qs.filter(scheduled_on__lt=before)
    return set(qs.values_list("station_id", flat=True).distinct())


# --- boards -------------------------------------------------------------------------------


def plan_for(year: int, quarter: int) -> QuarterPlan | None:
    return QuarterPlan.objects.filter(year=year, quarter=quarter).first()


def quarter_board(user, *, year: int, quarter: int, today: dt.date | None = None) -> dict:
    """Planned and done visits, findings by area and severity, and orders open, overdue and
    closed, by district, over what ``user`` may see. Three aggregate queries at any scale."""
    today = today or clock.today()
    visits = (
        Inspection.objects.restrict(user, VIEW)
        .filter(plan__year=year, plan__quarter=quarter)
        .order_by()
        .values("station__district_id", "station__district__name", "station__district__code")
        .annotate(
            planned=Count("pk"),
            done=Count("pk", filter=Q(status=VisitStatus.SIGNED_OFF)),
            unannounced=Count("pk", filter=Q(mode=VisitMode.UNANNOUNCED)),
        )
    )
    findings = (
        Finding.objects.restrict(user, VIEW)
        .filter(inspection__plan__year=year, inspection__plan__quarter=quarter)
        .order_by()
        .values("area", "severity")
        .annotate(n=Count("pk"))
    )
    orders = (
        RectificationOrder.objects.restrict(user, VIEW)
        .filter(finding__inspection__plan__year=year, finding__inspection__plan__quarter=quarter)
        .order_by()
        .values("station__district_id", "station__district__name", "station__district__code")
        .annotate(
            open=Count("pk", filter=Q(status__in=OPEN_ORDER_STATUSES)),
            overdue=Count("pk", filter=overdue_q(today)),
            closed=Count("pk", filter=Q(status=OrderStatus.CLOSED)),
        )
    )
    districts: dict[int, dict] = {}

    def row(r):
        return districts.setdefault(
            r["station__district_id"],
            {
                "district_id": r["station__district_id"],
                "name": r["station__district__name"],
                "code": r["station__district__code"],
                "planned": 0,
                "done": 0,
                "unannounced": 0,
                "open": 0,
                "overdue": 0,
                "closed": 0,
            },
        )

    for r in visits:
        row(r).update(planned=r["planned"], done=r["done"], unannounced=r["unannounced"])
    for r in orders:
        row(r).update(open=r["open"], overdue=r["overdue"], closed=r["closed"])
    rows = sorted(districts.values(), key=lambda d: d["code"] or "")
    matrix = {a.value: {s.value: 0 for s in Severity} for a in Area}
    for r in findings:
        matrix[r["area"]][r["severity"]] = r["n"]
    totals = {
        k: sum(d[k] for d in rows)
        for k in ("planned", "done", "unannounced", "open", "overdue", "closed")
    }
    totals["findings"] = sum(sum(v.values()) for v in matrix.values())
    return {
        "districts": rows,
        "totals": totals,
        "findings": [
            {
                "area": a.value,
                "label": a.label,
                "counts": [matrix[a.value][s.value] for s in Severity],
                "total": sum(matrix[a.value].values()),
            }
            for a in Area
        ],
        "severities": [{"value": s.value, "label": s.label} for s in Severity],
    }


def heatmap(user, *, year: int | None = None) -> dict:
    """Findings by area x district over what ``user`` may see (one query)."""
    qs = Finding.objects.restrict(user, VIEW)
    if year:
        qs = qs.filter(found_on__year=year)
    rows = list(
        qs.order_by()
        .values(
            "area", "station__district_id", "station__district__name", "station__district__code"
        )
        .annotate(n=Count("pk"))
    )
    districts = sorted({(r["station__district__code"], r["station__district__name"]) for r in rows})
    d_index = {code: i for i, (code, _n) in enumerate(districts)}
    areas = list(Area)
    a_index = {a.value: i for i, a in enumerate(areas)}
    cells = [[d_index[r["station__district__code"]], a_index[r["area"]], r["n"]] for r in rows]
    return {
        "districts": [name for _c, name in districts],
        "areas": [str(a.label) for a in areas],
        "cells": cells,
        "max": max((c[2] for c in cells), default=0),
    }


def station_history(user, station) -> dict:
    """A station's visits (with finding counts) and orders, as ``user`` may see them."""
    visits = list(
        Inspection.objects.restrict(user, VIEW)
        .filter(station=station)
        .select_related("plan", "campaign", "institution")
        .annotate(finding_count=Count("findings"))
        .order_by("-scheduled_on")
    )
    orders = list(
        RectificationOrder.objects.restrict(user, VIEW)
        .filter(station=station)
        .select_related("institution")
        .order_by("-opened_on", "-pk")
    )
    return {"visits": visits, "orders": orders}


def campaign_progress(user, campaign: Campaign, *, today: dt.date | None = None) -> dict:
    """Visited, findings and rectified over a campaign's visits (three aggregate queries)."""
    today = today or clock.today()
    visits = (
        Inspection.objects.restrict(user, VIEW)
        .filter(campaign=campaign)
        .aggregate(
            total=Count("pk"),
            visited=Count("pk", filter=Q(status=VisitStatus.SIGNED_OFF)),
            stations=Count("station_id", distinct=True),
            institutions=Count("institution_id", distinct=True),
        )
    )
    findings = (
        Finding.objects.restrict(user, VIEW)
        .filter(inspection__campaign=campaign)
        .aggregate(total=Count("pk"))
    )
    orders = (
        RectificationOrder.objects.restrict(user, VIEW)
        .filter(finding__inspection__campaign=campaign)
        .aggregate(
            total=Count("pk"),
            closed=Count("pk", filter=Q(status=OrderStatus.CLOSED)),
            overdue=Count("pk", filter=overdue_q(today)),
        )
    )
    return {"visits": visits, "findings": findings["total"], "orders": orders}


def my_visits(user, *, today: dt.date | None = None):
    """An inspector's visits still to do or sign off, soonest first."""
    return (
        Inspection.objects.restrict(user, VIEW)
        .filter(team__user=user)
        .exclude(status__in=[VisitStatus.SIGNED_OFF, VisitStatus.CANCELLED])
        .select_related("station", "station__district")
        .order_by("scheduled_on")
    )
