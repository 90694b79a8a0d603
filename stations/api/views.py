"""Viewsets of the stations API: scoped reads with the pages' FilterSets; writes through the
services."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from portal import clock
from portal.api.filters import PortalFilterBackend
from portal.api.mixins import ScopedViewSetMixin
from portal.scoping import CHANGE, VIEW
from portal.versioning import VersionedViewSetMixin
from stations import services
from stations.api import serializers as s
from stations.filtersets import (
    CommunityFilterSet,
    ContractFilterSet,
    CreditRecordFilterSet,
    InstitutionFilterSet,
    OutpostFilterSet,
    StationFilterSet,
    SubdistrictFilterSet,
)
from stations.models import (
    Community,
    Contract,
    CreditRecord,
    District,
    Institution,
    Outpost,
    ProjectKind,
    Station,
    Subdistrict,
)
from stations.permissions import denial_message
from stations.selectors import district_figures, with_operator

CONTRACT_STATION_FIXED = "合同的社工站不能更改；如需变更请作废后重新登记。"

FILTERS_ONLY = [PortalFilterBackend]


class ReadOnlyScopedViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    filter_backends = FILTERS_ONLY


class WritableScopedViewSet(
    VersionedViewSetMixin,
    ScopedViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """List, read, create and change; no delete (registry rows are ended, not removed)."""

    filter_backends = FILTERS_ONLY
    http_method_names = ["get", "post", "put", "patch", "head", "options"]

    def perform_create(self, serializer):
        serializer.instance = self.create_object(dict(serializer.validated_data))

    def perform_update(self, serializer):
        serializer.instance = self.update_object(
            serializer.instance, dict(serializer.validated_data)
        )

    def handle_exception(self, exc):
        # The scoping mixin and the services refuse with a bare PermissionDenied; say who may.
        if isinstance(exc, DjangoPermissionDenied) and not str(exc):
            action = self.scope_action()
            exc = exceptions.PermissionDenied(
                denial_message(self.queryset.model, CHANGE if action == VIEW else action)
            )
        return super().handle_exception(exc)

    def create_object(self, data):
        raise NotImplementedError

    def update_object(self, obj, data):
        raise NotImplementedError

    def _reread(self, obj):
        return self.get_queryset().get(pk=obj.pk)


class DistrictViewSet(ReadOnlyScopedViewSet):
    """区: Guangzhou's districts (public reference data)."""

    queryset = District.objects.all()
    serializer_class = s.DistrictSerializer


class SubdistrictViewSet(ReadOnlyScopedViewSet):
    """镇街: streets and towns; ``?district=`` narrows to one district."""

    queryset = Subdistrict.objects.select_related("district")
    serializer_class = s.SubdistrictSerializer
    filterset_class = SubdistrictFilterSet


class CommunityViewSet(ReadOnlyScopedViewSet):
    """村居: villages and residents' communities; ``?subdistrict=`` or ``?district=``."""

    queryset = Community.objects.all()
    serializer_class = s.CommunitySerializer
    filterset_class = CommunityFilterSet


class ProjectKindViewSet(ReadOnlyScopedViewSet):
    """项目类型: the comprehensive station project and the special project kinds."""

    queryset = ProjectKind.objects.all()
    serializer_class = s.ProjectKindSerializer
    pagination_class = None


class InstitutionViewSet(WritableScopedViewSet):
    """承接机构. A credit code failing GB 32100 is refused unless a city admin sends
    ``confirm_invalid_code: true``."""

    queryset = Institution.objects.all()
    serializer_class = s.InstitutionSerializer
    filterset_class = InstitutionFilterSet

    def create_object(self, data):
        return services.institution_create(actor=self.request.user, **data)

    def update_object(self, obj, data):
        return services.institution_update(actor=self.request.user, institution=obj, **data)


