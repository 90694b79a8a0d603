from __future__ import annotations

from portal.models import RoleSecurity


def second_factor_required(user) -> bool:
    """Whether any role the user holds requires a second factor (set by the city admin)."""
    roles = user.roles
    if not roles:
        return False
    cached = getattr(user, "_second_factor_required", None)
    if cached is None:
        cached = RoleSecurity.objects.filter(role__in=roles, require_second_factor=True).exists()
        user._second_factor_required = cached
    return cached
