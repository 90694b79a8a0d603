"""Admin for the city admin, scoped like everything else (rows through ``restrict``)."""

from django.contrib import admin

from funding.models import Budget, BudgetLine, FundingYear, SocialResource, SpendingReport
from portal.admin import ScopedAdmin


class BudgetLineInline(admin.TabularInline):
    model = BudgetLine
    extra = 0
    readonly_fields = ["category", "amount", "note"]
    can_delete = False


@admin.register(Budget)
class BudgetAdmin(ScopedAdmin):
    list_display = [
        "station",
        "contract",
        "service_year",
        "revision",
        "status",
        "total",
        "personnel",
        "checked_share",
    ]
    list_filter = ["service_year", "status"]
    list_select_related = ["station", "contract"]
    search_fields = ["station__name", "contract__code"]
    # State changes go through the services (pages and API), never through admin edits.
    readonly_fields = [f.name for f in Budget._meta.fields]
    inlines = [BudgetLineInline]


@admin.register(SpendingReport)
class SpendingReportAdmin(ScopedAdmin):
    list_display = [
        "station",
        "service_year",
        "period_kind",
        "period",
        "status",
        "total",
        "personnel",
    ]
    list_filter = ["service_year", "status", "period_kind"]
    list_select_related = ["station"]
    readonly_fields = [f.name for f in SpendingReport._meta.fields]


@admin.register(FundingYear)
class FundingYearAdmin(ScopedAdmin):
    list_display = [
        "station",
        "service_year",
        "fee",
        "planned_personnel",
        "actual_personnel",
        "months_reported",
        "final",
        "final_share",
        "final_passed",
    ]
    list_filter = ["service_year", "final", "is_comprehensive"]
    list_select_related = ["station"]
    readonly_fields = [f.name for f in FundingYear._meta.fields]


@admin.register(SocialResource)
class SocialResourceAdmin(ScopedAdmin):
    list_display = ["station", "kind", "received_on", "amount", "hours", "source"]
    list_filter = ["service_year", "kind"]
    list_select_related = ["station"]
