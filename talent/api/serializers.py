"""Serializers of the talent API: shape only (policy lives in the services). ID numbers go
out masked; the full number is write-only and only ever returned by the audited unmask."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_serializer
from rest_framework import serializers

from portal.api.fields import BooleanField, CharField, PortalModelSerializer
from portal.api.mixins import ScopedPrimaryKeyRelatedField
from portal.forms.base import YEAR_MAX, YEAR_MIN
from stations.models import Institution, Station
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


class SocialWorkerSerializer(PortalModelSerializer):
    id_number = CharField(
        source="id_number_masked", read_only=True, help_text="脱敏身份证号（前3位和后4位）"
    )

    class Meta:
        model = SocialWorker
        fields = [
            "id",
            "name",
            "id_number",
            "sex",
            "phone",
            "education_level",
            "major",
            "school",
            "note",
            "highest_level",
            "registration_starts_on",
            "registration_expires_on",
            "ce_hours",
            "ce_required",
            "version",
        ]
        read_only_fields = [
            "id",
            "version",
            "id_number",
            "sex",
            "highest_level",
            "registration_starts_on",
            "registration_expires_on",
            "ce_hours",
            "ce_required",
        ]


class WorkerHireSerializer(serializers.Serializer):
    name = CharField(max_length=40)
    id_number = CharField(max_length=18, write_only=True)
    station = ScopedPrimaryKeyRelatedField(queryset=Station.objects.all())
    position = serializers.ChoiceField(choices=Employment._meta.get_field("position").choices)
    employment_type = serializers.ChoiceField(
        choices=Employment._meta.get_field("employment_type").choices, default="full_time"
    )
    starts_on = serializers.DateField()
    phone = CharField(max_length=20, required=False, allow_blank=True)
    education_level = serializers.ChoiceField(
        choices=SocialWorker._meta.get_field("education_level").choices,
        required=False,
        allow_blank=True,
    )
    major = CharField(max_length=60, required=False, allow_blank=True)
    school = CharField(max_length=80, required=False, allow_blank=True)


class ReasonSerializer(serializers.Serializer):
    # The service asks for a stated reason of at least 4 characters (talent.services).
    reason = CharField(min_length=4, max_length=200)


class IdNumberSerializer(serializers.Serializer):
    id_number = CharField(max_length=18)


class RevealedSerializer(serializers.Serializer):
    id_number = CharField()


class EmploymentSerializer(PortalModelSerializer):
    person = ScopedPrimaryKeyRelatedField(queryset=SocialWorker.objects.all())
    station = ScopedPrimaryKeyRelatedField(queryset=Station.objects.all())
    institution = ScopedPrimaryKeyRelatedField(queryset=Institution.objects.all(), required=False)

    class Meta:
        model = Employment
        fields = [
            "id",
            "person",
            "institution",
            "station",
            "position",
            "employment_type",
            "starts_on",
            "ends_on",
            "leave_reason",
        ]


class EmploymentEndSerializer(serializers.Serializer):
    ends_on = serializers.DateField()
    leave_reason = CharField(max_length=200, required=False, allow_blank=True)


class CertificateSerializer(PortalModelSerializer):
    person = ScopedPrimaryKeyRelatedField(queryset=SocialWorker.objects.all())
    level = CharField(max_length=20, help_text="assistant / intermediate / senior")

    class Meta:
        model = Certificate
        fields = ["id", "person", "level", "number", "year_passed"]


class RegistrationSerializer(PortalModelSerializer):
    certificate = ScopedPrimaryKeyRelatedField(queryset=Certificate.objects.all())

    class Meta:
        model = Registration
        fields = [
            "id",
            "person",
            "certificate",
            "starts_on",
            "expires_on",
            "renews",
            "policy_version",
        ]
        read_only_fields = ["id", "person", "expires_on", "renews", "policy_version"]


class CERecordSerializer(PortalModelSerializer):
    person = ScopedPrimaryKeyRelatedField(queryset=SocialWorker.objects.all())
    programme = ScopedPrimaryKeyRelatedField(
        queryset=TrainingProgramme.objects.all(), required=False, write_only=True
    )

    class Meta:
        model = CERecord
        fields = [
            "id",
            "person",
            "hours",
            "completed_on",
            "source",
            "title",
            "provider",
            "enrolment",
            "programme",
        ]
        read_only_fields = ["id", "source", "enrolment"]


class ProgrammeSerializer(PortalModelSerializer):
    year = serializers.IntegerField(min_value=YEAR_MIN, max_value=YEAR_MAX)

    class Meta:
        model = TrainingProgramme
        fields = [
            "id",
            "year",
            "kind",
            "title",
            "provider",
            "budget",
            "places",
            "starts_on",
            "ends_on",
            "note",
            "version",
        ]
        read_only_fields = ["version"]


class SessionSerializer(PortalModelSerializer):
    programme = ScopedPrimaryKeyRelatedField(queryset=TrainingProgramme.objects.all())

    class Meta:
        model = TrainingSession
        fields = ["id", "programme", "held_on", "topic", "hours", "location"]


class EnrolmentSerializer(PortalModelSerializer):
    programme = ScopedPrimaryKeyRelatedField(queryset=TrainingProgramme.objects.all())
    person = ScopedPrimaryKeyRelatedField(queryset=SocialWorker.objects.all())

    class Meta:
        model = Enrolment
        fields = [
            "id",
            "programme",
            "person",
            "institution",
            "status",
            "completed_on",
            "exam_passed",
        ]
        read_only_fields = ["id", "institution", "status", "completed_on", "exam_passed"]


class AttendanceInSerializer(serializers.Serializer):
    session = ScopedPrimaryKeyRelatedField(queryset=TrainingSession.objects.all())


class CompleteSerializer(serializers.Serializer):
    completed_on = serializers.DateField(required=False)
    exam_passed = BooleanField(required=False, allow_null=True, default=None)


class HonourSerializer(PortalModelSerializer):
    person = ScopedPrimaryKeyRelatedField(queryset=SocialWorker.objects.all())
    level = CharField(max_length=20)
    kind = CharField(max_length=30)

    class Meta:
        model = Honour
        fields = ["id", "person", "level", "kind", "title", "year", "issuer"]


class StationStaffingSerializer(serializers.Serializer):
    station_id = serializers.IntegerField()
    code = CharField()
    name = CharField()
    district = CharField()
    subdistrict = CharField()
    operator = CharField()
    headcount = serializers.IntegerField()
    part_time = serializers.IntegerField()
    standard = serializers.IntegerField()
    vacancies = serializers.IntegerField()
    certified = serializers.IntegerField()
    certified_percent = serializers.DecimalField(max_digits=5, decimal_places=1, allow_null=True)
    certificate_share_met = serializers.BooleanField()
    assistant = serializers.IntegerField()
    intermediate = serializers.IntegerField()
    senior = serializers.IntegerField()
    head_in_post = serializers.BooleanField()
    deputy_in_post = serializers.BooleanField()
    leavers = serializers.IntegerField()
    turnover_percent = serializers.DecimalField(max_digits=6, decimal_places=1, allow_null=True)
    expiring_window = serializers.IntegerField()
    expiring_30 = serializers.IntegerField()
    expiring_7 = serializers.IntegerField()
    lapsed = serializers.IntegerField()
    ce_shortfalls = serializers.IntegerField()
    problems = serializers.ListField(child=CharField())


@extend_schema_serializer(many=False)
class StaffingBoardPageSerializer(serializers.Serializer):
    """One page of the board (``?page=``, 200 stations) and how many stations there are."""

    count = serializers.IntegerField()
    results = StationStaffingSerializer(many=True)
