"""Excel import pages: upload, check, result; and the template workbooks."""

from __future__ import annotations

from django.http import Http404
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import FormView

from portal.imports import ImportRefused, template_response
from portal.scoping import ADD
from portal.views.mixins import ScopedMixin
from stations.forms import ImportForm
from stations.imports import IMPORTERS
from stations.views.base import ExplainDenialMixin, section_crumb


class ImporterMixin(ExplainDenialMixin, ScopedMixin):
    """Who may add rows of the importer's model may import (each row is checked again)."""

    scope_action = ADD

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        importer = IMPORTERS.get(kwargs.get("kind", ""))
        if importer is None:
            raise Http404
        self.importer_class = importer
        self.model = importer.model


class ImportView(ImporterMixin, FormView):
    form_class = ImportForm
    template_name = "stations/import.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["importer"] = self.importer_class
        context["importers"] = IMPORTERS.values()
        context["section"] = section_crumb(self.model)
        return context

    def form_valid(self, form):
        importer = self.importer_class(self.request.user)
        upload = form.cleaned_data["file"]
        try:
            result = importer.run(upload, dry_run=form.cleaned_data["dry_run"])
        except ImportRefused as refused:
            form.add_error("file", refused.message)
            return self.form_invalid(form)
        status = 200 if result.ok else 400
        return self.render_to_response(
            self.get_context_data(form=ImportForm(), result=result, filename=upload.name),
            status=status,
        )


class ImportTemplateView(ImporterMixin, View):
    def get(self, request, kind):
        importer = self.importer_class
        name = _("%(label)s导入模板") % {"label": importer.label}
        return template_response(
            name, importer.columns, importer.examples or [[c.example for c in importer.columns]]
        )
