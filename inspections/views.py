"""Pages of the inspections app: the quarter board, plans, the visit (a phone page for
inspectors), rectification orders, checklists, campaigns, the heat map, the station tab."""

from __future__ import annotations

from pathlib import PurePosixPath

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Prefetch
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import DetailView, ListView, TemplateView

from inspections import pdf, rules, selectors, services
from inspections.choices import (
    AnswerResult,
    Area,
    SampleMode,
    Severity,
    VisitStatus,
)
from inspections.filtersets import InspectionFilterSet
from inspections.forms import (
    AddStationForm,
    CampaignForm,
    ChecklistImportForm,
    FindingForm,
    PhotoForm,
    PlanDrawForm,
    RescheduleForm,
    SettingsForm,
    SignOffForm,
    TeamForm,
)
from inspections.models import (
    Campaign,
    ChecklistItem,
    ChecklistTemplate,
    Inspection,
    InspectionPhoto,
    InspectionSettings,
    InspectionTeamMember,
    QuarterPlan,
)
from portal import audit, clock, risk
from portal.choices import CITY_ROLES, AuditAction, Role
from portal.errors import Conflict
from portal.exports import export_filename, xlsx_response
from portal.files import protected_file_response
from portal.query import PeriodQuery, YearQuery, read_query
from portal.scoping import CHANGE, VIEW, user_may
from portal.views.mixins import RoleRequiredMixin, ScopedMixin, ServiceActionView, error_text
from rectification.models import RectificationOrder
from stations.models import Station

PAGE_SIZE = 50


_error_text = error_text


class CityMixin(RoleRequiredMixin):
    roles = CITY_ROLES


class ActionView(ServiceActionView, View):
    """A POST that calls a service on one object (``portal.views.mixins.ServiceActionView``)."""


# --- quarter board and heat map -------------------------------------------------------------


def _year_quarter(request) -> tuple[int, int]:
    """The board's quarter: ``?year=&quarter=`` (400 when out of range), else this quarter."""
    year, quarter = rules.quarter_of(clock.today())
    params = read_query(request, PeriodQuery)
    return params["year"] or year, params["quarter"] or quarter


class BoardView(ScopedMixin, TemplateView):
    """季度督查看板: planned and done visits, findings by area and severity, orders by district."""

    model = Inspection
    template_name = "inspections/board.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        year, quarter = _year_quarter(self.request)
        user = self.request.user
        board = selectors.quarter_board(user, year=year, quarter=quarter)
        context.update(
            board=board,
            year=year,
            quarter=quarter,
            quarters=[1, 2, 3, 4],
            is_city=bool(user.roles & CITY_ROLES),
        )
        if self.request.GET.get("format") == "xlsx":
            context["export"] = True
        return context

    def get(self, request, *args, **kwargs):
        if request.GET.get("format") == "xlsx":
            year, quarter = _year_quarter(request)
            board = selectors.quarter_board(request.user, year=year, quarter=quarter)
            audit.record(
                AuditAction.EXPORT,
                object_type="inspections.board",
                message=_("导出%(y)s年第%(q)s季度督查看板") % {"y": year, "q": quarter},
            )
            rows = [
                [d["name"], d["planned"], d["done"], d["open"], d["overdue"], d["closed"]]
                for d in board["districts"]
            ]
            return xlsx_response(
                export_filename(_("季度督查看板")),
                [_("区"), _("计划督查"), _("已完成"), _("整改中"), _("逾期"), _("已关闭")],
                rows,
            )
        return super().get(request, *args, **kwargs)


class HeatmapView(ScopedMixin, TemplateView):
    model = Inspection
    template_name = "inspections/heatmap.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        year = read_query(self.request, YearQuery)["year"]
        context["heat"] = selectors.heatmap(self.request.user, year=year)
        context["year"] = year
        return context


# --- visits ---------------------------------------------------------------------------------


