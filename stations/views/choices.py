"""Search behind the dropdowns that are too long to render (stations.filtersets
``ScopedChoiceWidget``): a few matching rows as JSON, from the same scoped choice functions
the filters validate against, so a suggestion never names what the user may not see."""

from __future__ import annotations

from django.db.models import Q
from django.http import Http404, JsonResponse
from django.views import View

from portal.scoping import VIEW
from portal.views.mixins import ScopedMixin
from stations.filtersets import (
    district_choices,
    institution_choices,
    station_choices,
    subdistrict_choices,
)
from stations.models import Institution, Station, Subdistrict

SUGGESTIONS = 20
MAX_QUERY = 50


def _place_match(q: str) -> Q:
    return Q(name__icontains=q) | Q(code__startswith=q)


# source -> (scoped choices, match on the typed text, narrows by district, label)
SOURCES = {
    "district": (district_choices, _place_match, False, lambda d: f"{d.name} · {d.code}"),
    "subdistrict": (
        lambda request: subdistrict_choices(request),
        _place_match,
        True,
        lambda s: f"{s.name} · {s.district.name}",
    ),
    "institution": (
        institution_choices,
        lambda q: Q(name__icontains=q) | Q(credit_code__startswith=q.upper()),
        False,
        lambda i: i.name,
    ),
    "station": (
        lambda request: station_choices(request).select_related("district"),
        _place_match,
        True,
        lambda s: f"{s.name} · {s.code}",
    ),
}


# Form dropdowns offer every row in view scope, not only those with stations or contracts;
# the form's own queryset (what the user may act on) still decides what is accepted.
SOURCES |= {
    "any-subdistrict": (
        lambda request: Subdistrict.objects.restrict(request.user, VIEW).select_related("district"),
        _place_match,
        False,
        SOURCES["subdistrict"][3],
    ),
    "any-institution": (
        lambda request: Institution.objects.restrict(request.user, VIEW),
        SOURCES["institution"][1],
        False,
        SOURCES["institution"][3],
    ),
}


class ChoiceSearchView(ScopedMixin, View):
    """``GET ?q=…&district=…`` → ``{"results": [{"id", "text"}]}``, at most ``SUGGESTIONS``."""

    model = Station

    def get(self, request, source):
        if source not in SOURCES:
            raise Http404
        choices, match, narrows, label = SOURCES[source]
        rows = choices(request)
        q = request.GET.get("q", "").strip()[:MAX_QUERY]
        if q:
            rows = rows.filter(match(q))
        district = request.GET.get("district", "")
        if narrows and district.isdigit():
            rows = rows.filter(district_id=district)
        return JsonResponse(
            {"results": [{"id": row.pk, "text": label(row)} for row in rows[:SUGGESTIONS]]}
        )
