"""Viewsets of the inspections API. Reads go through ``restrict``; state changes are
``@action``s that call the services (which re-check scope)."""

from __future__ import annotations

from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from inspections import selectors, services
from inspections.api import serializers as s
from inspections.filtersets import FindingFilterSet, InspectionFilterSet
from inspections.models import (
    Campaign,
    ChecklistItem,
    ChecklistTemplate,
    Finding,
    Inspection,
    InspectionTeamMember,
    QuarterPlan,
)
from portal.api.fields import CharField
from portal.api.mixins import ScopedViewSetMixin
from portal.api.params import PeriodParams, YearParams
from portal.choices import CITY_ROLES
from portal.exports import export_filename, xlsx_response
from portal.models import User
from portal.query import YearQuery, read_query
from portal.scoping import CHANGE
from portal.versioning import if_match_version

_ReadOnly = (
    ScopedViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
)


def _city(request):
    if not request.user.roles & CITY_ROLES:
        raise PermissionDenied


def _members(data) -> list[tuple]:
    """(user, body, is_lead) from validated team input; unknown users fail in the service."""
    ids = [m["user"] for m in data["members"]]
    # Team members are checked by the service (an active inspector role); city officers do
    # not manage users, so the user table is not narrowed by ``restrict`` here.
    users = {u.pk: u for u in User.objects.filter(pk__in=ids, is_active=True)}
    missing = [i for i in ids if i not in users]
    if missing:
        from django.core.exceptions import ValidationError

        raise ValidationError({"team": services.NOT_AN_INSPECTOR % {"user": missing[0]}})
    return [(users[m["user"]], m["body"], m["is_lead"]) for m in data["members"]]


