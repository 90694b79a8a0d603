"""Pages of the funding app. Every view is ScopedMixin or RoleRequiredMixin."""

from __future__ import annotations

from decimal import Decimal

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import DetailView, FormView, ListView, TemplateView

from funding import selectors, services
from funding.choices import CATEGORY_ORDER, BudgetCategory, BudgetStatus, ComplianceStatus
from funding.filtersets import BudgetFilterSet, ReportFilterSet, SocialResourceFilterSet
from funding.forms import (
    AttachmentForm,
    BoardForm,
    BudgetForm,
    DecisionForm,
    ImportForm,
    ReportForm,
    SocialResourceForm,
    TotalsForm,
)
from funding.models import (
    READERS,
    Budget,
    FundingYear,
    SocialResource,
    SpendingAttachment,
    SpendingReport,
)
from funding.permissions import (
    BOARD_ROLES,
    OVERVIEW_ROLES,
    can_approve_budget,
    can_approve_report,
    can_change_budget,
    can_change_report,
    can_finalise_year,
    can_prepare,
)
from funding.rules import personnel_floor_check
from funding.services.imports import COLUMNS
from funding.services.years import check_summary
from portal import audit, clock
from portal.choices import AuditAction
from portal.errors import Conflict
from portal.exports import export_filename, xlsx_response
from portal.files import protected_file_response
from portal.imports import template_response
from portal.scoping import ADD, VIEW
from portal.views.mixins import RoleRequiredMixin, ScopedMixin

PAGE_SIZE = 50
CATEGORY_LABELS = dict(BudgetCategory.choices)


