"""API of the services app: scoped viewsets; state changes are @actions calling services."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from portal import versioning
from portal.api.mixins import ScopedViewSetMixin
from portal.scoping import ADD, stations_for
from portal.versioning import VersionedViewSetMixin
from services import selectors, services
from services.api import serializers as s
from services.filtersets import (
    RecordFilterSet,
    ReportFilterSet,
    ServiceUserFilterSet,
    TargetFilterSet,
)
from services.models import (
    APPROVE,
    REVIEW,
    CatalogueVersion,
    MonthlyAggregate,
    MonthlyReport,
    ServiceRecord,
    ServiceTarget,
    ServiceUser,
)

REQUIRED = "该字段是必填项。"


def _validated(serializer_class, request):
    serializer = serializer_class(data=request.data, context={"request": request})
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


def _station(request, data, model):
    station = data.pop("station", None)
    if station is None:
        stations = stations_for(request.user, model, ADD)
        if stations.count() != 1:
            raise ValidationError({"station": [REQUIRED]})
        station = stations.get()
    return station


def _refuse_stale(view, obj) -> None:
    """A stale version (If-Match or ``version``) answers 409 before the payload is checked
    (400): the user first learns the row changed under them."""
    expected = view.expected_version()
    if expected is not None and expected != obj.version:
        raise versioning.stale_error(obj, expected, obj.version)


class CatalogueVersionViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """服务目录版本 with their lists (read-only here; the city officer edits on the page)."""

    queryset = CatalogueVersion.objects.prefetch_related("kinds")
    serializer_class = s.CatalogueVersionSerializer
    filterset_class = None


class ServiceUserViewSet(
    VersionedViewSetMixin, ScopedViewSetMixin, mixins.ListModelMixin, viewsets.GenericViewSet
):
    """服务对象 of the caller's station. Reading one sensitive person is audited and, for the
    city admin, needs ``?reason=``; the list shows only what the caller may see."""

    # The services claim the version the user read (``expected_version``): 409 when stale.
    claims_version = False

    queryset = ServiceUser.objects.filter(withdrawn_on__isnull=True).prefetch_related(
        "target_groups"
    )
    serializer_class = s.ServiceUserSerializer
    filterset_class = ServiceUserFilterSet

    def scope_action(self):
        if self.action in ("update", "withdraw"):
            return "change"
        return super().scope_action()

    def get_serializer_context(self):
        ctx = super().get_serializer_context()
        user = self.request.user
        ctx["serving_stations"] = {
            a.station_id for a in user.active_assignments() if a.role == "station_manager"
        }
        return ctx

    @extend_schema(parameters=[OpenApiParameter("reason", str, required=False)])
    def retrieve(self, request, pk=None):
        person = self.get_object()
        services.service_user_read(
            actor=request.user, person=person, reason=request.query_params.get("reason", "")
        )
        ctx = {**self.get_serializer_context(), "revealed": {person.pk}}
        return Response(s.ServiceUserSerializer(person, context=ctx).data)

    @extend_schema(request=s.ServiceUserWriteSerializer, responses={201: s.ServiceUserSerializer})
    def create(self, request):
        data = _validated(s.ServiceUserWriteSerializer, request)
        station = _station(request, data, ServiceUser)
        person = services.service_user_create(actor=request.user, station=station, data=data)
        ctx = {**self.get_serializer_context(), "revealed": {person.pk}}
        return Response(
            s.ServiceUserSerializer(person, context=ctx).data, status=status.HTTP_201_CREATED
        )

    @extend_schema(request=s.ServiceUserWriteSerializer, responses=s.ServiceUserSerializer)
    def update(self, request, pk=None):
        person = self.get_object()
        _refuse_stale(self, person)
        data = _validated(s.ServiceUserWriteSerializer, request)
        person = services.service_user_update(
            actor=request.user,
            person=person,
            version=self.expected_version(data.pop("version", None)),
            data=data,
        )
        ctx = {**self.get_serializer_context(), "revealed": {person.pk}}
        return Response(s.ServiceUserSerializer(person, context=ctx).data)

    @extend_schema(request=s.ServiceVersionSerializer, responses={204: None})
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        person = self.get_object()
        data = _validated(s.ServiceVersionSerializer, request)
        services.service_user_withdraw(actor=request.user, person=person, version=data["version"])
        return Response(status=status.HTTP_204_NO_CONTENT)


class ServiceRecordViewSet(VersionedViewSetMixin, ScopedViewSetMixin, viewsets.ModelViewSet):
    """服务记录. Corrections send back ``version``; a month whose report is approved answers 409."""

    # The services claim the version the user read (``expected_version``): 409 when stale.
    claims_version = False

    queryset = ServiceRecord.objects.select_related("kind", "field").prefetch_related(
        "target_groups", "attendees", "workers"
    )
    serializer_class = s.ServiceRecordSerializer
    filterset_class = RecordFilterSet
    http_method_names = ["get", "post", "put", "patch", "delete", "head", "options"]

    @extend_schema(
        request=s.ServiceRecordWriteSerializer, responses={201: s.ServiceRecordSerializer}
    )
    def create(self, request):
        data = _validated(s.ServiceRecordWriteSerializer, request)
        station = _station(request, data, ServiceRecord)
        record = services.service_record_create(actor=request.user, station=station, data=data)
        return Response(s.ServiceRecordSerializer(record).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.ServiceRecordWriteSerializer, responses=s.ServiceRecordSerializer)
    def update(self, request, pk=None):
        record = self.get_object()
        _refuse_stale(self, record)
        data = _validated(s.ServiceRecordWriteSerializer, request)
        data.pop("station", None)
        record = services.service_record_update(
            actor=request.user,
            record=record,
            version=self.expected_version(data.pop("version", None)),
            data=data,
        )
        return Response(s.ServiceRecordSerializer(record).data)

    @extend_schema(request=s.ServiceRecordWriteSerializer, responses=s.ServiceRecordSerializer)
    def partial_update(self, request, pk=None):
        # A correction sends the whole record (as PUT does) with the version it read.
        return self.update(request, pk=pk)

    def destroy(self, request, pk=None):
        record = self.get_object()
        services.service_record_delete(actor=request.user, record=record)
        return Response(status=status.HTTP_204_NO_CONTENT)


class MonthlyReportViewSet(
    VersionedViewSetMixin,
    ScopedViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """服务月报: ``update`` (narrative), ``submit``; ``review`` (street/town), ``approve``
    (district), ``return`` with a reason."""

    # The services claim the version the user read (``expected_version``): 409 when stale.
    claims_version = False

    queryset = MonthlyReport.objects.all()
    serializer_class = s.MonthlyReportSerializer
    filterset_class = ReportFilterSet

    def scope_action(self):
        if self.action in ("update", "submit"):
            return "change"
        if self.action == "review":
            return REVIEW
        if self.action == "approve":
            return APPROVE
        return super().scope_action()

    @extend_schema(request=s.ReportWriteSerializer, responses=s.MonthlyReportSerializer)
    def update(self, request, pk=None):
        report = self.get_object()
        _refuse_stale(self, report)
        data = _validated(s.ReportWriteSerializer, request)
        data["version"] = self.expected_version(data.get("version"))
        report = services.report_update(actor=request.user, report=report, **data)
        return Response(s.MonthlyReportSerializer(report).data)

    def _step(self, request, fn, serializer=s.ServiceVersionSerializer):
        report = self.get_object()
        data = _validated(serializer, request)
        report = fn(actor=request.user, report=report, **data)
        return Response(s.MonthlyReportSerializer(report).data)

    @extend_schema(request=s.ServiceVersionSerializer, responses=s.MonthlyReportSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        return self._step(request, services.report_submit)

    @extend_schema(request=s.ServiceVersionSerializer, responses=s.MonthlyReportSerializer)
    @action(detail=True, methods=["post"])
    def review(self, request, pk=None):
        return self._step(request, services.report_review)

    @extend_schema(request=s.ServiceVersionSerializer, responses=s.MonthlyReportSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        return self._step(request, services.report_approve)

    @extend_schema(request=s.ServiceReturnSerializer, responses=s.MonthlyReportSerializer)
    @action(detail=True, methods=["post"], url_path="return", url_name="return")
    def return_(self, request, pk=None):
        return self._step(request, services.report_return, s.ServiceReturnSerializer)


class ServiceTargetViewSet(
    ScopedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """服务指标 per contract year with progress, run-rate projection and early warning."""

    queryset = ServiceTarget.objects.all()
    serializer_class = s.ServiceTargetSerializer
    filterset_class = TargetFilterSet

    def get_serializer_context(self):
        ctx = super().get_serializer_context()
        ctx["progress"] = getattr(self, "_progress", {})
        return ctx

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        self._progress = selectors.progress_for(page if page is not None else queryset)
        return page

    def retrieve(self, request, pk=None):
        target = self.get_object()
        self._progress = selectors.progress_for([target])
        return Response(self.get_serializer(target).data)

    @extend_schema(
        request=s.ServiceTargetWriteSerializer, responses={201: s.ServiceTargetSerializer}
    )
    def create(self, request):
        data = _validated(s.ServiceTargetWriteSerializer, request)
        contract = data.pop("contract")
        version = data.pop("version", None)
        target = services.target_set(
            actor=request.user, contract=contract, values=data, version=version
        )
        self._progress = selectors.progress_for([target])
        return Response(self.get_serializer(target).data, status=status.HTTP_201_CREATED)


class MonthlyAggregateViewSet(ScopedViewSetMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    """月度汇总 rows the boards read (station, month, kind, field): one query per page."""

    queryset = MonthlyAggregate.objects.all().order_by(
        "year", "month", "station_id", "kind", "field_code"
    )
    serializer_class = s.MonthlyAggregateSerializer
    filterset_class = None
    filterset_fields = ["year", "month", "district", "station", "kind"]
