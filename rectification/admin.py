"""Admin for the city admin, scoped like everything else. State changes (respond, verify)
go through the services in pages and API, so orders are read-only here."""

from django.contrib import admin

from portal.admin import ScopedAdmin
from rectification.models import RectificationEvent, RectificationOrder


class ReadOnlyScopedAdmin(ScopedAdmin):
    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class RectificationEventInline(admin.TabularInline):
    model = RectificationEvent
    extra = 0
    can_delete = False
    readonly_fields = ["kind", "from_status", "to_status", "note", "actor", "at"]


@admin.register(RectificationOrder)
class RectificationOrderAdmin(ReadOnlyScopedAdmin):
    list_display = ["station", "title", "severity", "status", "due_on", "escalation_level"]
    list_filter = ["status", "severity", "source_kind"]
    list_select_related = ["station"]
    inlines = [RectificationEventInline]
