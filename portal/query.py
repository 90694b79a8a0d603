"""Query parameters a view reads itself, outside a FilterSet (a board's year and quarter, a
totals' grouping): checked by a small form, refused with 400 and the form's messages.

    params = read_query(request, PeriodQuery)     # {"year": 2026 or None, "quarter": ...}

A page answers the 400 page with the messages (``portal.views.errors.bad_request``); the API
answers ``{"year": ["年度须为2000至2100之间的整数。"]}`` (``portal.api.exceptions``).
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import BadRequest

from portal.forms.base import IntegerField, QuarterField, YearField


class InvalidQuery(BadRequest):
    """The query string was refused; ``errors`` maps each parameter to its messages."""

    def __init__(self, errors: dict[str, list[str]]):
        super().__init__("；".join(m for messages in errors.values() for m in messages))
        self.errors = errors


def read_query(request, form_class: type[forms.Form]) -> dict:
    """The cleaned values of ``form_class`` over the request's query string, or InvalidQuery."""
    params = getattr(request, "query_params", None)
    form = form_class(params if params is not None else request.GET)
    if not form.is_valid():
        raise InvalidQuery({name: [str(m) for m in errors] for name, errors in form.errors.items()})
    return form.cleaned_data


class YearQuery(forms.Form):
    year = YearField(required=False)


class PeriodQuery(forms.Form):
    year = YearField(required=False)
    quarter = QuarterField(required=False)


class DistrictQuery(forms.Form):
    """A district id on a board (scoped by the selector it is passed to)."""

    district = IntegerField(required=False, min_value=1)


class BoardQuery(DistrictQuery):
    page = IntegerField(required=False, min_value=1)


class ServiceYearQuery(forms.Form):
    service_year = YearField(required=False)