class ChecklistViewSet(*_ReadOnly):
    """督查清单 with their items."""

    queryset = ChecklistTemplate.objects.prefetch_related("items").order_by("code", "-version")
    serializer_class = s.ChecklistSerializer
    filterset_fields = ["code", "kind", "status"]

    @extend_schema(
        request=None, responses={201: s.ChecklistSerializer}, summary="复制为新版本（草稿）"
    )
    @action(detail=True, methods=["post"])
    def new_version(self, request, pk=None):
        _city(request)
        new = services.checklist_new_version(actor=request.user, template=self.get_object())
        return Response(s.ChecklistSerializer(new).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=s.ChecklistSerializer, summary="启用该版本")
    @action(detail=True, methods=["post"])
    def activate(self, request, pk=None):
        _city(request)
        done = services.checklist_activate(actor=request.user, template=self.get_object())
        return Response(s.ChecklistSerializer(done).data)

    @extend_schema(
        request=None,
        responses={
            (200, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"): bytes
        },
        summary="导出Excel",
    )
    @action(detail=True, methods=["get"])
    def export(self, request, pk=None):
        checklist = self.get_object()
        rows = (
            [
                i.code,
                i.get_area_display(),
                i.topic,
                i.title,
                i.guidance,
                i.get_default_severity_display(),
            ]
            for i in checklist.items.all()
        )
        return xlsx_response(
            export_filename(str(checklist)), [c.header for c in services.checklist_columns()], rows
        )

    @extend_schema(
        request={"multipart/form-data": s.ChecklistImportSerializer},
        responses={201: s.ChecklistSerializer},
        summary="从Excel导入新版本（草稿）",
    )
    @action(detail=False, methods=["post"], url_path="import")
    def import_(self, request):
        _city(request)
        data = s.ChecklistImportSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        checklist = services.checklist_import(
            actor=request.user,
            code=data.validated_data["code"],
            name=data.validated_data["name"],
            upload=data.validated_data["file"],
        )
        return Response(s.ChecklistSerializer(checklist).data, status=status.HTTP_201_CREATED)


class PlanViewSet(*_ReadOnly):
    """季度督查计划 (city only): the draw's seed, inputs and result, stored for audit."""

    queryset = QuarterPlan.objects.all()
    serializer_class = s.PlanSerializer
    filterset_fields = ["year", "quarter", "status"]

    @extend_schema(
        request=s.PlanDrawInputSerializer,
        responses={201: s.PlanSerializer},
        summary="抽取季度计划（已有计划则返回原计划）",
    )
    @action(detail=False, methods=["post"])
    def draw(self, request):
        _city(request)
        data = s.PlanDrawInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        plan = services.plan_draw(actor=request.user, **data.validated_data)
        return Response(s.PlanSerializer(plan).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=s.DrawCheckSerializer, summary="按保存的种子复核抽取")
    @action(detail=True, methods=["get"])
    def verify(self, request, pk=None):
        check = services.plan_verify_draw(plan=self.get_object())
        return Response({"reproduced": check.reproduced, "differences": check.differences})

    @extend_schema(
        request=s.PlanAddStationSerializer,
        responses={201: s.InspectionSerializer},
        summary="人工加入社工站",
    )
    @action(detail=True, methods=["post"])
    def add_station(self, request, pk=None):
        plan = self.get_object()
        data = s.PlanAddStationSerializer(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        visit = services.plan_add_station(actor=request.user, plan=plan, **data.validated_data)
        return Response(s.InspectionSerializer(visit).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=s.TeamInputSerializer,
        responses=s.CountSerializer,
        summary="为尚无督查组的走访统一分配督查组",
    )
    @action(detail=True, methods=["post"])
    def assign_team(self, request, pk=None):
        plan = self.get_object()
        data = s.TeamInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        n = services.plan_assign_team_all(
            actor=request.user, plan=plan, members=_members(data.validated_data)
        )
        return Response({"count": n})

    @extend_schema(request=None, responses=s.PlanSerializer, summary="确认计划")
    @action(detail=True, methods=["post"])
    def confirm(self, request, pk=None):
        plan = services.plan_confirm(actor=request.user, plan=self.get_object())
        return Response(s.PlanSerializer(plan).data)


class InspectionViewSet(*_ReadOnly):
    """督查走访. Unannounced visits that have not started are not listed for anyone but the
    city and their inspectors."""

    queryset = (
        Inspection.objects.select_related("station")
        .prefetch_related(
            Prefetch("team", queryset=InspectionTeamMember.objects.select_related("user"))
        )
        .order_by("-scheduled_on", "pk")
    )
    filterset_class = InspectionFilterSet

    def get_serializer_class(self):
        return s.InspectionDetailSerializer if self.action == "retrieve" else s.InspectionSerializer

    def _visit(self):
        visit = self.get_object()
        if not Inspection.objects.restrict(self.request.user, CHANGE).filter(pk=visit.pk).exists():
            raise PermissionDenied
        return visit

    def _done(self, visit):
        visit.refresh_from_db()
        return Response(s.InspectionDetailSerializer(visit).data)

    @extend_schema(request=None, responses=s.InspectionDetailSerializer, summary="开始督查")
    @action(detail=True, methods=["post"])
    def start(self, request, pk=None):
        visit = self._visit()
        services.inspection_start(actor=request.user, visit=visit)
        return self._done(visit)

    @extend_schema(
        request=s.AnswersInputSerializer,
        responses=s.InspectionDetailSerializer,
        summary="保存检查结果",
    )
    @action(detail=True, methods=["post"])
    def answers(self, request, pk=None):
        visit = self._visit()
        data = s.AnswersInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        header = if_match_version(request.headers.get("If-Match"))
        services.inspection_answers_save(
            actor=request.user,
            visit=visit,
            version=header if header is not None else data.validated_data.get("version"),
            answers=[
                services.AnswerInput(item_id=a["item"], result=a["result"], note=a["note"])
                for a in data.validated_data["answers"]
            ],
        )
        return self._done(visit)

    @extend_schema(
        request=s.FindingInputSerializer,
        responses={201: s.FindingSerializer},
        summary="登记发现问题",
    )
    @action(detail=True, methods=["post"])
    def findings(self, request, pk=None):
        visit = self._visit()
        data = s.FindingInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        item = None
        if data.validated_data.get("item"):
            item = ChecklistItem.objects.filter(pk=data.validated_data["item"]).first()
            if item is None or item.template_id != visit.checklist_id:
                from django.core.exceptions import ValidationError

                raise ValidationError(
                    services.ITEM_NOT_IN_CHECKLIST % {"row": 1, "item": data.validated_data["item"]}
                )
        finding = services.finding_add(
            actor=request.user,
            visit=visit,
            item=item,
            description=data.validated_data["description"],
            severity=data.validated_data.get("severity"),
            area=data.validated_data.get("area"),
        )
        return Response(s.FindingSerializer(finding).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request={"multipart/form-data": s.PhotoInputSerializer},
        responses={201: inline_serializer("PhotoSaved", {"id": serializers.IntegerField()})},
        summary="上传现场照片",
    )
    @action(detail=True, methods=["post"])
    def photos(self, request, pk=None):
        visit = self._visit()
        data = s.PhotoInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        item = None
        if data.validated_data.get("item"):
            item = ChecklistItem.objects.filter(pk=data.validated_data["item"]).first()
        photo = services.inspection_photo_add(
            actor=request.user,
            visit=visit,
            upload=data.validated_data["photo"],
            item=item,
            caption=data.validated_data["caption"],
        )
        return Response({"id": photo.pk}, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=s.TeamInputSerializer, responses=s.InspectionDetailSerializer, summary="分配督查组"
    )
    @action(detail=True, methods=["post"])
    def team(self, request, pk=None):
        visit = self._visit()
        data = s.TeamInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.inspection_assign_team(
            actor=request.user, visit=visit, members=_members(data.validated_data)
        )
        return self._done(visit)

    @extend_schema(
        request=s.RescheduleInputSerializer,
        responses=s.InspectionDetailSerializer,
        summary="调整督查日期或方式",
    )
    @action(detail=True, methods=["post"])
    def reschedule(self, request, pk=None):
        visit = self._visit()
        data = s.RescheduleInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.inspection_reschedule(actor=request.user, visit=visit, **data.validated_data)
        return self._done(visit)

    @extend_schema(
        request=s.SignOffInputSerializer,
        responses=s.InspectionDetailSerializer,
        summary="签署督查记录",
    )
    @action(detail=True, methods=["post"])
    def sign_off(self, request, pk=None):
        visit = self._visit()
        data = s.SignOffInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.inspection_sign_off(actor=request.user, visit=visit, **data.validated_data)
        return self._done(visit)


class FindingViewSet(*_ReadOnly):
    queryset = Finding.objects.select_related("station").order_by("-found_on", "pk")
    serializer_class = s.FindingSerializer
    filterset_class = FindingFilterSet


class CampaignViewSet(*_ReadOnly):
    queryset = Campaign.objects.prefetch_related("stations", "institutions").order_by("-starts_on")
    serializer_class = s.CampaignSerializer

    @extend_schema(
        request=s.CampaignCreateSerializer,
        responses=s.CampaignSerializer,
        summary="新建专项督查并安排走访",
    )
    def create(self, request):
        _city(request)
        data = s.CampaignCreateSerializer(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        mode = fields.pop("mode")
        campaign = services.campaign_create(actor=request.user, **fields)
        services.campaign_schedule(actor=request.user, campaign=campaign, mode=mode)
        return Response(s.CampaignSerializer(campaign).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=s.CountSerializer, summary="补排缺少的走访")
    @action(detail=True, methods=["post"])
    def schedule(self, request, pk=None):
        _city(request)
        n = services.campaign_schedule(actor=request.user, campaign=self.get_object())
        return Response({"count": n})

    @extend_schema(
        request=None,
        responses=inline_serializer(
            "CampaignProgress",
            {
                "visits": serializers.DictField(),
                "findings": serializers.IntegerField(),
                "orders": serializers.DictField(),
            },
        ),
        summary="专项督查进度",
    )
    @action(detail=True, methods=["get"])
    def progress(self, request, pk=None):
        return Response(selectors.campaign_progress(request.user, self.get_object()))


class BoardViewSet(ScopedViewSetMixin, viewsets.GenericViewSet):
    """季度督查看板 over what the caller may see."""

    queryset = Inspection.objects.all()
    # The board is one object, neither a page nor filtered by the visit filters.
    list_returns_object = True
    pagination_class = None
    filter_backends: list = []

    @extend_schema(
        parameters=[PeriodParams], responses=s.QuarterBoardSerializer, summary="季度督查看板"
    )
    def list(self, request):
        from inspections.views import _year_quarter

        year, quarter = _year_quarter(request)
        board = selectors.quarter_board(request.user, year=year, quarter=quarter)
        return Response(s.QuarterBoardSerializer({"year": year, "quarter": quarter, **board}).data)

    @extend_schema(
        parameters=[YearParams],
        responses=inline_serializer(
            "FindingHeatmap",
            {
                "districts": serializers.ListField(child=CharField()),
                "areas": serializers.ListField(child=CharField()),
                "cells": serializers.ListField(child=serializers.ListField()),
                "max": serializers.IntegerField(),
            },
        ),
        summary="发现问题热力图（领域×区）",
    )
    @action(detail=False, methods=["get"])
    def heatmap(self, request):
        year = read_query(request, YearQuery)["year"]
        return Response(selectors.heatmap(request.user, year=year))
