"""Who uses which funding page (rows are still narrowed by ``restrict``)."""

from __future__ import annotations

from funding.models import APPROVE, Budget, FundingYear, SocialResource, SpendingReport
from portal.choices import CITY_ROLES, Role
from portal.scoping import ADD, CHANGE, roles_allowed, stations_for, user_may

# The compliance board and the city-wide overview are the supervisors' tools.
BOARD_ROLES = frozenset(CITY_ROLES | {Role.DISTRICT_OFFICER, Role.SUBDISTRICT_OFFICER})
OVERVIEW_ROLES = frozenset(CITY_ROLES | {Role.DISTRICT_OFFICER})


def can_add_budget(user, station) -> bool:
    return stations_for(user, Budget, ADD).filter(pk=station.pk).exists()


def can_change_budget(user, budget: Budget) -> bool:
    return user_may(user, CHANGE, budget)


def can_approve_budget(user, budget: Budget) -> bool:
    return user_may(user, APPROVE, budget)


def can_change_report(user, report: SpendingReport) -> bool:
    return user_may(user, CHANGE, report)


def can_approve_report(user, report: SpendingReport) -> bool:
    return user_may(user, APPROVE, report)


def can_finalise_year(user, funding_year: FundingYear) -> bool:
    return user_may(user, APPROVE, funding_year)


def can_prepare(user) -> bool:
    return bool(roles_allowed(user, Budget, ADD))


def can_add_resource(user) -> bool:
    return bool(roles_allowed(user, SocialResource, ADD))
