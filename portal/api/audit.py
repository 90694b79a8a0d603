"""API for the audit trail: read-only (anything but GET answers 405), for the city roles like
the audit search page, scoped by restrict()."""

from __future__ import annotations

from rest_framework import viewsets

from portal.api.fields import CharField, PortalModelSerializer
from portal.api.mixins import RoleRequiredViewSetMixin, ScopedViewSetMixin
from portal.filtersets import AuditEventFilterSet
from portal.models import AuditEvent
from portal.selectors import AUDIT_SEARCH_REFUSED, AUDIT_SEARCH_ROLES, audit_event_list


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


class AuditEventViewSet(
    RoleRequiredViewSetMixin, ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet
):
    """审计日志: who did what, when, from where. Rows are never changed or deleted. For the
    city roles only, like the audit search page (one rule: ``audit_event_list``)."""

    roles = AUDIT_SEARCH_ROLES
    refused_message = AUDIT_SEARCH_REFUSED
    queryset = AuditEvent.objects.all()
    serializer_class = AuditEventSerializer
    filterset_class = AuditEventFilterSet
    ordering_fields = ["at", "id"]
    ordering = ["-at", "-id"]

    def get_queryset(self):
        return audit_event_list(self.request.user)
