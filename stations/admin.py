"""Django admin of the stations app, scoped like everything else.

Reference lists (geography, project kinds, credit records) are edited here by the city admin.
Stations, institutions and contracts are read-only here: their edits go through the portal
pages and API, which run the services (credit-code check, scope, one comprehensive contract
per day) that a plain admin form would bypass.
"""

from __future__ import annotations

from django.contrib import admin

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


class ScopedAdmin(admin.ModelAdmin):
    """Rows through ``restrict``; permissions from the model's ``scope_actions``."""

    read_only = False
    list_per_page = 50

    def get_queryset(self, request):
        return self.model._default_manager.restrict(request.user, VIEW)

    def _may(self, request, action: str) -> bool:
        return bool(roles_allowed(request.user, self.model, action))

    def has_module_permission(self, request):
        return self._may(request, VIEW)

    def has_view_permission(self, request, obj=None):
        return self._may(request, VIEW)

    def has_add_permission(self, request):
        return not self.read_only and self._may(request, ADD)

    def has_change_permission(self, request, obj=None):
        return not self.read_only and self._may(request, CHANGE)

    def has_delete_permission(self, request, obj=None):
        return not self.read_only and self._may(request, DELETE)


@admin.register(District)
class DistrictAdmin(ScopedAdmin):
    list_display = ["code", "name"]
    search_fields = ["code", "name"]


@admin.register(Subdistrict)
class SubdistrictAdmin(ScopedAdmin):
    list_display = ["code", "name", "kind", "district"]
    list_filter = ["kind", "district"]
    list_select_related = ["district"]
    search_fields = ["code", "name"]


@admin.register(Community)
class CommunityAdmin(ScopedAdmin):
    list_display = ["code", "name", "kind", "subdistrict"]
    list_filter = ["kind"]
    list_select_related = ["subdistrict"]
    search_fields = ["code", "name"]
    raw_id_fields = ["subdistrict"]


@admin.register(ProjectKind)
class ProjectKindAdmin(ScopedAdmin):
    list_display = ["code", "name", "is_comprehensive", "active", "sort_order"]
    list_editable = ["active", "sort_order"]


class CreditRecordInline(admin.TabularInline):
    model = CreditRecord
    extra = 0

    def has_add_permission(self, request, obj=None):
        return bool(roles_allowed(request.user, CreditRecord, ADD))

    def has_change_permission(self, request, obj=None):
        return bool(roles_allowed(request.user, CreditRecord, CHANGE))

    def has_delete_permission(self, request, obj=None):
        return bool(roles_allowed(request.user, CreditRecord, DELETE))

    def has_view_permission(self, request, obj=None):
        return True


@admin.register(Institution)
class InstitutionAdmin(ScopedAdmin):
    read_only = True
    list_display = ["name", "credit_code", "rating", "status", "registration_authority"]
    list_filter = ["rating", "status"]
    search_fields = ["name", "credit_code"]
    inlines = [CreditRecordInline]


@admin.register(CreditRecord)
class CreditRecordAdmin(ScopedAdmin):
    list_display = ["institution", "kind", "listed_on", "lifted_on", "authority"]
    list_filter = ["kind"]
    list_select_related = ["institution"]
    raw_id_fields = ["institution"]


@admin.register(Station)
class StationAdmin(ScopedAdmin):
    read_only = True
    list_display = ["code", "name", "district", "subdistrict", "management_mode", "status"]
    list_filter = ["management_mode", "status", "district"]
    list_select_related = ["district", "subdistrict"]
    search_fields = ["code", "name"]


@admin.register(Outpost)
class OutpostAdmin(ScopedAdmin):
    read_only = True
    list_display = ["name", "station", "community", "opened_on", "closed_on"]
    list_select_related = ["station", "community"]


@admin.register(Contract)
class ContractAdmin(ScopedAdmin):
    read_only = True
    list_display = [
        "code",
        "station",
        "institution",
        "kind",
        "service_year",
        "starts_on",
        "ends_on",
        "annual_fee",
        "status",
    ]
    list_filter = ["status", "service_year", "kind"]
    list_select_related = ["station", "institution", "kind"]
    search_fields = ["code", "station__name", "institution__name"]
