"""API for policy versions: everyone signed in reads, the city admin adds future versions."""

from __future__ import annotations

from rest_framework import mixins, serializers, viewsets

from portal.api.fields import PortalModelSerializer
from portal.api.mixins import ScopedViewSetMixin
from portal.errors import Conflict
from portal.filtersets import PolicyVersionFilterSet
from portal.models import PolicyVersion
from portal.services import policy as services
from portal.versioning import VersionedViewSetMixin


class PolicyVersionSerializer(PortalModelSerializer):
    is_frozen = serializers.SerializerMethodField(help_text="已生效或已失效的版本不可修改。")

    class Meta:
        model = PolicyVersion
        fields = [
            "id",
            *services.policy_fields(),
            "is_frozen",
            "created_at",
            "updated_at",
            "version",
        ]
        read_only_fields = ["created_at", "updated_at", "version"]
        # Uniqueness and the grade bands are checked by the service (full_clean).
        validators: list = []

    def get_is_frozen(self, obj) -> bool:
        return services.is_frozen(obj)

    def get_fields(self):
        fields = super().get_fields()
        fields["effective_from"].validators = []
        return fields


class PolicyVersionViewSet(
    VersionedViewSetMixin,
    ScopedViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """政策参数版本: thresholds by effective date. A version in force or past answers 409."""

    queryset = PolicyVersion.objects.all()
    serializer_class = PolicyVersionSerializer
    filterset_class = PolicyVersionFilterSet
    ordering_fields = ["effective_from", "name"]
    ordering = ["-effective_from"]

    def update(self, request, *args, **kwargs):
        # Frozen is the answer whatever the payload: check it before validating.
        if services.is_frozen(self.get_object()):
            raise Conflict(services.FROZEN)
        return super().update(request, *args, **kwargs)

    def perform_create(self, serializer):
        serializer.instance = services.policy_version_create(
            actor=self.request.user, **serializer.validated_data
        )

    def perform_update(self, serializer):
        serializer.instance = services.policy_version_update(
            actor=self.request.user, version=serializer.instance, **serializer.validated_data
        )
