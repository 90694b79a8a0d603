"""Institution pages: list and export, institution page, create and edit, credit records."""

from __future__ import annotations

from django.db.models import Count, IntegerField, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import CreateView, DetailView, FormView, UpdateView

from portal import clock
from portal.models import AuditEvent
from portal.scoping import ADD, CHANGE, VIEW, roles_allowed, user_may
from portal.versioning import VersionedFormViewMixin
from portal.views.mixins import ScopedMixin
from stations import services
from stations.filtersets import InstitutionFilterSet
from stations.forms import CreditRecordForm, CreditRecordLiftForm, InstitutionForm
from stations.models import Contract, CreditRecord, Institution
from stations.views.base import FilteredListView, ServiceFormMixin


def _count(queryset, field: str):
    counted = (
        queryset.filter(**{field: OuterRef("pk")})
        .order_by()
        .values(field)
        .annotate(n=Count("station_id" if queryset.model is Contract else "pk", distinct=True))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def institution_rows(user):
    """Institutions with the number of (visible) stations they run today and open listings."""
    today = clock.today()
    running = Contract.objects.restrict(user, VIEW).in_force(today).filter(is_comprehensive=True)
    return Institution.objects.annotate(
        stations_now=_count(running, "institution"),
        open_records=_count(CreditRecord.objects.filter(lifted_on__isnull=True), "institution"),
    )


class InstitutionListView(FilteredListView):
    model = Institution
    filterset_class = InstitutionFilterSet
    template_name = "stations/institution_list.html"
    export_stem = gettext_lazy("承接机构")

    def base_queryset(self):
        return institution_rows(self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_add"] = bool(roles_allowed(self.request.user, Institution, ADD))
        return context

    def export_headers(self):
        return [
            _("机构名称"),
            _("统一社会信用代码"),
            _("法定代表人"),
            _("登记管理机关"),
            _("登记日期"),
            _("社会组织等级"),
            _("状态"),
            _("当前运营站点数"),
            _("未移出的信用记录"),
        ]

    def export_rows(self, queryset):
        for i in queryset:
            yield [
                i.name,
                i.credit_code,
                i.legal_representative,
                i.registration_authority,
                i.registered_on,
                i.get_rating_display(),
                i.get_status_display(),
                i.stations_now,
                i.open_records,
            ]


class InstitutionDetailView(ScopedMixin, DetailView):
    model = Institution
    template_name = "stations/institution_detail.html"

    def get_queryset(self):
        return super().get_queryset().select_related("credit_code_confirmed_by")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        institution, user = self.object, self.request.user
        today = clock.today()
        contracts = list(
            Contract.objects.restrict(user, VIEW)
            .filter(institution=institution)
            .select_related("station", "station__district", "kind")
            .order_by("-starts_on", "code")
        )
        binding = [c for c in contracts if c.status in ("signed", "terminated")]
        now = {
            c.station_id: c
            for c in binding
            if c.is_comprehensive and c.starts_on <= today <= c.ends_on
        }
        before: dict[int, Contract] = {}
        for c in binding:
            if c.station_id not in now and c.ends_on < today and c.station_id not in before:
                before[c.station_id] = c
        records = list(CreditRecord.objects.restrict(user, VIEW).filter(institution=institution))
        history = (
            AuditEvent.objects.restrict(user, VIEW)
            .filter(
                Q(object_type="stations.institution", object_id=str(institution.pk))
                | Q(object_type="stations.creditrecord", object_id__in=[str(r.pk) for r in records])
            )
            .order_by("-at", "-id")[:100]
        )
        context.update(
            contracts=contracts,
            stations_now=list(now.values()),
            stations_before=list(before.values()),
            credit_records=records,
            history=history,
            can_change=user_may(user, CHANGE, institution),
            can_add_record=bool(roles_allowed(user, CreditRecord, ADD)),
            can_lift_record=bool(roles_allowed(user, CreditRecord, CHANGE)),
            today=today,
        )
        return context


class InstitutionCreateView(ServiceFormMixin, ScopedMixin, CreateView):
    form_title = gettext_lazy("新建承接机构")

    def get_cancel_url(self):
        return reverse("stations:institution_list")

    model = Institution
    form_class = InstitutionForm
    scope_action = ADD
    template_name = "stations/institution_form.html"
    success_message = gettext_lazy("承接机构已创建。")

    def perform(self, form):
        data = dict(form.cleaned_data)
        confirm = data.pop("confirm_invalid_code", False)
        return services.institution_create(
            actor=self.request.user, confirm_invalid_code=confirm, **data
        )

    def get_success_url(self):
        return reverse("stations:institution_detail", args=[self.object.pk])


class InstitutionUpdateView(VersionedFormViewMixin, ServiceFormMixin, ScopedMixin, UpdateView):
    form_title = gettext_lazy("编辑承接机构")
    model = Institution
    form_class = InstitutionForm
    scope_action = CHANGE
    template_name = "stations/institution_form.html"
    success_message = gettext_lazy("承接机构信息已保存。")

    def perform(self, form):
        data = dict(form.cleaned_data)
        confirm = data.pop("confirm_invalid_code", False)
        return services.institution_update(
            actor=self.request.user,
            institution=self.object,
            confirm_invalid_code=confirm,
            **data,
        )

    def get_success_url(self):
        return reverse("stations:institution_detail", args=[self.object.pk])


class CreditRecordCreateView(ServiceFormMixin, ScopedMixin, FormView):
    form_title = gettext_lazy("登记信用记录")
    model = CreditRecord
    form_class = CreditRecordForm
    scope_action = ADD
    template_name = "stations/form.html"
    success_message = gettext_lazy("信用记录已登记。")

    def get_institution(self):
        if not hasattr(self, "_institution"):
            self._institution = get_object_or_404(
                Institution.objects.restrict(self.request.user, VIEW),
                pk=self.kwargs["institution_pk"],
            )
        return self._institution

    def perform(self, form):
        return services.credit_record_add(
            actor=self.request.user, institution=self.get_institution(), **form.cleaned_data
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs) | {"parent": self.get_institution()}

    def get_success_url(self):
        return reverse("stations:institution_detail", args=[self.get_institution().pk])


class CreditRecordLiftView(VersionedFormViewMixin, ServiceFormMixin, ScopedMixin, UpdateView):
    form_title = gettext_lazy("移出信用记录")
    model = CreditRecord
    form_class = CreditRecordLiftForm
    scope_action = CHANGE
    template_name = "stations/form.html"
    success_message = gettext_lazy("信用记录已移出。")

    def get_queryset(self):
        return super().get_queryset().select_related("institution")

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs.pop("instance", None)
        kwargs.pop("user", None)
        return kwargs

    def perform(self, form):
        return services.credit_record_lift(
            actor=self.request.user, record=self.object, **form.cleaned_data
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs) | {"parent": self.object.institution}

    def get_success_url(self):
        return reverse("stations:institution_detail", args=[self.object.institution_id])
