"""Pages of the evaluations app: cycles and their board, evaluations (self-assessment,
scoring, appeal, publication), results with charts, reports, frameworks, surveys (with the
public answer page) and the station tab."""

from __future__ import annotations

from decimal import Decimal

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import connection, transaction
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.csrf import csrf_protect
from django.views.generic import ListView, TemplateView

from evaluations import reports, rules, selectors, services
from evaluations.choices import (
    AppealDecision,
    AppealStatus,
    EvaluationStatus,
    Grade,
    Method,
    NodeLevel,
    NodePhase,
    RespondentGroup,
    Scorer,
)
from evaluations.filtersets import EvaluationFilterSet
from evaluations.forms import (
    AssignForm,
    CycleForm,
    FrameworkForm,
    FrameworkImportForm,
    SurveyIssueForm,
)
from evaluations.models import (
    Cycle,
    Evaluation,
    EvaluatorAssignment,
    Evidence,
    Framework,
    FrameworkNode,
    SelfAssessment,
    SurveyLink,
)
from evaluations.permissions import can_run_what_if
from portal import audit, clock
from portal.choices import CITY_ROLES, AuditAction, Role
from portal.errors import Conflict
from portal.exports import export_filename, xlsx_response
from portal.files import protected_file_response
from portal.scoping import VIEW
from portal.versioning import VERSION_FIELD, StaleVersion, add_version_field, claim_version
from portal.views.mixins import RoleRequiredMixin, ScopedMixin, public_view
from stations.models import Station

PAGE_SIZE = 50
SURVEY_RATE_LIMIT = 20  # answers/attempts per address per 10 minutes
SURVEY_RATE_WINDOW = 600


# An unfiltered city-wide list counts from the planner's statistics from this many rows on.
ESTIMATE_FROM = 10_000

# The evaluation list's explicit choice of every cycle (?cycle=all; an empty cycle means the
# same). Without any cycle parameter the list shows the current cycle: sorting every cycle's
# evaluations is slow at nation scale (issue 4).
ALL_CYCLES = "all"


class IdPaginator(Paginator):
    """Counts and cuts the page on the ids alone (an index-only scan: evaluation rows are wide),
    then loads the page's rows with ``load(ids)``: what a page costs stays the same whatever
    the number of rows. ``count`` may be given (an estimate), else it is counted."""

    def __init__(self, queryset, per_page, *, load, count: int | None = None, **kwargs):
        super().__init__(queryset.values_list("pk", flat=True), per_page, **kwargs)
        self._load = load
        self._count = count

    @cached_property
    def count(self) -> int:
        return self._count if self._count is not None else super().count

    def _get_page(self, object_list, number, paginator):
        ids = list(object_list)
        rows = {row.pk: row for row in self._load(ids)} if ids else {}
        return super()._get_page([rows[i] for i in ids if i in rows], number, paginator)


def _estimated_evaluation_count() -> int:
    """All evaluations: the planner's row estimate when it is large, else an exact count,
    in one query either way (the CASE runs the count only when it is needed)."""
    table = Evaluation._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT CASE WHEN c.reltuples >= %s THEN c.reltuples::bigint "  # noqa: S608
            f'ELSE (SELECT COUNT(*) FROM "{table}") END '
            "FROM pg_class c WHERE c.oid = %s::regclass",
            [ESTIMATE_FROM, table],
        )
        return int(cursor.fetchone()[0])


def _errors(error: ValidationError) -> str:
    return "；".join(str(m) for m in error.messages)


def _conflict(request, error: Conflict):
    return render(
        request,
        "errors/error.html",
        {"status": 409, "title": _("无法修改"), "message": error.message},
        status=409,
    )


class CityMixin(RoleRequiredMixin):
    roles = CITY_ROLES


class PostActionView(ScopedMixin, View):
    """A POST that calls a service on one object; Chinese errors come back as messages,
    a locked object answers 409 with its message."""

    http_method_names = ["post"]
    model = Evaluation

    def get_object(self):
        return get_object_or_404(
            self.model.objects.restrict(self.request.user, VIEW), pk=self.kwargs["pk"]
        )

    def perform(self, obj) -> str:
        raise NotImplementedError

    def success_url(self, obj) -> str:
        return reverse("evaluations:evaluation_detail", args=[obj.pk])

    def post(self, request, *args, **kwargs):
        obj = self.get_object()
        try:
            message = self.perform(obj)
        except ValidationError as error:
            messages.error(request, _errors(error))
            return HttpResponseRedirect(self.success_url(obj))
        except Conflict as error:
            return self.conflict(request, obj, error)
        if message:
            messages.success(request, message)
        return HttpResponseRedirect(self.success_url(obj))

    def conflict(self, request, obj, error: Conflict):
        return _conflict(request, error)


