"""Who is acting and from where, for audit rows written anywhere during a request."""

from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass


@dataclass
class RequestContext:
    user_id: int | None = None
    user_name: str = ""
    ip_address: str | None = None
    user_agent: str = ""
    request_id: str = ""


current: ContextVar[RequestContext | None] = ContextVar("portal_request_context", default=None)


def get() -> RequestContext:
    return current.get() or RequestContext()
