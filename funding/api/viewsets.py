"""API of the funding app: scoped viewsets; state changes are @actions calling services."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from funding import selectors, services
from funding.api import serializers as s
from funding.filtersets import (
    BudgetFilterSet,
    FundingYearFilterSet,
    ReportFilterSet,
    SocialResourceFilterSet,
)
from funding.models import (
    Budget,
    FundingYear,
    SocialResource,
    SpendingAttachment,
    SpendingReport,
)
from portal import clock
from portal.api.mixins import ScopedViewSetMixin
from portal.versioning import VersionedViewSetMixin


def _lines(data) -> list[dict]:
    return [dict(line) for line in data["lines"]]


def _require(data, *names):
    missing = {n: ["该字段是必填项。"] for n in names if data.get(n) in (None, "")}
    if missing:
        raise ValidationError(missing)


class BudgetViewSet(
    VersionedViewSetMixin,
    ScopedViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """项目预算. Create a draft with lines; PUT the lines back with the ``version`` you read;
    ``submit`` checks the personnel floor; district officers ``approve`` or ``return``."""

    queryset = Budget.objects.select_related("contract").prefetch_related("lines")
    claims_version = False  # the services claim it (required) with the state change
    serializer_class = s.BudgetSerializer
    filterset_class = BudgetFilterSet

    @extend_schema(request=s.BudgetWriteSerializer, responses={201: s.BudgetSerializer})
    def create(self, request):
        data = _validated(s.BudgetWriteSerializer, request)
        _require(data, "contract")
        budget = services.budget_create(
            actor=request.user,
            contract=data["contract"],
            lines=_lines(data),
            note=data.get("note", ""),
        )
        return Response(s.BudgetSerializer(budget).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.BudgetWriteSerializer, responses=s.BudgetSerializer)
    def update(self, request, pk=None):
        budget = self.get_object()
        data = _validated(s.BudgetWriteSerializer, request)
        budget = services.budget_update(
            actor=request.user,
            budget=budget,
            version=self.expected_version(data.get("version")),
            lines=_lines(data),
            note=data.get("note"),
        )
        return Response(s.BudgetSerializer(budget).data)

    def scope_action(self):
        if self.action in ("update", "submit", "revise"):
            return "change"
        if self.action in ("approve", "return_"):
            return "approve"
        return super().scope_action()

    @extend_schema(request=s.VersionSerializer, responses=s.BudgetSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        budget = self.get_object()
        data = _validated(s.VersionSerializer, request)
        budget = services.budget_submit(actor=request.user, budget=budget, version=data["version"])
        return Response(s.BudgetSerializer(budget).data)

    @extend_schema(request=s.VersionSerializer, responses=s.BudgetSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        budget = self.get_object()
        data = _validated(s.VersionSerializer, request)
        budget = services.budget_approve(actor=request.user, budget=budget, version=data["version"])
        return Response(s.BudgetSerializer(budget).data)

    @extend_schema(request=s.ReturnSerializer, responses=s.BudgetSerializer)
    @action(detail=True, methods=["post"], url_path="return", url_name="return")
    def return_(self, request, pk=None):
        budget = self.get_object()
        data = _validated(s.ReturnSerializer, request)
        budget = services.budget_return(
            actor=request.user, budget=budget, version=data["version"], reason=data["reason"]
        )
        return Response(s.BudgetSerializer(budget).data)

    @extend_schema(request=None, responses={201: s.BudgetSerializer})
    @action(detail=True, methods=["post"])
    def revise(self, request, pk=None):
        budget = self.get_object()
        revision = services.budget_revise(actor=request.user, budget=budget)
        return Response(s.BudgetSerializer(revision).data, status=status.HTTP_201_CREATED)


class SpendingReportViewSet(
    VersionedViewSetMixin,
    ScopedViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """支出报告 per month (or quarter), with attachments; ``submit``, ``approve``, ``return``."""

    queryset = SpendingReport.objects.prefetch_related("lines", "attachments")
    claims_version = False  # the services claim it (required) with the state change
    serializer_class = s.SpendingReportSerializer
    filterset_class = ReportFilterSet

    def scope_action(self):
        if self.action in ("update", "submit", "attachments", "attachment_delete"):
            return "change"
        if self.action in ("approve", "return_"):
            return "approve"
        return super().scope_action()

    @extend_schema(
        request=s.SpendingReportWriteSerializer, responses={201: s.SpendingReportSerializer}
    )
    def create(self, request):
        data = _validated(s.SpendingReportWriteSerializer, request)
        _require(data, "contract", "period")
        report = services.report_create(
            actor=request.user,
            contract=data["contract"],
            period=data["period"],
            period_kind=data.get("period_kind") or None,
            lines=_lines(data),
            note=data.get("note", ""),
        )
        return Response(s.SpendingReportSerializer(report).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.SpendingReportWriteSerializer, responses=s.SpendingReportSerializer)
    def update(self, request, pk=None):
        report = self.get_object()
        data = _validated(s.SpendingReportWriteSerializer, request)
        report = services.report_update(
            actor=request.user,
            report=report,
            version=self.expected_version(data.get("version")),
            lines=_lines(data),
            note=data.get("note"),
        )
        return Response(s.SpendingReportSerializer(report).data)

    @extend_schema(request=s.VersionSerializer, responses=s.SpendingReportSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        report = self.get_object()
        data = _validated(s.VersionSerializer, request)
        report = services.report_submit(actor=request.user, report=report, version=data["version"])
        return Response(s.SpendingReportSerializer(report).data)

    @extend_schema(request=s.VersionSerializer, responses=s.SpendingReportSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        report = self.get_object()
        data = _validated(s.VersionSerializer, request)
        report = services.report_approve(actor=request.user, report=report, version=data["version"])
        return Response(s.SpendingReportSerializer(report).data)

    @extend_schema(request=s.ReturnSerializer, responses=s.SpendingReportSerializer)
    @action(detail=True, methods=["post"], url_path="return", url_name="return")
    def return_(self, request, pk=None):
        report = self.get_object()
        data = _validated(s.ReturnSerializer, request)
        report = services.report_return(
            actor=request.user, report=report, version=data["version"], reason=data["reason"]
        )
        return Response(s.SpendingReportSerializer(report).data)

    @extend_schema(
        request={"multipart/form-data": s.AttachmentUploadSerializer},
        responses={201: s.AttachmentSerializer},
    )
    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser, FormParser])
    def attachments(self, request, pk=None):
        report = self.get_object()
        data = _validated(s.AttachmentUploadSerializer, request)
        attachment = services.attachment_add(
            actor=request.user, report=report, upload=data["file"], kind=data["kind"]
        )
        return Response(s.AttachmentSerializer(attachment).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={204: None})
    @action(
        detail=True,
        methods=["delete"],
        url_path=r"attachments/(?P<attachment_id>[0-9]+)",
        url_name="attachment-delete",
    )
    def attachment_delete(self, request, pk=None, attachment_id=None):
        """Remove an attachment of a report not yet confirmed (409 once confirmed)."""
        report = self.get_object()
        attachment = get_object_or_404(
            SpendingAttachment.objects.restrict(request.user, "view").filter(report=report),
            pk=attachment_id,
        )
        services.attachment_delete(actor=request.user, attachment=attachment)
        return Response(status=status.HTTP_204_NO_CONTENT)


class FundingYearViewSet(
    ScopedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """年度经费执行: planned and actual personnel share, projection and status per contract
    year (the compliance board's rows, ordered worst first)."""

    queryset = FundingYear.objects.all()
    serializer_class = s.FundingYearSerializer
    filterset_class = FundingYearFilterSet

    def get_queryset(self):
        return selectors.with_floor_checks(super().get_queryset()).order_by(
            "-service_year", "status_rank", "station_id"
        )

    def scope_action(self):
        return "approve" if self.action == "finalise" else super().scope_action()

    @extend_schema(request=None, responses=s.FundingYearSerializer)
    @action(detail=True, methods=["post"])
    def finalise(self, request, pk=None):
        fy = self.get_object()
        services.funding_year_finalise(actor=request.user, funding_year=fy)
        return Response(s.FundingYearSerializer(self.get_queryset().get(pk=fy.pk)).data)


class SocialResourceViewSet(VersionedViewSetMixin, ScopedViewSetMixin, viewsets.ModelViewSet):
    """社会资源: donations, community funds, in-kind gifts (at value), time-bank hours."""

    queryset = SocialResource.objects.all()
    serializer_class = s.SocialResourceSerializer
    filterset_class = SocialResourceFilterSet

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        serializer.instance = _django_errors(
            services.social_resource_create, actor=self.request.user, **data
        )

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        data.pop("station", None)
        serializer.instance = _django_errors(
            services.social_resource_update,
            actor=self.request.user,
            resource=serializer.instance,
            **data,
        )

    def perform_destroy(self, instance):
        services.social_resource_delete(actor=self.request.user, resource=instance)

    @extend_schema(
        parameters=[s.TotalsQuerySerializer],
        responses=s.SocialResourceTotalsSerializer(many=True),
        summary="社会资源合计（按社工站、区或全市）",
    )
    @action(detail=False, methods=["get"], filter_backends=[], pagination_class=None)
    def totals(self, request):
        """Totals for a year (``?year=``) by ``station``, ``district`` or ``city`` (``?by=``)."""
        query = s.TotalsQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        year = query.validated_data.get("year") or clock.today().year
        by = query.validated_data["by"]
        rows = selectors.social_resource_totals(request.user, service_year=year, by=by)
        return Response(s.SocialResourceTotalsSerializer.rows(rows).data)


def _validated(serializer_class, request):
    serializer = serializer_class(data=request.data, context={"request": request})
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def _django_errors(fn, **kwargs):
    try:
        return fn(**kwargs)
    except DjangoValidationError as error:
        detail = error.message_dict if hasattr(error, "error_dict") else error.messages
        raise ValidationError(detail) from error