# --- cycles --------------------------------------------------------------------------------


class CycleListView(ScopedMixin, ListView):
    model = Cycle
    template_name = "evaluations/cycle_list.html"
    paginate_by = PAGE_SIZE

    def get_queryset(self):
        return selectors.cycle_list(self.request.user)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["is_city"] = self.request.user.has_role(*CITY_ROLES)
        return ctx


class CycleFormView(CityMixin, View):
    template_name = "evaluations/cycle_form.html"

    def _cycle(self):
        pk = self.kwargs.get("pk")
        return (
            get_object_or_404(Cycle.objects.restrict(self.request.user, VIEW), pk=pk)
            if pk
            else None
        )

    def get(self, request, *args, **kwargs):
        cycle = self._cycle()
        form = CycleForm(instance=cycle, user=request.user)
        if cycle is not None:
            add_version_field(form, cycle)
        return render(request, self.template_name, {"form": form, "cycle": cycle})

    def post(self, request, *args, **kwargs):
        cycle = self._cycle()
        form = CycleForm(request.POST, instance=cycle, user=request.user)
        if cycle is not None:
            add_version_field(form, cycle)
            # The lock before the fields, as in the API.
            try:
                services.ensure_cycle_editable(cycle)
            except Conflict as error:
                messages.error(request, error.message)
                form = CycleForm(instance=cycle, user=request.user)
                return render(
                    request, self.template_name, {"form": form, "cycle": cycle}, status=409
                )
        if form.is_valid():
            data = dict(form.cleaned_data)
            try:
                if cycle is None:
                    cycle = services.cycle_create(actor=request.user, **data)
                else:
                    data.pop("service_year"), data.pop("phase")
                    with transaction.atomic():
                        claim_version(cycle, data.pop(VERSION_FIELD, None))
                        cycle = services.cycle_update(actor=request.user, cycle=cycle, **data)
            except ValidationError as error:
                form.add_error(None, _errors(error))
            except Conflict as error:
                form.add_error(None, error.message)
                return render(
                    request, self.template_name, {"form": form, "cycle": cycle}, status=409
                )
            else:
                messages.success(request, _("评估周期已保存。"))
                return HttpResponseRedirect(reverse("evaluations:cycle_board", args=[cycle.pk]))
        return render(request, self.template_name, {"form": form, "cycle": cycle})


class CycleOpenView(CityMixin, View):
    """Open now (the periodic task does the same on the opening date)."""

    def post(self, request, pk):
        cycle = get_object_or_404(Cycle.objects.restrict(request.user, VIEW), pk=pk)
        try:
            result = services.cycle_open(cycle_id=cycle.pk)
        except Conflict as error:
            return _conflict(request, error)
        if cycle.opens_on > clock.today():
            messages.error(request, _("未到开启日期（%(d)s）。") % {"d": cycle.opens_on})
        else:
            messages.success(request, _("已开启：新建评估%(n)s份。") % {"n": result.created})
        return HttpResponseRedirect(reverse("evaluations:cycle_board", args=[pk]))


class CyclePublishView(CityMixin, View):
    def post(self, request, pk):
        cycle = get_object_or_404(Cycle.objects.restrict(request.user, VIEW), pk=pk)
        try:
            n = services.cycle_publish(actor=request.user, cycle=cycle)
        except Conflict as error:
            return _conflict(request, error)
        messages.success(request, _("已发布%(n)s份评估结果。") % {"n": n})
        return HttpResponseRedirect(reverse("evaluations:cycle_board", args=[pk]))


class CycleComputeView(CityMixin, View):
    def post(self, request, pk):
        cycle = get_object_or_404(Cycle.objects.restrict(request.user, VIEW), pk=pk)
        n = services.results_compute_cycle(cycle=cycle)
        messages.success(request, _("已计算%(n)s份评估结果。") % {"n": n})
        return HttpResponseRedirect(reverse("evaluations:cycle_board", args=[pk]))


class CycleAssignView(CityMixin, View):
    """Assign an evaluator to a batch: every evaluation of the cycle in a district (or one)."""

    def post(self, request, pk):
        cycle = get_object_or_404(Cycle.objects.restrict(request.user, VIEW), pk=pk)
        form = AssignForm(request.POST, user=request.user)
        district_id = request.POST.get("district")
        if not form.is_valid() or not district_id:
            messages.error(request, _("请选择评估人员和区。"))
            return HttpResponseRedirect(reverse("evaluations:cycle_board", args=[pk]))
        evaluations = list(
            selectors.evaluations_in_scope(request.user, cycle)
            .filter(station__district_id=district_id)
            .select_related("station")
        )
        try:
            n = services.assignment_create(
                actor=request.user, evaluations=evaluations, **form.cleaned_data
            )
        except ValidationError as error:
            messages.error(request, _errors(error))
        except Conflict as error:
            return _conflict(request, error)
        else:
            messages.success(request, _("已分派%(n)s份评估。") % {"n": n})
        return HttpResponseRedirect(reverse("evaluations:cycle_board", args=[pk]))