class InspectionListView(ScopedMixin, ListView):
    model = Inspection
    template_name = "inspections/inspection_list.html"
    paginate_by = PAGE_SIZE

    def get_queryset(self):
        if not hasattr(self, "_qs"):
            qs = (
                Inspection.objects.select_related(
                    "station", "station__district", "plan", "campaign"
                )
                .annotate(finding_count=Count("findings", distinct=True))
                .order_by("-scheduled_on", "station__code")
                .restrict(self.request.user, VIEW)
            )
            self.filterset = InspectionFilterSet(
                self.request.GET or None, queryset=qs, request=self.request
            )
            self._qs = self.filterset.qs
        return self._qs

    def get(self, request, *args, **kwargs):
        if request.GET.get("format") == "xlsx":
            qs = self.get_queryset()
            audit.record(
                AuditAction.EXPORT, object_type="inspections.inspection", message=_("导出督查走访")
            )
            rows = (
                [
                    v.station.code,
                    v.station.name,
                    v.station.district.name,
                    v.get_mode_display(),
                    v.scheduled_on,
                    v.get_status_display(),
                    v.finding_count,
                    str(v.plan or v.campaign or ""),
                ]
                for v in qs.iterator()
            )
            return xlsx_response(
                export_filename(_("督查走访")),
                [
                    _("站点编号"),
                    _("社工站"),
                    _("区"),
                    _("方式"),
                    _("日期"),
                    _("状态"),
                    _("发现问题"),
                    _("计划/专项"),
                ],
                rows,
            )
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["filter"] = self.filterset
        return context


class MyVisitsView(RoleRequiredMixin, TemplateView):
    roles = frozenset({Role.INSPECTOR})
    template_name = "inspections/my_visits.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # object_list: the rows, as on every list page (the to-do count is checked against it).
        context["visits"] = context["object_list"] = list(selectors.my_visits(self.request.user))
        return context


class InspectionDetailView(ScopedMixin, DetailView):
    """The visit page; for its inspectors it is the recording page (works on a phone)."""

    model = Inspection
    template_name = "inspections/inspection_detail.html"
    context_object_name = "visit"

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .select_related(
                "station",
                "station__district",
                "plan",
                "campaign",
                "checklist",
                "institution",
                "signed_off_by",
            )
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        visit, user = self.object, self.request.user
        answers = {a.item_id: a for a in visit.answers.all()}
        photos = list(visit.photos.all())
        items = []
        for item in visit.checklist.items.all():
            items.append(
                {
                    "item": item,
                    "answer": answers.get(item.pk),
                    "photos": [p for p in photos if p.item_id == item.pk],
                }
            )
        may_record = (
            user_may(user, CHANGE, visit)
            and not visit.is_signed_off
            and visit.status != VisitStatus.CANCELLED
        )
        context.update(
            items=items,
            photos=photos,
            findings=list(visit.findings.select_related("item", "repeat_of")),
            team=list(visit.team.select_related("user")),
            results=AnswerResult.choices,
            severities=Severity.choices,
            areas=Area.choices,
            may_record=may_record,
            recording=may_record and visit.status == VisitStatus.IN_PROGRESS,
            is_city=bool(user.roles & CITY_ROLES),
            sign_off_form=SignOffForm(
                initial={
                    "representative_name": visit.representative_name,
                    "representative_title": visit.representative_title,
                    "summary": visit.summary,
                }
            ),
            finding_form=FindingForm(),
            photo_form=PhotoForm(),
            reschedule_form=RescheduleForm(
                initial={"scheduled_on": visit.scheduled_on, "mode": visit.mode}
            ),
            team_form=TeamForm(user=user),
            orders=list(
                RectificationOrder.objects.restrict(user, VIEW).filter(finding__inspection=visit)
            ),
        )
        return context


def _visit_url(visit) -> str:
    return reverse("inspections:inspection_detail", args=[visit.pk])


class VisitAction(ActionView):
    model = Inspection

    def success_url(self, obj):
        return _visit_url(obj)


class VisitStartView(VisitAction):
    def perform(self, visit):
        services.inspection_start(actor=self.request.user, visit=visit)
        return _("督查已开始。")


