"""Viewsets of the talent API. Reads through ``restrict``; writes call the services, which
check scope and policy again. ID numbers are masked; ``unmask`` is an audited action."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from django.utils.decorators import method_decorator
from django.views.decorators.debug import sensitive_variables
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from portal.api.mixins import ScopedViewSetMixin
from portal.api.params import BoardParams
from portal.query import BoardQuery, read_query
from portal.versioning import VersionedViewSetMixin
from stations.models import Station
from talent import selectors, services
from talent.api import serializers as s
from talent.filtersets import EmploymentFilterSet, ProgrammeFilterSet, WorkerFilterSet
from talent.models import (
    CERecord,
    Certificate,
    Employment,
    Enrolment,
    Honour,
    Registration,
    SocialWorker,
    TrainingProgramme,
    TrainingSession,
)

READ = (mixins.ListModelMixin, mixins.RetrieveModelMixin)


class SocialWorkerViewSet(
    VersionedViewSetMixin,
    ScopedViewSetMixin,
    *READ,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """社工: people in the caller's scope, ID numbers masked."""

    queryset = SocialWorker.objects.all()
    serializer_class = s.SocialWorkerSerializer
    filterset_class = WorkerFilterSet
    ordering = ["name", "id"]
    http_method_names = ["get", "post", "patch", "head", "options"]

    # A serializer's repr shows its data: keep the ID number out of error reports.
    @method_decorator(sensitive_variables("data"))
    @extend_schema(request=s.WorkerHireSerializer, responses={201: s.SocialWorkerSerializer})
    def create(self, request):
        data = s.WorkerHireSerializer(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        person, _employment = services.worker_hire(actor=request.user, **data.validated_data)
        return Response(s.SocialWorkerSerializer(person).data, status=status.HTTP_201_CREATED)

    def perform_update(self, serializer):
        fields = {k: v for k, v in serializer.validated_data.items() if k in services.PERSON_FIELDS}
        serializer.instance = services.worker_update(
            actor=self.request.user, person=serializer.instance, **fields
        )

    @extend_schema(request=s.ReasonSerializer, responses=s.RevealedSerializer)
    @action(detail=True, methods=["post"])
    @method_decorator(sensitive_variables("number"))
    def unmask(self, request, pk=None):
        """The full ID number, for the city admin or the person's own institution admin, with
        a reason; every call is written to the audit log."""
        person = self.get_object()
        data = s.ReasonSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        number = services.worker_id_number_reveal(
            actor=request.user, person=person, reason=data.validated_data["reason"]
        )
        response = Response({"id_number": number})
        response["Cache-Control"] = "no-store"
        return response

    @extend_schema(request=s.IdNumberSerializer, responses=s.SocialWorkerSerializer)
    @action(detail=False, methods=["post"])
    @method_decorator(sensitive_variables("data", "digest"))
    def lookup(self, request):
        """Find a person by full ID number (in the body, never the URL), matched by hash."""
        data = s.IdNumberSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        digest = services.id_number_hash(data.validated_data["id_number"])
        person = get_object_or_404(self.get_queryset(), id_number_hash=digest)
        return Response(s.SocialWorkerSerializer(person).data)


class EmploymentViewSet(
    ScopedViewSetMixin, *READ, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    queryset = Employment.objects.select_related("station", "institution")
    serializer_class = s.EmploymentSerializer
    filterset_class = EmploymentFilterSet
    ordering = ["-starts_on", "id"]

    def perform_create(self, serializer):
        serializer.instance = services.employment_add(
            actor=self.request.user, **serializer.validated_data
        )

    @extend_schema(request=s.EmploymentEndSerializer, responses=s.EmploymentSerializer)
    @action(detail=True, methods=["post"])
    def end(self, request, pk=None):
        employment = self.get_object()
        data = s.EmploymentEndSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        employment = services.employment_end(
            actor=request.user, employment=employment, **data.validated_data
        )
        return Response(s.EmploymentSerializer(employment, context={"request": request}).data)


class CertificateViewSet(
    ScopedViewSetMixin, *READ, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    queryset = Certificate.objects.all()
    serializer_class = s.CertificateSerializer
    filterset_fields = ["person", "level"]
    ordering = ["id"]

    def perform_create(self, serializer):
        serializer.instance = services.certificate_add(
            actor=self.request.user, **serializer.validated_data
        )


class RegistrationViewSet(
    ScopedViewSetMixin, *READ, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    queryset = Registration.objects.all()
    serializer_class = s.RegistrationSerializer
    filterset_fields = ["person"]
    ordering = ["-starts_on", "id"]

    def perform_create(self, serializer):
        serializer.instance = services.registration_add(
            actor=self.request.user, **serializer.validated_data
        )

    @extend_schema(request=None, responses={201: s.RegistrationSerializer})
    @action(detail=True, methods=["post"])
    def renew(self, request, pk=None):
        renewal = services.registration_renew(actor=request.user, registration=self.get_object())
        return Response(s.RegistrationSerializer(renewal).data, status=status.HTTP_201_CREATED)


class CERecordViewSet(ScopedViewSetMixin, *READ, mixins.CreateModelMixin, viewsets.GenericViewSet):
    queryset = CERecord.objects.all()
    serializer_class = s.CERecordSerializer
    filterset_fields = ["person", "source"]
    ordering = ["-completed_on", "id"]

    def perform_create(self, serializer):
        serializer.instance = services.ce_record_add(
            actor=self.request.user, **serializer.validated_data
        )


class ProgrammeViewSet(
    VersionedViewSetMixin,
    ScopedViewSetMixin,
    *READ,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    queryset = TrainingProgramme.objects.all()
    serializer_class = s.ProgrammeSerializer
    filterset_class = ProgrammeFilterSet
    ordering = ["-year", "id"]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def perform_create(self, serializer):
        serializer.instance = services.programme_create(
            actor=self.request.user, **serializer.validated_data
        )

    def perform_update(self, serializer):
        serializer.instance = services.programme_update(
            actor=self.request.user, programme=serializer.instance, **serializer.validated_data
        )


class SessionViewSet(ScopedViewSetMixin, *READ, mixins.CreateModelMixin, viewsets.GenericViewSet):
    queryset = TrainingSession.objects.all()
    serializer_class = s.SessionSerializer
    filterset_fields = ["programme"]
    ordering = ["held_on", "id"]

    def perform_create(self, serializer):
        serializer.instance = services.session_add(
            actor=self.request.user, **serializer.validated_data
        )


class EnrolmentViewSet(ScopedViewSetMixin, *READ, mixins.CreateModelMixin, viewsets.GenericViewSet):
    queryset = Enrolment.objects.all()
    serializer_class = s.EnrolmentSerializer
    filterset_fields = ["programme", "person", "status"]
    ordering = ["id"]

    def perform_create(self, serializer):
        serializer.instance = services.enrolment_add(
            actor=self.request.user, **serializer.validated_data
        )

    @extend_schema(request=s.AttendanceInSerializer, responses=s.EnrolmentSerializer)
    @action(detail=True, methods=["post"])
    def attendance(self, request, pk=None):
        enrolment = self.get_object()
        data = s.AttendanceInSerializer(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        services.attendance_record(
            actor=request.user, session=data.validated_data["session"], enrolments=[enrolment]
        )
        return Response(s.EnrolmentSerializer(enrolment, context={"request": request}).data)

    @extend_schema(request=s.CompleteSerializer, responses=s.CERecordSerializer)
    @action(detail=True, methods=["post"])
    def complete(self, request, pk=None):
        enrolment = self.get_object()
        data = s.CompleteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        record = services.enrolment_complete(
            actor=request.user, enrolment=enrolment, **data.validated_data
        )
        return Response(s.CERecordSerializer(record, context={"request": request}).data)


class HonourViewSet(ScopedViewSetMixin, *READ, mixins.CreateModelMixin, viewsets.GenericViewSet):
    queryset = Honour.objects.all()
    serializer_class = s.HonourSerializer
    filterset_fields = ["person", "level", "kind", "year"]
    ordering = ["-year", "id"]

    def perform_create(self, serializer):
        serializer.instance = services.honour_add(
            actor=self.request.user, **serializer.validated_data
        )


class StaffingBoardViewSet(ScopedViewSetMixin, viewsets.GenericViewSet):
    """人员配置看板: every station in scope with its staffing figures, worst first."""

    queryset = Station.objects.all()
    serializer_class = s.StationStaffingSerializer
    filter_backends: list = []
    pagination_class = None
    list_returns_object = True  # a page of its own making (portal.api.schema)

    @extend_schema(parameters=[BoardParams], responses=s.StaffingBoardPageSerializer)
    def list(self, request):
        query = read_query(request, BoardQuery)
        board = selectors.staffing(
            request.user, stations=self.get_queryset(), district_id=query["district"]
        )
        page = board.page(query["page"], 200)
        rows = list(page.object_list)
        selectors.fill_operators(rows)
        return Response(
            {
                "count": board.count(),
                "results": s.StationStaffingSerializer(rows, many=True).data,
            }
        )
