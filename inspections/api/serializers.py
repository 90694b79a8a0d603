"""Serializers of the inspections API: they validate shape; services decide policy."""

from __future__ import annotations

from rest_framework import serializers

from inspections.choices import (
    AnswerResult,
    Area,
    MemberBody,
    Severity,
    VisitMode,
)
from inspections.models import (
    Campaign,
    ChecklistItem,
    ChecklistTemplate,
    Finding,
    Inspection,
    InspectionAnswer,
    InspectionTeamMember,
    QuarterPlan,
)
from portal.api.fields import BooleanField, CharField, PortalModelSerializer, SlugField
from portal.api.mixins import ScopedPrimaryKeyRelatedField
from stations.models import Institution, Station


class ChecklistItemSerializer(PortalModelSerializer):
    class Meta:
        model = ChecklistItem
        fields = [
            "id",
            "code",
            "area",
            "topic",
            "title",
            "guidance",
            "default_severity",
            "sort_order",
        ]


class ChecklistSerializer(PortalModelSerializer):
    items = ChecklistItemSerializer(many=True, read_only=True)

    class Meta:
        model = ChecklistTemplate
        fields = ["id", "code", "version", "name", "kind", "status", "note", "items"]


class TeamMemberSerializer(PortalModelSerializer):
    username = CharField(source="user.username", read_only=True)

    class Meta:
        model = InspectionTeamMember
        fields = ["user", "username", "body", "is_lead"]


class AnswerSerializer(PortalModelSerializer):
    class Meta:
        model = InspectionAnswer
        fields = ["item", "result", "note"]


class FindingSerializer(PortalModelSerializer):
    is_repeat = serializers.BooleanField(read_only=True)

    class Meta:
        model = Finding
        fields = [
            "id",
            "inspection",
            "item",
            "station",
            "area",
            "severity",
            "description",
            "found_on",
            "repeat_of",
            "is_repeat",
        ]


class InspectionSerializer(PortalModelSerializer):
    station_name = CharField(source="station.name", read_only=True)
    district = serializers.IntegerField(source="station.district_id", read_only=True)
    team = TeamMemberSerializer(many=True, read_only=True)

    class Meta:
        model = Inspection
        fields = [
            "id",
            "plan",
            "campaign",
            "station",
            "station_name",
            "district",
            "institution",
            "checklist",
            "mode",
            "status",
            "scheduled_on",
            "started_at",
            "representative_name",
            "representative_title",
            "summary",
            "signed_off_at",
            "team",
            "version",
        ]
        read_only_fields = ["version"]


class InspectionDetailSerializer(InspectionSerializer):
    answers = AnswerSerializer(many=True, read_only=True)
    findings = FindingSerializer(many=True, read_only=True)

    class Meta(InspectionSerializer.Meta):
        fields = [*InspectionSerializer.Meta.fields, "answers", "findings"]


class AnswerInputSerializer(serializers.Serializer):
    item = CharField(help_text="清单条目ID或编号")
    result = serializers.ChoiceField(choices=AnswerResult.choices)
    note = CharField(required=False, allow_blank=True, default="")


class AnswersInputSerializer(serializers.Serializer):
    answers = AnswerInputSerializer(many=True)
    version = serializers.IntegerField(
        required=False,
        min_value=0,
        help_text="读取时的修改序号（或请求头 If-Match）；已被他人修改时返回 409。",
    )


class FindingInputSerializer(serializers.Serializer):
    item = serializers.IntegerField(required=False, allow_null=True)
    area = serializers.ChoiceField(choices=Area.choices, required=False, allow_null=True)
    severity = serializers.ChoiceField(choices=Severity.choices, required=False, allow_null=True)
    description = CharField()


class SignOffInputSerializer(serializers.Serializer):
    representative_name = CharField(max_length=40)
    representative_title = CharField(max_length=60, required=False, allow_blank=True)
    summary = CharField(required=False, allow_blank=True)


class PhotoInputSerializer(serializers.Serializer):
    photo = serializers.FileField()
    item = serializers.IntegerField(required=False, allow_null=True)
    caption = CharField(required=False, allow_blank=True, default="")


