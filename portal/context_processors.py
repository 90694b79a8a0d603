from __future__ import annotations

from django.conf import settings


def shell(request):
    """What the base template needs on every page: site name and the unread count."""
    data = {"site_name": settings.PORTAL_SITE_NAME}
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        from portal.selectors import unread_count

        data["unread_notifications"] = unread_count(user)
    return data
