"""Serializers of the evaluations API: shape only; policy lives in the services."""

from __future__ import annotations

from rest_framework import serializers

from evaluations.choices import AppealDecision, RespondentGroup
from evaluations.models import (
    Appeal,
    AppealItem,
    Cycle,
    Evaluation,
    EvaluatorAssignment,
    Framework,
    FrameworkNode,
    Score,
    SelfAssessment,
    SurveyLink,
    SurveyQuestion,
)
from portal.api.fields import CharField, PortalModelSerializer
from portal.api.mixins import ScopedPrimaryKeyRelatedField


class EvaluationFrameworkNodeSerializer(PortalModelSerializer):
    class Meta:
        model = FrameworkNode
        fields = [
            "id",
            "framework",
            "parent",
            "level",
            "code",
            "name",
            "max_score",
            "weight",
            "phase",
            "scorer",
            "method",
            "evidence",
            "sort_order",
            "version",
        ]
        read_only_fields = ["id", "framework", "version"]


class EvaluationFrameworkNodeCreateSerializer(EvaluationFrameworkNodeSerializer):
    """A new node names its framework (a node never moves to another one afterwards)."""

    framework = ScopedPrimaryKeyRelatedField(queryset=Framework.objects.all())

    class Meta(EvaluationFrameworkNodeSerializer.Meta):
        read_only_fields = ["id"]


class EvaluationFrameworkSerializer(PortalModelSerializer):
    nodes = EvaluationFrameworkNodeSerializer(many=True, read_only=True)

    class Meta:
        model = Framework
        fields = [
            "id",
            "code",
            "version",
            "name",
            "status",
            "is_example",
            "based_on",
            "note",
            "frozen_at",
            "nodes",
        ]
        read_only_fields = ["id", "version", "status", "based_on", "frozen_at", "nodes"]


class EvaluationCycleSerializer(PortalModelSerializer):
    class Meta:
        model = Cycle
        fields = [
            "id",
            "name",
            "service_year",
            "phase",
            "framework",
            "policy_version",
            "opens_on",
            "self_due_on",
            "scoring_starts_on",
            "scoring_due_on",
            "appeal_starts_on",
            "appeal_due_on",
            "publish_on",
            "status",
            "opened_at",
            "published_at",
            "version",
        ]
        read_only_fields = [
            "id",
            "policy_version",
            "status",
            "opened_at",
            "published_at",
            "version",
        ]
        validators = []  # the service explains duplicates in Chinese


class EvaluationScoreSerializer(PortalModelSerializer):
    node_code = CharField(source="node.code", read_only=True)

    class Meta:
        model = Score
        fields = ["id", "node", "node_code", "score", "comment", "scorer", "scored_by", "scored_at"]


class EvaluationSerializer(PortalModelSerializer):
    station_code = CharField(source="station.code", read_only=True)
    station_name = CharField(source="station.name", read_only=True)
    district = serializers.IntegerField(source="station.district_id", read_only=True)

    class Meta:
        model = Evaluation
        fields = [
            "id",
            "cycle",
            "station",
            "station_code",
            "station_name",
            "district",
            "institution",
            "status",
            "version",
            "self_submitted_at",
            "total",
            "grade",
            "framework",
            "policy_version",
            "computed_at",
            "published_at",
            "rectification_order_id",
        ]
        read_only_fields = fields


class EvaluationDetailSerializer(EvaluationSerializer):
    scores = EvaluationScoreSerializer(many=True, read_only=True)

    class Meta(EvaluationSerializer.Meta):
        fields = [*EvaluationSerializer.Meta.fields, "breakdown", "scores"]
        read_only_fields = fields


class EvaluationScoreEntrySerializer(serializers.Serializer):
    node = serializers.IntegerField()
    score = serializers.DecimalField(max_digits=6, decimal_places=2, allow_null=True)
    comment = CharField(required=False, allow_blank=True, default="")


class EvaluationScoresWriteSerializer(serializers.Serializer):
    version = serializers.IntegerField()
    scores = EvaluationScoreEntrySerializer(many=True)


class ScoreSheetVersionSerializer(serializers.Serializer):
    version = serializers.IntegerField(required=False)


class EvaluationSelfAssessmentSerializer(PortalModelSerializer):
    class Meta:
        model = SelfAssessment
        fields = ["id", "evaluation", "node", "text", "updated_at", "version"]
        read_only_fields = ["id", "evaluation", "updated_at"]
        # The version of the item the caller read (0: none yet); a stale one answers 409.
        extra_kwargs = {"version": {"read_only": False, "required": False, "min_value": 0}}


class EvaluationAppealItemSerializer(PortalModelSerializer):
    class Meta:
        model = AppealItem
        fields = ["node", "original_score", "requested_score", "reason", "decided_score"]
        read_only_fields = ["original_score", "decided_score"]


class EvaluationAppealSerializer(PortalModelSerializer):
    items = EvaluationAppealItemSerializer(many=True)

    class Meta:
        model = Appeal
        fields = [
            "id",
            "evaluation",
            "reason",
            "status",
            "filed_at",
            "answer",
            "answered_at",
            "decision",
            "decision_note",
            "decided_at",
            "items",
        ]
        read_only_fields = [
            "id",
            "evaluation",
            "status",
            "filed_at",
            "answer",
            "answered_at",
            "decision",
            "decision_note",
            "decided_at",
        ]


class EvaluationAppealAnswerSerializer(serializers.Serializer):
    answer = CharField()


class EvaluationAppealDecideSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(choices=AppealDecision.choices)
    note = CharField(required=False, allow_blank=True, default="")
    scores = serializers.DictField(
        child=serializers.DecimalField(max_digits=6, decimal_places=2), required=False, default=dict
    )


class EvaluatorAssignmentSerializer(PortalModelSerializer):
    class Meta:
        model = EvaluatorAssignment
        fields = ["id", "evaluation", "evaluator", "starts_on", "ends_on"]
        read_only_fields = ["id"]
        validators = []


class EvaluationSurveyLinkSerializer(PortalModelSerializer):
    class Meta:
        model = SurveyLink
        fields = ["id", "evaluation", "group", "token", "issued_at", "answered_at"]
        read_only_fields = fields


class EvaluationSurveyIssueSerializer(serializers.Serializer):
    group = serializers.ChoiceField(choices=RespondentGroup.choices)
    count = serializers.IntegerField(min_value=1, max_value=200)


class EvaluationSurveyAnswerSerializer(serializers.Serializer):
    answers = serializers.DictField(child=serializers.IntegerField())
    comment = CharField(required=False, allow_blank=True, default="", max_length=500)


class EvaluationSurveyQuestionSerializer(PortalModelSerializer):
    class Meta:
        model = SurveyQuestion
        fields = ["id", "group", "code", "text", "sort_order", "is_active"]