def _errors_to_messages(request, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


def _apply_error(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            target = field if field in form.fields else None
            for e in errors:
                form.add_error(target, e)
    else:
        form.add_error(None, error)


def _conflict(request, template, context, error: Conflict):
    """A locked or stale object: the page again, the message on top, status 409."""
    context["conflict"] = error.message
    return render(request, template, context, status=409)


def _export(request, stem, headers, rows, model):
    audit.record(
        AuditAction.EXPORT,
        object_type=model._meta.label_lower,
        object_repr=str(model._meta.verbose_name_plural),
        message=_("导出Excel，筛选条件：%(f)s")
        % {"f": {k: v for k, v in request.GET.items() if k != "format"} or _("无")},
    )
    return xlsx_response(export_filename(stem), headers, rows, title=stem)


class IndexView(RoleRequiredMixin, View):
    roles = READERS

    def get(self, request):
        if request.user.has_role(*BOARD_ROLES):
            return redirect("funding:board")
        return redirect("funding:budget_list")


# --- compliance board -------------------------------------------------------------------------


class BoardView(RoleRequiredMixin, ListView):
    """Every station's planned and actual personnel share, the projection and status."""

    roles = BOARD_ROLES
    template_name = "funding/board.html"
    paginate_by = PAGE_SIZE
    context_object_name = "rows"

    def get_queryset(self):
        self.form = BoardForm(self.request.GET or None, request=self.request)
        self.params = self.form.values()
        self.board = selectors.funding_year_board(self.request.user, **self.params)
        return self.board

    def get(self, request, *args, **kwargs):
        if request.GET.get("format") == "xlsx":
            return self.export()
        return super().get(request, *args, **kwargs)

    def export(self):
        rows = self.get_queryset()
        headers = [
            _("区"),
            _("社工站"),
            _("承接机构"),
            _("项目"),
            _("年度项目经费（元）"),
            _("预算人员经费（元）"),
            _("预算占比（%）"),
            _("累计人员经费（元）"),
            _("累计支出（元）"),
            _("已报告月数"),
            _("预计年末占比（%）"),
            _("人员经费下限（%）"),
            _("状态"),
        ]
        return _export(
            self.request,
            _("人员经费合规"),
            headers,
            (self._cells(r) for r in rows.iterator(chunk_size=2000)),
            FundingYear,
        )

    @staticmethod
    def _cells(r):
        d = _figures(r)
        return [
            r.district.name,
            r.station.name,
            r.institution.name,
            r.contract.kind.name,
            r.fee,
            r.planned_personnel,
            d["planned_share"],
            r.actual_personnel,
            r.actual_total,
            r.months_reported,
            d["projected_share"],
            r.floor_percent,
            ComplianceStatus(r.status).label,
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        for row in context["rows"]:
            row.figures = _figures(row)
        context.update(
            form=self.form,
            params=self.params,
            summary=selectors.board_summary(self.board),
            statuses=ComplianceStatus.choices,
            export_query=_query(self.request, format="xlsx"),
        )
        return context


def _figures(row) -> dict:
    """Display figures of a board row, from the rule on the row's own numbers (no queries)."""
    planned = (
        personnel_floor_check(
            personnel=row.planned_personnel, fee=row.fee, floor_percent=row.floor_percent
        )
        if row.planned_personnel is not None
        else None
    )
    projected = check_summary(row)
    spent_share = None
    if row.actual_total:
        spent_share = personnel_floor_check(
            personnel=row.actual_personnel, fee=row.actual_total, floor_percent=row.floor_percent
        ).share
    return {
        "planned": planned,
        "planned_share": planned.share if planned else None,
        "projected": projected,
        "projected_share": projected.share if projected else None,
        "spent_share": spent_share,
    }


def _query(request, **changes) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    for key, value in changes.items():
        params[key] = value
    return params.urlencode()


class YearDetailView(ScopedMixin, DetailView):
    """One contract's service year: plan against actual by category, checks, reports."""

    model = FundingYear
    template_name = "funding/year_detail.html"
    context_object_name = "year"

    def get_queryset(self):
        return selectors.with_floor_checks(super().get_queryset()).select_related(
            "station", "district", "institution", "contract__kind", "policy_version", "budget"
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        fy = self.object
        user = self.request.user
        context.update(
            figures=_figures(fy),
            categories=[
                (CATEGORY_LABELS[c], getattr(fy, f"planned_{c}"), getattr(fy, f"actual_{c}"))
                for c in CATEGORY_ORDER
            ],
            reports=SpendingReport.objects.restrict(user, VIEW)
            .filter(contract=fy.contract)
            .order_by("period_start"),
            budgets=Budget.objects.restrict(user, VIEW)
            .filter(contract=fy.contract)
            .order_by("-revision"),
            can_finalise=(
                not fy.final
                and fy.service_year < clock.today().year
                and can_finalise_year(user, fy)
            ),
        )
        return context


class YearFinaliseView(ScopedMixin, DetailView):
    model = FundingYear
    scope_action = "approve"
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        fy = self.get_object()
        try:
            services.funding_year_finalise(actor=request.user, funding_year=fy)
            messages.success(request, _("年度结果已确定。"))
        except ValidationError as error:
            _errors_to_messages(request, error)
        except Conflict as error:
            messages.error(request, error.message)
        return redirect("funding:year_detail", pk=fy.pk)


# --- city-wide spending -----------------------------------------------------------------------


class OverviewView(RoleRequiredMixin, TemplateView):
    roles = OVERVIEW_ROLES
    template_name = "funding/overview.html"

    def get(self, request, *args, **kwargs):
        self.form = BoardForm(
            request.GET or None, request=request, with_institution=False, with_status=False
        )
        params = self.form.values()
        self.params = params
        self.overview = selectors.spending_overview(
            request.user,
            service_year=params["service_year"],
            district=params["district"],
            project=request.GET.get("project") or "all",
            page=request.GET.get("page"),
            per_page=None if request.GET.get("format") == "xlsx" else selectors.DISTRICTS_PER_PAGE,
        )
        if request.GET.get("format") == "xlsx":
            return self.export()
        return super().get(request, *args, **kwargs)

    def export(self):
        headers = (
            [_("区"), _("年度项目经费（元）")]
            + [f"{CATEGORY_LABELS[c]}（{_('支出')}）" for c in CATEGORY_ORDER]
            + [_("支出合计（元）")]
        )
        rows = (
            [r["district__name"], r["fee"]]
            + [r[f"actual_{c}"] for c in CATEGORY_ORDER]
            + [r["actual_total"]]
            for r in self.overview["by_district"]
        )
        return _export(self.request, _("经费支出汇总"), headers, rows, FundingYear)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        ov = self.overview
        context.update(
            form=self.form,
            params=self.params,
            overview=ov,
            page_obj=ov["page_obj"],
            paginator=ov["paginator"],
            is_paginated=ov["is_paginated"],
            category_labels=[CATEGORY_LABELS[c] for c in CATEGORY_ORDER],
            district_rows=[
                {
                    "name": r["district__name"],
                    "fee": r["fee"],
                    "stations": r["stations"],
                    "cells": [r[f"actual_{c}"] or Decimal("0") for c in CATEGORY_ORDER],
                    "total": r["actual_total"],
                    "personnel": r["actual_personnel"],
                }
                for r in ov["by_district"]
            ],
            totals_cells=[ov["totals"][f"actual_{c}"] for c in CATEGORY_ORDER],
            chart_data=selectors.overview_chart_data(ov),
            export_query=_query(self.request, format="xlsx"),
        )
        return context


# --- budgets ----------------------------------------------------------------------------------


class BudgetListView(ScopedMixin, ListView):
    model = Budget
    template_name = "funding/budget_list.html"
    paginate_by = PAGE_SIZE
    context_object_name = "budgets"

    def get_queryset(self):
        self.filterset = BudgetFilterSet(
            self.request.GET or None,
            queryset=selectors.budget_list(self.request.user),
            request=self.request,
        )
        return self.filterset.qs.order_by("-service_year", "station__code", "-revision")

    def get(self, request, *args, **kwargs):
        if request.GET.get("format") == "xlsx":
            headers = [
                _("社工站"),
                _("合同"),
                _("项目"),
                _("服务年度"),
                _("版本"),
                _("状态"),
                _("项目经费（元）"),
                _("人员经费（元）"),
                _("人员经费占比（%）"),
            ]
            rows = (
                [
                    b.station.name,
                    b.contract.code,
                    b.contract.kind.name,
                    b.service_year,
                    b.revision,
                    b.get_status_display(),
                    b.fee,
                    b.personnel,
                    b.checked_share,
                ]
                for b in self.get_queryset().iterator(chunk_size=2000)
            )
            return _export(request, _("项目预算"), headers, rows, Budget)
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            filter=self.filterset,
            can_prepare=can_prepare(self.request.user),
            export_query=_query(self.request, format="xlsx"),
        )
        return context


class BudgetCreateView(ScopedMixin, FormView):
    model = Budget
    scope_action = ADD
    template_name = "funding/budget_form.html"
    form_class = BudgetForm

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["user"] = self.request.user
        if self.request.method == "GET" and self.request.GET.get("contract"):
            kwargs["initial"] = {"contract": self.request.GET["contract"]}
        return kwargs

    def form_valid(self, form):
        try:
            budget = services.budget_create(
                actor=self.request.user,
                contract=form.cleaned_data["contract"],
                lines=form.lines(),
                note=form.cleaned_data["note"],
            )
        except ValidationError as error:
            _apply_error(form, error)
            return self.form_invalid(form)
        except Conflict as error:
            return _conflict(
                self.request, self.template_name, self.get_context_data(form=form), error
            )
        messages.success(self.request, _("预算草稿已保存。"))
        return redirect("funding:budget_detail", pk=budget.pk)


class BudgetDetailView(ScopedMixin, DetailView):
    model = Budget
    template_name = "funding/budget_detail.html"
    context_object_name = "budget"

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .select_related(
                "station",
                "contract",
                "contract__kind",
                "contract__institution",
                "policy_version",
                "submitted_by",
                "decided_by",
            )
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        budget, user = self.object, self.request.user
        lines = list(budget.lines.order_by("id"))
        lines.sort(key=lambda line: CATEGORY_ORDER.index(line.category))
        check = personnel_floor_check(
            personnel=budget.personnel,
            fee=budget.fee,
            floor_percent=budget.floor_percent or _floor_for(budget.service_year),
        )
        context.update(
            lines=lines,
            check=check,
            history=selectors.budget_history(budget),
            can_change=budget.status in ("draft", "returned") and can_change_budget(user, budget),
            can_revise=budget.status == BudgetStatus.APPROVED and can_change_budget(user, budget),
            can_decide=budget.status == BudgetStatus.SUBMITTED and can_approve_budget(user, budget),
            decision_form=DecisionForm(initial={"version": budget.version}),
        )
        return context


def _floor_for(year: int):
    from funding.services.common import policy_for_year

    try:
        return policy_for_year(year).personnel_floor_percent
    except ValidationError:
        return Decimal("0")


class _LinesEditView(ScopedMixin, FormView):
    """Edit the lines of a budget or spending report: scope, lock (409) and version checks
    are the service's; a stale version comes back as a conflict, never an overwrite."""

    queryset = None
    scope_action = "change"
    object_name = ""  # context and form keyword: "budget" or "report"
    detail_url = ""

    def may_change(self, obj) -> bool:
        raise NotImplementedError

    def update(self, **kwargs):
        raise NotImplementedError

    saved_message = ""

    def get_object(self, queryset=None):
        obj = get_object_or_404(
            self.get_queryset().select_related("contract", "station"), pk=self.kwargs["pk"]
        )
        if not self.may_change(obj):
            raise PermissionDenied
        return obj

    def get_form_kwargs(self):
        self.object = self.get_object()
        kwargs = super().get_form_kwargs()
        kwargs.update({"user": self.request.user, self.object_name: self.object})
        return kwargs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context[self.object_name] = self.object
        return context

    def form_valid(self, form):
        try:
            self.update(
                actor=self.request.user,
                version=form.cleaned_data.get("version"),
                lines=form.lines(),
                note=form.cleaned_data["note"],
            )
        except ValidationError as error:
            _apply_error(form, error)
            return self.form_invalid(form)
        except Conflict as error:
            return _conflict(
                self.request, self.template_name, self.get_context_data(form=form), error
            )
        messages.success(self.request, self.saved_message)
        return redirect(self.detail_url, pk=self.object.pk)


class BudgetEditView(_LinesEditView):
    model = Budget
    template_name = "funding/budget_form.html"
    form_class = BudgetForm
    object_name = "budget"
    detail_url = "funding:budget_detail"

    @property
    def saved_message(self):
        return _("预算已保存。")

    def may_change(self, obj) -> bool:
        return can_change_budget(self.request.user, obj)

    def update(self, **kwargs):
        services.budget_update(budget=self.object, **kwargs)


class BudgetDecisionView(ScopedMixin, DetailView):
    """POST submit / approve / return / revise; the services check scope and state."""

    model = Budget
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        budget = self.get_object()
        form = DecisionForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("操作无效。"))
            return redirect("funding:budget_detail", pk=budget.pk)
        action, version = form.cleaned_data["action"], form.cleaned_data["version"]
        user, target = request.user, budget
        try:
            if action == "submit":
                services.budget_submit(actor=user, budget=budget, version=version)
                messages.success(request, _("预算已提交，等待区民政局审核。"))
            elif action == "approve":
                services.budget_approve(actor=user, budget=budget, version=version)
                messages.success(request, _("预算已批准并锁定。"))
            elif action == "return":
                services.budget_return(
                    actor=user, budget=budget, version=version, reason=form.cleaned_data["reason"]
                )
                messages.success(request, _("预算已退回。"))
            elif action == "revise":
                target = services.budget_revise(actor=user, budget=budget)
                messages.success(request, _("已生成修订版本，请修改后提交。"))
            else:
                raise Http404
        except ValidationError as error:
            _errors_to_messages(request, error)
        except Conflict as error:
            messages.error(request, error.message)
            response = redirect("funding:budget_detail", pk=budget.pk)
            return response
        return redirect("funding:budget_detail", pk=target.pk)


# --- spending reports -------------------------------------------------------------------------


class ReportListView(ScopedMixin, ListView):
    model = SpendingReport
    template_name = "funding/report_list.html"
    paginate_by = PAGE_SIZE
    context_object_name = "reports"

    def get_queryset(self):
        self.filterset = ReportFilterSet(
            self.request.GET or None,
            queryset=selectors.report_list(self.request.user),
            request=self.request,
        )
        return self.filterset.qs.order_by("-service_year", "station__code", "-period_start")

    def get(self, request, *args, **kwargs):
        if request.GET.get("format") == "xlsx":
            headers = [
                _("社工站"),
                _("合同"),
                _("服务年度"),
                _("报告期间"),
                _("状态"),
                _("支出合计（元）"),
                _("人员经费（元）"),
            ]
            rows = (
                [
                    r.station.name,
                    r.contract.code,
                    r.service_year,
                    str(r),
                    r.get_status_display(),
                    r.total,
                    r.personnel,
                ]
                for r in self.get_queryset().iterator(chunk_size=2000)
            )
            return _export(request, _("支出报告"), headers, rows, SpendingReport)
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            filter=self.filterset,
            can_prepare=can_prepare(self.request.user),
            export_query=_query(self.request, format="xlsx"),
        )
        return context


class ReportCreateView(ScopedMixin, FormView):
    model = SpendingReport
    scope_action = ADD
    template_name = "funding/report_form.html"
    form_class = ReportForm

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["user"] = self.request.user
        if self.request.method == "GET" and self.request.GET.get("contract"):
            kwargs["initial"] = {"contract": self.request.GET["contract"]}
        return kwargs

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            report = services.report_create(
                actor=self.request.user,
                contract=data["contract"],
                period=data["period"],
                lines=form.lines(),
                note=data["note"],
            )
        except ValidationError as error:
            _apply_error(form, error)
            return self.form_invalid(form)
        except Conflict as error:
            return _conflict(
                self.request, self.template_name, self.get_context_data(form=form), error
            )
        messages.success(self.request, _("支出报告草稿已保存。"))
        return redirect("funding:report_detail", pk=report.pk)


class ReportDetailView(ScopedMixin, DetailView):
    model = SpendingReport
    template_name = "funding/report_detail.html"
    context_object_name = "report"

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .select_related("station", "contract", "contract__kind", "submitted_by", "decided_by")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        report, user = self.object, self.request.user
        lines = sorted(report.lines.all(), key=lambda line: CATEGORY_ORDER.index(line.category))
        fy = FundingYear.objects.restrict(user, VIEW).filter(contract=report.contract).first()
        editable = report.status in ("draft", "returned") and can_change_report(user, report)
        context.update(
            lines=lines,
            year=fy,
            year_figures=_figures(fy) if fy else None,
            attachments=report.attachments.select_related("uploaded_by"),
            can_change=editable,
            can_attach=report.status != "approved" and can_change_report(user, report),
            can_decide=report.status == "submitted" and can_approve_report(user, report),
            decision_form=DecisionForm(initial={"version": report.version}),
            attachment_form=AttachmentForm(),
        )
        return context


class ReportEditView(_LinesEditView):
    model = SpendingReport
    template_name = "funding/report_form.html"
    form_class = ReportForm
    object_name = "report"
    detail_url = "funding:report_detail"

    @property
    def saved_message(self):
        return _("支出报告已保存。")

    def may_change(self, obj) -> bool:
        return can_change_report(self.request.user, obj)

    def update(self, **kwargs):
        services.report_update(report=self.object, **kwargs)


class ReportDecisionView(ScopedMixin, DetailView):
    model = SpendingReport
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        report = self.get_object()
        form = DecisionForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("操作无效。"))
            return redirect("funding:report_detail", pk=report.pk)
        action, version = form.cleaned_data["action"], form.cleaned_data["version"]
        try:
            if action == "submit":
                services.report_submit(actor=request.user, report=report, version=version)
                messages.success(request, _("支出报告已提交。"))
            elif action == "approve":
                services.report_approve(actor=request.user, report=report, version=version)
                messages.success(request, _("支出报告已确认，该期间已锁定。"))
            elif action == "return":
                services.report_return(
                    actor=request.user,
                    report=report,
                    version=version,
                    reason=form.cleaned_data["reason"],
                )
                messages.success(request, _("支出报告已退回。"))
            else:
                raise Http404
        except ValidationError as error:
            _errors_to_messages(request, error)
        except Conflict as error:
            messages.error(request, error.message)
        return redirect("funding:report_detail", pk=report.pk)


