"""Pages of the services app: catalogue, service users, records (phone-first entry), monthly
reports, targets and the boards. Writes go through ``services.services``; lists through
``restrict``."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import DetailView, ListView, TemplateView

from portal import audit, clock
from portal.choices import AuditAction, Role
from portal.errors import Conflict
from portal.exports import export_filename, xlsx_response
from portal.scoping import ADD, CHANGE, VIEW, roles_allowed, user_may
from portal.views.listing import FilteredListMixin
from portal.views.mixins import ScopedMixin
from services import selectors, services
from services.filtersets import RecordFilterSet, ReportFilterSet, ServiceUserFilterSet
from services.forms import ReasonForm, RecordForm, ReportDecisionForm, ServiceUserForm
from services.models import (
    APPROVE,
    REVIEW,
    CatalogueVersion,
    MonthlyAggregate,
    MonthlyReport,
    ServiceField,
    ServiceKind,
    ServiceRecord,
    ServiceTarget,
    ServiceUser,
    TargetGroup,
    Tier,
)
from services.services.catalogue import ITEM_MODELS
from services.services.targets import FIELDS as TARGET_FIELDS
from services.services.users import is_serving_station

BOARD_ROLES = frozenset(
    {
        Role.CITY_ADMIN,
        Role.CITY_OFFICER,
        Role.DISTRICT_OFFICER,
        Role.SUBDISTRICT_OFFICER,
        Role.INSTITUTION_ADMIN,
        Role.STATION_MANAGER,
    }
)


def _conflict(request, message: str):
    return render(
        request,
        "errors/error.html",
        {"status": 409, "title": _("无法修改"), "message": message},
        status=409,
    )


def _errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errs in error.message_dict.items():
            target = field if field in form.fields else None
            if field == "fields" and "fields_" in form.fields:
                target = "fields_"
            for e in errs:
                form.add_error(target, e)
    else:
        for e in error.messages:
            form.add_error(None, e)


def _year(request) -> int:
    raw = request.GET.get("year", "")
    today = clock.today()
    try:
        year = int(raw)
    except ValueError:
        return today.year
    return year if 2000 <= year <= today.year + 1 else today.year


# --- catalogue --------------------------------------------------------------------------------


class CatalogueView(ScopedMixin, TemplateView):
    """The city officer keeps the 113X catalogue: words and flags, new versions."""

    model = CatalogueVersion
    template_name = "services/catalogue.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        versions = list(selectors.catalogue_versions(self.request.user))
        chosen = self.request.GET.get("version")
        current = next((v for v in versions if str(v.pk) == chosen), None) or (
            selectors.catalogue_in_force()
        )
        ctx.update(
            versions=versions,
            version=current,
            tiers=Tier.objects.filter(version=current),
            fields=ServiceField.objects.filter(version=current),
            groups=TargetGroup.objects.filter(version=current).select_related("parent"),
            kinds=ServiceKind.objects.filter(version=current),
            can_edit=bool(roles_allowed(self.request.user, CatalogueVersion, CHANGE)),
        )
        return ctx

    def post(self, request, *args, **kwargs):
        if not roles_allowed(request.user, CatalogueVersion, CHANGE):
            raise PermissionDenied
        if request.POST.get("new_version"):
            from django.utils.dateparse import parse_date

            on = parse_date(request.POST.get("effective_from") or "")
            try:
                if on is None:
                    raise ValidationError(_("请填写新版本的生效日期（YYYY-MM-DD）。"))
                version = services.catalogue_version_create(
                    actor=request.user, effective_from=on, name=request.POST.get("name", "")
                )
            except ValidationError as error:
                for e in error.messages:
                    messages.error(request, e)
                return redirect("services:catalogue")
            messages.success(request, _("已新建服务目录版本。"))
            return redirect(f"{reverse('services:catalogue')}?version={version.pk}")
        model = ITEM_MODELS.get(request.POST.get("item_type", ""))
        if model is None:
            raise Http404
        try:
            item = model.objects.restrict(request.user, VIEW).get(pk=request.POST.get("item_id"))
        except (model.DoesNotExist, ValueError) as exc:
            raise Http404 from exc
        values = {"name": request.POST.get("name", ""), "note": request.POST.get("note", "")}
        for flag in ("basic_guarantee", "sensitive"):
            if f"has_{flag}" in request.POST:
                values[flag] = flag in request.POST
        for limit in ("max_person_times", "max_hours"):
            if limit in request.POST:
                values[limit] = request.POST[limit]
        try:
            services.catalogue_item_update(actor=request.user, item=item, values=values)
        except Conflict as error:
            return _conflict(request, error.message)
        except ValidationError as error:
            for e in error.messages:
                messages.error(request, e)
        else:
            messages.success(request, _("已保存「%(name)s」。") % {"name": item.name})
        return redirect(f"{reverse('services:catalogue')}?version={item.version_id}")


# --- service users ----------------------------------------------------------------------------


class ServiceUserListView(FilteredListMixin, ScopedMixin, ListView):
    model = ServiceUser
    template_name = "services/user_list.html"
    context_object_name = "people"
    filterset_class = ServiceUserFilterSet
    export_stem = _("服务对象")

    def base_queryset(self):
        return selectors.service_user_list(self.request.user)

    def export_headers(self):
        return [
            _("社工站"),
            _("姓名"),
            _("性别"),
            _("出生年份"),
            _("村居"),
            _("身份证号"),
            _("敏感"),
        ]

    def export_rows(self, queryset):
        # Exports are masked: a spreadsheet leaves the portal's access log behind.
        today = clock.today()
        for p in queryset:
            sensitive = p.sensitive_on(today)
            yield [
                p.station.name,
                selectors.masked_name(p.name),
                p.get_gender_display(),
                "" if sensitive else (p.birth_year or ""),
                p.community.name if p.community else "",
                p.id_number_masked,
                _("是") if sensitive else "",
            ]

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        today = clock.today()
        user = self.request.user
        for p in ctx["people"]:
            p.sensitive_now = p.sensitive_on(today)
            p.shown_name = (
                p.name
                if (not p.sensitive_now or is_serving_station(user, p))
                else selectors.masked_name(p.name)
            )
        ctx["filter"] = self.filterset
        ctx["can_add"] = bool(roles_allowed(user, ServiceUser, ADD))
        return ctx


class ServiceUserCreateView(ScopedMixin, View):
    model = ServiceUser
    scope_action = ADD

    def get(self, request):
        form = ServiceUserForm(user=request.user, initial={"station": request.GET.get("station")})
        return render(request, "services/user_form.html", {"form": form})

    def post(self, request):
        form = ServiceUserForm(request.POST, user=request.user)
        if form.is_valid():
            try:
                person = services.service_user_create(
                    actor=request.user,
                    station=form.cleaned_data["station"],
                    data=form.service_data(),
                )
            except ValidationError as error:
                _errors(form, error)
            else:
                messages.success(request, _("已登记服务对象。"))
                return redirect("services:user_detail", pk=person.pk)
        return render(request, "services/user_form.html", {"form": form}, status=400)


class ServiceUserDetailView(ScopedMixin, DetailView):
    """One person. A sensitive one asks the city admin for a reason first; every read of a
    sensitive record is audited (``services.service_user_read``)."""

    model = ServiceUser
    template_name = "services/user_detail.html"
    context_object_name = "person"

    def get(self, request, *args, **kwargs):
        person = self.get_object()
        reason = ReasonForm(request.GET)
        reason.is_valid()
        if (
            person.sensitive_on(clock.today())
            and not is_serving_station(request.user, person)
            and not request.GET.get("reason")
        ):
            return render(request, "services/user_reason.html", {"person_id": person.pk})
        try:
            services.service_user_read(
                actor=request.user, person=person, reason=reason.cleaned_data.get("reason", "")
            )
        except PermissionDenied:
            return render(
                request,
                "services/user_reason.html",
                {"person_id": person.pk, "error": _("查看敏感服务对象须说明理由（至少4个字）。")},
                status=403,
            )
        return render(
            request,
            self.template_name,
            {
                "person": person,
                "sensitive": person.sensitive_on(clock.today()),
                "groups": person.target_groups.all(),
                "fields": person.fields.all(),
                "can_change": user_may(request.user, CHANGE, person),
                "recent": person.attendance.select_related("record", "record__kind").order_by(
                    "-record__service_on"
                )[:20],
            },
        )


class ServiceUserEditView(ScopedMixin, DetailView):
    model = ServiceUser
    scope_action = CHANGE

    def _form(self, person, data=None):
        initial = {
            "name": person.name,
            "gender": person.gender,
            "birth_year": person.birth_year,
            "community": person.community_id,
            "contact": person.contact,
            "target_groups": [g.code for g in person.target_groups.all()],
            "fields_": [f.code for f in person.fields.all()],
        }
        return ServiceUserForm(data, user=self.request.user, instance=person, initial=initial)

    def get(self, request, *args, **kwargs):
        person = self.get_object()
        return render(
            request, "services/user_form.html", {"form": self._form(person), "person": person}
        )

    def post(self, request, *args, **kwargs):
        person = self.get_object()
        form = self._form(person, request.POST)
        if form.is_valid():
            try:
                services.service_user_update(
                    actor=request.user,
                    person=person,
                    version=request.POST.get("version"),
                    data=form.service_data(),
                )
            except Conflict as error:
                return _conflict(request, error.message)
            except ValidationError as error:
                _errors(form, error)
            else:
                messages.success(request, _("已保存。"))
                return redirect("services:user_detail", pk=person.pk)
        return render(
            request, "services/user_form.html", {"form": form, "person": person}, status=400
        )


class ServiceUserWithdrawView(ScopedMixin, DetailView):
    model = ServiceUser
    scope_action = CHANGE
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        person = self.get_object()
        try:
            services.service_user_withdraw(
                actor=request.user, person=person, version=request.POST.get("version")
            )
        except Conflict as error:
            return _conflict(request, error.message)
        except ValidationError as error:
            for e in error.messages:
                messages.error(request, e)
            return redirect("services:user_list")
        messages.success(request, _("已记录撤回同意，个人信息已删除。"))
        return redirect("services:user_list")


# --- records ----------------------------------------------------------------------------------


class RecordListView(FilteredListMixin, ScopedMixin, ListView):
    model = ServiceRecord
    template_name = "services/record_list.html"
    context_object_name = "records"
    filterset_class = RecordFilterSet
    export_stem = _("服务记录")

    def base_queryset(self):
        return selectors.record_list(self.request.user)

    def export_headers(self):
        return [_("日期"), _("社工站"), _("类型"), _("领域"), _("主题"), _("时长"), _("人次")]

    def export_rows(self, queryset):
        for r in queryset:
            yield [
                r.service_on,
                r.station.name,
                r.kind.name,
                r.field.name,
                r.title,
                r.hours,
                r.person_times,
            ]

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["filter"] = self.filterset
        ctx["can_add"] = bool(roles_allowed(self.request.user, ServiceRecord, ADD))
        return ctx


class RecordCreateView(ScopedMixin, View):
    """Phone-first entry: one column, big inputs, today's date filled in."""

    model = ServiceRecord
    scope_action = ADD

    def get(self, request):
        form = RecordForm(user=request.user, initial={"station": request.GET.get("station")})
        return render(request, "services/record_form.html", {"form": form})

    def post(self, request):
        form = RecordForm(request.POST, user=request.user)
        if form.is_valid():
            try:
                record = services.service_record_create(
                    actor=request.user,
                    station=form.cleaned_data["station"],
                    data=form.service_data(),
                )
            except Conflict as error:
                return _conflict(request, error.message)
            except ValidationError as error:
                _errors(form, error)
            else:
                messages.success(request, _("已保存服务记录。"))
                return redirect("services:record_detail", pk=record.pk)
        return render(request, "services/record_form.html", {"form": form}, status=400)


