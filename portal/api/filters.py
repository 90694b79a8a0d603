"""The API's filter backend: ``filterset_fields`` build on ``PortalFilterSet`` too, so every
list's filters check their input the same way (``portal.filtersets``)."""

from __future__ import annotations

from django_filters.rest_framework import DjangoFilterBackend

from portal.filtersets import PortalFilterSet


class PortalFilterBackend(DjangoFilterBackend):
    filterset_base = PortalFilterSet