class VisitAnswersView(VisitAction):
    """Answers arrive as ``result_<item id>`` and ``note_<item id>``."""

    def perform(self, visit):
        post = self.request.POST
        answers = []
        for key, value in post.items():
            if key.startswith("result_") and value:
                item_id = key.removeprefix("result_")
                answers.append(
                    services.AnswerInput(
                        item_id=item_id, result=value, note=post.get(f"note_{item_id}", "")
                    )
                )
        services.inspection_answers_save(
            actor=self.request.user, visit=visit, answers=answers, version=post.get("version")
        )
        return _("已保存%(n)s项检查结果。") % {"n": len(answers)}


class VisitPhotoView(VisitAction):
    def perform(self, visit):
        form = PhotoForm(self.request.POST, self.request.FILES)
        if not form.is_valid():
            raise ValidationError(_("请选择要上传的照片。"))
        item = None
        if form.cleaned_data.get("item"):
            item = ChecklistItem.objects.filter(pk=form.cleaned_data["item"]).first()
            if item is None:
                raise ValidationError(
                    services.ITEM_NOT_IN_CHECKLIST % {"row": 1, "item": form.cleaned_data["item"]}
                )
        services.inspection_photo_add(
            actor=self.request.user,
            visit=visit,
            upload=form.cleaned_data["photo"],
            item=item,
            caption=form.cleaned_data.get("caption", ""),
        )
        return _("照片已上传。")


class VisitFindingView(VisitAction):
    def perform(self, visit):
        form = FindingForm(self.request.POST)
        if not form.is_valid():
            raise ValidationError(_("请填写问题描述。"))
        data = form.cleaned_data
        item = None
        if data.get("item"):
            item = ChecklistItem.objects.filter(pk=data["item"]).first()
            if item is None:
                raise ValidationError(
                    services.ITEM_NOT_IN_CHECKLIST % {"row": 1, "item": data["item"]}
                )
        services.finding_add(
            actor=self.request.user,
            visit=visit,
            item=item,
            description=data["description"],
            severity=data.get("severity") or None,
            area=data.get("area") or None,
        )
        return _("已登记发现问题。")


class VisitSignOffView(VisitAction):
    def perform(self, visit):
        form = SignOffForm(self.request.POST)
        if not form.is_valid():
            raise ValidationError(services.REPRESENTATIVE_REQUIRED)
        services.inspection_sign_off(actor=self.request.user, visit=visit, **form.cleaned_data)
        return _("督查记录已签署，整改单已下达。")


class VisitRescheduleView(VisitAction):
    def perform(self, visit):
        form = RescheduleForm(self.request.POST)
        if not form.is_valid():
            raise ValidationError(_("请填写有效的日期和方式。"))
        services.inspection_reschedule(
            actor=self.request.user,
            visit=visit,
            scheduled_on=form.cleaned_data["scheduled_on"],
            mode=form.cleaned_data["mode"],
        )
        return _("已调整督查日期。")


class VisitTeamView(VisitAction):
    def perform(self, visit):
        form = TeamForm(self.request.POST, user=self.request.user)
        if not form.is_valid():
            raise ValidationError(services.TEAM_EMPTY)
        lead = form.cleaned_data.get("lead")
        members = [
            (u, form.cleaned_data["body"], lead is not None and u.pk == lead.pk)
            for u in form.cleaned_data["inspectors"]
        ]
        services.inspection_assign_team(actor=self.request.user, visit=visit, members=members)
        return _("已分配督查组。")


class VisitPdfView(ScopedMixin, DetailView):
    model = Inspection

    def get(self, request, *args, **kwargs):
        visit = self.get_object()
        data = pdf.visit_report_pdf(visit)
        response = HttpResponse(data, content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="inspection-{visit.pk}.pdf"'
        return response


# --- plans ----------------------------------------------------------------------------------


class PlanListView(CityMixin, TemplateView):
    template_name = "inspections/plan_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["plans"] = list(
            QuarterPlan.objects.restrict(self.request.user, VIEW)
            .annotate(visits=Count("inspections"))
            .order_by("-year", "-quarter")
        )
        context["form"] = PlanDrawForm(user=self.request.user)
        return context