class AttachmentUploadView(ScopedMixin, DetailView):
    model = SpendingReport
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        report = self.get_object()
        form = AttachmentForm(request.POST, request.FILES)
        if not form.is_valid():
            for errors in form.errors.values():
                for e in errors:
                    messages.error(request, e)
            return redirect("funding:report_detail", pk=report.pk)
        try:
            services.attachment_add(
                actor=request.user,
                report=report,
                upload=form.cleaned_data["file"],
                kind=form.cleaned_data["kind"],
            )
            messages.success(request, _("附件已上传。"))
        except ValidationError as error:
            _errors_to_messages(request, error)
        except Conflict as error:
            messages.error(request, error.message)
        return redirect("funding:report_detail", pk=report.pk)


class AttachmentDeleteView(ScopedMixin, DetailView):
    """Remove a receipt uploaded by mistake, while the report is not confirmed (POST only).

    Out of scope answers 404, in scope without the right to change the report 403, a
    confirmed report 409 (the service says so)."""

    model = SpendingAttachment
    scope_action = "change"
    http_method_names = ["post"]

    def get_queryset(self):
        return super().get_queryset().select_related("report")

    def post(self, request, *args, **kwargs):
        attachment = self.get_object()
        report = attachment.report
        name = attachment.original_name
        try:
            services.attachment_delete(actor=request.user, attachment=attachment)
        except Conflict as error:
            messages.error(request, error.message)
            context = {"status": 409, "title": _("无法删除"), "message": error.message}
            return render(request, "errors/error.html", context, status=409)
        messages.success(request, _("附件「%(name)s」已删除。") % {"name": name})
        return redirect("funding:report_detail", pk=report.pk)