class PlanSerializer(PortalModelSerializer):
    class Meta:
        model = QuarterPlan
        fields = [
            "id",
            "year",
            "quarter",
            "status",
            "settings",
            "checklist",
            "seed",
            "inputs",
            "result",
            "drawn_at",
            "confirmed_at",
            "confirmed_by",
        ]


class PlanDrawInputSerializer(serializers.Serializer):
    year = serializers.IntegerField(min_value=2018, max_value=2100)
    quarter = serializers.IntegerField(min_value=1, max_value=4)
    # The seed is stored in a bigint column.
    seed = serializers.IntegerField(
        required=False, allow_null=True, min_value=0, max_value=2**63 - 1
    )
    manual = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=2**63 - 1),
        required=False,
        default=list,
        help_text="人工加入的社工站编号",
    )


class PlanAddStationSerializer(serializers.Serializer):
    station = ScopedPrimaryKeyRelatedField(queryset=Station.objects.all())
    mode = serializers.ChoiceField(choices=VisitMode.choices)
    scheduled_on = serializers.DateField()


class DrawCheckSerializer(serializers.Serializer):
    reproduced = serializers.BooleanField()
    differences = serializers.ListField(child=CharField())


class CampaignSerializer(PortalModelSerializer):
    class Meta:
        model = Campaign
        fields = [
            "id",
            "name",
            "theme",
            "description",
            "starts_on",
            "ends_on",
            "checklist",
            "stations",
            "institutions",
        ]


class TeamMemberInputSerializer(serializers.Serializer):
    user = serializers.IntegerField(help_text="督查人员的用户ID")
    body = serializers.ChoiceField(choices=MemberBody.choices)
    is_lead = BooleanField(required=False, default=False)


class TeamInputSerializer(serializers.Serializer):
    members = TeamMemberInputSerializer(many=True, allow_empty=False)


class RescheduleInputSerializer(serializers.Serializer):
    scheduled_on = serializers.DateField()
    mode = serializers.ChoiceField(choices=VisitMode.choices, required=False)


class CampaignCreateSerializer(serializers.Serializer):
    name = CharField(max_length=120)
    theme = serializers.ChoiceField(choices=Area.choices)
    description = CharField(required=False, allow_blank=True, default="")
    starts_on = serializers.DateField()
    ends_on = serializers.DateField()
    checklist = ScopedPrimaryKeyRelatedField(queryset=ChecklistTemplate.objects.all())
    stations = ScopedPrimaryKeyRelatedField(
        queryset=Station.objects.all(), many=True, required=False, default=list
    )
    institutions = ScopedPrimaryKeyRelatedField(
        queryset=Institution.objects.all(), many=True, required=False, default=list
    )
    mode = serializers.ChoiceField(
        choices=VisitMode.choices, required=False, default=VisitMode.SCHEDULED
    )


class ChecklistImportSerializer(serializers.Serializer):
    code = SlugField(max_length=40)
    name = CharField(max_length=120)
    file = serializers.FileField()


class CountSerializer(serializers.Serializer):
    count = serializers.IntegerField()


class _BoardCounts(serializers.Serializer):
    planned = serializers.IntegerField()
    done = serializers.IntegerField()
    unannounced = serializers.IntegerField()
    open = serializers.IntegerField()
    overdue = serializers.IntegerField()
    closed = serializers.IntegerField()


class BoardDistrictSerializer(_BoardCounts):
    district_id = serializers.IntegerField()
    name = CharField()
    code = CharField()


class BoardTotalsSerializer(_BoardCounts):
    findings = serializers.IntegerField()


class BoardAreaSerializer(serializers.Serializer):
    area = serializers.ChoiceField(choices=Area.choices)
    label = CharField()
    counts = serializers.ListField(
        child=serializers.IntegerField(), help_text="按 severities 的顺序"
    )
    total = serializers.IntegerField()


class BoardSeveritySerializer(serializers.Serializer):
    value = serializers.ChoiceField(choices=Severity.choices)
    label = CharField()


class QuarterBoardSerializer(serializers.Serializer):
    """季度督查看板: one object for the quarter, not a page."""

    year = serializers.IntegerField()
    quarter = serializers.IntegerField()
    districts = BoardDistrictSerializer(many=True)
    totals = BoardTotalsSerializer()
    findings = BoardAreaSerializer(many=True)
    severities = BoardSeveritySerializer(many=True)
