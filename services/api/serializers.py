"""Serializers validate shape; the services judge policy."""

from __future__ import annotations

from rest_framework import serializers

from portal.api.fields import CharField, PortalModelSerializer
from portal.api.mixins import ScopedPrimaryKeyRelatedField
from services.choices import CaseStep, ConsentMethod, Gender
from services.models import (
    CatalogueVersion,
    MonthlyAggregate,
    MonthlyReport,
    ServiceRecord,
    ServiceTarget,
    ServiceUser,
)
from stations.models import Community, Contract, Station


class CatalogueVersionSerializer(PortalModelSerializer):
    fields_ = serializers.SerializerMethodField(method_name="get_fields_list")
    target_groups = serializers.SerializerMethodField()
    kinds = serializers.SerializerMethodField()
    tiers = serializers.SerializerMethodField()

    class Meta:
        model = CatalogueVersion
        fields = [
            "id",
            "name",
            "effective_from",
            "source",
            "frozen_at",
            "tiers",
            "fields_",
            "target_groups",
            "kinds",
        ]

    def get_tiers(self, obj) -> list[dict]:
        return list(obj.tiers.values("code", "name", "note"))

    def get_fields_list(self, obj) -> list[dict]:
        return list(obj.fields.values("code", "name", "sensitive"))

    def get_target_groups(self, obj) -> list[dict]:
        return list(
            obj.target_groups.values("code", "name", "basic_guarantee", "sensitive", "parent__code")
        )

    def get_kinds(self, obj) -> list[dict]:
        return [
            {
                "code": k.code,
                "name": k.name,
                "max_person_times": k.max_person_times,
                "max_hours": str(k.max_hours),
            }
            for k in obj.kinds.all()
        ]


class ServiceUserSerializer(PortalModelSerializer):
    target_groups = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    sensitive = serializers.SerializerMethodField()

    class Meta:
        model = ServiceUser
        fields = [
            "id",
            "station",
            "community",
            "name",
            "gender",
            "birth_year",
            "contact",
            "id_number_masked",
            "target_groups",
            "basic_guarantee",
            "sensitive",
            "consent_on",
            "consent_method",
            "version",
        ]

    def get_sensitive(self, obj) -> bool:
        from portal import clock

        return obj.sensitive_on(clock.today())

    def to_representation(self, obj):
        """A sensitive person's identifying fields only for the serving station, or after an
        audited read (``revealed`` in the context); lists show them masked."""
        from services.selectors import masked_name

        data = super().to_representation(obj)
        revealed = self.context.get("revealed", set())
        serving = self.context.get("serving_stations", set())
        if data["sensitive"] and obj.pk not in revealed and obj.station_id not in serving:
            data.update(name=masked_name(obj.name), contact="", birth_year=None)
        return data


class ServiceUserWriteSerializer(serializers.Serializer):
    station = ScopedPrimaryKeyRelatedField(
        queryset=Station.objects.all(), required=False, scope_action="view"
    )
    name = CharField(max_length=40)
    gender = serializers.ChoiceField(choices=Gender.choices, required=False, allow_blank=True)
    birth_year = serializers.IntegerField(required=False, allow_null=True)
    community = ScopedPrimaryKeyRelatedField(
        queryset=Community.objects.all(), required=False, allow_null=True
    )
    contact = CharField(max_length=40, required=False, allow_blank=True)
    id_number = CharField(max_length=20, required=False, allow_blank=True)
    target_groups = serializers.ListField(child=CharField(max_length=40), required=False)
    fields = serializers.ListField(child=CharField(max_length=40), required=False)
    consent_on = serializers.DateField(required=False)
    consent_method = serializers.ChoiceField(choices=ConsentMethod.choices, required=False)
    version = serializers.IntegerField(required=False)