class CreditRecordViewSet(WritableScopedViewSet):
    """信用记录: listings and penalties of institutions; lifted with ``POST .../lift/``."""

    queryset = CreditRecord.objects.select_related("institution")
    serializer_class = s.CreditRecordSerializer
    filterset_class = CreditRecordFilterSet
    http_method_names = ["get", "post", "head", "options"]

    def create_object(self, data):
        return services.credit_record_add(actor=self.request.user, **data)

    @extend_schema(
        request=s.CreditRecordLiftSerializer,
        responses=s.CreditRecordSerializer,
        summary="移出信用记录",
    )
    @action(detail=True, methods=["post"])
    def lift(self, request, pk=None):
        record = self.get_object()
        body = s.CreditRecordLiftSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        record = services.credit_record_lift(
            actor=request.user, record=record, **body.validated_data
        )
        return Response(s.CreditRecordSerializer(record, context={"request": request}).data)

    def scope_action(self) -> str:
        return CHANGE if self.action == "lift" else super().scope_action()


class StationViewSet(WritableScopedViewSet):
    """社工站, with today's operator. Same filters as the station list page; ``sort`` orders by
    ``code``, ``name``, ``district`` or ``institution`` (prefix ``-`` to reverse)."""

    queryset = Station.objects.select_related("district", "subdistrict").prefetch_related(
        "communities"
    )
    serializer_class = s.StationSerializer
    filterset_class = StationFilterSet

    def get_queryset(self):
        return with_operator(super().get_queryset(), clock.today())

    def create_object(self, data):
        return self._reread(services.station_create(actor=self.request.user, **data))

    def update_object(self, obj, data):
        return self._reread(services.station_update(actor=self.request.user, station=obj, **data))

    @extend_schema(
        responses=s.DistrictFigureSerializer(many=True),
        summary="按区统计",
        description="每个区在您可见范围内（并应用筛选条件）的社工站数和在履行合同数，供地图着色。",
    )
    @action(detail=False, methods=["get"], url_path="district-figures", pagination_class=None)
    def district_figures(self, request):
        rows = district_figures(self.filter_queryset(self.get_queryset()), clock.today())
        data = [
            {
                "id": r["district_id"],
                "code": r["district__code"],
                "name": r["district__name"],
                "stations": r["stations"],
                "contracts_in_force": r["contracts_in_force"],
            }
            for r in rows
        ]
        return Response(s.DistrictFigureSerializer(data, many=True).data)


class OutpostViewSet(WritableScopedViewSet):
    """社工点: a station's outposts in its communities; closed with ``POST .../close/``."""

    queryset = Outpost.objects.select_related("station", "community")
    serializer_class = s.OutpostSerializer
    filterset_class = OutpostFilterSet
    http_method_names = ["get", "post", "head", "options"]

    def create_object(self, data):
        return services.outpost_create(actor=self.request.user, **data)

    @extend_schema(
        request=s.OutpostCloseSerializer, responses=s.OutpostSerializer, summary="撤销社工点"
    )
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        outpost = self.get_object()
        body = s.OutpostCloseSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        outpost = services.outpost_close(actor=request.user, outpost=outpost, **body.validated_data)
        return Response(s.OutpostSerializer(outpost, context={"request": request}).data)

    def scope_action(self) -> str:
        return CHANGE if self.action == "close" else super().scope_action()


class ContractViewSet(WritableScopedViewSet):
    """服务合同. A station has at most one comprehensive contract in force on any day; an
    overlap answers 400 naming the overlapping contract. Ended early with
    ``POST .../terminate/``."""

    queryset = Contract.objects.select_related("station", "institution")
    serializer_class = s.ContractSerializer
    filterset_class = ContractFilterSet

    def create_object(self, data):
        return services.contract_create(actor=self.request.user, **data)

    def update_object(self, obj, data):
        station = data.pop("station", None)
        if station is not None and station.pk != obj.station_id:
            raise serializers.ValidationError({"station": [_(CONTRACT_STATION_FIXED)]})
        return services.contract_update(actor=self.request.user, contract=obj, **data)

    @extend_schema(
        request=s.ContractTerminateSerializer,
        responses=s.ContractSerializer,
        summary="提前终止合同",
    )
    @action(detail=True, methods=["post"])
    def terminate(self, request, pk=None):
        contract = self.get_object()
        body = s.ContractTerminateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        contract = services.contract_terminate(
            actor=request.user, contract=contract, **body.validated_data
        )
        return Response(
            s.ContractSerializer(contract, context={"request": request}).data,
            status=status.HTTP_200_OK,
        )

    def scope_action(self) -> str:
        return CHANGE if self.action == "terminate" else super().scope_action()