class AttachmentDownloadView(ScopedMixin, DetailView):
    """Receipts are served through the scoped path, never from a public media URL."""

    model = SpendingAttachment

    def get(self, request, *args, **kwargs):
        attachment = self.get_object()
        return protected_file_response(
            attachment.file,
            filename=attachment.original_name,
            content_type=attachment.content_type,
        )


class ImportView(ScopedMixin, FormView):
    model = SpendingReport
    scope_action = ADD
    template_name = "funding/import.html"
    form_class = ImportForm

    def get(self, request, *args, **kwargs):
        if request.GET.get("template"):
            return template_response(
                _("支出明细导入模板"),
                COLUMNS,
                [
                    [1, BudgetCategory.SALARIES.label, "120000.00", _("1月工资")],
                    [1, BudgetCategory.SERVICE_ACTIVITIES.label, "25000.00", _("社区活动")],
                ],
            )
        return super().get(request, *args, **kwargs)

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["user"] = self.request.user
        return kwargs

    def form_valid(self, form):
        data = form.cleaned_data
        result = services.spending_import(
            actor=self.request.user,
            contract=data["contract"],
            fileobj=data["file"],
        )
        if not result.ok:
            return self.render_to_response(
                self.get_context_data(form=form, result=result), status=400
            )
        messages.success(
            self.request,
            _("导入成功：%(n)s行，新建%(c)s期、更新%(u)s期草稿报告。")
            % {"n": result.rows, "c": result.created, "u": result.updated},
        )
        return HttpResponseRedirect(
            reverse("funding:report_list") + f"?contract={data['contract'].pk}"
        )


