"""Viewsets of the evaluations API: scoped reads; writes and state changes call services."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import SAFE_METHODS
from rest_framework.response import Response

from evaluations import selectors, services
from evaluations.api import serializers as s
from evaluations.filtersets import EvaluationFilterSet
from evaluations.models import (
    Appeal,
    Cycle,
    Evaluation,
    EvaluatorAssignment,
    Framework,
    FrameworkNode,
    SurveyLink,
    SurveyQuestion,
)
from evaluations.permissions import can_run_what_if
from portal.api.filters import PortalFilterBackend
from portal.api.mixins import ScopedViewSetMixin
from portal.choices import CITY_ROLES
from portal.models import User
from portal.scoping import VIEW
from portal.versioning import VersionedViewSetMixin


def _city(request) -> None:
    if not request.user.has_role(*CITY_ROLES):
        raise PermissionDenied()


class LockFirstMixin:
    """A write to a locked object answers 409 before its payload is validated: a published
    evaluation or cycle, a cycle past planning, a frozen framework. The lock is what the
    caller needs to know first; fixing the fields would not help (issue 18). Scope still
    comes first (404 outside it, 403 without the right), then the lock, then the fields.
    The services check the same locks again under a row lock."""

    def get_object(self):
        obj = super().get_object()
        if self.request.method not in SAFE_METHODS:
            self.ensure_unlocked(obj)
        return obj

    def ensure_unlocked(self, obj) -> None:
        raise NotImplementedError


class FrameworkViewSet(
    LockFirstMixin,
    ScopedViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    queryset = Framework.objects.prefetch_related("nodes").order_by("code", "-version")
    serializer_class = s.EvaluationFrameworkSerializer
    http_method_names = ["get", "post", "patch", "head", "options"]

    def ensure_unlocked(self, obj) -> None:
        # A new version is copied from a frozen one, and adopting changes no tree.
        if self.action in ("update", "partial_update"):
            services.ensure_framework_editable(obj)

    def perform_create(self, serializer):
        d = serializer.validated_data
        serializer.instance = services.framework_create(
            actor=self.request.user,
            code=d["code"],
            name=d["name"],
            note=d.get("note", ""),
            is_example=d.get("is_example", False),
        )

    def perform_update(self, serializer):
        serializer.instance = services.framework_update(
            actor=self.request.user,
            framework=serializer.instance,
            **dict(serializer.validated_data),
        )

    @extend_schema(request=None, responses={201: s.EvaluationFrameworkSerializer})
    @action(detail=True, methods=["post"], url_path="new-version")
    def new_version(self, request, pk=None):
        copy = services.framework_new_version(actor=request.user, framework=self.get_object())
        return Response(s.EvaluationFrameworkSerializer(copy).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=s.EvaluationFrameworkSerializer)
    @action(detail=True, methods=["post"])
    def adopt(self, request, pk=None):
        fw = services.framework_adopt(actor=request.user, framework=self.get_object())
        return Response(s.EvaluationFrameworkSerializer(fw).data)

    @extend_schema(request=None, responses=dict)
    @action(detail=True, methods=["get"], url_path="what-if")
    def what_if(self, request, pk=None):
        fw = self.get_object()
        if not can_run_what_if(request.user):
            raise PermissionDenied()
        cycle = selectors.last_results_cycle()
        if cycle is None:
            return Response({"cycle": None, "stations": []})
        rows = selectors.what_if(request.user, fw, cycle)
        return Response(
            {
                "cycle": cycle.pk,
                "stations": [
                    {
                        "station": r["station"].pk,
                        "code": r["station"].code,
                        "old_total": str(r["old_total"]),
                        "old_grade": str(r["old_grade"]),
                        "new_total": str(r["new_total"]),
                        "new_grade": str(r["new_grade"]),
                    }
                    for r in rows
                ],
            }
        )


class FrameworkNodeViewSet(
    VersionedViewSetMixin,
    LockFirstMixin,
    ScopedViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    queryset = FrameworkNode.objects.order_by("framework_id", "sort_order")
    serializer_class = s.EvaluationFrameworkNodeSerializer
    filter_backends = [PortalFilterBackend]
    filterset_fields = ["framework"]
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def ensure_unlocked(self, obj) -> None:
        services.ensure_framework_editable(obj.framework)

    @extend_schema(
        request=s.EvaluationFrameworkNodeCreateSerializer,
        responses={201: s.EvaluationFrameworkNodeSerializer},
    )
    def create(self, request, *args, **kwargs):
        # A frozen framework answers 409 before any field error (the lock first, issue 18).
        framework_id = getattr(request.data, "get", lambda _key: None)("framework")
        if str(framework_id).isdigit():
            framework = (
                Framework.objects.restrict(request.user, VIEW).filter(pk=int(framework_id)).first()
            )
            if framework is not None:
                services.ensure_framework_editable(framework)
        ser = s.EvaluationFrameworkNodeCreateSerializer(
            data=request.data, context=self.get_serializer_context()
        )
        ser.is_valid(raise_exception=True)
        data = dict(ser.validated_data)
        node = services.framework_node_add(
            actor=request.user, framework=data.pop("framework"), **data
        )
        return Response(self.get_serializer(node).data, status=status.HTTP_201_CREATED)

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        data.pop("parent", None)
        data.pop("level", None)
        serializer.instance = services.framework_node_update(
            actor=self.request.user, node=serializer.instance, **data
        )

    def perform_destroy(self, instance):
        services.framework_node_delete(actor=self.request.user, node=instance)


class CycleViewSet(
    VersionedViewSetMixin,
    LockFirstMixin,
    ScopedViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    queryset = Cycle.objects.select_related("framework").order_by("-opens_on")
    serializer_class = s.EvaluationCycleSerializer
    http_method_names = ["get", "post", "patch", "head", "options"]

    def ensure_unlocked(self, obj) -> None:
        if self.action in ("update", "partial_update"):
            services.ensure_cycle_editable(obj)
        else:
            services.ensure_cycle_not_published(obj)

    def perform_create(self, serializer):
        serializer.instance = services.cycle_create(
            actor=self.request.user, **dict(serializer.validated_data)
        )

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        data.pop("service_year", None)
        data.pop("phase", None)
        serializer.instance = services.cycle_update(
            actor=self.request.user, cycle=serializer.instance, **data
        )

    @extend_schema(request=None, responses=dict)
    @action(detail=True, methods=["post"])
    def open(self, request, pk=None):
        _city(request)
        result = services.cycle_open(cycle_id=self.get_object().pk)
        return Response({"created": result.created, "existing": result.existing})

    @extend_schema(request=None, responses=dict)
    @action(detail=True, methods=["post"])
    def compute(self, request, pk=None):
        _city(request)
        return Response({"computed": services.results_compute_cycle(cycle=self.get_object())})

    @extend_schema(request=None, responses=dict)
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        return Response(
            {"published": services.cycle_publish(actor=request.user, cycle=self.get_object())}
        )

    @extend_schema(responses=dict)
    @action(detail=True, methods=["get"])
    def board(self, request, pk=None):
        board = selectors.cycle_board(request.user, self.get_object())
        return Response(
            {
                "totals": board["totals"],
                "districts": board["districts"],
                "statuses": [s_[0] for s_ in board["statuses"]],
            }
        )

    @extend_schema(responses=dict)
    @action(detail=True, methods=["get"], url_path="grade-distribution")
    def grade_distribution(self, request, pk=None):
        return Response(selectors.grade_distribution(request.user, self.get_object()))


class EvaluationViewSet(LockFirstMixin, ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    queryset = Evaluation.objects.select_related("station").order_by("cycle_id", "station_id")
    serializer_class = s.EvaluationSerializer
    filter_backends = [PortalFilterBackend]
    filterset_class = EvaluationFilterSet

    def get_serializer_class(self):
        return s.EvaluationDetailSerializer if self.action == "retrieve" else s.EvaluationSerializer

    def ensure_unlocked(self, obj) -> None:
        services.ensure_evaluation_not_published(obj)

    def _detail(self, ev, code=status.HTTP_200_OK):
        ev = self.get_queryset().get(pk=ev.pk)
        return Response(s.EvaluationDetailSerializer(ev).data, status=code)

    @extend_schema(
        request=s.EvaluationScoresWriteSerializer, responses=s.EvaluationDetailSerializer
    )
    @action(detail=True, methods=["post"])
    def scores(self, request, pk=None):
        ev = self.get_object()
        ser = s.EvaluationScoresWriteSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        entries = [
            services.ScoreInput(node_id=e["node"], score=e["score"], comment=e.get("comment", ""))
            for e in ser.validated_data["scores"]
        ]
        services.scores_save(
            actor=request.user,
            evaluation=ev,
            version=ser.validated_data["version"],
            entries=entries,
        )
        return self._detail(ev)

    @extend_schema(request=s.ScoreSheetVersionSerializer, responses=s.EvaluationDetailSerializer)
    @action(detail=True, methods=["post"])
    def complete(self, request, pk=None):
        ev = self.get_object()
        ser = s.ScoreSheetVersionSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        services.scoring_complete(
            actor=request.user, evaluation=ev, version=ser.validated_data.get("version")
        )
        return self._detail(ev)

    @extend_schema(
        request=s.EvaluationSelfAssessmentSerializer, responses=s.EvaluationSelfAssessmentSerializer
    )
    @action(detail=True, methods=["post"], url_path="self-assessment")
    def self_assessment(self, request, pk=None):
        ev = self.get_object()
        ser = s.EvaluationSelfAssessmentSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        entry = services.self_assessment_save(
            actor=request.user,
            evaluation=ev,
            node_id=ser.validated_data["node"].pk,
            text=ser.validated_data.get("text", ""),
            files=request.FILES.getlist("files"),
            version=ser.validated_data.get("version"),
        )
        return Response(s.EvaluationSelfAssessmentSerializer(entry).data)

    @extend_schema(request=None, responses=s.EvaluationDetailSerializer)
    @action(detail=True, methods=["post"], url_path="submit-self-assessment")
    def submit_self(self, request, pk=None):
        ev = self.get_object()
        services.self_assessment_submit(actor=request.user, evaluation=ev)
        return self._detail(ev)

    @extend_schema(
        request=s.EvaluationAppealSerializer, responses={201: s.EvaluationAppealSerializer}
    )
    @action(detail=True, methods=["post"])
    def appeal(self, request, pk=None):
        ev = self.get_object()
        ser = s.EvaluationAppealSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        items = [
            services.AppealInput(
                node_id=i["node"].pk,
                requested_score=i.get("requested_score"),
                reason=i.get("reason", ""),
            )
            for i in ser.validated_data["items"]
        ]
        appeal = services.appeal_file(
            actor=request.user, evaluation=ev, reason=ser.validated_data["reason"], items=items
        )
        return Response(s.EvaluationAppealSerializer(appeal).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=s.EvaluationDetailSerializer)
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        ev = self.get_object()
        services.evaluation_publish(actor=request.user, evaluation=ev)
        return self._detail(ev)

    @extend_schema(
        request=s.EvaluationSurveyIssueSerializer,
        responses={201: s.EvaluationSurveyLinkSerializer(many=True)},
    )
    @action(detail=True, methods=["post"], url_path="survey-links")
    def survey_links(self, request, pk=None):
        ev = self.get_object()
        ser = s.EvaluationSurveyIssueSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        links = services.survey_links_issue(actor=request.user, evaluation=ev, **ser.validated_data)
        return Response(
            s.EvaluationSurveyLinkSerializer(links, many=True).data, status=status.HTTP_201_CREATED
        )


class AppealViewSet(LockFirstMixin, ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    queryset = (
        Appeal.objects.select_related("evaluation").prefetch_related("items").order_by("-filed_at")
    )
    serializer_class = s.EvaluationAppealSerializer

    def ensure_unlocked(self, obj) -> None:
        services.ensure_evaluation_not_published(obj.evaluation)

    @extend_schema(
        request=s.EvaluationAppealAnswerSerializer, responses=s.EvaluationAppealSerializer
    )
    @action(detail=True, methods=["post"])
    def answer(self, request, pk=None):
        # The appeal first: out of scope answers 404 whatever the body says.
        appeal = self.get_object()
        ser = s.EvaluationAppealAnswerSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        appeal = services.appeal_answer(
            actor=request.user, appeal=appeal, answer=ser.validated_data["answer"]
        )
        return Response(s.EvaluationAppealSerializer(appeal).data)

    @extend_schema(
        request=s.EvaluationAppealDecideSerializer, responses=s.EvaluationAppealSerializer
    )
    @action(detail=True, methods=["post"])
    def decide(self, request, pk=None):
        appeal = self.get_object()
        ser = s.EvaluationAppealDecideSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        d = ser.validated_data
        appeal = services.appeal_decide(
            actor=request.user,
            appeal=appeal,
            decision=d["decision"],
            note=d.get("note", ""),
            scores={int(k): v for k, v in d["scores"].items()},
        )
        return Response(s.EvaluationAppealSerializer(appeal).data)


class AssignmentViewSet(
    ScopedViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    queryset = EvaluatorAssignment.objects.order_by("evaluation_id", "evaluator_id")
    serializer_class = s.EvaluatorAssignmentSerializer

    def create(self, request, *args, **kwargs):
        # A body that is not an object (a bare number) is the serializer's to refuse (400).
        body = request.data if hasattr(request.data, "get") else {}
        named = str(body.get("evaluation") or "")
        if named.isdigit():
            target = Evaluation.objects.restrict(request.user, VIEW).filter(pk=named).first()
            if target is not None:
                services.ensure_evaluation_not_published(target)
        ser = self.get_serializer(data=request.data)
        ser.is_valid(raise_exception=True)
        d = ser.validated_data
        ev = get_object_or_404(
            Evaluation.objects.restrict(request.user, VIEW), pk=d["evaluation"].pk
        )
        evaluator = get_object_or_404(User.objects.filter(is_active=True), pk=d["evaluator"].pk)
        services.assignment_create(
            actor=request.user,
            evaluations=[ev],
            evaluator=evaluator,
            starts_on=d.get("starts_on"),
            ends_on=d.get("ends_on"),
        )
        obj = EvaluatorAssignment.objects.get(evaluation=ev, evaluator=evaluator)
        return Response(self.get_serializer(obj).data, status=status.HTTP_201_CREATED)


class SurveyLinkViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    queryset = SurveyLink.objects.order_by("evaluation_id", "group", "pk")
    serializer_class = s.EvaluationSurveyLinkSerializer
    filter_backends = [PortalFilterBackend]
    filterset_fields = ["evaluation", "group"]


class SurveyQuestionViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """The satisfaction survey's questions (reference data, edited by the city admin)."""

    queryset = SurveyQuestion.objects.order_by("group", "sort_order", "code")
    serializer_class = s.EvaluationSurveyQuestionSerializer
    filter_backends = [PortalFilterBackend]
    filterset_fields = ["group", "is_active"]
