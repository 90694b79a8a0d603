"""Template tags of the page shell: the role's menu, the user menu, optional links."""

from __future__ import annotations

from django import template

from portal.dashboards.menu import first_url, menu_for, user_menu_for

register = template.Library()


@register.simple_tag(takes_context=True)
def main_menu(context):
    """``{% main_menu as menu %}``: entries the user's roles use, with pages that exist."""
    request = context.get("request")
    if request is None:
        return []
    return menu_for(getattr(request, "user", None), request.path)


@register.simple_tag(takes_context=True)
def user_menu(context):
    request = context.get("request")
    if request is None:
        return []
    return user_menu_for(getattr(request, "user", None))


@register.simple_tag
def url_if(*url_names):
    """``{% url_if "app:name" "app:other" as url %}``: the first that resolves, else ``""``."""
    return first_url(url_names) or ""