# --- social resources -------------------------------------------------------------------------


class ResourceListView(ScopedMixin, ListView):
    model = SocialResource
    template_name = "funding/resource_list.html"
    paginate_by = PAGE_SIZE
    context_object_name = "resources"

    def get_queryset(self):
        self.filterset = SocialResourceFilterSet(
            self.request.GET or None,
            queryset=SocialResource.objects.restrict(self.request.user, VIEW).select_related(
                "station"
            ),
            request=self.request,
        )
        return self.filterset.qs.order_by("-received_on", "-id")

    def get_context_data(self, **kwargs):
        from funding.permissions import can_add_resource

        context = super().get_context_data(**kwargs)
        context.update(filter=self.filterset, can_add=can_add_resource(self.request.user))
        return context


class ResourceCreateView(ScopedMixin, FormView):
    model = SocialResource
    scope_action = ADD
    template_name = "funding/resource_form.html"
    form_class = SocialResourceForm

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["user"] = self.request.user
        return kwargs

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            services.social_resource_create(actor=self.request.user, **data)
        except ValidationError as error:
            _apply_error(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("已登记。"))
        return redirect("funding:resource_list")


class ResourceTotalsView(RoleRequiredMixin, TemplateView):
    roles = READERS
    template_name = "funding/resource_totals.html"

    def get(self, request, *args, **kwargs):
        self.form = TotalsForm(request.GET or None, request=request)
        data = self.form.cleaned_data if self.form.is_valid() else {}
        self.year = data.get("year") or clock.today().year
        self.by = data.get("by") or "district"
        self.rows = selectors.social_resource_totals(
            request.user, service_year=self.year, by=self.by, district=data.get("district")
        )
        if request.GET.get("format") == "xlsx":
            headers = [
                _("名称"),
                _("社区慈善捐赠（元）"),
                _("社区基金（元）"),
                _("物资折价（元）"),
                _("资金合计（元）"),
                _("时间银行时数"),
                _("时间银行积分"),
            ]
            return _export(
                request,
                _("社会资源汇总"),
                headers,
                (
                    [
                        self._name(r),
                        r["charity_donation"],
                        r["community_fund"],
                        r["in_kind"],
                        r["money_total"],
                        r["hours"],
                        r["credits"],
                    ]
                    for r in self.rows
                ),
                SocialResource,
            )
        return super().get(request, *args, **kwargs)

    def _name(self, row):
        if self.by == "station":
            return row["station__name"]
        if self.by == "district":
            return row["station__district__name"]
        return _("全市")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        for row in self.rows:
            row["name"] = self._name(row)
        context.update(
            form=self.form,
            rows=self.rows,
            year=self.year,
            by=self.by,
            export_query=_query(self.request, format="xlsx"),
        )
        return context


# --- the station page's tab -------------------------------------------------------------------


def station_tab(request, station) -> str:
    from django.template.loader import render_to_string

    user = request.user
    if not user.has_role(*READERS):
        return render_to_string("funding/station_tab_none.html", {}, request=request)
    year = clock.today().year
    data = selectors.station_funding(user, station, service_year=year)
    for row in data["years"]:
        row.figures = _figures(row)
    return render_to_string(
        "funding/station_tab.html",
        {"station": station, "year": year, **data, "can_prepare": can_prepare(user)},
        request=request,
    )
