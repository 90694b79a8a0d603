"""Who uses which evaluations tool (rows are still narrowed by ``restrict``)."""

from __future__ import annotations

from portal.choices import CITY_ROLES

# The what-if recomputes every station's last result under a draft framework: a tool for
# the city bureau, which sets the frameworks. Page and API ask the same question here.
WHAT_IF_ROLES = CITY_ROLES


def can_run_what_if(user) -> bool:
    return bool(user is not None and user.is_authenticated and user.has_role(*WHAT_IF_ROLES))
