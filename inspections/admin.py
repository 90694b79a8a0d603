"""Admin for the city admin, scoped like everything else. State changes (sign-off, verify,
confirm) go through the services in pages and API, so those models are read-only here."""

from django.contrib import admin

from inspections.models import (
    Campaign,
    ChecklistItem,
    ChecklistTemplate,
    Finding,
    Inspection,
    InspectionSettings,
    QuarterPlan,
)
from portal.admin import ScopedAdmin


class ReadOnlyScopedAdmin(ScopedAdmin):
    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ChecklistItemInline(admin.TabularInline):
    model = ChecklistItem
    extra = 0


@admin.register(ChecklistTemplate)
class ChecklistTemplateAdmin(ScopedAdmin):
    list_display = ["name", "code", "version", "kind", "status"]
    list_filter = ["kind", "status"]
    inlines = [ChecklistItemInline]


@admin.register(InspectionSettings)
class InspectionSettingsAdmin(ScopedAdmin):
    list_display = [
        "effective_from",
        "sample_mode",
        "sample_rate",
        "sample_count",
        "unannounced_percent",
    ]


@admin.register(QuarterPlan)
class QuarterPlanAdmin(ReadOnlyScopedAdmin):
    list_display = ["year", "quarter", "status", "seed", "drawn_at", "confirmed_at"]


@admin.register(Campaign)
class CampaignAdmin(ScopedAdmin):
    list_display = ["name", "theme", "starts_on", "ends_on"]


@admin.register(Inspection)
class InspectionAdmin(ReadOnlyScopedAdmin):
    list_display = ["station", "scheduled_on", "mode", "status", "plan", "campaign"]
    list_filter = ["mode", "status"]
    list_select_related = ["station", "plan", "campaign"]
    search_fields = ["station__name", "station__code"]


@admin.register(Finding)
class FindingAdmin(ReadOnlyScopedAdmin):
    list_display = ["station", "area", "severity", "found_on"]
    list_select_related = ["station"]
