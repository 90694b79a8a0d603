"""The home page's to-do list: what each user should do next.

Apps register providers, ``fn(user) -> list[TodoItem]``, usually in ``AppConfig.ready``::

    from portal.dashboards.todo import TodoItem, register_todo_provider

    @register_todo_provider
    def evaluations_to_submit(user):
        return [TodoItem(title=..., url=..., due_on=...) for ...]

A provider reads through its app's selectors (so through ``restrict``) and runs a fixed
number of queries whatever the number of rows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.utils.functional import Promise


@dataclass(frozen=True)
class TodoItem:
    title: str | Promise
    url: str = ""
    due_on: dt.date | None = None
    detail: str | Promise = ""
    count: int | None = None
    urgent: bool = False
    source: str = ""  # the app that posted it, for grouping and tests


TodoProvider = Callable[..., list[TodoItem]]
_PROVIDERS: list[TodoProvider] = []


def register_todo_provider(provider: TodoProvider) -> TodoProvider:
    """Register ``provider``; usable as a decorator. Registering twice has no effect."""
    if provider not in _PROVIDERS:
        _PROVIDERS.append(provider)
    return provider


def unregister_todo_provider(provider: TodoProvider) -> None:
    if provider in _PROVIDERS:
        _PROVIDERS.remove(provider)


def todo_providers() -> list[TodoProvider]:
    return list(_PROVIDERS)


def todos_for(user) -> list[TodoItem]:
    """Every provider's items for ``user``: urgent first, then by due date (undated last)."""
    if user is None or not user.is_authenticated:
        return []
    items: list[TodoItem] = []
    for provider in list(_PROVIDERS):
        items.extend(provider(user) or [])
    return sorted(
        items,
        key=lambda i: (not i.urgent, i.due_on is None, i.due_on or dt.date.max, str(i.title)),
    )
