"""API for users and role assignments: the city admin's (User.scope_actions).

Users are never deleted (DELETE answers 405); ``deactivate``/``reactivate`` stop and restore
sign-in. Passwords are write-only and never returned.
"""

from __future__ import annotations

from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from portal.api.fields import CharField, PortalModelSerializer
from portal.api.mixins import ScopedPrimaryKeyRelatedField, ScopedViewSetMixin
from portal.filtersets import RoleAssignmentFilterSet, UserFilterSet
from portal.models import RoleAssignment, User
from portal.scoping import VIEW
from portal.services import users as services
from portal.versioning import VersionedViewSetMixin
from stations.models import District, Institution, Station, Subdistrict

ANCHORS = ("district", "subdistrict", "institution", "station")


class RoleAssignmentBriefSerializer(PortalModelSerializer):
    role_display = CharField(source="get_role_display", read_only=True)
    anchor = serializers.SerializerMethodField()

    class Meta:
        model = RoleAssignment
        fields = ["id", "role", "role_display", "anchor", "starts_on", "ends_on"]

    def get_anchor(self, obj) -> str | None:
        return str(obj.anchor) if obj.anchor is not None else None


class UserSerializer(PortalModelSerializer):
    role_assignments = RoleAssignmentBriefSerializer(
        source="listed_assignments", many=True, read_only=True
    )

    class Meta:
        model = User
        fields = [
            "id",
            "username",
            "display_name",
            "email",
            "phone",
            "organisation",
            "is_active",
            "last_login",
            "date_joined",
            "role_assignments",
            "version",
        ]
        read_only_fields = ["username", "is_active", "last_login", "date_joined", "version"]


class UserCreateSerializer(UserSerializer):
    password = CharField(
        write_only=True,
        style={"input_type": "password"},
        trim_whitespace=False,
        help_text="初始密码：至少8位，至少3类字符，不能是常见密码。不会在任何响应中返回。",
    )

    class Meta(UserSerializer.Meta):
        fields = [*UserSerializer.Meta.fields, "password"]
        read_only_fields = ["is_active", "last_login", "date_joined"]


class PasswordSerializer(serializers.Serializer):
    password = CharField(write_only=True, style={"input_type": "password"}, trim_whitespace=False)


