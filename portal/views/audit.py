"""Audit log search: the city admin's (the city officer reads too). Read-only everywhere."""

from __future__ import annotations

import json

from django.apps import apps
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import DetailView, ListView

from portal.filtersets import AuditEventFilterSet, audited_object_types
from portal.forms.audit import OBJECT_TYPES_LIST_ID
from portal.models import AuditEvent
from portal.selectors import AUDIT_SEARCH_REFUSED, AUDIT_SEARCH_ROLES, audit_event_list
from portal.views.listing import FilteredListMixin
from portal.views.mixins import RoleRequiredMixin

# An export is a record of who did what: cap it well below Excel's own limit of rows.
EXPORT_MAX_ROWS = 200_000


def object_type_name(object_type: str) -> str:
    """The translated verbose name of an ``app_label.model`` label, from the app registry
    (no query); the label itself when it names no installed model."""
    try:
        return str(apps.get_model(object_type)._meta.verbose_name)
    except (LookupError, ValueError):
        return object_type


def name_object_types(events) -> None:
    """Give each event its ``object_type_name``: one registry look-up per distinct type."""
    names: dict[str, str] = {}
    for event in events:
        if event.object_type not in names:
            names[event.object_type] = object_type_name(event.object_type)
        event.object_type_name = names[event.object_type]


class AuditMixin(RoleRequiredMixin):
    # One rule with the API (portal.api.audit): portal.selectors.audit_event_list.
    roles = AUDIT_SEARCH_ROLES
    refused_message = AUDIT_SEARCH_REFUSED
    model = AuditEvent

    def get_queryset(self):
        return audit_event_list(self.request.user)


class AuditListView(AuditMixin, FilteredListMixin, ListView):
    template_name = "portal/manage/audit_list.html"
    filterset_class = AuditEventFilterSet
    export_stem = gettext_lazy("审计日志")  # lazy: built at import, shown per request

    def base_queryset(self):
        # Newest first; the id breaks ties between rows written in the same instant.
        return AuditMixin.get_queryset(self).order_by("-at", "-id")

    def get_queryset(self):
        return FilteredListMixin.get_queryset(self)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["object_types"] = audited_object_types()
        context["object_types_id"] = OBJECT_TYPES_LIST_ID
        # Evaluates the page's rows once; the template iterates the same cached rows.
        name_object_types(context["object_list"])
        return context

    def export_headers(self):
        return [
            _("时间"),
            _("操作人ID"),
            _("操作人"),
            _("动作"),
            _("结果"),
            _("对象类型"),
            _("对象ID"),
            _("对象"),
            _("说明"),
            _("来源地址"),
            _("变更内容"),
        ]

    def export_rows(self, queryset):
        for event in queryset[:EXPORT_MAX_ROWS].iterator(chunk_size=2000):
            yield [
                event.at,
                event.actor_id,
                event.actor_name,
                event.get_action_display(),
                event.get_outcome_display(),
                event.object_type,
                event.object_id,
                event.object_repr,
                event.message,
                event.ip_address,
                json.dumps(event.changes, ensure_ascii=False) if event.changes else "",
            ]


class AuditDetailView(AuditMixin, DetailView):
    template_name = "portal/manage/audit_detail.html"
    context_object_name = "event"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        changes = self.object.changes or {}
        rows = []
        for field, value in sorted(changes.items()):
            if isinstance(value, list) and len(value) == 2:
                rows.append({"field": field, "before": value[0], "after": value[1]})
            else:
                rows.append({"field": field, "before": None, "after": value})
        context["change_rows"] = rows
        name_object_types([self.object])
        return context
