from __future__ import annotations

from datetime import date

from django.utils.translation import gettext as _

from portal import clock
from portal.models import Notification, PolicyVersion

NO_POLICY = "没有在%(on)s生效的政策参数版本。"


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