class UserViewSet(
    VersionedViewSetMixin,
    ScopedViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """用户: portal users and their role assignments (city admin only; never deleted)."""

    queryset = User.objects.all()
    serializer_class = UserSerializer
    filterset_class = UserFilterSet
    ordering_fields = ["username", "display_name", "date_joined", "last_login"]
    ordering = ["username"]

    def get_queryset(self):
        assignments = (
            RoleAssignment.objects.restrict(self.request.user, VIEW)
            .select_related(*ANCHORS)
            .order_by("role", "id")
        )
        return (
            super()
            .get_queryset()
            .prefetch_related(
                Prefetch("role_assignments", queryset=assignments, to_attr="listed_assignments")
            )
        )

    def get_serializer_class(self):
        if self.action == "create":
            return UserCreateSerializer
        if self.action == "set_password":
            return PasswordSerializer
        return UserSerializer

    def _fresh(self, pk) -> User:
        return self.get_queryset().get(pk=pk)

    def perform_create(self, serializer):
        user = services.user_create(actor=self.request.user, **serializer.validated_data)
        serializer.instance = self._fresh(user.pk)

    def perform_update(self, serializer):
        user = services.user_update(
            actor=self.request.user, user=serializer.instance, **serializer.validated_data
        )
        serializer.instance = self._fresh(user.pk)

    @extend_schema(request=None, responses=UserSerializer, summary="停用用户")
    @action(detail=True, methods=["post"])
    def deactivate(self, request, pk=None):
        user = services.user_deactivate(actor=request.user, user=self.get_object())
        return Response(UserSerializer(self._fresh(user.pk)).data)

    @extend_schema(request=None, responses=UserSerializer, summary="重新启用用户")
    @action(detail=True, methods=["post"])
    def reactivate(self, request, pk=None):
        user = services.user_reactivate(actor=request.user, user=self.get_object())
        return Response(UserSerializer(self._fresh(user.pk)).data)

    @extend_schema(request=PasswordSerializer, responses={204: None}, summary="重置密码")
    @action(detail=True, methods=["post"], url_path="set-password")
    def set_password(self, request, pk=None):
        user = self.get_object()
        serializer = PasswordSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.user_set_password(
            actor=request.user, user=user, password=serializer.validated_data["password"]
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


class RoleAssignmentSerializer(PortalModelSerializer):
    user = ScopedPrimaryKeyRelatedField(queryset=User.objects.all())
    district = ScopedPrimaryKeyRelatedField(
        queryset=District.objects.all(), required=False, allow_null=True
    )
    subdistrict = ScopedPrimaryKeyRelatedField(
        queryset=Subdistrict.objects.all(), required=False, allow_null=True
    )
    institution = ScopedPrimaryKeyRelatedField(
        queryset=Institution.objects.all(), required=False, allow_null=True
    )
    station = ScopedPrimaryKeyRelatedField(
        queryset=Station.objects.all(), required=False, allow_null=True
    )
    role_display = CharField(source="get_role_display", read_only=True)
    anchor = serializers.SerializerMethodField()

    class Meta:
        model = RoleAssignment
        fields = [
            "id",
            "user",
            "role",
            "role_display",
            "district",
            "subdistrict",
            "institution",
            "station",
            "anchor",
            "starts_on",
            "ends_on",
            "ended_at",
            "note",
            "created_at",
            "version",
        ]
        read_only_fields = ["ended_at", "created_at", "version"]

    def get_anchor(self, obj) -> str | None:
        return str(obj.anchor) if obj.anchor is not None else None


class RoleAssignmentUpdateSerializer(RoleAssignmentSerializer):
    """A new role or anchor is a new assignment: only dates and the note change."""

    class Meta(RoleAssignmentSerializer.Meta):
        read_only_fields = ["user", "role", *ANCHORS, "ended_at", "created_at", "version"]

    def get_fields(self):
        fields = super().get_fields()
        for name in ("user", "role", *ANCHORS):
            fields[name].read_only = True
        return fields


class EndSerializer(serializers.Serializer):
    ends_on = serializers.DateField(
        required=False,
        help_text="默认今天：今天即立即结束，角色马上失效；以后的日期则角色在该日当天仍有效。",
    )


class RoleAssignmentViewSet(VersionedViewSetMixin, ScopedViewSetMixin, viewsets.ModelViewSet):
    """角色分配: a role held by a user over a district, street/town, institution or station."""

    queryset = RoleAssignment.objects.select_related("user", *ANCHORS)
    serializer_class = RoleAssignmentSerializer
    filterset_class = RoleAssignmentFilterSet
    ordering_fields = ["id", "role", "starts_on", "ends_on"]
    ordering = ["id"]

    def get_serializer_class(self):
        if self.action in ("update", "partial_update"):
            return RoleAssignmentUpdateSerializer
        if self.action == "end":
            return EndSerializer
        return RoleAssignmentSerializer

    def perform_create(self, serializer):
        serializer.instance = services.role_assignment_create(
            actor=self.request.user, **serializer.validated_data
        )

    def perform_update(self, serializer):
        serializer.instance = services.role_assignment_update(
            actor=self.request.user, assignment=serializer.instance, **serializer.validated_data
        )

    def perform_destroy(self, instance):
        services.role_assignment_delete(actor=self.request.user, assignment=instance)

    @extend_schema(
        request=EndSerializer, responses=RoleAssignmentSerializer, summary="结束角色分配"
    )
    @action(detail=True, methods=["post"])
    def end(self, request, pk=None):
        serializer = EndSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        assignment = services.role_assignment_end(
            actor=request.user,
            assignment=self.get_object(),
            ends_on=serializer.validated_data.get("ends_on"),
        )
        return Response(RoleAssignmentSerializer(assignment, context={"request": request}).data)