class PlanDrawView(CityMixin, View):
    http_method_names = ["post"]

    def post(self, request):
        form = PlanDrawForm(request.POST, user=request.user)
        if not form.is_valid():
            messages.error(request, _("请填写有效的年度和季度。"))
            return HttpResponseRedirect(reverse("inspections:plan_list"))
        try:
            plan = services.plan_draw(
                actor=request.user,
                year=form.cleaned_data["year"],
                quarter=form.cleaned_data["quarter"],
                seed=form.cleaned_data.get("seed"),
            )
        except ValidationError as error:
            messages.error(request, _error_text(error))
            return HttpResponseRedirect(reverse("inspections:plan_list"))
        audit.record(AuditAction.ACTION, instance=plan, message=_("抽取季度督查计划"))
        return HttpResponseRedirect(reverse("inspections:plan_detail", args=[plan.pk]))


class PlanDetailView(CityMixin, DetailView):
    model = QuarterPlan
    template_name = "inspections/plan_detail.html"
    context_object_name = "plan"

    def get_queryset(self):
        return QuarterPlan.objects.restrict(self.request.user, VIEW).select_related(
            "settings", "checklist", "confirmed_by"
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        plan = self.object
        visits = list(
            plan.inspections.select_related("station", "station__district")
            .prefetch_related(
                Prefetch("team", queryset=InspectionTeamMember.objects.select_related("user"))
            )
            .order_by("station__district__code", "station__code")
        )
        context.update(
            visits=visits,
            check=services.plan_verify_draw(plan=plan),
            without_team=sum(1 for v in visits if not v.team.all()),
            add_form=AddStationForm(user=self.request.user),
            team_form=TeamForm(user=self.request.user),
            signals=_signal_rows(plan.inputs.get("signals", {})),
            sample=plan.inputs.get("sample", {}),
            sample_mode=_label_of(SampleMode, plan.inputs.get("sample", {}).get("mode")),
        )
        context["failed_signals"] = [s for s in context["signals"] if s["failed"]]
        return context


def _label_of(choices, value) -> str:
    """The Chinese label of a stored code (the code itself if it is unknown)."""
    try:
        return str(choices(value).label)
    except ValueError:
        return str(value or "")


def _signal_rows(stored: dict) -> list[dict]:
    """The plan's risk signals as the page shows them: a Chinese name, connected or not, and
    whether reading it failed when the plan was drawn (``portal.risk``)."""
    return [
        {
            "key": key,
            "label": risk.signal_label(key),
            "available": bool(state.get("available")),
            "failed": state.get("failed", ""),
        }
        for key, state in stored.items()
    ]


class PlanAction(CityMixin, View):
    http_method_names = ["post"]

    def post(self, request, pk):
        plan = get_object_or_404(QuarterPlan.objects.restrict(request.user, VIEW), pk=pk)
        try:
            message = self.perform(plan)
        except ValidationError as error:
            messages.error(request, _error_text(error))
        except Conflict as error:
            return HttpResponse(error.message, status=409, content_type="text/plain; charset=utf-8")
        else:
            messages.success(request, message)
        return HttpResponseRedirect(reverse("inspections:plan_detail", args=[plan.pk]))


class PlanAddStationView(PlanAction):
    def perform(self, plan):
        form = AddStationForm(self.request.POST, user=self.request.user)
        if not form.is_valid():
            raise ValidationError(_("请选择社工站、方式和日期。"))
        services.plan_add_station(actor=self.request.user, plan=plan, **form.cleaned_data)
        return _("已加入计划。")


class PlanTeamAllView(PlanAction):
    def perform(self, plan):
        form = TeamForm(self.request.POST, user=self.request.user)
        if not form.is_valid():
            raise ValidationError(services.TEAM_EMPTY)
        lead = form.cleaned_data.get("lead")
        members = [
            (u, form.cleaned_data["body"], lead is not None and u.pk == lead.pk)
            for u in form.cleaned_data["inspectors"]
        ]
        n = services.plan_assign_team_all(actor=self.request.user, plan=plan, members=members)
        return _("已为%(n)s个督查分配督查组。") % {"n": n}


class PlanConfirmView(PlanAction):
    def perform(self, plan):
        services.plan_confirm(actor=self.request.user, plan=plan)
        audit.record(AuditAction.ACTION, instance=plan, message=_("确认季度督查计划"))
        return _("计划已确认，督查人员和定期抽查的社工站已收到通知。")


class PlanExportView(CityMixin, View):
    def get(self, request, pk):
        plan = get_object_or_404(QuarterPlan.objects.restrict(request.user, VIEW), pk=pk)
        audit.record(AuditAction.EXPORT, instance=plan, message=_("导出季度督查计划"))
        visits = plan.inspections.select_related("station", "station__district").order_by(
            "station__district__code", "station__code"
        )
        rows = (
            [
                v.station.district.name,
                v.station.code,
                v.station.name,
                v.get_mode_display(),
                v.scheduled_on,
                v.draw_reason_label,
                v.get_status_display(),
            ]
            for v in visits
        )
        return xlsx_response(
            export_filename(str(plan)),
            [
                _("区"),
                _("站点编号"),
                _("社工站"),
                _("方式"),
                _("计划日期"),
                _("入选原因"),
                _("状态"),
            ],
            rows,
        )


# --- checklists and settings ----------------------------------------------------------------


class ChecklistListView(ScopedMixin, ListView):
    model = ChecklistTemplate
    template_name = "inspections/checklist_list.html"

    def get_queryset(self):
        return (
            ChecklistTemplate.objects.annotate(item_count=Count("items"))
            .order_by("code", "-version")
            .restrict(self.request.user, VIEW)
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["import_form"] = ChecklistImportForm()
        context["is_city"] = bool(self.request.user.roles & CITY_ROLES)
        return context


class ChecklistDetailView(ScopedMixin, DetailView):
    model = ChecklistTemplate
    template_name = "inspections/checklist_detail.html"
    context_object_name = "checklist"

    def get(self, request, *args, **kwargs):
        if request.GET.get("format") == "xlsx":
            checklist = self.get_object()
            rows = (
                [
                    i.code,
                    i.get_area_display(),
                    i.topic,
                    i.title,
                    i.guidance,
                    i.get_default_severity_display(),
                ]
                for i in checklist.items.all()
            )
            return xlsx_response(
                export_filename(str(checklist)),
                [c.header for c in services.checklist_columns()],
                rows,
            )
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["items"] = list(self.object.items.all())
        context["is_city"] = bool(self.request.user.roles & CITY_ROLES)
        return context


class ChecklistImportView(CityMixin, View):
    http_method_names = ["post"]

    def post(self, request):
        form = ChecklistImportForm(request.POST, request.FILES)
        if not form.is_valid():
            messages.error(request, _("请填写清单代码、名称并选择文件。"))
            return HttpResponseRedirect(reverse("inspections:checklist_list"))
        try:
            checklist = services.checklist_import(
                actor=request.user,
                code=form.cleaned_data["code"],
                name=form.cleaned_data["name"],
                upload=form.cleaned_data["file"],
            )
        except ValidationError as error:
            messages.error(request, _error_text(error))
            return HttpResponseRedirect(reverse("inspections:checklist_list"))
        messages.success(request, _("已导入新清单版本（草稿）。"))
        return HttpResponseRedirect(reverse("inspections:checklist_detail", args=[checklist.pk]))


class ChecklistAction(CityMixin, View):
    http_method_names = ["post"]

    def post(self, request, pk):
        checklist = get_object_or_404(ChecklistTemplate.objects.restrict(request.user, VIEW), pk=pk)
        result = self.perform(checklist)
        return HttpResponseRedirect(reverse("inspections:checklist_detail", args=[result.pk]))


class ChecklistNewVersionView(ChecklistAction):
    def perform(self, checklist):
        return services.checklist_new_version(actor=self.request.user, template=checklist)


class ChecklistActivateView(ChecklistAction):
    def perform(self, checklist):
        return services.checklist_activate(actor=self.request.user, template=checklist)


class SettingsView(CityMixin, TemplateView):
    template_name = "inspections/settings.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        versions = list(InspectionSettings.objects.restrict(self.request.user, VIEW))
        context["versions"] = versions
        context.setdefault(
            "form",
            SettingsForm(
                user=self.request.user,
                instance=InspectionSettings(
                    **{
                        f.name: getattr(versions[0], f.name)
                        for f in InspectionSettings._meta.fields
                        if f.name not in {"id", "effective_from", "created_at", "updated_at"}
                    }
                )
                if versions
                else None,
            ),
        )
        return context

    def post(self, request):
        form = SettingsForm(request.POST, user=request.user)
        if form.is_valid():
            data = dict(form.cleaned_data.items())
            try:
                services.settings_save(actor=request.user, **data)
            except ValidationError as error:
                form.add_error(None, _error_text(error))
            else:
                messages.success(request, _("已保存新的督查参数版本。"))
                return HttpResponseRedirect(reverse("inspections:settings"))
        return self.render_to_response(self.get_context_data(form=form))


# --- campaigns ------------------------------------------------------------------------------


class CampaignListView(CityMixin, TemplateView):
    template_name = "inspections/campaign_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["campaigns"] = list(
            Campaign.objects.restrict(self.request.user, VIEW)
            .annotate(visits=Count("inspections"))
            .order_by("-starts_on")
        )
        context.setdefault("form", CampaignForm(user=self.request.user))
        return context

    def post(self, request):
        form = CampaignForm(request.POST, user=request.user)
        if form.is_valid():
            data = form.cleaned_data
            try:
                campaign = services.campaign_create(
                    actor=request.user,
                    name=data["name"],
                    theme=data["theme"],
                    starts_on=data["starts_on"],
                    ends_on=data["ends_on"],
                    checklist=data["checklist"],
                    stations=data["stations"],
                    institutions=data["institutions"],
                    description=data["description"],
                )
                services.campaign_schedule(actor=request.user, campaign=campaign)
            except ValidationError as error:
                form.add_error(None, _error_text(error))
            else:
                return HttpResponseRedirect(
                    reverse("inspections:campaign_detail", args=[campaign.pk])
                )
        return self.render_to_response(self.get_context_data(form=form))


class CampaignDetailView(CityMixin, DetailView):
    model = Campaign
    template_name = "inspections/campaign_detail.html"
    context_object_name = "campaign"

    def get_queryset(self):
        return Campaign.objects.restrict(self.request.user, VIEW).select_related("checklist")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["progress"] = selectors.campaign_progress(self.request.user, self.object)
        context["visits"] = list(
            Inspection.objects.restrict(self.request.user, VIEW)
            .filter(campaign=self.object)
            .select_related("station", "station__district", "institution")
            .annotate(finding_count=Count("findings"))
            .order_by("station__code")[:500]
        )
        return context


# --- the station page's tab -----------------------------------------------------------------


def station_tab(request, station: Station) -> str:
    """督查与整改 on the station page: the visits and orders the user may see."""
    history = selectors.station_history(request.user, station)
    return render_to_string(
        "inspections/station_tab.html",
        {"history": history, "station": station, "today": clock.today()},
        request=request,
    )


class StationHistoryView(ScopedMixin, DetailView):
    """A station's inspection history as a page of its own."""

    model = Station
    template_name = "inspections/station_history.html"
    context_object_name = "station"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["history"] = selectors.station_history(self.request.user, self.object)
        context["today"] = clock.today()
        return context


# --- files ----------------------------------------------------------------------------------


class PhotoDownloadView(ScopedMixin, DetailView):
    """A visit's photo, through the visit's scope (secret visits stay secret): 404 outside."""

    model = InspectionPhoto

    def get(self, request, *args, **kwargs):
        photo = self.get_object()
        suffix = PurePosixPath(photo.file.name).suffix
        return protected_file_response(
            photo.file,
            filename=f"{photo.caption or _('现场照片')}{suffix}",
            content_type=photo.content_type,
        )
