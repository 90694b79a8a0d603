"""API views of the portal app that are not lists of scoped rows."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, viewsets
from rest_framework.response import Response

from portal.api.fields import CharField


class MyRoleAssignmentSerializer(serializers.Serializer):
    role = CharField()
    role_display = CharField()
    anchor = CharField(allow_null=True)


class MeSerializer(serializers.Serializer):
    username = CharField()
    display_name = CharField()
    roles = MyRoleAssignmentSerializer(many=True)


class MeViewSet(viewsets.ViewSet):
    """当前用户: who the caller is and which roles they hold."""

    # Scoped trivially: it only ever answers about the caller.
    scoped = True
    list_returns_object = True  # one object, not a page (portal.api.schema)

    @extend_schema(responses=MeSerializer, summary="当前用户")
    def list(self, request):
        user = request.user
        data = {
            "username": user.get_username(),
            "display_name": user.display_name or user.get_username(),
            "roles": [
                {
                    "role": a.role,
                    "role_display": a.get_role_display(),
                    "anchor": str(a.anchor) if a.anchor is not None else None,
                }
                for a in user.active_assignments()
            ],
        }
        return Response(MeSerializer(data).data)
