"""Viewsets of the rectification API. Reads go through ``restrict``; state changes are
``@action``s that call the services (which re-check scope)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from portal.api.mixins import ScopedViewSetMixin
from rectification import selectors, services
from rectification.api import serializers as s
from rectification.filtersets import OrderFilterSet
from rectification.models import RectificationOrder

_ReadOnly = (
    ScopedViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
)


class OrderViewSet(*_ReadOnly):
    """整改通知单: the rectification mechanism shared by inspections and evaluations."""

    queryset = RectificationOrder.objects.select_related("station").order_by("-opened_on", "-pk")
    serializer_class = s.OrderSerializer
    filterset_class = OrderFilterSet

    @extend_schema(
        request=s.OrderOpenSerializer,
        responses=s.OrderSerializer,
        summary="下达整改单（评估或其他来源）",
    )
    def create(self, request):
        data = s.OrderOpenSerializer(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        order = services.rectification_order_open(actor=request.user, **data.validated_data)
        return Response(s.OrderSerializer(order).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request={
            "multipart/form-data": s.RespondInputSerializer,
            "application/json": s.RespondTextSerializer,
        },
        responses=s.OrderSerializer,
        summary="提交整改反馈",
    )
    @action(detail=True, methods=["post"])
    def respond(self, request, pk=None):
        order = self.get_object()
        data = s.RespondInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.rectification_respond(
            actor=request.user,
            order=order,
            text=data.validated_data["text"],
            files=request.FILES.getlist("files"),
        )
        order.refresh_from_db()
        return Response(s.OrderSerializer(order).data)

    @extend_schema(
        request=s.VerifyInputSerializer,
        responses=s.OrderSerializer,
        summary="核验整改（通过或退回）",
    )
    @action(detail=True, methods=["post"])
    def verify(self, request, pk=None):
        order = self.get_object()
        data = s.VerifyInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.rectification_verify(actor=request.user, order=order, **data.validated_data)
        order.refresh_from_db()
        return Response(s.OrderSerializer(order).data)

    @extend_schema(request=None, responses=s.EventSerializer(many=True), summary="全过程记录")
    @action(detail=True, methods=["get"])
    def history(self, request, pk=None):
        order = self.get_object()
        return Response(s.EventSerializer(selectors.order_history(order), many=True).data)
