"""Talent pages: people (scoped, ID numbers masked), the staffing board, city figures,
training programmes and the roster import."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters, sensitive_variables
from django.views.generic import DetailView, FormView, ListView, TemplateView

from portal import audit, clock, crypto
from portal.choices import AuditAction
from portal.errors import Conflict
from portal.exports import export_filename, xlsx_response
from portal.forms.base import apply_errors
from portal.imports import ImportRefused, template_response
from portal.query import DistrictQuery, YearQuery, read_query
from portal.scoping import ADD, CHANGE, VIEW, roles_allowed, stations_for, user_may
from portal.versioning import VersionedFormViewMixin
from portal.views.listing import FilteredListMixin
from portal.views.mixins import RoleRequiredMixin, ScopedMixin
from talent import roster, selectors, services
from talent.choices import CertificateLevel, HonourKind, HonourLevel
from talent.filtersets import ProgrammeFilterSet, WorkerFilterSet
from talent.forms import (
    AttendanceForm,
    BoardFilterForm,
    CERecordForm,
    CertificateForm,
    CompleteForm,
    EmploymentEndForm,
    EmploymentForm,
    EnrolForm,
    HonourForm,
    IdLookupForm,
    ProgrammeForm,
    RegistrationForm,
    RosterUploadForm,
    SessionForm,
    UnmaskForm,
    WorkerHireForm,
    WorkerUpdateForm,
)
from talent.models import (
    OPERATING,
    Attendance,
    CERecord,
    Certificate,
    Employment,
    Enrolment,
    Honour,
    Registration,
    SocialWorker,
    TrainingProgramme,
    TrainingSession,
)

BOARD_PAGE = selectors.BOARD_PAGE
# Why a third-party evaluator or an inspector is refused the roster and the staffing board.
NOT_A_ROSTER_ROLE = gettext_lazy(
    "社工名册和人员配备看板仅供民政部门、承接机构和社工站人员使用，"
    "第三方评估人员和督查人员无权查看。"
)


# --- building blocks ------------------------------------------------------------------------


class RosterRoleMixin:
    """Pages over the roster as a whole (the people list, its search box, the staffing
    board): 403 with ``NOT_A_ROSTER_ROLE`` for a signed-in user with no operating role,
    rather than an empty list on one page and a bare 403 on the next."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not request.user.has_role(*OPERATING):
            raise PermissionDenied(str(NOT_A_ROSTER_ROLE))
        return super().dispatch(request, *args, **kwargs)


class ServiceFormView(ScopedMixin, FormView):
    """A form page whose ``perform`` calls a service; Chinese errors land on the form."""

    template_name = "talent/form.html"
    success_message = ""
    page_title = ""

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["user"] = self.request.user
        return kwargs

    def perform(self, form):
        raise NotImplementedError

    def form_valid(self, form):
        try:
            self.result = self.perform(form)
        except ValidationError as error:
            apply_errors(form, error)
            return self.form_invalid(form)
        except Conflict as error:
            form.add_error(None, error.message)
            response = self.form_invalid(form)
            response.status_code = 409
            return response
        if self.success_message:
            messages.success(self.request, self.success_message)
        return HttpResponseRedirect(self.get_success_url())

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["page_title"] = self.page_title
        context["cancel_url"] = self.get_cancel_url()
        return context

    def get_cancel_url(self):
        return reverse("talent:worker_list")


class PersonMixin:
    """Pages under ``/talent/people/<pk>/``: the person from restrict (404 outside scope),
    403 when the page changes them and the user may only look."""

    person_action = CHANGE

    def get_person(self) -> SocialWorker:
        if not hasattr(self, "_person"):
            self._person = get_object_or_404(
                SocialWorker.objects.restrict(self.request.user, VIEW), pk=self.kwargs["pk"]
            )
            if self.person_action != VIEW and not user_may(
                self.request.user, self.person_action, self._person
            ):
                raise PermissionDenied
        return self._person

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.get_person()
        return super().dispatch(request, *args, **kwargs)

    def get_success_url(self):
        return reverse("talent:worker_detail", args=[self.get_person().pk])

    def get_cancel_url(self):
        return self.get_success_url()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["person"] = self.get_person()
        return context


