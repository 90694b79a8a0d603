"""站内通知 API: the caller's own inbox (``restrict_extra`` keeps it to the recipient)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from portal.api.fields import PortalModelSerializer
from portal.api.mixins import ScopedViewSetMixin
from portal.filtersets import PortalFilterSet
from portal.models import Notification
from portal.services.notifications import notification_mark_read


class NotificationSerializer(PortalModelSerializer):
    is_read = serializers.SerializerMethodField()

    class Meta:
        model = Notification
        fields = ["id", "kind", "title", "body", "url", "created_at", "read_at", "is_read"]
        read_only_fields = fields

    def get_is_read(self, obj) -> bool:
        return obj.read_at is not None


class NotificationFilter(PortalFilterSet):
    unread = filters.BooleanFilter(field_name="read_at", lookup_expr="isnull", label=_("只看未读"))
    kind = filters.CharFilter()

    class Meta:
        model = Notification
        fields = ["unread", "kind"]


_marked = inline_serializer("NotificationsMarked", {"marked": serializers.IntegerField()})


class NotificationViewSet(
    ScopedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """The caller's notifications, newest first; ``?unread=true`` for unread only."""

    queryset = Notification.objects.all()
    serializer_class = NotificationSerializer
    filterset_class = NotificationFilter
    ordering_fields = ["created_at", "read_at"]
    ordering = ["-created_at", "-id"]

    @extend_schema(request=None, responses=_marked, summary="标为已读")
    @action(detail=True, methods=["post"])
    def mark_read(self, request, pk=None):
        note = self.get_object()  # another user's notification: 404
        marked = notification_mark_read(actor=request.user, ids=[note.pk])
        return Response({"marked": marked})

    @extend_schema(request=None, responses=_marked, summary="全部标为已读")
    @action(detail=False, methods=["post"])
    def mark_all_read(self, request):
        return Response({"marked": notification_mark_read(actor=request.user)})
