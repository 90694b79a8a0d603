"""One scoping path: ``Model.objects.restrict(user, action)``.

Every queryset that reaches a user goes through ``restrict``. Each scoped model declares once,
in a ``scope = Scope(...)`` class attribute, how its rows reach a station, street/town,
district or institution, and in ``scope_actions`` which roles may do what. ``restrict`` turns
the user's role assignments into one filter. An object outside the result is answered with 404
by the view and API mixins; an object the user may view but not change answers 403.

Two actors are not users. ``SYSTEM`` is the portal itself (Celery tasks, the demo and bench
commands, a service acting on its own behalf): it sees and may do everything. ``None`` is
nobody: it sees nothing and may do nothing, in every helper here, so a caller that forgot to
pass the user fails closed instead of seeing all.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any, cast

from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Q

from portal import clock
from portal.choices import ALL_ROLES, CITY_ROLES, Role

if TYPE_CHECKING:
    from portal.models import RoleAssignment, User

VIEW, ADD, CHANGE, DELETE = "view", "add", "change", "delete"


class SystemActor:
    """The portal acting on its own (``SYSTEM``): every helper lets it see and do all.

    It answers the questions services ask of an actor as a superuser holding every role
    would, so a check written for people lets it through; it is not a user, and nothing it
    does is stored as anyone's (``as_user`` gives ``None``).
    """

    pk = None
    id = None
    username = "system"
    is_authenticated = True
    is_active = True
    is_superuser = True
    is_staff = False
    roles = ALL_ROLES

    def has_role(self, *roles: str) -> bool:
        return True

    def active_assignments(self) -> list:
        return []

    def get_username(self) -> str:
        return self.username

    def __str__(self) -> str:
        return "系统"

    def __repr__(self) -> str:
        return "SYSTEM"

    def __reduce__(self):
        return "SYSTEM"


SYSTEM = SystemActor()


def is_system(actor: object) -> bool:
    return actor is SYSTEM


def as_user(actor: Any) -> Any:
    """The user to record as having acted (``created_by`` and the like): ``None`` for the
    system, the actor otherwise."""
    return None if actor is SYSTEM else actor


# A role's stations reached through another app's assignments (an evaluator's assigned
# evaluations, an inspector's assigned inspections). Domain apps register a function
# ``(user, today) -> queryset of station ids`` in their AppConfig.ready().
_assignment_station_sources: dict[str, list[Callable[[Any, date], Any]]] = {}


def register_assignment_stations(role: str, source: Callable[[Any, date], Any]) -> None:
    _assignment_station_sources.setdefault(role, []).append(source)


@dataclass(frozen=True)
class Scope:
    """How a model's rows reach the anchors scope is defined over.

    Paths are Django lookups to the anchor's primary key holder (``"station"``,
    ``"inspection__station"``); ``"pk"`` names the model itself. ``public`` reference data
    (geography, editable lists) may be viewed by every signed-in user. ``assignees`` maps a
    role to a lookup reaching the assigned user (``{"evaluator": "assignments__evaluator"}``);
    ``via_assignment`` lets evaluators and inspectors see rows of the stations their
    assignments point at.
    """

    station: str | None = None
    subdistrict: str | None = None
    district: str | None = None
    institution: str | None = None
    public: bool = False
    assignees: dict[str, str] = field(default_factory=dict)
    via_assignment: bool = False


DEFAULT_ACTIONS: dict[str, frozenset[str]] = {
    VIEW: ALL_ROLES,
    ADD: frozenset({Role.CITY_ADMIN}),
    CHANGE: frozenset({Role.CITY_ADMIN}),
    DELETE: frozenset({Role.CITY_ADMIN}),
}

_NOTHING = Q(pk__in=[])


def _institution_stations(institution_id: int, on: date):
    from stations.selectors import station_ids_run_by

    return station_ids_run_by(institution_id=institution_id, on=on)


def assignment_condition(
    scope: Scope, assignment: RoleAssignment, user: User, on: date
) -> Q | None:
    """The filter one role assignment grants over a model; ``None`` means every row."""
    role = assignment.role
    if role in CITY_ROLES:
        return None
    if scope.public:
        return None
    if role == Role.DISTRICT_OFFICER and scope.district:
        return Q(**{scope.district: assignment.district_id})
    if role == Role.SUBDISTRICT_OFFICER and scope.subdistrict:
        return Q(**{scope.subdistrict: assignment.subdistrict_id})
    if role == Role.STATION_MANAGER and scope.station:
        return Q(**{scope.station: assignment.station_id})
    if role == Role.INSTITUTION_ADMIN:
        cond = _NOTHING
        if scope.station and assignment.institution_id is not None:
            cond |= Q(
                **{f"{scope.station}__in": _institution_stations(assignment.institution_id, on)}
            )
        if scope.institution:
            cond |= Q(**{scope.institution: assignment.institution_id})
        return cond
    if role in scope.assignees:
        return Q(**{scope.assignees[role]: user.pk})
    if scope.via_assignment and scope.station and role in _assignment_station_sources:
        cond = _NOTHING
        for source in _assignment_station_sources[role]:
            cond |= Q(**{f"{scope.station}__in": source(user, on)})
        return cond
    return _NOTHING


class ScopedQuerySet(models.QuerySet):
    def restrict(self, user: User | None, action: str = VIEW) -> ScopedQuerySet:
        """The rows ``user`` may ``action``; ``none()`` for anonymous or inactive users."""
        # Only scoped models have this queryset (``ScopedManager``).
        model = cast("type[ScopedModel]", self.model)
        if user is SYSTEM:
            return self.all()
        if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
            return self.none()
        scope: Scope = model.scope
        allowed = model.scope_actions.get(action, frozenset())
        assignments = [a for a in user.active_assignments() if a.role in allowed]
        if user.is_superuser and Role.CITY_ADMIN in allowed:
            return self._restrict_extra(user, action, self.all(), assignments)
        if not assignments:
            return self.none()
        today = clock.today()
        combined = _NOTHING
        for assignment in assignments:
            cond = assignment_condition(scope, assignment, user, today)
            if cond is None:
                return self._restrict_extra(user, action, self.all(), assignments)
            combined |= cond
        return self._restrict_extra(user, action, self.filter(combined), assignments)

    def _restrict_extra(self, user, action, qs, assignments):
        # A model may narrow further (unannounced inspections hide from the station side).
        hook = getattr(self.model, "restrict_extra", None)
        return hook(qs, user=user, action=action, assignments=assignments) if hook else qs


class ScopedManager(models.Manager.from_queryset(ScopedQuerySet)):  # type: ignore[misc]
    pass


class ScopedModel(models.Model):
    """Base for every model whose rows reach users. Subclasses set ``scope``."""

    scope = Scope()
    scope_actions = DEFAULT_ACTIONS

    objects = ScopedManager()

    class Meta:
        abstract = True


def user_may(user: User | None, action: str, obj: ScopedModel) -> bool:
    """Whether ``user`` may ``action`` this saved object (``SYSTEM``: yes; ``None``: no)."""
    if user is SYSTEM:
        return True
    if user is None:
        return False
    return type(obj)._default_manager.restrict(user, action).filter(pk=obj.pk).exists()


def ensure_may(user: User | None, action: str, obj: ScopedModel) -> None:
    """Raise 404-like or 403-like errors for services: out of scope vs not allowed.
    ``SYSTEM`` passes; ``None`` (nobody) reaches nothing: 404."""
    if user is SYSTEM:
        return
    manager = type(obj)._default_manager
    if not manager.restrict(user, VIEW).filter(pk=obj.pk).exists():
        from django.http import Http404

        raise Http404
    if action != VIEW and not manager.restrict(user, action).filter(pk=obj.pk).exists():
        raise PermissionDenied


def roles_allowed(user: User | None, model: type[ScopedModel], action: str) -> set[str]:
    """The roles through which ``user`` may ``action`` some row of ``model``."""
    allowed = model.scope_actions.get(action, frozenset())
    if user is SYSTEM:
        return set(allowed)
    if user is None or not user.is_authenticated:
        return set()
    roles = {a.role for a in user.active_assignments() if a.role in allowed}
    if user.is_superuser and Role.CITY_ADMIN in allowed:
        roles.add(Role.CITY_ADMIN)
    return roles


def stations_for(user: User | None, model: type[ScopedModel], action: str):
    """Stations under which ``user`` may ``action`` rows of ``model`` (form choices, checks).

    A station manager may add a budget for their station though they may not change the
    station itself: the roles come from ``model`` and the reach from the Station scope.
    """
    from stations.models import Station

    if user is SYSTEM:
        return Station.objects.all()
    if user is None:
        return Station.objects.none()
    allowed = model.scope_actions.get(action, frozenset())
    assignments = [a for a in user.active_assignments() if a.role in allowed]
    if user.is_superuser and Role.CITY_ADMIN in allowed:
        return Station.objects.all()
    today = clock.today()
    combined = _NOTHING
    for assignment in assignments:
        cond = assignment_condition(Station.scope, assignment, user, today)
        if cond is None:
            return Station.objects.all()
        combined |= cond
    return Station.objects.filter(combined)


def ensure_may_add(user: User | None, model: type[ScopedModel], *, station=None) -> None:
    """Creating a row of ``model`` under ``station``: 404 out of reach, 403 not allowed.
    ``SYSTEM`` passes; ``None`` (nobody) is not allowed: 403."""
    if user is SYSTEM:
        return
    if not roles_allowed(user, model, ADD):
        raise PermissionDenied
    if station is not None and not stations_for(user, model, ADD).filter(pk=station.pk).exists():
        from stations.models import Station

        if Station.objects.restrict(user, VIEW).filter(pk=station.pk).exists():
            raise PermissionDenied
        from django.http import Http404

        raise Http404


def pks(objs: Iterable[models.Model]) -> list[Any]:
    return [o.pk for o in objs]