class CycleBoardView(ScopedMixin, TemplateView):
    """评估进度看板: by district and status, late items flagged (one aggregate query)."""

    model = Cycle
    template_name = "evaluations/board.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        cycle = get_object_or_404(selectors.cycle_list(user), pk=self.kwargs["pk"])
        ctx["cycle"] = cycle
        ctx["board"] = selectors.cycle_board(user, cycle)
        ctx["is_city"] = user.has_role(*CITY_ROLES)
        if ctx["is_city"]:
            ctx["assign_form"] = AssignForm(user=user)
            ctx["districts"] = ctx["board"]["districts"]
        return ctx


# --- evaluations ---------------------------------------------------------------------------


class EvaluationListView(ScopedMixin, ListView):
    model = Evaluation
    template_name = "evaluations/evaluation_list.html"
    paginate_by = PAGE_SIZE

    def get_queryset(self):
        """The filtered, ordered evaluations without joins or columns the filters don't need:
        the page is counted and cut on this, and its rows are then loaded in full."""
        user = self.request.user
        today = clock.today()
        self.filterset = EvaluationFilterSet(
            self._filter_data(user, today),
            queryset=selectors.evaluations_in_scope(user),
            request=self.request,
        )
        qs = self.filterset.qs
        if self.request.GET.get("late") == "1":
            qs = qs.alias(is_late=selectors.late_case(today)).filter(is_late=True)
        self.rows = selectors.evaluation_list(user, today=today)
        cleaned = getattr(self.filterset.form, "cleaned_data", None) or {}
        if cleaned.get("cycle"):
            # One cycle: the same order, which the planner can then read off the stations'
            # code index and stop after a page, instead of sorting the whole cycle.
            return qs.order_by("station__code")
        return qs.order_by(*selectors.EVALUATION_LIST_ORDER)

    def _filter_data(self, user, today):
        """The query string, with the cycle made explicit: ``all`` (or empty) is every cycle,
        no cycle at all is the current one (``default_cycle``, which the page says)."""
        data = self.request.GET.copy()
        self.default_cycle = None
        self.all_cycles = True
        if "cycle" not in data:
            self.default_cycle = selectors.current_cycle(user, today)
            if self.default_cycle is not None:
                data["cycle"] = str(self.default_cycle.pk)
                self.all_cycles = False
        elif data.get("cycle") == ALL_CYCLES:
            data["cycle"] = ""
        else:
            self.all_cycles = not data.get("cycle")
        return data or None

    def get(self, request, *args, **kwargs):
        if request.GET.get("format") == "xlsx":
            return self.export()
        return super().get(request, *args, **kwargs)

    def export(self):
        chosen = self.get_queryset().values("pk")
        qs = (
            self.rows.filter(pk__in=chosen)
            .defer("breakdown")
            .order_by(*selectors.EVALUATION_LIST_ORDER)
        )
        audit.record(
            AuditAction.EXPORT, object_type="evaluations.evaluation", message=_("导出评估列表")
        )
        rows = (
            [
                e.cycle.name,
                e.station.code,
                e.station.name,
                e.station.district.name,
                e.institution.name if e.institution else "",
                e.get_status_display(),
                e.total,
                e.get_grade_display() if e.grade else "",
                _("是") if e.is_late else _("否"),
            ]
            for e in qs.iterator(chunk_size=2000)
        )
        return xlsx_response(
            export_filename("评估列表"),
            [
                _("评估周期"),
                _("站点编号"),
                _("社工站"),
                _("区"),
                _("承接机构"),
                _("状态"),
                _("总分"),
                _("等级"),
                _("逾期"),
            ],
            rows,
        )

    def _is_unfiltered_citywide(self) -> bool:
        """Every cycle chosen, no other filter, and a scope of the whole city."""
        filters = {k for k, v in self.request.GET.items() if v and k not in ("page", "cycle")}
        scope = selectors.evaluations_in_scope(self.request.user)
        return (
            self.all_cycles
            and not filters
            and not scope.query.where
            and connection.vendor == "postgresql"
        )

    def get_paginator(self, queryset, per_page, **kwargs):
        self.count_is_estimate = False
        count = None
        if self._is_unfiltered_citywide():
            count = _estimated_evaluation_count()
            self.count_is_estimate = count >= ESTIMATE_FROM
        rows = self.rows.defer("breakdown")

        def load(ids):
            return rows.filter(pk__in=ids).order_by()

        return IdPaginator(queryset, per_page, load=load, count=count, **kwargs)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["filter"] = self.filterset
        ctx["count_is_estimate"] = getattr(self, "count_is_estimate", False)
        ctx["default_cycle"] = self.default_cycle
        ctx["all_cycles_value"] = ALL_CYCLES
        return ctx


