"""Serializers of the stations API. They validate shape only; the viewsets hand validated data
to the services, which check scope and policy and answer in Chinese."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop
from rest_framework import serializers

from portal.api.fields import BooleanField, CharField, PortalModelSerializer
from portal.api.mixins import ScopedPrimaryKeyRelatedField as BaseScopedField
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

UNKNOWN_CHOICE = gettext_noop("编号为{pk_value}的%(model)s不存在或不在您的可见范围内。")


class ScopedPrimaryKeyRelatedField(BaseScopedField):
    """A scoped id whose "not found" names the kind of thing that was not found, in Chinese
    (DRF's own says only "invalid pk")."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.queryset is not None:
            name = self.queryset.model._meta.verbose_name
            self.error_messages["does_not_exist"] = _(UNKNOWN_CHOICE) % {"model": name}


class DistrictSerializer(PortalModelSerializer):
    class Meta:
        model = District
        fields = ["id", "code", "name"]
        read_only_fields = fields


class SubdistrictSerializer(PortalModelSerializer):
    district_name = CharField(source="district.name", read_only=True)

    class Meta:
        model = Subdistrict
        fields = ["id", "code", "name", "kind", "district", "district_name"]
        read_only_fields = fields


class CommunitySerializer(PortalModelSerializer):
    class Meta:
        model = Community
        fields = ["id", "code", "name", "kind", "subdistrict"]
        read_only_fields = fields


class ProjectKindSerializer(PortalModelSerializer):
    class Meta:
        model = ProjectKind
        fields = ["id", "code", "name", "is_comprehensive", "active", "sort_order"]
        read_only_fields = fields


class InstitutionSerializer(PortalModelSerializer):
    confirm_invalid_code = BooleanField(
        write_only=True,
        required=False,
        default=False,
        help_text=_(
            "仅市级管理员：确认18位、字符合法而校验码不符的代码真实有效；"
            "长度或字符不合法的代码不能确认。"
        ),
    )
    credit_code_confirmed = serializers.SerializerMethodField()

    class Meta:
        model = Institution
        fields = [
            "id",
            "name",
            "credit_code",
            "legal_representative",
            "registration_authority",
            "registered_on",
            "rating",
            "status",
            "address",
            "phone",
            "email",
            "credit_code_confirmed",
            "credit_code_confirmed_at",
            "confirm_invalid_code",
            "version",
        ]
        read_only_fields = ["id", "credit_code_confirmed", "credit_code_confirmed_at", "version"]
        # Uniqueness is checked by the service (full_clean), in Chinese, naming the field.
        extra_kwargs = {"name": {"validators": []}, "credit_code": {"validators": []}}

    def get_credit_code_confirmed(self, obj) -> bool:
        return obj.credit_code_confirmed_at is not None


class CreditRecordSerializer(PortalModelSerializer):
    institution = ScopedPrimaryKeyRelatedField(queryset=Institution.objects.all())

    class Meta:
        model = CreditRecord
        fields = ["id", "institution", "kind", "listed_on", "authority", "reason", "lifted_on"]
        read_only_fields = ["id", "lifted_on"]


class CreditRecordLiftSerializer(serializers.Serializer):
    lifted_on = serializers.DateField(label=_("移出日期"))


class StationSerializer(PortalModelSerializer):
    subdistrict = ScopedPrimaryKeyRelatedField(queryset=Subdistrict.objects.all())
    district = serializers.PrimaryKeyRelatedField(read_only=True)
    district_name = CharField(source="district.name", read_only=True)
    subdistrict_name = CharField(source="subdistrict.name", read_only=True)
    communities = ScopedPrimaryKeyRelatedField(
        queryset=Community.objects.all(), many=True, required=False
    )
    operator_id = serializers.IntegerField(
        read_only=True, allow_null=True, help_text=_("今天承接综合项目的机构")
    )
    operator_name = CharField(read_only=True, allow_null=True)

    class Meta:
        model = Station
        fields = [
            "id",
            "code",
            "name",
            "district",
            "district_name",
            "subdistrict",
            "subdistrict_name",
            "address",
            "phone",
            "email",
            "head_name",
            "head_title",
            "deputy_head_name",
            "management_mode",
            "status",
            "established_on",
            "communities",
            "longitude",
            "latitude",
            "operator_id",
            "operator_name",
            "version",
        ]
        read_only_fields = ["id", "district", "operator_id", "operator_name", "version"]
        extra_kwargs = {"code": {"validators": []}}


class OutpostSerializer(PortalModelSerializer):
    station = ScopedPrimaryKeyRelatedField(queryset=Station.objects.all())
    community = ScopedPrimaryKeyRelatedField(queryset=Community.objects.all())

    class Meta:
        model = Outpost
        fields = ["id", "station", "community", "name", "address", "opened_on", "closed_on"]
        read_only_fields = ["id", "closed_on"]
        extra_kwargs = {"name": {"required": False, "allow_blank": True}}


class OutpostCloseSerializer(serializers.Serializer):
    closed_on = serializers.DateField(label=_("撤销日期"))


class ContractSerializer(PortalModelSerializer):
    station = ScopedPrimaryKeyRelatedField(queryset=Station.objects.all())
    institution = ScopedPrimaryKeyRelatedField(queryset=Institution.objects.all())
    purchaser = ScopedPrimaryKeyRelatedField(queryset=Subdistrict.objects.all(), required=False)
    kind = ScopedPrimaryKeyRelatedField(queryset=ProjectKind.objects.all(), required=False)
    station_code = CharField(source="station.code", read_only=True)
    institution_name = CharField(source="institution.name", read_only=True)

    class Meta:
        model = Contract
        fields = [
            "id",
            "code",
            "station",
            "station_code",
            "institution",
            "institution_name",
            "purchaser",
            "kind",
            "is_comprehensive",
            "service_year",
            "starts_on",
            "ends_on",
            "annual_fee",
            "status",
            "signed_on",
            "note",
            "policy_version",
            "planned_ends_on",
            "termination_reason",
            "version",
        ]
        read_only_fields = [
            "id",
            "version",
            "is_comprehensive",
            "policy_version",
            "planned_ends_on",
            "termination_reason",
        ]
        extra_kwargs = {
            "code": {"required": False, "allow_blank": True, "validators": []},
            "starts_on": {"required": False},
            "ends_on": {"required": False},
            # The service checks the fee with the rule's own message (rules.fee_problem).
            "annual_fee": {"required": False, "min_value": None, "validators": []},
        }


class ContractTerminateSerializer(serializers.Serializer):
    terminated_on = serializers.DateField(label=_("终止日期"), help_text=_("机构服务的最后一天"))
    reason = CharField(label=_("终止原因"), max_length=300)


class DistrictFigureSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = CharField()
    name = CharField()
    stations = serializers.IntegerField()
    contracts_in_force = serializers.IntegerField()
