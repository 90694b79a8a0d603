"""Django admin of the stations app, scoped like everything else.

Reference lists (geography, project kinds, credit records) are edited here by the city admin.
Stations, institutions and contracts are read-only here: their edits go through the portal
pages and API, which run the services (credit-code check, scope, one comprehensive contract
per day) that a plain admin form would bypass.
"""

from __future__ import annotations

from django.contrib import admin

from portal.admin import ScopedAdmin
from portal.scoping import ADD, CHANGE, DELETE, VIEW, roles_allowed
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


class StationsAdmin(ScopedAdmin):
    """The portal's ScopedAdmin (rows, choices and permissions from ``restrict``), with
    ``read_only`` for the models whose edits must go through the services."""

    read_only = False
    list_per_page = 50

    def has_add_permission(self, request):
        return not self.read_only and super().has_add_permission(request)

    def has_change_permission(self, request, obj=None):
        return not self.read_only and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not self.read_only and super().has_delete_permission(request, obj)


@admin.register(District)
class DistrictAdmin(StationsAdmin):
    list_display = ["code", "name"]
    search_fields = ["code", "name"]


@admin.register(Subdistrict)
class SubdistrictAdmin(StationsAdmin):
    list_display = ["code", "name", "kind", "district"]
    list_filter = ["kind", "district"]
    list_select_related = ["district"]
    search_fields = ["code", "name"]


@admin.register(Community)
class CommunityAdmin(StationsAdmin):
    list_display = ["code", "name", "kind", "subdistrict"]
    list_filter = ["kind"]
    list_select_related = ["subdistrict"]
    search_fields = ["code", "name"]
    raw_id_fields = ["subdistrict"]


@admin.register(ProjectKind)
class ProjectKindAdmin(StationsAdmin):
    list_display = ["code", "name", "is_comprehensive", "active", "sort_order"]
    list_editable = ["active", "sort_order"]


class CreditRecordInline(admin.TabularInline):
    model = CreditRecord
    extra = 0

    def get_queryset(self, request):
        return CreditRecord.objects.restrict(request.user, VIEW)

    def has_add_permission(self, request, obj=None):
        return bool(roles_allowed(request.user, CreditRecord, ADD))

    def has_change_permission(self, request, obj=None):
        return bool(roles_allowed(request.user, CreditRecord, CHANGE))

    def has_delete_permission(self, request, obj=None):
        return bool(roles_allowed(request.user, CreditRecord, DELETE))

    def has_view_permission(self, request, obj=None):
        return bool(roles_allowed(request.user, CreditRecord, VIEW))


@admin.register(Institution)
class InstitutionAdmin(StationsAdmin):
    read_only = True
    list_display = ["name", "credit_code", "rating", "status", "registration_authority"]
    list_filter = ["rating", "status"]
    search_fields = ["name", "credit_code"]
    inlines = [CreditRecordInline]


@admin.register(CreditRecord)
class CreditRecordAdmin(StationsAdmin):
    list_display = ["institution", "kind", "listed_on", "lifted_on", "authority"]
    list_filter = ["kind"]
    list_select_related = ["institution"]
    raw_id_fields = ["institution"]


@admin.register(Station)
class StationAdmin(StationsAdmin):
    read_only = True
    list_display = ["code", "name", "district", "subdistrict", "management_mode", "status"]
    list_filter = ["management_mode", "status", "district"]
    list_select_related = ["district", "subdistrict"]
    search_fields = ["code", "name"]


@admin.register(Outpost)
class OutpostAdmin(StationsAdmin):
    read_only = True
    list_display = ["name", "station", "community", "opened_on", "closed_on"]
    list_select_related = ["station", "community"]


@admin.register(Contract)
class ContractAdmin(StationsAdmin):
    read_only = True
    list_display = [
        "code",
        "station",
        "institution",
        "kind",
        "service_year",
        "starts_on",
        "ends_on",
        "planned_ends_on",
        "annual_fee",
        "status",
        "termination_reason",
    ]
    list_filter = ["status", "service_year", "kind"]
    list_select_related = ["station", "institution", "kind"]
    search_fields = ["code", "station__name", "institution__name"]