def _detail_context(request, ev: Evaluation) -> dict:
    user = request.user
    today = clock.today()
    cycle = ev.cycle
    tree = selectors.framework_tree(cycle.framework)
    leaves = tree.leaves_for(cycle.phase)
    scores = selectors.scores_by_node(ev)
    self_entries = {s.node_id: s for s in SelfAssessment.objects.filter(evaluation=ev)}
    evidence = {}
    for f in Evidence.objects.filter(evaluation=ev, appeal__isnull=True):
        evidence.setdefault(f.node_id, []).append(f)
    means = {g: v for (eid, g), v in selectors.survey_means([ev.pk]).items()}
    parts = services.scorer_parts(user, ev, today) if not ev.is_published else set()
    breakdown = {row["code"]: row for row in (ev.breakdown or [])}
    is_manager = any(
        a.role == Role.STATION_MANAGER and a.station_id == ev.station_id
        for a in user.active_assignments()
    )
    try:
        appeal = ev.appeal
    except Exception:
        appeal = None
    financial = None
    if cycle.phase == "final":
        try:
            from funding.selectors import personnel_share_for
        except ImportError:  # pragma: no cover - funding not installed
            personnel_share_for = None
        if personnel_share_for is not None:
            financial = personnel_share_for(ev.station_id, cycle.service_year)
    rows = []
    for lf in leaves:
        s = scores.get(lf.id)
        survey = means.get({"community": "community", "users": "users"}.get(lf.scorer, ""))
        suggestion = None
        if lf.scorer == Scorer.FINANCIAL and financial is not None and financial.share is not None:
            suggestion = rules.financial_suggestion(
                financial.share, financial.floor_percent, lf.max_score
            )
        rows.append(
            {
                "leaf": lf,
                "score": s,
                "self": self_entries.get(lf.id),
                "evidence": evidence.get(lf.id, []),
                "editable": lf.scorer in parts,
                "survey": survey,
                "result": breakdown.get(lf.code),
                "suggestion": suggestion,
                "scorer_label": Scorer(lf.scorer).label,
            }
        )
    is_city = user.has_role(*CITY_ROLES)
    in_self_window = rules.within(today, cycle.opens_on, cycle.self_due_on)
    in_appeal_window = rules.within(today, cycle.appeal_starts_on, cycle.appeal_due_on)
    is_evaluator = user.has_role(Role.EVALUATOR) and selectors.evaluator_has(user, ev, today)
    return {
        "evaluation": ev,
        "cycle": cycle,
        "rows": rows,
        "tree": tree,
        "is_city": is_city,
        "is_manager": is_manager,
        "is_evaluator": is_evaluator,
        "can_self": is_manager
        and not ev.self_submitted_at
        and in_self_window
        and not ev.is_published,
        "can_score": bool(parts)
        and ev.status not in (EvaluationStatus.IN_APPEAL, EvaluationStatus.PUBLISHED),
        "can_complete": (is_city or is_evaluator)
        and ev.status in (EvaluationStatus.NOT_STARTED, EvaluationStatus.SUBMITTED),
        "can_appeal": is_manager
        and ev.status == EvaluationStatus.SCORED
        and appeal is None
        and in_appeal_window,
        "appeal": appeal,
        "appeal_items": list(appeal.items.select_related("node")) if appeal else [],
        "appeal_evidence": list(appeal.evidence.all()) if appeal else [],
        "can_answer": appeal is not None
        and appeal.status == AppealStatus.FILED
        and (is_evaluator or is_city),
        "can_decide": appeal is not None and appeal.status == AppealStatus.ANSWERED and is_city,
        "can_publish": is_city and ev.status == EvaluationStatus.SCORED,
        "decisions": AppealDecision.choices,
        "assignments": list(
            EvaluatorAssignment.objects.filter(evaluation=ev).select_related("evaluator")
        )
        if (is_city or is_evaluator)
        else [],
        "assign_form": AssignForm(user=user) if is_city else None,
        "financial": financial,
        "is_final": cycle.phase == "final",
        "show_result": ev.total is not None,
        "dimension_scores": reports.dimension_rows(ev, tree) if ev.total is not None else [],
        "today": today,
        "grade_label": Grade(ev.grade).label if ev.grade else "",
    }


class EvaluationDetailView(ScopedMixin, TemplateView):
    model = Evaluation
    template_name = "evaluations/evaluation_detail.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ev = selectors.evaluation_get(self.request.user, self.kwargs["pk"])
        ctx.update(_detail_context(self.request, ev))
        return ctx