class RecordDetailView(ScopedMixin, DetailView):
    model = ServiceRecord
    template_name = "services/record_detail.html"
    context_object_name = "record"

    def get_queryset(self):
        return super().get_queryset().select_related("station", "kind", "field", "community")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        record = self.object
        user = self.request.user
        # Attendees by name only for those who may see the people (the station side).
        attendees = list(selectors.service_user_list(user).filter(attendance__record=record))
        today = clock.today()
        for p in attendees:
            p.shown_name = (
                p.name
                if not p.sensitive_on(today) or is_serving_station(user, p)
                else selectors.masked_name(p.name)
            )
        ctx["attendees"] = attendees
        ctx["attendee_count"] = record.attendance.count()
        ctx["groups"] = record.target_groups.all()
        ctx["workers"] = record.workers.all()
        ctx["can_change"] = user_may(user, CHANGE, record)
        return ctx


class RecordEditView(ScopedMixin, DetailView):
    model = ServiceRecord
    scope_action = CHANGE

    def _form(self, record, data=None):
        initial = {
            "service_on": record.service_on,
            "kind": record.kind.code,
            "field": record.field.code,
            "title": record.title,
            "community": record.community_id,
            "target_groups": [g.code for g in record.target_groups.all()],
            "hours": record.hours,
            "person_times": record.person_times,
            "others_count": record.others_count,
            "attendees": [a.user_id for a in record.attendance.all()],
            "workers": [str(w) for w in record.workers.values_list("pk", flat=True)],
            "case_step": record.case_step,
            "note": record.note,
        }
        return RecordForm(data, user=self.request.user, record=record, initial=initial)

    def get(self, request, *args, **kwargs):
        record = self.get_object()
        return render(
            request, "services/record_form.html", {"form": self._form(record), "record": record}
        )

    def post(self, request, *args, **kwargs):
        record = self.get_object()
        form = self._form(record, request.POST)
        if form.is_valid():
            try:
                services.service_record_update(
                    actor=request.user,
                    record=record,
                    version=request.POST.get("version"),
                    data=form.service_data(),
                )
            except Conflict as error:
                return _conflict(request, error.message)
            except ValidationError as error:
                _errors(form, error)
            else:
                messages.success(request, _("已保存。"))
                return redirect("services:record_detail", pk=record.pk)
        return render(
            request, "services/record_form.html", {"form": form, "record": record}, status=400
        )


