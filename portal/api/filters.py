"""The API's filter backend: every FilterSet checks its input like the pages' (``filterset_fields``
build on ``PortalFilterSet`` too) and takes the ids it accepts from ``restrict``.

A viewset's ``filterset_fields = ["person"]`` makes django-filter offer every person in the
database as a choice: ``?person=<id of someone in another district>`` answered an empty page,
and an id that does not exist answered 400, so an outsider could tell which ids exist. Here
every model-choice filter of every API FilterSet (declared, or made from ``filterset_fields``)
takes its choices from ``restrict(user, "view")``: an id out of scope is refused exactly like
one that does not exist ("选择一个有效的选项"). Declared filters whose choices are already a
function of the request (``stations.filtersets``) keep them.
"""

from __future__ import annotations

from django_filters import ModelChoiceFilter, ModelMultipleChoiceFilter
from django_filters.rest_framework import DjangoFilterBackend

from portal.filtersets import PortalFilterSet
from portal.scoping import VIEW


def narrow_choices(filterset, user) -> None:
    for flt in filterset.filters.values():
        if not isinstance(flt, ModelChoiceFilter | ModelMultipleChoiceFilter):
            continue
        queryset = flt.queryset
        if queryset is None or callable(queryset) or not hasattr(queryset, "restrict"):
            continue
        flt.queryset = queryset.restrict(user, VIEW)


class PortalFilterBackend(DjangoFilterBackend):
    filterset_base = PortalFilterSet

    def get_filterset(self, request, queryset, view):
        filterset = super().get_filterset(request, queryset, view)
        if filterset is not None:
            narrow_choices(filterset, request.user)
        return filterset