class SelfSaveView(PostActionView):
    def perform(self, ev):
        services.self_assessment_save(
            actor=self.request.user,
            evaluation=ev,
            node_id=self.request.POST.get("node"),
            text=self.request.POST.get("text", ""),
            files=self.request.FILES.getlist("files"),
            version=self.request.POST.get("version"),
        )
        return _("自评草稿已保存。")

    def conflict(self, request, obj, error: Conflict):
        if not isinstance(error, StaleVersion):
            return super().conflict(request, obj, error)
        # Keep what the manager wrote: the conflict page shows it to copy back.
        return render(
            request,
            "evaluations/self_conflict.html",
            {
                "status": 409,
                "title": _("无法保存"),
                "message": error.message,
                "text": request.POST.get("text", ""),
                "back": self.success_url(obj),
            },
            status=409,
        )


class SelfSubmitView(PostActionView):
    def perform(self, ev):
        services.self_assessment_submit(actor=self.request.user, evaluation=ev)
        return _("自评已提交，提交后不能再修改。")


class ScoresSaveView(PostActionView):
    def perform(self, ev):
        post = self.request.POST
        entries = []
        for key in post:
            if key.startswith("score_"):
                node_id = key.removeprefix("score_")
                entries.append(
                    services.ScoreInput(
                        node_id=int(node_id),
                        score=post[key],
                        comment=post.get(f"comment_{node_id}", ""),
                    )
                )
        try:
            version = int(post.get("version", ""))
        except ValueError:
            raise ValidationError(_("缺少评分表版本号，请刷新页面后重试。")) from None
        services.scores_save(
            actor=self.request.user, evaluation=ev, version=version, entries=entries
        )
        return _("评分已保存。")


class ScoringCompleteView(PostActionView):
    def perform(self, ev):
        services.scoring_complete(actor=self.request.user, evaluation=ev)
        return _("评分已完成，草稿结果已生成，站点可查看。")


class AppealFileView(PostActionView):
    def perform(self, ev):
        post = self.request.POST
        items = [
            services.AppealInput(
                node_id=int(n),
                requested_score=post.get(f"requested_{n}"),
                reason=post.get(f"item_reason_{n}", ""),
            )
            for n in post.getlist("nodes")
            if n.isdigit()
        ]
        services.appeal_file(
            actor=self.request.user,
            evaluation=ev,
            reason=post.get("reason", ""),
            items=items,
            files=self.request.FILES.getlist("files"),
        )
        return _("申诉已提交，等待评估机构答复。")


class AppealAnswerView(PostActionView):
    def perform(self, ev):
        appeal = (
            get_object_or_404(
                type(ev.appeal).objects.restrict(self.request.user, VIEW), evaluation=ev
            )
            if hasattr(ev, "appeal")
            else None
        )
        if appeal is None:
            raise Http404
        services.appeal_answer(
            actor=self.request.user, appeal=appeal, answer=self.request.POST.get("answer", "")
        )
        return _("已答复申诉。")


class AppealDecideView(PostActionView):
    def perform(self, ev):
        if not hasattr(ev, "appeal"):
            raise Http404
        post = self.request.POST
        scores = {
            int(k.removeprefix("decided_")): v for k, v in post.items() if k.startswith("decided_")
        }
        services.appeal_decide(
            actor=self.request.user,
            appeal=ev.appeal,
            decision=post.get("decision", ""),
            note=post.get("note", ""),
            scores=scores,
        )
        return _("已裁定申诉，结果已重新计算。")


class PublishView(PostActionView):
    def perform(self, ev):
        services.evaluation_publish(actor=self.request.user, evaluation=ev)
        return _("评估结果已发布。")


class AssignView(PostActionView):
    def perform(self, ev):
        if not self.request.user.has_role(*CITY_ROLES):
            raise PermissionDenied
        form = AssignForm(self.request.POST, user=self.request.user)
        if not form.is_valid():
            raise ValidationError(_("请选择评估人员。"))
        services.assignment_create(actor=self.request.user, evaluations=[ev], **form.cleaned_data)
        return _("已分派评估人员。")


class EvidenceDownloadView(ScopedMixin, View):
    model = Evidence

    def get(self, request, pk):
        f = get_object_or_404(Evidence.objects.restrict(request.user, VIEW), pk=pk)
        return protected_file_response(f.file, filename=f.name, content_type=f.content_type)


# --- results, charts, reports --------------------------------------------------------------


