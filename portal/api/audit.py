"""API for the audit trail: read-only (anything but GET answers 405), scoped by restrict()."""

from __future__ import annotations

from rest_framework import viewsets

from portal.api.fields import CharField, PortalModelSerializer
from portal.api.mixins import ScopedViewSetMixin
from portal.filtersets import AuditEventFilterSet
from portal.models import AuditEvent


class AuditEventSerializer(PortalModelSerializer):
    action_display = CharField(source="get_action_display", read_only=True)
    outcome_display = CharField(source="get_outcome_display", read_only=True)

    class Meta:
        model = AuditEvent
        fields = [
            "id",
            "at",
            "actor_id",
            "actor_name",
            "action",
            "action_display",
            "outcome",
            "outcome_display",
            "object_type",
            "object_id",
            "object_repr",
            "changes",
            "message",
            "ip_address",
            "request_id",
        ]
        read_only_fields = fields


class AuditEventViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """审计日志: who did what, when, from where. Rows are never changed or deleted."""

    queryset = AuditEvent.objects.all()
    serializer_class = AuditEventSerializer
    filterset_class = AuditEventFilterSet
    ordering_fields = ["at", "id"]
    ordering = ["-at", "-id"]
