"""Lists of the management pages: a FilterSet, sortable columns, pages and an Excel export.

``?export=xlsx`` on a list answers the filtered rows as a spreadsheet (``portal.exports``),
and the export itself is recorded in the audit trail.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from portal import audit
from portal.choices import AuditAction
from portal.exports import export_filename, xlsx_response

EXPORT_PARAM = "export"
EXPORT_MESSAGE = "导出%(n)s行（%(filters)s）"


@dataclass
class SortLink:
    key: str
    label: str
    query: str
    direction: str  # "asc", "desc" or ""


class FilteredListMixin:
    """For ``ListView``s: set ``filterset_class``, ``sort_columns`` and the export hooks."""

    filterset_class: Any = None
    paginate_by = 50
    ordering_param = "o"
    sort_columns: Sequence[tuple[str, str]] = ()
    export_stem = ""

    def base_queryset(self):
        raise NotImplementedError

    def get_queryset(self):
        self.filterset = self.filterset_class(
            self.request.GET or None, queryset=self.base_queryset(), request=self.request
        )
        return self.filterset.qs

    def get(self, request, *args, **kwargs):
        if request.GET.get(EXPORT_PARAM) == "xlsx":
            return self.export(self.get_queryset())
        return super().get(request, *args, **kwargs)

    # --- export -------------------------------------------------------------------------

    def export_headers(self) -> list[str]:
        raise NotImplementedError

    def export_rows(self, queryset) -> Iterable[Sequence[Any]]:
        raise NotImplementedError

    def export(self, queryset):
        filters = self.request.GET.copy()
        filters.pop(EXPORT_PARAM, None)
        counted = {"n": 0}

        def rows():
            for row in self.export_rows(queryset):
                counted["n"] += 1
                yield row

        response = xlsx_response(
            export_filename(str(self.export_stem)),
            self.export_headers(),
            rows(),
            title=str(self.export_stem),
        )
        audit.record(
            AuditAction.EXPORT,
            object_type=queryset.model._meta.label_lower,
            message=EXPORT_MESSAGE % {"n": counted["n"], "filters": filters.urlencode() or "-"},
        )
        return response

    # --- context ------------------------------------------------------------------------

    def _query_without(self, *names: str, **changes: str) -> str:
        params = self.request.GET.copy()
        for name in names:
            params.pop(name, None)
        for name, value in changes.items():
            params[name] = value
        return params.urlencode()

    def sort_links(self) -> list[SortLink]:
        current = self.request.GET.get(self.ordering_param, "")
        links = []
        for key, label in self.sort_columns:
            if current == key:
                direction, following = "asc", f"-{key}"
            elif current == f"-{key}":
                direction, following = "desc", key
            else:
                direction, following = "", key
            query = self._query_without("page", EXPORT_PARAM, **{self.ordering_param: following})
            links.append(SortLink(key, label, query, direction))
        return links

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["filter"] = self.filterset
        context["sort"] = {link.key: link for link in self.sort_links()}
        context["export_query"] = self._query_without("page", **{EXPORT_PARAM: "xlsx"})
        context["filtered"] = any(
            v for k, v in self.request.GET.items() if k not in ("page", self.ordering_param)
        )
        context["export_label"] = _("导出Excel")
        return context
