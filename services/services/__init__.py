"""Writes and state transitions of the services app, by sub-domain.

``from services import services`` then ``services.service_record_create(...)``.
"""

from services.services.aggregates import aggregates_refresh, aggregates_refresh_month
from services.services.catalogue import (
    catalogue_item_update,
    catalogue_version_create,
)
from services.services.records import (
    service_record_create,
    service_record_delete,
    service_record_update,
)
from services.services.reports import (
    report_approve,
    report_return,
    report_review,
    report_submit,
    report_update,
    reports_open,
)
from services.services.targets import target_set
from services.services.users import (
    service_user_create,
    service_user_read,
    service_user_update,
    service_user_withdraw,
)

__all__ = [
    "aggregates_refresh",
    "aggregates_refresh_month",
    "catalogue_item_update",
    "catalogue_version_create",
    "report_approve",
    "report_return",
    "report_review",
    "report_submit",
    "report_update",
    "reports_open",
    "service_record_create",
    "service_record_delete",
    "service_record_update",
    "service_user_create",
    "service_user_read",
    "service_user_update",
    "service_user_withdraw",
    "target_set",
]
