from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from datetime import date

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.utils.translation import gettext as _

from portal import clock
from portal.choices import CITY_ROLES, Role
from portal.models import (
    AuditEvent,
    DeadlineLadder,
    Notification,
    PolicyVersion,
    RoleAssignment,
    User,
    role_in_force_q,
)
from portal.scoping import VIEW

NO_POLICY = "没有在%(on)s生效的政策参数版本。"
AUDIT_SEARCH_REFUSED = (
    "审计日志查询仅限市级管理员和市级业务人员；其他角色请在对象页面查看该对象的变更记录。"
)

# Searching the audit trail (its page, export and API) is the city's tool. Other roles read
# the history of an object they may view on that object's own page (``audit.history``), which
# is why AuditEvent's scope lets them view rows at all.
AUDIT_SEARCH_ROLES = CITY_ROLES


class PolicyMissing(LookupError):
    pass


def policy_in_force(on: date | None = None) -> PolicyVersion:
    """The policy version in force on ``on`` (today by default): the latest effective by then."""
    on = on or clock.today()
    version = (
        PolicyVersion.objects.filter(effective_from__lte=on).order_by("-effective_from").first()
    )
    if version is None:
        raise PolicyMissing(_(NO_POLICY) % {"on": on.isoformat()})
    return version


def policy_for_service_year(year: int) -> PolicyVersion:
    """The version that judges a service year: the one in force on its first day.

    Service years here are calendar years (the contracts in the 2023 tenders run January to
    December); a version that takes effect mid-year judges the following year.
    """
    return policy_in_force(date(year, 1, 1))


NO_LADDER = "没有在%(on)s生效的“%(kind)s”期限提醒与升级规则。"


def ladder_in_force(kind: str, on: date | None = None) -> DeadlineLadder:
    """The reminder and escalation ladder of ``kind`` (``DeadlineKind``) in force on ``on``
    (today by default): the one of the latest policy version effective by then that carries
    a ladder of that kind. One query. ``ladder.as_rule()`` is what ``portal.rules`` reads."""
    on = on or clock.today()
    ladder = (
        DeadlineLadder.objects.filter(kind=kind, policy__effective_from__lte=on)
        .select_related("policy")
        .order_by("-policy__effective_from")
        .first()
    )
    if ladder is None:
        from portal.choices import DeadlineKind

        raise PolicyMissing(_(NO_LADDER) % {"on": on.isoformat(), "kind": DeadlineKind(kind).label})
    return ladder


def ladders_of_version(version: PolicyVersion) -> dict[str, DeadlineLadder]:
    """Kind -> the ladder that applies under ``version``: its own, or else the one of the
    latest earlier version that has one (``ladder.policy`` tells which). Kinds no version
    up to it carries are absent. One query."""
    found: dict[str, DeadlineLadder] = {}
    for ladder in (
        DeadlineLadder.objects.filter(policy__effective_from__lte=version.effective_from)
        .select_related("policy")
        .order_by("-policy__effective_from")
    ):
        found.setdefault(ladder.kind, ladder)
    return found


def unread_count(user) -> int:
    return Notification.objects.restrict(user, "view").filter(read_at__isnull=True).count()


def can_search_audit_events(user) -> bool:
    return bool(user is not None and user.is_authenticated and user.has_role(*AUDIT_SEARCH_ROLES))


def audit_event_list(user):
    """The audit trail as its search page, export and API read it: for the city roles only
    (``PermissionDenied`` otherwise), and within their scope."""
    if not can_search_audit_events(user):
        raise PermissionDenied(_(AUDIT_SEARCH_REFUSED))
    return AuditEvent.objects.restrict(user, VIEW)


# --- who answers for a station (notices, reminders, escalations) ------------------------------


def role_in_force(on: date) -> Q:
    """Role assignments in force on ``on``: started by then, not past their last day, and not
    ended "now" before the moment ``on`` stands for (``portal.models.role_in_force_q``)."""
    return role_in_force_q(on)


# The roles that answer for a station through the station itself, its street/town, district
# or operator, or (the city) for every station. Evaluators and inspectors answer for their
# assignments instead (``users_in_role`` and the assignment lists of their apps).
STATION_ROLES = frozenset(
    {
        Role.STATION_MANAGER,
        Role.INSTITUTION_ADMIN,
        Role.SUBDISTRICT_OFFICER,
        Role.DISTRICT_OFFICER,
        Role.CITY_OFFICER,
        Role.CITY_ADMIN,
    }
)