class ServiceRecordSerializer(PortalModelSerializer):
    kind = serializers.SlugRelatedField(slug_field="code", read_only=True)
    field = serializers.SlugRelatedField(slug_field="code", read_only=True)
    target_groups = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    # As the write takes them, so that what a GET answers can be PUT back unchanged.
    attendees = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    workers = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = ServiceRecord
        fields = [
            "id",
            "station",
            "community",
            "service_on",
            "catalogue",
            "kind",
            "field",
            "target_groups",
            "title",
            "hours",
            "person_times",
            "others_count",
            "attendees",
            "workers",
            "case_step",
            "note",
            "version",
        ]


class ServiceRecordWriteSerializer(serializers.Serializer):
    station = ScopedPrimaryKeyRelatedField(queryset=Station.objects.all(), required=False)
    service_on = serializers.DateField()
    kind = CharField(max_length=40)
    field = CharField(max_length=40)
    target_groups = serializers.ListField(child=CharField(max_length=40), required=False)
    title = CharField(max_length=80)
    community = ScopedPrimaryKeyRelatedField(
        queryset=Community.objects.all(), required=False, allow_null=True
    )
    hours = serializers.DecimalField(max_digits=5, decimal_places=2, coerce_to_string=True)
    person_times = serializers.IntegerField()
    others_count = serializers.IntegerField(required=False, default=0)
    attendees = serializers.ListField(child=serializers.IntegerField(), required=False)
    workers = serializers.ListField(child=serializers.IntegerField(), required=False)
    case_step = serializers.ChoiceField(
        choices=CaseStep.choices, required=False, allow_blank=True, allow_null=True
    )
    note = CharField(max_length=300, required=False, allow_blank=True)
    version = serializers.IntegerField(required=False)


class MonthlyReportSerializer(PortalModelSerializer):
    class Meta:
        model = MonthlyReport
        fields = [
            "id",
            "station",
            "year",
            "month",
            "status",
            "due_on",
            "figures",
            "narrative",
            "highlights",
            "submitted_at",
            "reviewed_at",
            "approved_at",
            "return_reason",
            "version",
        ]


class ReportWriteSerializer(serializers.Serializer):
    # Or an If-Match header (``VersionedViewSetMixin.expected_version``).
    version = serializers.IntegerField(required=False)
    narrative = CharField(max_length=5000, required=False, allow_blank=True, default="")
    highlights = CharField(max_length=5000, required=False, allow_blank=True, default="")


class ServiceVersionSerializer(serializers.Serializer):
    version = serializers.IntegerField()


class ServiceReturnSerializer(ServiceVersionSerializer):
    reason = CharField(max_length=300)


class ServiceTargetSerializer(PortalModelSerializer):
    progress = serializers.SerializerMethodField()

    class Meta:
        model = ServiceTarget
        fields = [
            "id",
            "contract",
            "station",
            "service_year",
            "direct_hours",
            "person_times",
            "cases",
            "groups",
            "activities",
            "version",
            "progress",
        ]

    def get_progress(self, obj) -> list[dict]:
        rows = (self.context.get("progress") or {}).get(obj.pk, [])
        return [
            {
                "key": p.key,
                "target": str(p.target),
                "done": str(p.done),
                "projected": str(p.projected),
                "percent": None if p.percent is None else str(p.percent),
                "warning": p.warning,
            }
            for p in rows
        ]


class ServiceTargetWriteSerializer(serializers.Serializer):
    contract = ScopedPrimaryKeyRelatedField(queryset=Contract.objects.all())
    direct_hours = serializers.DecimalField(
        max_digits=10, decimal_places=2, coerce_to_string=True, required=False
    )
    person_times = serializers.IntegerField(required=False, min_value=0)
    cases = serializers.IntegerField(required=False, min_value=0)
    groups = serializers.IntegerField(required=False, min_value=0)
    activities = serializers.IntegerField(required=False, min_value=0)
    version = serializers.IntegerField(required=False)


class MonthlyAggregateSerializer(PortalModelSerializer):
    class Meta:
        model = MonthlyAggregate
        fields = [
            "id",
            "station",
            "district",
            "year",
            "month",
            "kind",
            "field_code",
            "records",
            "person_times",
            "hours",
            "basic_guarantee_person_times",
            "cases_opened",
            "cases_closed",
        ]
