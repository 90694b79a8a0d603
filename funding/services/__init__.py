"""Writes and state transitions of the funding app (``<entity>_<verb>``, ``actor=`` first)."""

from funding.services.budgets import (
    budget_approve,
    budget_check,
    budget_create,
    budget_return,
    budget_revise,
    budget_submit,
    budget_update,
)
from funding.services.imports import spending_import
from funding.services.reports import (
    attachment_add,
    attachment_delete,
    report_approve,
    report_create,
    report_return,
    report_submit,
    report_update,
)
from funding.services.resources import (
    social_resource_create,
    social_resource_delete,
    social_resource_update,
)
from funding.services.years import (
    funding_year_finalise,
    funding_year_refresh,
    funding_years_finalise_due,
    funding_years_refresh,
    late_report_reminders_send,
    projection_warnings_send,
)

__all__ = [
    "attachment_add",
    "attachment_delete",
    "budget_approve",
    "budget_check",
    "budget_create",
    "budget_return",
    "budget_revise",
    "budget_submit",
    "budget_update",
    "funding_year_finalise",
    "funding_year_refresh",
    "funding_years_finalise_due",
    "funding_years_refresh",
    "late_report_reminders_send",
    "projection_warnings_send",
    "report_approve",
    "report_create",
    "report_return",
    "report_submit",
    "report_update",
    "social_resource_create",
    "social_resource_delete",
    "social_resource_update",
    "spending_import",
]