def users_responsible_for(
    station_ids: Iterable[int],
    roles: Iterable[str],
    on: date | None = None,
    *,
    institutions: Mapping[int, Iterable[int]] | None = None,
) -> dict[int, list[User]]:
    """Station id -> the users who answer for that station on ``on`` through one of ``roles``:
    the one selector every app asks before it tells a station's people something.

    - a station manager of that station; a street/town officer of its street/town; a district
      officer of its district; a city officer or admin for every station;
    - an institution admin of an institution running the station under a contract in force on
      ``on`` (any project, as ``restrict`` reads it: ``stations.selectors``), or, when the
      matter names its institution (an evaluation, a rectification order), of the institution
      ``institutions`` maps the station to: the one that was evaluated or ordered answers for
      it even after its contract has ended.

    Only assignments in force on ``on`` (``role_in_force``) and active users count, and the
    role, its anchor and its dates are conditions on the same assignment row: a user whose
    manager role here ended and who holds another role elsewhere is not responsible here.
    Every id asked for is a key (an empty list when nobody answers for it); each list is
    ordered by user id, without repeats. Callers who tell everyone at once take the union of
    the lists. At most three queries, whatever the number of stations.
    """
    from stations.models import Station
    from stations.selectors import operator_ids_by_station

    on = on or clock.today()
    roles = set(roles)
    unknown = roles - STATION_ROLES
    if unknown:
        raise ValueError(f"not a station role: {', '.join(sorted(unknown))}")
    station_ids = list(dict.fromkeys(station_ids))
    result: dict[int, list[User]] = {sid: [] for sid in station_ids}
    if not station_ids or not roles:
        return result
    anchors = {
        pk: (subdistrict_id, district_id)
        for pk, subdistrict_id, district_id in Station.objects.filter(
            pk__in=station_ids
        ).values_list("pk", "subdistrict_id", "district_id")
    }
    if institutions is not None:
        operators = {sid: set(ids) for sid, ids in institutions.items()}
    elif Role.INSTITUTION_ADMIN in roles:
        operators = operator_ids_by_station(station_ids=station_ids, on=on)
    else:
        operators = {}
    reach = Q(pk__in=[])
    if Role.STATION_MANAGER in roles:
        reach |= Q(role=Role.STATION_MANAGER, station_id__in=station_ids)
    if Role.SUBDISTRICT_OFFICER in roles:
        reach |= Q(
            role=Role.SUBDISTRICT_OFFICER, subdistrict_id__in={s for s, _d in anchors.values()}
        )
    if Role.DISTRICT_OFFICER in roles:
        reach |= Q(role=Role.DISTRICT_OFFICER, district_id__in={d for _s, d in anchors.values()})
    if Role.INSTITUTION_ADMIN in roles:
        reach |= Q(
            role=Role.INSTITUTION_ADMIN,
            institution_id__in={i for ids in operators.values() for i in ids},
        )
    city = roles & CITY_ROLES
    if city:
        reach |= Q(role__in=city)
    assignments = (
        RoleAssignment.objects.filter(reach, role_in_force(on), user__is_active=True)
        .select_related("user")
        .order_by("user_id", "pk")
    )
    by_anchor: dict[tuple[str, int | None], dict[int, User]] = defaultdict(dict)
    for a in assignments:
        anchor = {
            Role.STATION_MANAGER: a.station_id,
            Role.SUBDISTRICT_OFFICER: a.subdistrict_id,
            Role.DISTRICT_OFFICER: a.district_id,
            Role.INSTITUTION_ADMIN: a.institution_id,
        }.get(a.role)
        by_anchor[(a.role, anchor)][a.user_id] = a.user
    city_users: dict[int, User] = {}
    for role in city:
        city_users |= by_anchor.get((role, None), {})
    for sid in station_ids:
        if sid not in anchors:
            continue
        subdistrict_id, district_id = anchors[sid]
        users = dict(city_users)
        users |= by_anchor.get((Role.STATION_MANAGER, sid), {})
        users |= by_anchor.get((Role.SUBDISTRICT_OFFICER, subdistrict_id), {})
        users |= by_anchor.get((Role.DISTRICT_OFFICER, district_id), {})
        for iid in operators.get(sid, ()):
            users |= by_anchor.get((Role.INSTITUTION_ADMIN, iid), {})
        result[sid] = [users[pk] for pk in sorted(users)]
    return result


def users_in_role(role: str, on: date | None = None):
    """Active users holding ``role`` on ``on`` (a queryset): the evaluators and inspectors who
    may still be chosen for, or told of, their assignments."""
    on = on or clock.today()
    held = RoleAssignment.objects.filter(role_in_force(on), role=role).values("user_id")
    return User.objects.filter(is_active=True, pk__in=held)
