"""Admin for the city admin, scoped like everything else (rows through ``restrict``).

Only the services policy is edited here; service users, records and reports change through
the services (pages and API), which audit and validate them.
"""

from django.contrib import admin

from portal.admin import ScopedAdmin
from services.models import ServicePolicy


@admin.register(ServicePolicy)
class ServicePolicyAdmin(ScopedAdmin):
    list_display = ["name", "effective_from", "report_due_day", "projection_warning_percent"]
    ordering = ["-effective_from"]
