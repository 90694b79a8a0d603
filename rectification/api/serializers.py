"""Serializers of the rectification API: they validate shape; services decide policy."""

from __future__ import annotations

from rest_framework import serializers

from portal.api.fields import BooleanField, CharField, PortalModelSerializer
from portal.api.mixins import ScopedPrimaryKeyRelatedField
from rectification.choices import Area, Severity, SourceKind
from rectification.models import RectificationEvent, RectificationOrder, RectificationResponse
from stations.models import Station


class EventSerializer(PortalModelSerializer):
    class Meta:
        model = RectificationEvent
        fields = ["kind", "from_status", "to_status", "note", "actor", "at"]


class ResponseSerializer(PortalModelSerializer):
    class Meta:
        model = RectificationResponse
        fields = ["id", "text", "responded_by", "responded_at"]


class OrderSerializer(PortalModelSerializer):
    station_name = CharField(source="station.name", read_only=True)

    class Meta:
        model = RectificationOrder
        fields = [
            "id",
            "source_kind",
            "finding",
            "source_ref",
            "station",
            "station_name",
            "institution",
            "severity",
            "area",
            "title",
            "description",
            "opened_on",
            "due_on",
            "policy_version",
            "status",
            "is_repeat",
            "escalation_level",
            "closed_at",
        ]
        read_only_fields = fields


class OrderOpenSerializer(serializers.Serializer):
    station = ScopedPrimaryKeyRelatedField(queryset=Station.objects.all())
    source_kind = serializers.ChoiceField(
        choices=[c for c in SourceKind.choices if c[0] != SourceKind.INSPECTION_FINDING]
    )
    source_ref = CharField(max_length=80)
    severity = serializers.ChoiceField(choices=Severity.choices)
    title = CharField(max_length=200)
    description = CharField(required=False, allow_blank=True, default="")
    area = serializers.ChoiceField(
        choices=Area.choices, required=False, allow_blank=True, default=""
    )


class RespondTextSerializer(serializers.Serializer):
    """A response without evidence files (JSON)."""

    text = CharField()


class RespondInputSerializer(RespondTextSerializer):
    """A response with evidence files (multipart/form-data, ``files`` repeated)."""

    files = serializers.ListField(child=serializers.FileField(), required=False, default=list)


class VerifyInputSerializer(serializers.Serializer):
    accept = BooleanField()
    reason = CharField(required=False, allow_blank=True, default="")
