"""Building blocks of the stations pages: a filtered, paginated, exportable list, and form
pages that hand their cleaned data to a service."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import ListView

from portal import audit
from portal.choices import AuditAction
from portal.errors import Conflict
from portal.exports import export_filename, xlsx_response
from portal.scoping import VIEW
from portal.views.mixins import ScopedMixin
from stations.forms import apply_service_error
from stations.permissions import denial_message

PAGE_SIZE = 50


class FilteredListView(ScopedMixin, ListView):
    """A list page: rows from ``restrict(user, "view")``, one FilterSet shared with the API,
    sort, pagination, and ``?format=xlsx`` exporting exactly the filtered rows."""

    filterset_class = None
    paginate_by = PAGE_SIZE
    export_stem = ""
    export_title = ""

    def base_queryset(self):
        return self.model.objects.all()

    def get_queryset(self):
        if not hasattr(self, "_filtered"):
            qs = self.base_queryset().restrict(self.request.user, VIEW)
            self.filterset = self.filterset_class(
                self.request.GET or None, queryset=qs, request=self.request
            )
            self._filtered = self.filterset.qs
        return self._filtered

    def get(self, request, *args, **kwargs):
        if request.GET.get("format") == "xlsx":
            return self.export()
        return super().get(request, *args, **kwargs)

    def export_headers(self) -> list[str]:
        raise NotImplementedError

    def export_rows(self, queryset):
        raise NotImplementedError

    def export(self):
        queryset = self.get_queryset()
        filters = {k: v for k, v in self.request.GET.items() if k not in {"format", "page"}}
        audit.record(
            AuditAction.EXPORT,
            object_type=self.model._meta.label_lower,
            object_repr=str(self.model._meta.verbose_name_plural),
            message=_("导出Excel，筛选条件：%(filters)s") % {"filters": filters or _("无")},
        )
        return xlsx_response(
            export_filename(self.export_stem),
            self.export_headers(),
            self.export_rows(queryset.iterator(chunk_size=2000)),
            title=self.export_title or self.export_stem,
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["filter"] = self.filterset
        context["filter_active"] = any(
            v for k, v in self.request.GET.items() if k not in {"page", "sort", "view", "format"}
        )
        return context


# The list page each form or import page sits under, for its breadcrumbs.
SECTIONS = {
    "stations.station": ("stations:station_list", gettext_lazy("社工站")),
    "stations.outpost": ("stations:station_list", gettext_lazy("社工站")),
    "stations.institution": ("stations:institution_list", gettext_lazy("承接机构")),
    "stations.creditrecord": ("stations:institution_list", gettext_lazy("承接机构")),
    "stations.contract": ("stations:contract_list", gettext_lazy("服务合同")),
}


def section_crumb(model) -> dict | None:
    entry = SECTIONS.get(model._meta.label_lower) if model is not None else None
    if entry is None:
        return None
    return {"url": reverse(entry[0]), "label": entry[1]}


class ExplainDenialMixin:
    """A 403 that says who may do this (``stations.permissions.denial_message``) instead of
    the portal's generic "no permission" page. ``check_access`` is the place for a page's own
    checks before the view runs."""

    def check_access(self, request) -> None:
        pass

    def dispatch(self, request, *args, **kwargs):
        try:
            self.check_access(request)
            return super().dispatch(request, *args, **kwargs)
        except PermissionDenied as denied:
            if not request.user.is_authenticated:
                raise
            message = str(denied) or denial_message(self.model, self.scope_action)
            return render(
                request,
                "errors/error.html",
                {"status": 403, "title": _("没有权限"), "message": message},
                status=403,
            )


class ServiceFormMixin(ExplainDenialMixin):
    """A form page whose ``form_valid`` calls a service; its Chinese errors go on the form."""

    success_message = ""
    form_title = ""

    def get_form_title(self) -> str:
        return str(self.form_title)

    def get_cancel_url(self) -> str:
        return self.get_success_url()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["form_title"] = self.get_form_title()
        context["cancel_url"] = self.get_cancel_url()
        context["section"] = section_crumb(self.model)
        return context

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["user"] = self.request.user
        return kwargs

    def perform(self, form):
        """Call the service with ``form.cleaned_data``; return the saved object."""
        raise NotImplementedError

    def form_valid(self, form):
        try:
            self.object = self.perform(form)
        except ValidationError as error:
            apply_service_error(form, error)
            return self.form_invalid(form)
        except Conflict as error:
            form.add_error(None, error.message)
            response = self.form_invalid(form)
            response.status_code = 409
            return response
        if self.success_message:
            messages.success(self.request, self.success_message)
        return HttpResponseRedirect(self.get_success_url())