class ResultsView(ScopedMixin, TemplateView):
    """市级结果表与各区等级分布（ECharts）; ``?format=xlsx`` exports the table."""

    model = Cycle
    template_name = "evaluations/results.html"

    def get(self, request, *args, **kwargs):
        self.cycle = get_object_or_404(selectors.cycle_list(request.user), pk=kwargs["pk"])
        if request.GET.get("format") == "xlsx":
            return self.export()
        return super().get(request, *args, **kwargs)

    def export(self):
        rows = selectors.results_table(self.request.user, self.cycle)
        audit.record(AuditAction.EXPORT, instance=self.cycle, message=_("导出评估结果"))
        data = (
            [
                e.station.code,
                e.station.name,
                e.station.district.name,
                e.institution.name if e.institution else "",
                e.total,
                e.get_grade_display(),
                e.district_rank,
                e.get_status_display(),
            ]
            for e in rows.iterator(chunk_size=2000)
        )
        return xlsx_response(
            export_filename(f"评估结果-{self.cycle.name}"),
            [
                _("站点编号"),
                _("社工站"),
                _("区"),
                _("承接机构"),
                _("总分"),
                _("等级"),
                _("区内排名"),
                _("状态"),
            ],
            data,
        )

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        rows = selectors.results_rows(user, self.cycle)
        full = selectors.with_district_rank(
            rows.select_related("station", "station__district", "institution").defer("breakdown"),
            self.cycle,
        )
        paginator = IdPaginator(rows, PAGE_SIZE, load=lambda ids: full.filter(pk__in=ids))
        page = paginator.get_page(self.request.GET.get("page"))
        chart = selectors.grade_distribution(user, self.cycle)
        ctx.update(
            {
                "cycle": self.cycle,
                "page_obj": page,
                "paginator": paginator,
                "is_paginated": page.has_other_pages(),
                "results": page.object_list,
                "chart": chart,
                "districts": [
                    {"pk": pk, "name": name}
                    for pk, name in zip(chart["district_ids"], chart["districts"], strict=True)
                ],
            }
        )
        return ctx


class ReportPdfView(ScopedMixin, View):
    model = Evaluation

    def get(self, request, pk):
        ev = selectors.evaluation_get(request.user, pk)
        if ev.total is None:
            raise Http404
        if request.GET.get("format") == "html":
            return HttpResponse(reports.report_html([ev]))
        audit.record(AuditAction.EXPORT, instance=ev, message=_("导出评估报告PDF"))
        return HttpResponse(
            reports.report_pdf([ev]),
            content_type="application/pdf",
            headers={"Content-Disposition": f'attachment; filename="evaluation-{ev.pk}.pdf"'},
        )


class DistrictPackView(ScopedMixin, View):
    model = Evaluation

    def get(self, request, pk, district_id):
        cycle = get_object_or_404(selectors.cycle_list(request.user), pk=pk)
        evs = list(
            selectors.evaluations_in_scope(request.user, cycle)
            .filter(station__district_id=district_id, total__isnull=False)
            .select_related(
                "cycle",
                "cycle__framework",
                "station",
                "station__district",
                "institution",
                "policy_version",
            )
            .order_by("station__code")
        )
        if not evs:
            raise Http404
        audit.record(
            AuditAction.EXPORT,
            instance=cycle,
            message=_("导出区评估报告合集（%(n)s份）") % {"n": len(evs)},
        )
        return HttpResponse(
            reports.report_pdf(evs),
            content_type="application/pdf",
            headers={
                "Content-Disposition": f'attachment; filename="evaluations-{pk}-{district_id}.pdf"'
            },
        )


def station_tab(request, station) -> str:
    history = selectors.station_history(request.user, station)
    return render_to_string(
        "evaluations/station_tab.html",
        {
            "history": history,
            "trend": selectors.trend(history),
            "station": station,
        },
        request=request,
    )


class StationHistoryView(ScopedMixin, TemplateView):
    model = Station
    template_name = "evaluations/station_history.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        station = get_object_or_404(
            Station.objects.restrict(self.request.user, VIEW), pk=self.kwargs["pk"]
        )
        history = selectors.station_history(self.request.user, station)
        ctx.update({"station": station, "history": history, "trend": selectors.trend(history)})
        return ctx


# --- frameworks ----------------------------------------------------------------------------


class FrameworkListView(ScopedMixin, ListView):
    model = Framework
    template_name = "evaluations/framework_list.html"

    def get_queryset(self):
        return selectors.framework_list(self.request.user)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["is_city"] = self.request.user.has_role(*CITY_ROLES)
        ctx["form"] = FrameworkForm()
        ctx["import_form"] = FrameworkImportForm()
        return ctx


