"""Money formatting for templates: Decimal, rounded half-up, never float.

``{{ fee|yuan }}`` -> ``2,400,000.00``; ``{{ fee|wan }}`` -> ``240.00``;
``{{ fee|wan_yuan }}`` -> ``240.00万元`` (the unit translated), for dashboards.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django import template
from django.utils.translation import gettext as _

register = template.Library()

CENT = Decimal("0.01")
TEN_THOUSAND = Decimal(10000)
EMPTY = "—"


def to_decimal(value) -> Decimal | None:
    """``value`` as a Decimal; floats go through ``str`` so 0.1 stays 0.1."""
    if value is None or value == "":
        return None
    if isinstance(value, Decimal):
        return value
    if isinstance(value, float):
        value = str(value)
    try:
        return Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        return None


def format_amount(amount: Decimal) -> str:
    """Two places, half-up, thousands separators: ``Decimal("2400000")`` -> ``2,400,000.00``."""
    rounded = amount.quantize(CENT, rounding=ROUND_HALF_UP)
    if rounded == 0:
        rounded = abs(rounded)  # no "-0.00"
    return f"{rounded:,.2f}"


@register.filter
def yuan(value) -> str:
    amount = to_decimal(value)
    return EMPTY if amount is None else format_amount(amount)


@register.filter
def wan(value) -> str:
    amount = to_decimal(value)
    return EMPTY if amount is None else format_amount(amount / TEN_THOUSAND)


@register.filter
def wan_yuan(value) -> str:
    amount = to_decimal(value)
    if amount is None:
        return EMPTY
    return _("%(amount)s万元") % {"amount": format_amount(amount / TEN_THOUSAND)}