class RecordDeleteView(ScopedMixin, DetailView):
    model = ServiceRecord
    scope_action = "delete"
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        record = self.get_object()
        try:
            services.service_record_delete(actor=request.user, record=record)
        except Conflict as error:
            return _conflict(request, error.message)
        messages.success(request, _("已删除服务记录。"))
        return redirect("services:record_list")


# --- monthly reports --------------------------------------------------------------------------


class ReportListView(FilteredListMixin, ScopedMixin, ListView):
    model = MonthlyReport
    template_name = "services/report_list.html"
    context_object_name = "reports"
    filterset_class = ReportFilterSet
    export_stem = _("服务月报")

    def base_queryset(self):
        return selectors.report_list(self.request.user).order_by("-year", "-month", "station__code")

    def export_headers(self):
        return [_("社工站"), _("年"), _("月"), _("状态"), _("截止日"), _("服务人次"), _("服务时长")]

    def export_rows(self, queryset):
        for r in queryset:
            t = (r.figures or {}).get("totals", {})
            yield [
                r.station.name,
                r.year,
                r.month,
                r.get_status_display(),
                r.due_on,
                t.get("person_times", 0),
                t.get("hours", 0),
            ]

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["filter"] = self.filterset
        ctx["today"] = clock.today()
        return ctx