class FrameworkDetailView(ScopedMixin, TemplateView):
    model = Framework
    template_name = "evaluations/framework_detail.html"

    def get(self, request, *args, **kwargs):
        self.framework = get_object_or_404(
            Framework.objects.restrict(request.user, VIEW), pk=kwargs["pk"]
        )
        if request.GET.get("whatif") == "1" and not can_run_what_if(request.user):
            raise PermissionDenied
        if request.GET.get("format") == "xlsx":
            return xlsx_response(
                export_filename(f"指标体系-{self.framework.code}-v{self.framework.version}"),
                services.SHEET_COLUMNS,
                services.framework_rows(self.framework),
            )
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        tree = selectors.framework_tree(self.framework)
        user = self.request.user
        ctx.update(
            {
                "framework": self.framework,
                "rows": list(tree.rows()),
                "problems": selectors.framework_problems(tree),
                "is_city": user.has_role(*CITY_ROLES),
                "editable": not self.framework.is_frozen,
                "levels": NodeLevel.choices,
                "phases": NodePhase.choices,
                "scorers": Scorer.choices,
                "methods": Method.choices,
                "parents": [n for n in tree.nodes if n.level != NodeLevel.ITEM],
            }
        )
        can_what_if = can_run_what_if(user)
        last = selectors.last_results_cycle() if can_what_if else None
        if last is not None and self.request.GET.get("whatif") == "1":
            ctx["whatif_cycle"] = last
            ctx["whatif"] = selectors.what_if(user, self.framework, last)[:500]
        ctx["last_cycle"] = last
        ctx["can_what_if"] = can_what_if
        return ctx


