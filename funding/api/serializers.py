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
from portal.api.fields import CharField, PortalModelSerializer
from portal.api.mixins import ScopedPrimaryKeyRelatedField
from stations.models import Contract, Station


class LineSerializer(serializers.Serializer):
    category = serializers.ChoiceField(choices=BudgetCategory.choices)
    # Strings in and out: money never passes through a float.
    amount = serializers.DecimalField(max_digits=14, decimal_places=2, coerce_to_string=True)
    note = CharField(required=False, allow_blank=True, max_length=300, default="")


class BudgetLineSerializer(PortalModelSerializer):
    class Meta:
        model = BudgetLine
        fields = ["category", "amount", "note"]


class BudgetSerializer(PortalModelSerializer):
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
    note = CharField(required=False, allow_blank=True)
    lines = LineSerializer(many=True)


class VersionSerializer(serializers.Serializer):
    version = serializers.IntegerField()


class ReturnSerializer(VersionSerializer):
    reason = CharField(max_length=1000)


class SpendingLineSerializer(PortalModelSerializer):
    class Meta:
        model = SpendingLine
        fields = ["category", "amount", "note"]


class AttachmentSerializer(PortalModelSerializer):
    class Meta:
        model = SpendingAttachment
        fields = ["id", "kind", "original_name", "content_type", "size", "uploaded_at"]
        read_only_fields = fields


class SpendingReportSerializer(PortalModelSerializer):
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
    note = CharField(required=False, allow_blank=True)
    lines = LineSerializer(many=True)


class AttachmentUploadSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=SpendingAttachment._meta.get_field("kind").choices)
    file = serializers.FileField()


class FundingYearSerializer(PortalModelSerializer):
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


class TotalsQuerySerializer(serializers.Serializer):
    """``?year=&by=`` of the social-resource totals (documents the parameters)."""

    year = serializers.IntegerField(required=False, min_value=2000, max_value=2100)
    by = serializers.ChoiceField(
        choices=[("station", "社工站"), ("district", "区"), ("city", "全市")],
        required=False,
        default="district",
    )


def _money():
    return serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True)


class SocialResourceTotalsSerializer(serializers.Serializer):
    """One row of the totals: a station, a district or the whole city (the keys of the
    grouping it is not by are absent). Money in yuan; time-bank hours are credits."""

    station = serializers.IntegerField(required=False)
    station_code = CharField(required=False)
    station_name = CharField(required=False)
    district = serializers.IntegerField(required=False)
    district_code = CharField(required=False)
    district_name = CharField(required=False)
    charity_donation = _money()
    community_fund = _money()
    in_kind = _money()
    money_total = _money()
    hours = _money()
    credits = _money()
    entries = serializers.IntegerField()

    # selector key -> API key
    RENAMED = {
        "station_id": "station",
        "station__code": "station_code",
        "station__name": "station_name",
        "station__district_id": "district",
        "station__district__code": "district_code",
        "station__district__name": "district_name",
    }

    @classmethod
    def rows(cls, rows):
        return cls([{cls.RENAMED.get(k, k): v for k, v in row.items()} for row in rows], many=True)


class SocialResourceSerializer(PortalModelSerializer):
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
            "version",
        ]
        read_only_fields = ["id", "service_year", "credits", "version"]