class ReportDetailView(ScopedMixin, DetailView):
    model = MonthlyReport
    template_name = "services/report_detail.html"
    context_object_name = "report"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        report, user = self.object, self.request.user
        version = (
            CatalogueVersion.objects.filter(effective_from__lte=report.due_on)
            .order_by("-effective_from")
            .first()
        )
        labels = (
            selectors.catalogue_labels(version)
            if version
            else {"field": {}, "group": {}, "kind": {}}
        )
        figures = report.figures or {}
        ctx["totals"] = figures.get("totals", {})
        ctx["by_kind"] = [
            (labels["kind"].get(k, k), v) for k, v in figures.get("by_kind", {}).items()
        ]
        ctx["by_field"] = [
            (labels["field"].get(k, k), v) for k, v in figures.get("by_field", {}).items()
        ]
        ctx["by_group"] = [
            (labels["group"].get(k, k), v) for k, v in figures.get("by_group", {}).items()
        ]
        ctx["can_edit"] = user_may(user, CHANGE, report) and report.status in ("open", "returned")
        ctx["can_review"] = user_may(user, REVIEW, report) and report.status == "submitted"
        ctx["can_approve"] = (
            user_may(user, APPROVE, report) and report.status == "subdistrict_approved"
        )
        return ctx


class ReportActionView(ScopedMixin, DetailView):
    model = MonthlyReport
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        report = self.get_object()
        form = ReportDecisionForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("操作无效。"))
            return redirect("services:report_detail", pk=report.pk)
        action, version = form.cleaned_data["action"], form.cleaned_data["version"]
        try:
            if action in ("save", "submit"):
                report = services.report_update(
                    actor=request.user,
                    report=report,
                    version=version,
                    narrative=form.cleaned_data["narrative"],
                    highlights=form.cleaned_data["highlights"],
                )
                if action == "submit":
                    services.report_submit(
                        actor=request.user, report=report, version=report.version
                    )
            elif action == "review":
                services.report_review(actor=request.user, report=report, version=version)
            elif action == "approve":
                services.report_approve(actor=request.user, report=report, version=version)
            else:
                services.report_return(
                    actor=request.user,
                    report=report,
                    version=version,
                    reason=form.cleaned_data["reason"],
                )
        except Conflict as error:
            return _conflict(request, error.message)
        except ValidationError as error:
            for e in error.messages:
                messages.error(request, e)
        else:
            messages.success(request, _("已完成。"))
        return redirect("services:report_detail", pk=report.pk)


