from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from portal import clock
from portal.choices import CITY_ROLES
from portal.models import AuditEvent, Notification, PolicyVersion
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
