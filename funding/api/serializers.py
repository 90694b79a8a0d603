"""Serializers validate shape; the services judge policy."""

from __future__ import annotations

from rest_framework import serializers

from funding.choices import BudgetCategory, ComplianceStatus, PeriodKind
from funding.models import (
    Budget,
    BudgetLine,
    FundingYear,
    SocialResource,
    SpendingAttachment,
    SpendingLine,
    SpendingReport,
)
from portal.api.mixins import ScopedPrimaryKeyRelatedField
from stations.models import Contract, Station


class LineSerializer(serializers.Serializer):
    category = serializers.ChoiceField(choices=BudgetCategory.choices)
    # Strings in and out: money never passes through a float.
    amount = serializers.DecimalField(max_digits=14, decimal_places=2, coerce_to_string=True)
    note = serializers.CharField(required=False, allow_blank=True, max_length=300, default="")


class BudgetLineSerializer(serializers.ModelSerializer):
    class Meta:
        model = BudgetLine
        fields = ["category", "amount", "note"]


class BudgetSerializer(serializers.ModelSerializer):
    lines = BudgetLineSerializer(many=True, read_only=True)

    class Meta:
        model = Budget
        fields = [
            "id",
            "contract",
            "station",
            "service_year",
            "fee",
            "revision",
            "status",
            "version",
            "total",
            "personnel",
            "note",
            "supersedes",
            "policy_version",
            "floor_percent",
            "checked_share",
            "submitted_at",
            "decided_at",
            "return_reason",
            "lines",
        ]
        read_only_fields = fields


class BudgetWriteSerializer(serializers.Serializer):
    contract = ScopedPrimaryKeyRelatedField(queryset=Contract.objects.all(), required=False)
    version = serializers.IntegerField(required=False)
    note = serializers.CharField(required=False, allow_blank=True)
    lines = LineSerializer(many=True)


class VersionSerializer(serializers.Serializer):
    version = serializers.IntegerField()


class ReturnSerializer(VersionSerializer):
    reason = serializers.CharField(max_length=1000)


class SpendingLineSerializer(serializers.ModelSerializer):
    class Meta:
        model = SpendingLine
        fields = ["category", "amount", "note"]


class AttachmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = SpendingAttachment
        fields = ["id", "kind", "original_name", "content_type", "size", "uploaded_at"]
        read_only_fields = fields


class SpendingReportSerializer(serializers.ModelSerializer):
    lines = SpendingLineSerializer(many=True, read_only=True)
    attachments = AttachmentSerializer(many=True, read_only=True)

    class Meta:
        model = SpendingReport
        fields = [
            "id",
            "contract",
            "station",
            "service_year",
            "period_kind",
            "period",
            "months",
            "period_start",
            "period_end",
            "status",
            "version",
            "total",
            "personnel",
            "note",
            "submitted_at",
            "decided_at",
            "return_reason",
            "lines",
            "attachments",
        ]
        read_only_fields = fields


class SpendingReportWriteSerializer(serializers.Serializer):
    contract = ScopedPrimaryKeyRelatedField(queryset=Contract.objects.all(), required=False)
    period_kind = serializers.ChoiceField(
        choices=PeriodKind.choices,
        required=False,
        help_text="月度或季度，须与该服务年度的政策参数一致；不填则按政策规定。",
    )
    period = serializers.IntegerField(min_value=1, max_value=12, required=False)
    version = serializers.IntegerField(required=False)
    note = serializers.CharField(required=False, allow_blank=True)
    lines = LineSerializer(many=True)


class AttachmentUploadSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=SpendingAttachment._meta.get_field("kind").choices)
    file = serializers.FileField()


class FundingYearSerializer(serializers.ModelSerializer):
    status = serializers.ChoiceField(choices=ComplianceStatus.choices, read_only=True)
    planned_ok = serializers.BooleanField(read_only=True, allow_null=True)
    projected_ok = serializers.BooleanField(read_only=True, allow_null=True)
    projected_share = serializers.DecimalField(
        max_digits=9, decimal_places=2, read_only=True, allow_null=True
    )

    class Meta:
        model = FundingYear
        fields = [
            "id",
            "contract",
            "station",
            "district",
            "institution",
            "is_comprehensive",
            "service_year",
            "fee",
            "policy_version",
            "floor_percent",
            "budget",
            "planned_personnel",
            "actual_total",
            "actual_personnel",
            "months_reported",
            "final",
            "final_share",
            "final_passed",
            "finalised_at",
            "refreshed_at",
            "status",
            "planned_ok",
            "projected_ok",
            "projected_share",
        ]
        read_only_fields = fields


class SocialResourceSerializer(serializers.ModelSerializer):
    station = ScopedPrimaryKeyRelatedField(queryset=Station.objects.all(), scope_action="view")
    credits = serializers.DecimalField(
        max_digits=10, decimal_places=2, read_only=True, allow_null=True
    )

    class Meta:
        model = SocialResource
        fields = [
            "id",
            "station",
            "service_year",
            "kind",
            "received_on",
            "amount",
            "hours",
            "credits",
            "source",
            "description",
        ]
        read_only_fields = ["id", "service_year", "credits"]
