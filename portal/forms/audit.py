"""The audit search form (the filter form of ``AuditEventFilterSet``)."""

from __future__ import annotations

from portal.forms.base import FilterForm

OBJECT_TYPES_LIST_ID = "audit-object-types"


class AuditFilterForm(FilterForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "object_type" in self.fields:
            # Suggestions from a <datalist> in the page; any type may still be typed.
            self.fields["object_type"].widget.attrs["list"] = OBJECT_TYPES_LIST_ID