class FrameworkCreateView(CityMixin, View):
    def post(self, request):
        form = FrameworkForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("请填写体系代码和名称。"))
            return HttpResponseRedirect(reverse("evaluations:framework_list"))
        try:
            fw = services.framework_create(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            messages.error(request, _errors(error))
            return HttpResponseRedirect(reverse("evaluations:framework_list"))
        return HttpResponseRedirect(reverse("evaluations:framework_detail", args=[fw.pk]))


class FrameworkImportView(CityMixin, View):
    def post(self, request):
        form = FrameworkImportForm(request.POST, request.FILES)
        if not form.is_valid():
            messages.error(request, _("请填写体系代码、名称并选择文件。"))
            return HttpResponseRedirect(reverse("evaluations:framework_list"))
        try:
            fw = services.framework_import(
                actor=request.user,
                upload=form.cleaned_data["file"],
                code=form.cleaned_data["code"],
                name=form.cleaned_data["name"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as error:
            messages.error(request, _errors(error))
            return HttpResponseRedirect(reverse("evaluations:framework_list"))
        messages.success(request, _("已导入为新版本草稿。"))
        return HttpResponseRedirect(reverse("evaluations:framework_detail", args=[fw.pk]))


class FrameworkActionView(CityMixin, View):
    """new version / adopt / add node / update node / delete node."""

    def post(self, request, pk, what):
        fw = get_object_or_404(Framework.objects.restrict(request.user, VIEW), pk=pk)
        post = request.POST
        target = fw
        try:
            if what == "new-version":
                target = services.framework_new_version(actor=request.user, framework=fw)
                messages.success(request, _("已生成新版本草稿。"))
            elif what == "adopt":
                services.framework_adopt(actor=request.user, framework=fw)
                messages.success(request, _("已启用。"))
            elif what == "add-node":
                parent = FrameworkNode.objects.filter(
                    framework=fw, pk=post.get("parent") or 0
                ).first()
                services.framework_node_add(
                    actor=request.user,
                    framework=fw,
                    parent=parent,
                    level=post.get("level", ""),
                    code=post.get("code", "").strip(),
                    name=post.get("name", "").strip(),
                    max_score=_dec(post.get("max_score")),
                    weight=_dec(post.get("weight")),
                    phase=post.get("phase") or NodePhase.BOTH,
                    scorer=post.get("scorer") or Scorer.EVALUATOR,
                    method=post.get("method") or "documents",
                    evidence=post.get("evidence", ""),
                )
                messages.success(request, _("已添加指标。"))
            elif what == "update-node":
                node = get_object_or_404(FrameworkNode, framework=fw, pk=post.get("node"))
                with transaction.atomic():
                    claim_version(node, post.get(VERSION_FIELD))
                    services.framework_node_update(
                        actor=request.user,
                        node=node,
                        name=post.get("name", node.name).strip(),
                        max_score=_dec(post.get("max_score")),
                        weight=_dec(post.get("weight")),
                    )
                messages.success(request, _("已修改指标。"))
            elif what == "delete-node":
                node = get_object_or_404(FrameworkNode, framework=fw, pk=post.get("node"))
                services.framework_node_delete(actor=request.user, node=node)
                messages.success(request, _("已删除指标。"))
            else:
                raise Http404
        except ValidationError as error:
            messages.error(request, _errors(error))
        except ValueError:
            messages.error(request, _("满分和权重须为数字。"))
        except Conflict as error:
            return _conflict(request, error)
        return HttpResponseRedirect(reverse("evaluations:framework_detail", args=[target.pk]))


def _dec(value):
    if value in (None, ""):
        return None
    return Decimal(str(value).strip())


# --- surveys -------------------------------------------------------------------------------


class SurveyOverviewView(CityMixin, TemplateView):
    """Issued links, responses and response rates per station and group."""

    template_name = "evaluations/surveys.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        cycle = get_object_or_404(selectors.cycle_list(user), pk=self.kwargs["pk"])
        page = Paginator(selectors.survey_rate_rows(user, cycle), PAGE_SIZE).get_page(
            self.request.GET.get("page")
        )
        ctx.update(
            {
                "cycle": cycle,
                "page_obj": page,
                "paginator": page.paginator,
                "is_paginated": page.has_other_pages(),
                "rates": [selectors.survey_rate(r) for r in page.object_list],
                "totals": selectors.survey_totals(user, cycle),
                "questions": [
                    (label, selectors.survey_questions(group))
                    for group, label in RespondentGroup.choices
                ],
                "can_edit_questions": user.has_role(Role.CITY_ADMIN),
            }
        )
        return ctx


class SurveyLinksView(CityMixin, TemplateView):
    """A station's links with QR codes (inline SVG) and the form to issue more."""

    template_name = "evaluations/survey_links.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ev = selectors.evaluation_get(self.request.user, self.kwargs["pk"])
        links = list(
            SurveyLink.objects.restrict(self.request.user, VIEW)
            .filter(evaluation=ev)
            .order_by("group", "pk")
        )
        show_qr = self.request.GET.get("qr") == "1"
        rows = []
        for link in links:
            url = self.request.build_absolute_uri(
                reverse("evaluations:survey_answer", args=[link.token])
            )
            rows.append(
                {
                    "link": link,
                    "url": url,
                    "qr": reports.qr_svg(url) if show_qr and not link.answered_at else "",
                }
            )
        ctx.update({"evaluation": ev, "rows": rows, "form": SurveyIssueForm(), "show_qr": show_qr})
        return ctx

    def post(self, request, pk):
        ev = selectors.evaluation_get(request.user, pk)
        form = SurveyIssueForm(request.POST)
        if form.is_valid():
            try:
                services.survey_links_issue(actor=request.user, evaluation=ev, **form.cleaned_data)
            except ValidationError as error:
                messages.error(request, _errors(error))
            except Conflict as error:
                return _conflict(request, error)
            else:
                messages.success(request, _("已发放问卷链接。"))
        else:
            messages.error(request, _("链接数量须在1到200之间。"))
        return HttpResponseRedirect(reverse("evaluations:survey_links", args=[pk]))


def _client_key(request) -> str:
    from portal.middleware import client_ip

    return f"evaluations:survey-rate:{client_ip(request) or 'unknown'}"


def _rate_limited(request) -> bool:
    from portal import ratelimit

    return ratelimit.hit(_client_key(request), limit=SURVEY_RATE_LIMIT, window=SURVEY_RATE_WINDOW)


@method_decorator(csrf_protect, name="dispatch")
class SurveyAnswerView(View):
    """The public survey page: no account, no personal data, one answer per link."""

    template_name = "evaluations/survey_answer.html"

    def _page(self, request, link, *, errors=(), status=200, done=False, message=""):
        questions = selectors.survey_questions(link.group) if link else []
        return render(
            request,
            self.template_name,
            {
                "link": link,
                "questions": questions,
                "errors": errors,
                "done": done,
                "message": message,
                "scale": range(1, 6),
                "posted": request.POST,
            },
            status=status,
        )

    def get(self, request, token):
        link = services.survey_link_open(token)
        if link is None:
            raise Http404
        if link.answered_at:
            return self._page(request, link, status=409, message=_(services.SURVEY_ANSWERED))
        if not services.survey_is_open(link):
            return self._page(request, link, status=409, message=_(services.SURVEY_CLOSED))
        return self._page(request, link)

    def post(self, request, token):
        if _rate_limited(request):
            return HttpResponse(
                _("提交过于频繁，请稍后再试。"),
                status=429,
                content_type="text/plain; charset=utf-8",
            )
        link = services.survey_link_open(token)
        if link is None:
            raise Http404
        answers = {k: request.POST.get(k) for k, _t in selectors.survey_questions(link.group)}
        try:
            services.survey_answer(
                token=token, answers=answers, comment=request.POST.get("comment", "")
            )
        except ValidationError as error:
            return self._page(request, link, errors=error.messages, status=400)
        except Conflict as error:
            return self._page(request, link, status=409, message=error.message)
        return self._page(request, link, done=True)


survey_answer_view = public_view(SurveyAnswerView.as_view())
