from django import template

from funding.permissions import BOARD_ROLES, OVERVIEW_ROLES

register = template.Library()


@register.simple_tag(takes_context=True)
def funding_nav(context) -> dict:
    """Which supervisor tabs of the funding pages the user may open."""
    user = context["request"].user
    return {"board": user.has_role(*BOARD_ROLES), "overview": user.has_role(*OVERVIEW_ROLES)}
