"""Who is acting and from where, for audit rows written anywhere during a request."""

from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any


@dataclass
class RequestContext:
    """The actor and client of the work in progress.

    With ``request`` set (the request middleware sets it), the actor is whoever the request's
    user is at the moment a row is written, not when the middleware ran: an API call with a
    token is authenticated by DRF inside the view, after every middleware, and DRF then sets
    the user on the Django request too. Without it (sign-in events, tasks) the fixed
    ``user_id``/``user_name`` are the actor.
    """

    user_id: int | None = None
    user_name: str = ""
    ip_address: str | None = None
    user_agent: str = ""
    request_id: str = ""
    request: Any = field(default=None, repr=False, compare=False)

    def actor(self) -> tuple[int | None, str]:
        """``(id, username)`` of the acting user, ``(None, "")`` for nobody or the system."""
        if self.request is not None:
            user = getattr(self.request, "user", None)
            if user is not None and user.is_authenticated:
                return user.pk, user.get_username()
            return None, ""
        return self.user_id, self.user_name


current: ContextVar[RequestContext | None] = ContextVar("portal_request_context", default=None)


def get() -> RequestContext:
    return current.get() or RequestContext()
