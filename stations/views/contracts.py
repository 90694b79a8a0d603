"""Contract pages: list and export, contract page, create, edit, terminate."""

from __future__ import annotations

from django.http import JsonResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import CreateView, DetailView, UpdateView

from portal import clock
from portal.models import AuditEvent
from portal.query import ServiceYearQuery, read_query
from portal.scoping import ADD, CHANGE, VIEW, roles_allowed, stations_for, user_may
from portal.selectors import PolicyMissing, policy_for_service_year
from portal.versioning import VersionedFormViewMixin
from portal.views.mixins import ScopedMixin
from stations import services
from stations.filtersets import ContractFilterSet
from stations.forms import ContractForm, ContractTerminateForm
from stations.models import Contract, ProjectKind, Station
from stations.views.base import FilteredListView, ServiceFormMixin


def contract_rows():
    return Contract.objects.select_related(
        "station", "station__district", "institution", "purchaser", "kind"
    )


class ContractListView(FilteredListView):
    model = Contract
    filterset_class = ContractFilterSet
    template_name = "stations/contract_list.html"
    export_stem = gettext_lazy("服务合同")

    def base_queryset(self):
        return contract_rows()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_add"] = bool(roles_allowed(self.request.user, Contract, ADD))
        return context

    def export_headers(self):
        return [
            _("合同编号"),
            _("站点编号"),
            _("社工站"),
            _("区"),
            _("承接机构"),
            _("购买方（镇街）"),
            _("项目类型"),
            _("服务年度"),
            _("开始日期"),
            _("结束日期"),
            _("原定结束日期"),
            _("年度项目经费（元）"),
            _("状态"),
            _("终止原因"),
            _("签订日期"),
            _("备注"),
        ]

    def export_rows(self, queryset):
        for c in queryset:
            yield [
                c.code,
                c.station.code,
                c.station.name,
                c.station.district.name,
                c.institution.name,
                c.purchaser.name,
                c.kind.name,
                c.service_year,
                c.starts_on,
                c.ends_on,
                c.planned_ends_on,
                c.annual_fee,
                c.get_status_display(),
                c.termination_reason,
                c.signed_on,
                c.note,
            ]


class ContractDetailView(ScopedMixin, DetailView):
    model = Contract
    template_name = "stations/contract_detail.html"

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .select_related(
                "station", "station__district", "institution", "purchaser", "kind", "policy_version"
            )
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        contract, user = self.object, self.request.user
        context.update(
            history=AuditEvent.objects.restrict(user, VIEW)
            .filter(object_type="stations.contract", object_id=str(contract.pk))
            .order_by("-at", "-id")[:100],
            can_change=user_may(user, CHANGE, contract),
            in_force=contract.status in ("signed", "terminated")
            and contract.starts_on <= clock.today() <= contract.ends_on,
        )
        return context


def _fee_for_year(year) -> str | None:
    try:
        return str(policy_for_service_year(int(year)).standard_annual_fee)
    except (PolicyMissing, TypeError, ValueError):
        return None


class ContractCreateView(ServiceFormMixin, ScopedMixin, CreateView):
    form_title = gettext_lazy("登记服务合同")

    def get_cancel_url(self):
        return reverse("stations:contract_list")

    model = Contract
    form_class = ContractForm
    scope_action = ADD
    template_name = "stations/contract_form.html"
    success_message = gettext_lazy("服务合同已登记。")

    def get_initial(self):
        initial = super().get_initial()
        year = read_query(self.request, ServiceYearQuery)["service_year"] or clock.today().year
        initial["service_year"] = year
        initial["starts_on"] = f"{year}-01-01"
        initial["ends_on"] = f"{year}-12-31"
        kind = (
            ProjectKind.objects.restrict(self.request.user, VIEW)
            .filter(is_comprehensive=True)
            .first()
        )
        if kind is not None:
            initial["kind"] = kind.pk
        fee = _fee_for_year(year)
        if fee:
            initial["annual_fee"] = fee
        station_id = self.request.GET.get("station")
        if station_id and station_id.isdigit():
            station = (
                stations_for(self.request.user, Contract, ADD)
                .select_related("subdistrict")
                .filter(pk=station_id)
                .first()
            )
            if station:
                initial["station"] = station.pk
                initial["purchaser"] = station.subdistrict_id
        return initial

    def perform(self, form):
        return services.contract_create(actor=self.request.user, **form.cleaned_data)

    def get_success_url(self):
        return reverse("stations:contract_detail", args=[self.object.pk])


class ContractUpdateView(VersionedFormViewMixin, ServiceFormMixin, ScopedMixin, UpdateView):
    form_title = gettext_lazy("编辑服务合同")
    model = Contract
    form_class = ContractForm
    scope_action = CHANGE
    template_name = "stations/contract_form.html"
    success_message = gettext_lazy("服务合同已保存。")

    def perform(self, form):
        return services.contract_update(
            actor=self.request.user, contract=self.object, **form.cleaned_data
        )

    def get_success_url(self):
        return reverse("stations:contract_detail", args=[self.object.pk])


class ContractTerminateView(VersionedFormViewMixin, ServiceFormMixin, ScopedMixin, UpdateView):
    form_title = gettext_lazy("提前终止合同")
    model = Contract
    form_class = ContractTerminateForm
    scope_action = CHANGE
    template_name = "stations/form.html"
    success_message = gettext_lazy("合同已提前终止。")

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs.pop("instance", None)
        kwargs.pop("user", None)
        return kwargs

    def perform(self, form):
        return services.contract_terminate(
            actor=self.request.user, contract=self.object, **form.cleaned_data
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs) | {"parent": self.object}

    def get_success_url(self):
        return reverse("stations:contract_detail", args=[self.object.pk])


class PolicyFeeView(ScopedMixin, View):
    """The standard annual fee for a service year, to prefill the contract form."""

    model = Station

    def get(self, request):
        year = read_query(request, ServiceYearQuery)["service_year"]
        return JsonResponse({"service_year": year, "annual_fee": _fee_for_year(year)})


__all__ = ["get_object_or_404"]