# --- targets and boards -----------------------------------------------------------------------


class TargetListView(ScopedMixin, TemplateView):
    model = ServiceTarget

    template_name = "services/targets.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        year = _year(self.request)
        ctx["year"] = year
        ctx["rows"] = selectors.target_progress(self.request.user, year=year)
        user = self.request.user
        if roles_allowed(user, ServiceTarget, ADD):
            from stations.models import Contract

            ctx["contracts"] = (
                Contract.objects.restrict(user, VIEW)
                .filter(service_year=year, is_comprehensive=True)
                .select_related("station")
                .order_by("station__code")
            )
        return ctx

    def post(self, request, *args, **kwargs):
        """Set a contract year's targets (purchaser, district or city)."""
        from stations.models import Contract

        if not roles_allowed(request.user, ServiceTarget, ADD):
            raise PermissionDenied
        try:
            contract = Contract.objects.restrict(request.user, VIEW).get(
                pk=int(request.POST.get("contract", ""))
            )
        except (Contract.DoesNotExist, ValueError) as exc:
            raise Http404 from exc
        values = {k: request.POST.get(k) for k in TARGET_FIELDS}
        try:
            services.target_set(
                actor=request.user,
                contract=contract,
                values=values,
                version=request.POST.get("version") or None,
            )
        except Conflict as error:
            return _conflict(request, error.message)
        except ValidationError as error:
            for e in error.messages:
                messages.error(request, e)
        else:
            messages.success(request, _("已保存服务指标。"))
        return redirect(f"{reverse('services:targets')}?year={contract.service_year}")


class BoardView(ScopedMixin, TemplateView):
    """District and city board: read only the monthly aggregate tables (fixed query count)."""

    model = MonthlyAggregate

    template_name = "services/board.html"

    def get(self, request, *args, **kwargs):
        if not request.user.has_role(*BOARD_ROLES):
            raise PermissionDenied
        if request.GET.get("export") == "xlsx":
            return self.export()
        return super().get(request, *args, **kwargs)

    def _board(self):
        year = _year(self.request)
        district = self.request.GET.get("district")
        district_id = int(district) if district and district.isdigit() else None
        return selectors.board(self.request.user, year=year, district_id=district_id)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        data = self._board()
        version = selectors.catalogue_in_force()
        labels = selectors.catalogue_labels(version)
        for row in data.by_kind:
            row["label"] = labels["kind"].get(row["kind"], row["kind"])
        for row in data.by_field:
            row["label"] = labels["field"].get(row["field_code"], row["field_code"])
        for row in data.by_group:
            row["label"] = labels["group"].get(row["group_code"], row["group_code"])
        ctx.update(
            board=data,
            year=data.year,
            share=selectors.basic_guarantee_share(data.totals),
            people=selectors.service_user_counts(self.request.user),
            months=[(r["month"], r["person_times"] or 0) for r in data.by_month],
        )
        return ctx

    def export(self):
        data = self._board()
        rows = [
            [_("按月"), r["month"], r["records"], r["person_times"], r["hours"]]
            for r in data.by_month
        ]
        rows += [
            [_("按类型"), r["kind"], r["records"], r["person_times"], r["hours"]]
            for r in data.by_kind
        ]
        rows += [
            [_("按领域"), r["field_code"], r["records"], r["person_times"], r["hours"]]
            for r in data.by_field
        ]
        rows += [
            [_("按区"), r["district__name"], r["records"], r["person_times"], r["hours"]]
            for r in data.by_district
        ]
        audit.record(
            AuditAction.EXPORT,
            object_type="services.monthlyaggregate",
            object_repr=_("服务看板导出"),
            message=f"{data.year}",
        )
        return xlsx_response(
            export_filename(_("服务看板")),
            [_("维度"), _("项目"), _("记录数"), _("服务人次"), _("服务时长")],
            rows,
            title=_("服务看板"),
        )


def station_tab(request, station) -> str:
    """The station page's 服务 tab: this year's figures from the aggregates, late reports."""
    user = request.user
    if not user.has_role(*BOARD_ROLES):
        return render_to_string("services/station_tab_none.html", {}, request=request)
    year = clock.today().year
    data = selectors.board(user, year=year, station_id=station.pk)
    targets = [
        row for row in selectors.target_progress(user, year=year) if row[0].station_id == station.pk
    ]
    return render_to_string(
        "services/station_tab.html",
        {"station": station, "year": year, "board": data, "targets": targets},
        request=request,
    )
