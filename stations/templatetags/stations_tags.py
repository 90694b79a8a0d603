"""Small helpers for the stations list pages: query strings that keep the current filters."""

from __future__ import annotations

from django import template
from django.utils.http import urlencode

register = template.Library()


@register.simple_tag(takes_context=True)
def query_with(context, **changes) -> str:
    """The current query string with ``changes`` applied (``None`` or "" removes a key).

    Changing a filter or the sort resets the page to the first one.
    """
    request = context["request"]
    params = request.GET.copy()
    if set(changes) - {"page"}:
        params.pop("page", None)
    for key, value in changes.items():
        if value in (None, ""):
            params.pop(key, None)
        else:
            params[key] = value
    encoded = urlencode(sorted((k, v) for k in params for v in params.getlist(k)))
    return "?" + encoded if encoded else "?"


@register.simple_tag(takes_context=True)
def sort_toggle(context, field: str) -> str:
    """Query string sorting by ``field``, descending when it is already the ascending sort."""
    current = context["request"].GET.get("sort", "")
    value = f"-{field}" if current == field else field
    return query_with(context, sort=value)


@register.simple_tag(takes_context=True)
def sort_icon(context, field: str) -> str:
    current = context["request"].GET.get("sort", "")
    if current == field:
        return "bi-sort-up"
    if current == f"-{field}":
        return "bi-sort-down"
    return "bi-arrow-down-up text-body-tertiary"


@register.filter
def bs(bound_field):
    """Render a form field's widget with the Bootstrap 5 class its kind needs."""
    from django import forms

    widget = bound_field.field.widget
    if isinstance(widget, forms.CheckboxInput):
        css = "form-check-input"
    elif isinstance(widget, forms.Select | forms.SelectMultiple):
        css = "form-select"
    else:
        css = "form-control"
    existing = widget.attrs.get("class", "")
    if bound_field.errors:
        css += " is-invalid"
    if css.split()[0] in existing.split() and not bound_field.errors:
        return bound_field.as_widget()
    return bound_field.as_widget(attrs={"class": f"{existing} {css}".strip()})


# Audit snapshots hold ids, codes and technical names; a history line shows them as stored.
_HIDDEN_HISTORY_FIELDS = {"id", "district", "is_comprehensive", "credit_code_confirmed_by"}


@register.filter
def history_lines(event) -> list[tuple[str, str]]:
    """``(field label, "old → new")`` pairs of one audit row, labels from the model's fields."""
    from django.apps import apps

    try:
        model = apps.get_model(event.object_type) if event.object_type else None
    except (LookupError, ValueError):
        model = None

    def label(name: str) -> str:
        if model is None:
            return name
        try:
            return str(model._meta.get_field(name).verbose_name)
        except Exception:  # not a field: show the stored key
            return name

    def show(value) -> str:
        if value in (None, ""):
            return "—"
        if isinstance(value, dict):
            return "；".join(f"{k}: {v}" for k, v in value.items())
        if isinstance(value, list):
            return "、".join(str(v) for v in value)
        return str(value)

    lines = []
    changes = event.changes or {}
    for name, value in changes.items():
        if name in _HIDDEN_HISTORY_FIELDS:
            continue
        if event.action == "update" and isinstance(value, list) and len(value) == 2:
            lines.append((label(name), f"{show(value[0])} → {show(value[1])}"))
        elif value not in (None, "", [], {}):
            lines.append((label(name), show(value)))
    return lines