# --- people ---------------------------------------------------------------------------------


class WorkerListView(RosterRoleMixin, FilteredListMixin, ScopedMixin, ListView):
    model = SocialWorker
    filterset_class = WorkerFilterSet
    template_name = "talent/worker_list.html"
    export_stem = gettext_lazy("社工名册")
    paginate_by = 50
    # Keys of WorkerFilterSet's ordering ("o"); each names a column header of the table.
    sort_columns = (
        ("name", gettext_lazy("姓名")),
        ("registration_expires_on", gettext_lazy("登记有效期至")),
        ("ce_hours", gettext_lazy("本期继续教育学时")),
    )

    def base_queryset(self):
        return selectors.worker_rows(self.request.user).order_by("name", "pk")

    def get(self, request, *args, **kwargs):
        if request.GET.get("export") == "xlsx" and request.GET.get("unmask") == "1":
            return self.export_unmasked()
        return super().get(request, *args, **kwargs)

    def export_headers(self):
        return [
            _("姓名"),
            _("身份证号"),
            _("性别"),
            _("手机号"),
            _("学历"),
            _("专业"),
            _("毕业院校"),
            _("当前社工站"),
            _("承接机构"),
            _("岗位"),
            _("最高证书等级"),
            _("登记有效期至"),
            _("本期继续教育学时"),
            _("本期应修学时"),
        ]

    def _row(self, p, id_number):
        return [
            p.name,
            id_number,
            p.get_sex_display(),
            p.phone,
            p.get_education_level_display(),
            p.major,
            p.school,
            p.post_station or "",
            p.post_institution or "",
            _position_label(p.post_position),
            p.get_highest_level_display(),
            p.registration_expires_on,
            p.ce_hours,
            p.ce_required,
        ]

    def export_rows(self, queryset):
        for p in queryset.iterator(chunk_size=2000):
            yield self._row(p, p.id_number_masked)

    def export_unmasked(self):
        user = self.request.user
        queryset = self.get_queryset()
        reason = self.request.GET.get("reason", "")
        try:
            services.export_unmask_audit(actor=user, count=queryset.count(), reason=reason)
        except ValidationError:
            messages.error(self.request, _(services.REASON_REQUIRED))
            return HttpResponseRedirect(reverse("talent:worker_list"))
        allowed = services.unmaskable_person_ids(user)
        allowed_ids = None if allowed is None else set(allowed)

        def rows():
            for p in queryset.iterator(chunk_size=2000):
                full = allowed_ids is None or p.pk in allowed_ids
                yield self._row(
                    p, crypto.decrypt(p.id_number_cipher) if full else p.id_number_masked
                )

        return xlsx_response(
            export_filename(str(self.export_stem)),
            self.export_headers(),
            rows(),
            title=str(self.export_stem),
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context["can_hire"] = stations_for(user, Employment, ADD).exists()
        context["can_unmask"] = services.may_unmask_some(user)
        context["lookup_form"] = IdLookupForm(user=user)
        for p in context["object_list"]:
            p.post_position_label = _position_label(p.post_position)
        return context


def _position_label(value):
    from talent.choices import Position

    return Position(value).label if value in Position.values else ""


@method_decorator(sensitive_post_parameters("id_number"), name="dispatch")
class WorkerLookupView(ScopedMixin, View):
    """Find a person by their full ID number, posted (never in a URL) and matched by hash."""

    model = SocialWorker

    def post(self, request):
        form = IdLookupForm(request.POST, user=request.user)
        if form.is_valid():
            digest = services.id_number_hash(form.cleaned_data["id_number"])
            person = (
                SocialWorker.objects.restrict(request.user, VIEW)
                .filter(id_number_hash=digest)
                .first()
            )
            if person is not None:
                return HttpResponseRedirect(reverse("talent:worker_detail", args=[person.pk]))
        messages.warning(request, _("在您的可见范围内没有找到该身份证号的社工。"))
        return HttpResponseRedirect(reverse("talent:worker_list"))


@method_decorator(never_cache, name="dispatch")
class PersonSearchView(RosterRoleMixin, ScopedMixin, View):
    """Behind the person search box of the enrolment form (``EnrolForm``):
    ``GET ?q=…`` → ``{"results": [{"id", "text"}]}``, a few people in post in the user's
    scope, each as name and masked ID number."""

    model = SocialWorker

    def get(self, request):
        rows = selectors.person_suggestions(request.user, request.GET.get("q", ""))
        return JsonResponse({"results": rows})


@method_decorator(sensitive_post_parameters("id_number"), name="dispatch")
class WorkerHireView(ServiceFormView):
    model = Employment
    scope_action = ADD
    form_class = WorkerHireForm
    page_title = gettext_lazy("登记社工")
    success_message = gettext_lazy("已登记社工及其任职记录。")

    @method_decorator(sensitive_variables("data", "form"))
    def perform(self, form):
        data = dict(form.cleaned_data)
        person, _employment = services.worker_hire(actor=self.request.user, **data)
        self.person = person
        return person

    def get_success_url(self):
        return reverse("talent:worker_detail", args=[self.person.pk])


@method_decorator(never_cache, name="dispatch")
class WorkerDetailView(ScopedMixin, DetailView):
    model = SocialWorker
    template_name = "talent/worker_detail.html"
    context_object_name = "person"
    revealed_id = None
    unmask_form = None

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user, person = self.request.user, self.object
        context.update(
            file=selectors.person_file(user=user, person=person),
            can_change=user_may(user, CHANGE, person),
            can_unmask=services.can_unmask(user, person),
            can_add_honour=bool(roles_allowed(user, Honour, ADD)),
            unmask_form=self.unmask_form or UnmaskForm(user=user),
            revealed_id=self.revealed_id,
            today=clock.today(),
            history=audit.history(person)[:30] if user_may(user, CHANGE, person) else [],
        )
        return context


@method_decorator(never_cache, name="dispatch")
class WorkerUnmaskView(WorkerDetailView):
    """POST a reason, get the page back once with the full ID number (audited)."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        self.object = self.get_object()
        form = UnmaskForm(request.POST, user=request.user)
        if form.is_valid():
            try:
                self.revealed_id = services.worker_id_number_reveal(
                    actor=request.user, person=self.object, reason=form.cleaned_data["reason"]
                )
            except ValidationError as error:
                apply_errors(form, error)
        self.unmask_form = form
        response = self.render_to_response(self.get_context_data(object=self.object))
        response["Cache-Control"] = "no-store"
        return response


class WorkerUpdateView(VersionedFormViewMixin, PersonMixin, ServiceFormView):
    model = SocialWorker
    scope_action = CHANGE
    form_class = WorkerUpdateForm
    page_title = gettext_lazy("编辑社工信息")
    success_message = gettext_lazy("已保存。")

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["instance"] = self.get_person()
        return kwargs

    def get_versioned_object(self):
        return self.get_person()

    def perform(self, form):
        return services.worker_update(
            actor=self.request.user,
            person=self.get_person(),
            **{k: form.cleaned_data[k] for k in form.Meta.fields},
        )


class EmploymentAddView(PersonMixin, ServiceFormView):
    model = Employment
    scope_action = ADD
    form_class = EmploymentForm
    page_title = gettext_lazy("新增任职记录")
    success_message = gettext_lazy("已新增任职记录。")
    person_action = VIEW

    def perform(self, form):
        return services.employment_add(
            actor=self.request.user, person=self.get_person(), **form.cleaned_data
        )


class EmploymentEndView(VersionedFormViewMixin, ServiceFormView):
    model = Employment
    scope_action = CHANGE
    form_class = EmploymentEndForm
    page_title = gettext_lazy("结束任职")
    success_message = gettext_lazy("已记录离职。")

    def get_versioned_object(self):
        return self.get_employment()

    def get_employment(self):
        if not hasattr(self, "_employment"):
            self._employment = get_object_or_404(
                Employment.objects.restrict(self.request.user, VIEW), pk=self.kwargs["pk"]
            )
            if not user_may(self.request.user, CHANGE, self._employment):
                raise PermissionDenied
        return self._employment

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.get_employment()
        return super().dispatch(request, *args, **kwargs)

    def perform(self, form):
        return services.employment_end(
            actor=self.request.user, employment=self.get_employment(), **form.cleaned_data
        )

    def get_success_url(self):
        return reverse("talent:worker_detail", args=[self.get_employment().person_id])

    get_cancel_url = get_success_url


class CertificateAddView(PersonMixin, ServiceFormView):
    model = Certificate
    scope_action = ADD
    form_class = CertificateForm
    page_title = gettext_lazy("登记职业水平证书")
    success_message = gettext_lazy("已登记证书。")

    def perform(self, form):
        return services.certificate_add(
            actor=self.request.user, person=self.get_person(), **form.cleaned_data
        )


class RegistrationAddView(PersonMixin, ServiceFormView):
    model = Registration
    scope_action = ADD
    form_class = RegistrationForm
    page_title = gettext_lazy("办理登记")
    success_message = gettext_lazy("已办理登记。")

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["person"] = self.get_person()
        return kwargs

    def perform(self, form):
        return services.registration_add(actor=self.request.user, **form.cleaned_data)


class RegistrationRenewView(ScopedMixin, View):
    model = Registration
    scope_action = CHANGE

    def post(self, request, pk):
        registration = get_object_or_404(Registration.objects.restrict(request.user, VIEW), pk=pk)
        try:
            services.registration_renew(actor=request.user, registration=registration)
            messages.success(request, _("已办理续期。"))
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        return HttpResponseRedirect(reverse("talent:worker_detail", args=[registration.person_id]))


class CERecordAddView(PersonMixin, ServiceFormView):
    model = CERecord
    scope_action = ADD
    form_class = CERecordForm
    page_title = gettext_lazy("登记继续教育学时")
    success_message = gettext_lazy("已登记继续教育学时。")
    person_action = VIEW

    def perform(self, form):
        return services.ce_record_add(
            actor=self.request.user, person=self.get_person(), **form.cleaned_data
        )


class HonourAddView(PersonMixin, ServiceFormView):
    model = Honour
    scope_action = ADD
    form_class = HonourForm
    page_title = gettext_lazy("登记荣誉")
    success_message = gettext_lazy("已登记荣誉。")
    person_action = VIEW

    def perform(self, form):
        return services.honour_add(
            actor=self.request.user, person=self.get_person(), **form.cleaned_data
        )


# --- staffing board and figures ------------------------------------------------------------------


class BoardView(RosterRoleMixin, RoleRequiredMixin, TemplateView):
    roles = OPERATING
    template_name = "talent/board.html"

    def district_id(self):
        return read_query(self.request, DistrictQuery)["district"]

    def get(self, request, *args, **kwargs):
        if request.GET.get("export") == "xlsx":
            return self.export()
        return super().get(request, *args, **kwargs)

    def board(self):
        return selectors.staffing_board(self.request.user, district_id=self.district_id())

    def export(self):
        board = self.board()
        selectors.fill_operators(board)
        audit.record(
            AuditAction.EXPORT,
            object_type="talent.employment",
            object_repr=_("人员配置看板"),
            message=_("导出人员配置看板%(n)s个社工站") % {"n": len(board)},
        )
        headers = [
            _("站点编号"),
            _("社工站"),
            _("区"),
            _("镇街"),
            _("承接机构"),
            _("在岗全职"),
            _("标准"),
            _("缺编"),
            _("持证"),
            _("持证占比（%）"),
            _("助理社会工作师"),
            _("社会工作师"),
            _("高级社会工作师"),
            _("站长在岗"),
            _("副站长在岗"),
            _("年内离职"),
            _("流失率（%）"),
            _("续期期内到期"),
            _("30天内到期"),
            _("7天内到期"),
            _("登记已过期"),
            _("学时不足"),
        ]
        rows = (
            [
                r.code,
                r.name,
                r.district,
                r.subdistrict,
                r.operator,
                r.headcount,
                r.standard,
                r.vacancies,
                r.certified,
                r.certified_percent,
                r.assistant,
                r.intermediate,
                r.senior,
                r.head_in_post,
                r.deputy_in_post,
                r.leavers,
                r.turnover_percent,
                r.expiring_window,
                r.expiring_30,
                r.expiring_7,
                r.lapsed,
                r.ce_shortfalls,
            ]
            for r in board
        )
        return xlsx_response(
            export_filename(_("人员配置看板")), headers, rows, title=_("人员配置看板")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        filter_form = BoardFilterForm(self.request.GET or None, user=self.request.user)
        district = filter_form.cleaned_data.get("district") if filter_form.is_valid() else None
        # Totals in one query, the page's rows in another: the whole board never reaches Python.
        board = selectors.staffing(self.request.user, district_id=district.pk if district else None)
        page = board.page(self.request.GET.get("page"), BOARD_PAGE)
        rows = list(page.object_list)
        selectors.fill_operators(rows)
        context.update(
            page_obj=page,
            rows=rows,
            is_paginated=page.has_other_pages(),
            paginator=page.paginator,
            totals=board.totals(),
            filter_form=filter_form,
            export_query=self._export_query(),
        )
        return context

    def _export_query(self):
        params = self.request.GET.copy()
        params.pop("page", None)
        params["export"] = "xlsx"
        return params.urlencode()


class FiguresView(RoleRequiredMixin, TemplateView):
    roles = OPERATING
    template_name = "talent/figures.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        districts = selectors.district_level_figures(user)
        honours = selectors.honour_figures(user)
        year = clock.today().year
        level_labels = dict(HonourLevel.choices)
        kind_labels = dict(HonourKind.choices)
        context.update(
            districts=districts,
            honours=[
                {
                    **h,
                    "level_label": level_labels.get(h["level"], h["level"]),
                    "kind_label": kind_labels.get(h["kind"], h["kind"]),
                }
                for h in honours
            ],
            pass_rate=selectors.pre_exam_pass_rate(user, year=year),
            pass_rate_last=selectors.pre_exam_pass_rate(user, year=year - 1),
            year=year,
            chart_data={
                "districts": [d["district"] for d in districts],
                "levels": [
                    {"key": key, "name": str(label), "values": [d[key] for d in districts]}
                    for key, label in CertificateLevel.choices
                ],
                "uncertified": {
                    "name": _("未持证"),
                    "values": [d["uncertified"] for d in districts],
                },
                "honours": [
                    {
                        "name": f"{level_labels.get(h['level'])}·{kind_labels.get(h['kind'])}",
                        "value": h["count"],
                    }
                    for h in honours
                ],
                "labels": {
                    "levels": _("各区持证社工（按最高证书等级）"),
                    "honours": _("荣誉（按级别和类别）"),
                },
            },
        )
        return context


# --- training programmes ---------------------------------------------------------------------


class ProgrammeListView(FilteredListMixin, ScopedMixin, ListView):
    model = TrainingProgramme
    filterset_class = ProgrammeFilterSet
    template_name = "talent/programme_list.html"
    export_stem = gettext_lazy("培训项目")

    def base_queryset(self):
        return selectors.programme_rows(self.request.user).order_by("-year", "kind", "title")

    def export_headers(self):
        return [
            _("年度"),
            _("类别"),
            _("项目名称"),
            _("承办单位"),
            _("预算（元）"),
            _("名额"),
            _("课次"),
            _("报名"),
            _("结业"),
            _("参考人数"),
            _("通过人数"),
        ]

    def export_rows(self, queryset):
        for p in queryset:
            yield [
                p.year,
                p.get_kind_display(),
                p.title,
                p.provider,
                p.budget,
                p.places,
                p.session_count,
                p.enrolled,
                p.completed,
                p.sat_exam,
                p.passed_exam,
            ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_add"] = bool(roles_allowed(self.request.user, TrainingProgramme, ADD))
        context["budget"] = selectors.programme_budget(
            self.request.user,
            year=read_query(self.request, YearQuery)["year"] or clock.today().year,
        )
        for p in context["object_list"]:
            p.pass_rate = selectors.pass_rate(p.passed_exam, p.sat_exam)
        return context


class ProgrammeCreateView(ServiceFormView):
    model = TrainingProgramme
    scope_action = ADD
    form_class = ProgrammeForm
    page_title = gettext_lazy("新建培训项目")
    success_message = gettext_lazy("已新建培训项目。")

    def perform(self, form):
        self.programme = services.programme_create(actor=self.request.user, **form.cleaned_data)
        return self.programme

    def get_success_url(self):
        return reverse("talent:programme_detail", args=[self.programme.pk])

    def get_cancel_url(self):
        return reverse("talent:programme_list")


class ProgrammeDetailView(ScopedMixin, DetailView):
    model = TrainingProgramme
    template_name = "talent/programme_detail.html"
    context_object_name = "programme"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user, programme = self.request.user, self.object
        enrolments = list(
            Enrolment.objects.restrict(user, VIEW)
            .filter(programme=programme)
            .select_related("person", "institution", "ce_record")
            .prefetch_related(
                Prefetch(
                    "attendances", queryset=Attendance.objects.only("enrolment_id", "session_id")
                )
            )
            .order_by("person__name")
        )
        sessions = list(programme.sessions.order_by("held_on", "pk"))
        for e in enrolments:
            attended = {a.session_id for a in e.attendances.all()}
            e.attended_count = len(attended)
        context.update(
            sessions=sessions,
            enrolments=enrolments,
            can_change=user_may(user, CHANGE, programme),
            can_enrol=bool(roles_allowed(user, Enrolment, ADD)),
        )
        return context


class ProgrammeChildMixin:
    def get_programme(self) -> TrainingProgramme:
        if not hasattr(self, "_programme"):
            self._programme = get_object_or_404(
                TrainingProgramme.objects.restrict(self.request.user, VIEW), pk=self.kwargs["pk"]
            )
        return self._programme

    def get_success_url(self):
        return reverse("talent:programme_detail", args=[self.get_programme().pk])

    def get_cancel_url(self):
        return self.get_success_url()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["programme"] = self.get_programme()
        return context


class SessionAddView(ProgrammeChildMixin, ServiceFormView):
    model = TrainingSession
    scope_action = ADD
    form_class = SessionForm
    page_title = gettext_lazy("新增培训课次")
    success_message = gettext_lazy("已新增课次。")

    def perform(self, form):
        return services.session_add(
            actor=self.request.user, programme=self.get_programme(), **form.cleaned_data
        )


class EnrolView(ProgrammeChildMixin, ServiceFormView):
    model = Enrolment
    scope_action = ADD
    form_class = EnrolForm
    page_title = gettext_lazy("报名")
    success_message = gettext_lazy("已报名。")

    def perform(self, form):
        return services.enrolment_add(
            actor=self.request.user,
            programme=self.get_programme(),
            person=form.cleaned_data["person"],
        )


class AttendanceView(ServiceFormView):
    model = Attendance
    scope_action = ADD
    form_class = AttendanceForm
    page_title = gettext_lazy("记录出勤")
    success_message = gettext_lazy("已记录出勤。")

    def get_session(self) -> TrainingSession:
        if not hasattr(self, "_session"):
            self._session = get_object_or_404(
                TrainingSession.objects.restrict(self.request.user, VIEW).select_related(
                    "programme"
                ),
                pk=self.kwargs["pk"],
            )
        return self._session

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["session"] = self.get_session()
        return kwargs

    def perform(self, form):
        return services.attendance_record(
            actor=self.request.user,
            session=self.get_session(),
            enrolments=form.cleaned_data["enrolments"],
        )

    def get_success_url(self):
        return reverse("talent:programme_detail", args=[self.get_session().programme_id])

    get_cancel_url = get_success_url


class CompleteView(VersionedFormViewMixin, ServiceFormView):
    model = Enrolment
    scope_action = CHANGE
    form_class = CompleteForm
    page_title = gettext_lazy("记录结业并计入继续教育学时")
    success_message = gettext_lazy("已记录结业，学时已计入。")

    def get_versioned_object(self):
        return self.get_enrolment()

    def get_enrolment(self) -> Enrolment:
        if not hasattr(self, "_enrolment"):
            self._enrolment = get_object_or_404(
                Enrolment.objects.restrict(self.request.user, VIEW).select_related("programme"),
                pk=self.kwargs["pk"],
            )
            if not user_may(self.request.user, CHANGE, self._enrolment):
                raise PermissionDenied
        return self._enrolment

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.get_enrolment()
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self):
        return {"completed_on": clock.today()}

    def perform(self, form):
        passed = form.cleaned_data.get("exam_passed")
        return services.enrolment_complete(
            actor=self.request.user,
            enrolment=self.get_enrolment(),
            completed_on=form.cleaned_data["completed_on"],
            exam_passed=passed,
        )

    def get_success_url(self):
        return reverse("talent:programme_detail", args=[self.get_enrolment().programme_id])

    get_cancel_url = get_success_url


# --- roster import -----------------------------------------------------------------------------


class RosterImportView(ScopedMixin, FormView):
    model = Employment
    scope_action = ADD
    form_class = RosterUploadForm
    template_name = "talent/import.html"

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["user"] = self.request.user
        return kwargs

    def form_valid(self, form):
        try:
            result = roster.roster_import(
                actor=self.request.user, fileobj=form.cleaned_data["file"]
            )
        except ImportRefused as error:
            form.add_error("file", error.message)
            return self.form_invalid(form)
        status = 200 if result.ok else 400
        return render(
            self.request,
            self.template_name,
            self.get_context_data(form=form, result=result),
            status=status,
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["columns"] = roster.COLUMNS
        return context


class RosterTemplateView(ScopedMixin, View):
    model = Employment
    scope_action = ADD

    def get(self, request):
        return template_response(_("社工名册导入模板"), roster.COLUMNS, roster.template_rows())


def staff_tab(request, station) -> str:
    """The station page's staff tab: who is in post today (names and posts only)."""
    from django.template.loader import render_to_string

    rows = list(selectors.station_staff(request.user, station=station))
    board = selectors.staffing_board(
        request.user,
        stations=station.__class__.objects.restrict(request.user, VIEW).filter(pk=station.pk),
    )
    return render_to_string(
        "talent/station_tab.html",
        {
            "rows": rows,
            "staffing": board[0] if board else None,
            "station": station,
            "today": clock.today(),
        },
        request=request,
    )


class IndexView(RoleRequiredMixin, View):
    roles = OPERATING

    def get(self, request):
        return HttpResponseRedirect(reverse("talent:worker_list"))
