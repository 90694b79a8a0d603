"""Pages of the rectification app: the order list (with its Excel export), an order with its
responses and history, responding, verifying, opening an order, and evidence downloads."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import HttpResponsePermanentRedirect, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import DetailView, ListView, TemplateView

from portal import audit, clock
from portal.choices import CITY_ROLES, AuditAction, Role
from portal.exports import export_filename, xlsx_response
from portal.files import protected_file_response
from portal.scoping import VIEW
from portal.views.mixins import ScopedMixin, ServiceActionView, error_text
from rectification import rules, selectors, services, sources
from rectification.choices import AWAITING_STATION, OrderStatus
from rectification.filtersets import OrderFilterSet
from rectification.forms import OrderOpenForm, RespondForm, VerifyForm
from rectification.models import RectificationEvidence, RectificationOrder

PAGE_SIZE = 50


_error_text = error_text


class ActionView(ServiceActionView, View):
    """A POST that calls a service on one object (``portal.views.mixins.ServiceActionView``)."""


class OrderListView(ScopedMixin, ListView):
    model = RectificationOrder
    template_name = "rectification/order_list.html"
    paginate_by = PAGE_SIZE

    def get_queryset(self):
        if not hasattr(self, "_qs"):
            qs = (
                RectificationOrder.objects.select_related(
                    "station", "station__district", "institution"
                )
                .order_by("-opened_on", "-pk")
                .restrict(self.request.user, VIEW)
            )
            self.filterset = OrderFilterSet(
                self.request.GET or None, queryset=qs, request=self.request
            )
            self._qs = self.filterset.qs
        return self._qs

    def get(self, request, *args, **kwargs):
        if request.GET.get("format") == "xlsx":
            qs = self.get_queryset()
            audit.record(
                AuditAction.EXPORT,
                object_type="rectification.rectificationorder",
                message=_("导出整改通知单"),
            )
            today = clock.today()
            rows = (
                [
                    o.pk,
                    o.station.code,
                    o.station.name,
                    o.station.district.name,
                    o.institution.name if o.institution else "",
                    o.get_source_kind_display(),
                    o.title,
                    o.get_severity_display(),
                    o.opened_on,
                    o.due_on,
                    o.get_status_display(),
                    rules.is_overdue(o.status, o.due_on, today),
                    o.is_repeat,
                ]
                for o in qs.iterator()
            )
            return xlsx_response(
                export_filename(_("整改通知单")),
                [
                    _("编号"),
                    _("站点编号"),
                    _("社工站"),
                    _("区"),
                    _("承接机构"),
                    _("来源"),
                    _("整改事项"),
                    _("问题等级"),
                    _("下达日期"),
                    _("整改期限"),
                    _("状态"),
                    _("逾期"),
                    _("重复问题"),
                ],
                rows,
            )
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["filter"] = self.filterset
        context["today"] = clock.today()
        context["may_open"] = bool(self.request.user.roles & (CITY_ROLES | {Role.DISTRICT_OFFICER}))
        return context


class OrderDetailView(ScopedMixin, DetailView):
    model = RectificationOrder
    template_name = "rectification/order_detail.html"
    context_object_name = "order"

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .select_related(
                "station",
                "station__district",
                "institution",
                "finding",
                "finding__inspection",
                "policy_version",
            )
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        order, user = self.object, self.request.user
        roles = user.roles
        context.update(
            events=list(selectors.order_history(order)),
            responses=list(
                order.responses.prefetch_related("evidence").select_related("responded_by")
            ),
            overdue=rules.is_overdue(order.status, order.due_on, clock.today()),
            may_respond=(
                order.status in AWAITING_STATION
                and bool(roles & ({Role.STATION_MANAGER, Role.INSTITUTION_ADMIN} | CITY_ROLES))
            ),
            may_verify=(
                order.status == OrderStatus.ANSWERED
                and bool(roles & ({Role.DISTRICT_OFFICER, Role.INSPECTOR} | CITY_ROLES))
            ),
            respond_form=RespondForm(),
            verify_form=VerifyForm(),
            source=source_of(order),
        )
        return context


def source_of(order) -> dict:
    """Where an order comes from, for its page: the registered source's Chinese label and, when
    it can say, a link to the source (the visit, the evaluation), never a bare code."""
    registered = sources.source(order.source_kind)
    label = str(registered.label) if registered else order.get_source_kind_display()
    link = registered.describe(order) if registered and registered.describe else None
    url, title = link if link else ("", "")
    # A source that cannot link (other sources) shows the reference its opener typed in.
    note = "" if link or order.source_kind != "other" else order.source_ref
    return {"label": label, "url": url, "title": title, "note": note}


class OrderAction(ActionView):
    model = RectificationOrder

    def success_url(self, obj):
        return reverse("rectification:order_detail", args=[obj.pk])


class OrderRespondView(OrderAction):
    def perform(self, order):
        form = RespondForm(self.request.POST, self.request.FILES)
        if not form.is_valid():
            raise ValidationError(services.RESPONSE_EMPTY)
        services.rectification_respond(
            actor=self.request.user,
            order=order,
            text=form.cleaned_data["text"],
            files=form.cleaned_data.get("files") or [],
        )
        return _("整改反馈已提交，等待核验。")


class OrderVerifyView(OrderAction):
    def perform(self, order):
        form = VerifyForm(self.request.POST)
        if not form.is_valid():
            raise ValidationError(_("请选择核验结论。"))
        accept = form.cleaned_data["decision"] == "accept"
        services.rectification_verify(
            actor=self.request.user,
            order=order,
            accept=accept,
            reason=form.cleaned_data.get("reason", ""),
        )
        return _("整改已验收关闭。") if accept else _("已退回重新整改。")


class OrderOpenView(ScopedMixin, TemplateView):
    """Open an order from another source (an evaluation, a complaint)."""

    model = RectificationOrder
    scope_action = "add"
    template_name = "rectification/order_form.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.setdefault("form", OrderOpenForm(user=self.request.user))
        return context

    def post(self, request):
        form = OrderOpenForm(request.POST, user=request.user)
        if form.is_valid():
            try:
                order = services.rectification_order_open(actor=request.user, **form.cleaned_data)
            except ValidationError as error:
                form.add_error(None, _error_text(error))
            else:
                return HttpResponseRedirect(reverse("rectification:order_detail", args=[order.pk]))
        return self.render_to_response(self.get_context_data(form=form))


class EvidenceDownloadView(ScopedMixin, DetailView):
    """A rectification response's evidence file, through the order's scope."""

    model = RectificationEvidence

    def get(self, request, *args, **kwargs):
        evidence = self.get_object()
        return protected_file_response(
            evidence.file, filename=evidence.name, content_type=evidence.content_type
        )


class LegacyOrderRedirect(ScopedMixin, View):
    """The order pages lived under ``/inspections/orders/``: old links (notifications, e-mails,
    bookmarks) move permanently to ``/rectification/orders/``, keeping the query string.

    Scoped like the page it leads to: an order outside the user's scope answers 404 here too.
    """

    http_method_names = ["get", "head"]
    model = RectificationOrder
    queryset = None
    target = "rectification:order_list"

    def get(self, request, *args, **kwargs):
        if "pk" in kwargs:
            get_object_or_404(self.get_queryset(), pk=kwargs["pk"])
        url = reverse(self.target, kwargs=kwargs or None)
        query = request.META.get("QUERY_STRING", "")
        return HttpResponsePermanentRedirect(f"{url}?{query}" if query else url)


class LegacyEvidenceRedirect(LegacyOrderRedirect):
    """``/inspections/evidence/<pk>/`` moved to ``/rectification/evidence/<pk>/``."""

    model = RectificationEvidence
    target = "rectification:evidence_download"
