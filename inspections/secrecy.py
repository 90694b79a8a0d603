"""Unannounced visits stay secret until they start (DESIGN.md section 3).

A visit is *secret* while it is unannounced and no inspector has marked it started: the day
before, and on the day itself until the team arrives and presses "start" (a visit that never
started, cancelled or missed, stays secret for good).
A visit of a quarter plan that the city has not confirmed yet is secret too: the draft may
still change. Only city roles and the inspectors assigned to the visit see secret visits; for
everyone else every model hanging off a visit drops them in ``restrict`` (its
``restrict_extra`` calls ``hide_secret_visits``), so lists, counts, boards, exports, search,
the API and notifications built on ``restrict`` cannot reveal one.
"""

from __future__ import annotations

from django.db.models import Q

from portal.choices import CITY_ROLES, Role


def secret_q(prefix: str = "") -> Q:
    """Visits (reached through ``prefix``) that are secret: unannounced and not started, or
    in a plan the city has not confirmed yet. The date plays no part: on the day itself the
    station must not learn of the visit before the inspectors arrive."""
    from inspections.choices import PlanStatus, VisitMode

    p = prefix
    unannounced_not_started = Q(
        **{f"{p}mode": VisitMode.UNANNOUNCED, f"{p}started_at__isnull": True}
    )
    return unannounced_not_started | Q(**{f"{p}plan__status": PlanStatus.DRAFT})


def is_secret(visit) -> bool:
    """The same rule as ``secret_q`` on one loaded visit."""
    from inspections.choices import PlanStatus, VisitMode

    if visit.plan_id and visit.plan.status == PlanStatus.DRAFT:
        return True
    return visit.mode == VisitMode.UNANNOUNCED and visit.started_at is None


def sees_all_visits(user, assignments) -> bool:
    return bool(getattr(user, "is_superuser", False)) or any(
        a.role in CITY_ROLES for a in assignments
    )


def hide_secret_visits(qs, path: str, *, user, assignments):
    """Drop rows whose visit (reached by ``path``, ``"pk"`` for the visit itself) is secret,
    unless ``user`` is a city role or one of that visit's assigned inspectors."""
    if sees_all_visits(user, assignments):
        return qs
    from inspections.models import Inspection, InspectionTeamMember

    roles = {a.role for a in assignments}
    secret = Inspection._base_manager.filter(secret_q())
    if Role.INSPECTOR in roles:
        mine = InspectionTeamMember._base_manager.filter(user=user).values("inspection_id")
        secret = secret.exclude(pk__in=mine)
    lookup = "pk__in" if path == "pk" else f"{path}__in"
    qs = qs.exclude(**{lookup: secret.values("pk")})
    if Role.INSPECTOR in roles and len(roles) > 1:
        # The inspector condition joins the team table; OR-ed with another role's condition
        # a visit would come back once per team member.
        qs = qs.distinct()
    return qs


def audit_anchors_for(obj, visit) -> dict:
    """Audit rows of an unannounced visit (or of a draft plan's visit) carry no anchors, so
    only the city reads them: a station's history must not announce a visit."""
    from inspections.choices import PlanStatus, VisitMode

    if visit is not None and (
        visit.mode == VisitMode.UNANNOUNCED
        or (visit.plan_id and visit.plan.status == PlanStatus.DRAFT)
    ):
        return {}
    holder = obj if hasattr(obj, "station_id") else visit
    if holder is None or not getattr(holder, "station_id", None):
        return {}
    station = holder.station
    institution_id = getattr(holder, "institution_id", None)
    if institution_id is None and visit is not None:
        institution_id = visit.institution_id
    return {
        "station_id": station.pk,
        "subdistrict_id": station.subdistrict_id,
        "district_id": station.district_id,
        "institution_id": institution_id,
    }
