"""Station pages: list (with map and export), station page, create and edit, outposts."""

from __future__ import annotations

from django.db.models import Q
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import CreateView, DetailView, FormView, UpdateView

from portal import clock
from portal.models import AuditEvent
from portal.scoping import (
    ADD,
    CHANGE,
    VIEW,
    ensure_may_add,
    roles_allowed,
    stations_for,
    user_may,
)
from portal.versioning import VersionedFormViewMixin
from portal.views.mixins import ScopedMixin
from stations import services
from stations.choices import ManagementMode
from stations.filtersets import StationFilterSet
from stations.forms import OutpostCloseForm, OutpostForm, StationForm
from stations.models import Contract, Outpost, Station
from stations.selectors import district_figures, with_operator
from stations.tabs import station_tabs
from stations.views.base import FilteredListView, ServiceFormMixin

HISTORY_LIMIT = 100


def station_rows(user):
    """Stations with district, street/town and today's operator: one query for a page."""
    return with_operator(Station.objects.select_related("district", "subdistrict"), clock.today())


class StationListView(FilteredListView):
    model = Station
    filterset_class = StationFilterSet
    template_name = "stations/station_list.html"
    export_stem = gettext_lazy("社工站")

    def base_queryset(self):
        return station_rows(self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context["view_mode"] = "map" if self.request.GET.get("view") == "map" else "list"
        context["can_add"] = bool(roles_allowed(user, Station, ADD))
        return context

    def export_headers(self):
        return [
            _("站点编号"),
            _("站点名称"),
            _("区"),
            _("镇街"),
            _("地址"),
            _("联系电话"),
            _("站长"),
            _("副站长"),
            _("管理模式"),
            _("状态"),
            _("当前承接机构"),
            _("成立日期"),
        ]

    def export_rows(self, queryset):
        for s in queryset:
            yield [
                s.code,
                s.name,
                s.district.name,
                s.subdistrict.name,
                s.address,
                s.phone,
                s.head_name,
                s.deputy_head_name,
                s.get_management_mode_display(),
                s.get_status_display(),
                s.operator_name or "",
                s.established_on,
            ]


class StationMapDataView(ScopedMixin, View):
    """Per-district figures for the map, over the stations the user may see with the list's
    filters (except the place filters: the map shows every district and clicking one sets it).
    One aggregate query."""

    model = Station

    def get(self, request):
        data = request.GET.copy()
        for key in ("district", "subdistrict", "page", "sort", "view", "format"):
            data.pop(key, None)
        visible = Station.objects.restrict(request.user, VIEW)
        filterset = StationFilterSet(data or None, queryset=visible, request=request)
        rows = district_figures(filterset.qs, clock.today())
        return JsonResponse(
            {
                "map": "广州",
                "metrics": [
                    {"key": "stations", "label": _("社工站数")},
                    {"key": "contracts_in_force", "label": _("在履行合同数")},
                ],
                "districts": [
                    {
                        "id": r["district_id"],
                        "code": r["district__code"],
                        "name": r["district__name"],
                        "stations": r["stations"],
                        "contracts_in_force": r["contracts_in_force"],
                    }
                    for r in rows
                ],
                "list_url": reverse("stations:station_list"),
            }
        )


class StationDetailView(ScopedMixin, DetailView):
    model = Station
    template_name = "stations/station_detail.html"

    def get_queryset(self):
        return with_operator(
            super().get_queryset().select_related("district", "subdistrict"),
            clock.today(),
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        station, user = self.object, self.request.user
        contracts = list(
            Contract.objects.restrict(user, VIEW)
            .filter(station=station)
            .select_related("institution", "kind", "purchaser")
            .order_by("-starts_on", "code")
        )
        outposts = list(
            Outpost.objects.restrict(user, VIEW)
            .filter(station=station)
            .select_related("community")
            .order_by("closed_on", "name")
        )
        history = (
            AuditEvent.objects.restrict(user, VIEW)
            .filter(
                Q(object_type="stations.station", object_id=str(station.pk))
                | Q(object_type="stations.contract", object_id__in=[str(c.pk) for c in contracts])
                | Q(object_type="stations.outpost", object_id__in=[str(o.pk) for o in outposts])
            )
            .order_by("-at", "-id")[:HISTORY_LIMIT]
        )
        context.update(
            communities=station.communities.order_by("code"),
            outposts=outposts,
            contracts=contracts,
            history=history,
            history_limit=HISTORY_LIMIT,
            tabs=station_tabs(),
            pilot=station.management_mode == ManagementMode.PILOT_2019,
            can_change=user_may(user, CHANGE, station),
            can_add_contract=stations_for(user, Contract, ADD).filter(pk=station.pk).exists(),
            can_add_outpost=stations_for(user, Outpost, ADD).filter(pk=station.pk).exists(),
            today=clock.today(),
        )
        return context


class StationTabView(ScopedMixin, DetailView):
    """One registered tab of the station page, loaded when the user opens it (htmx), so the
    station page does not pay for every capability's queries up front."""

    model = Station

    def get(self, request, *args, **kwargs):
        station = self.get_object()
        tab = next((t for t in station_tabs() if t.key == kwargs["key"]), None)
        if tab is None:
            raise Http404
        html = tab.render(
            request, station, {"station": station, "user": request.user, "request": request}
        )
        return HttpResponse(html)


class StationCreateView(ServiceFormMixin, ScopedMixin, CreateView):
    form_title = gettext_lazy("新建社工站")

    def get_cancel_url(self):
        return reverse("stations:station_list")

    model = Station
    form_class = StationForm
    scope_action = ADD
    template_name = "stations/form.html"
    success_message = gettext_lazy("社工站已创建。")

    def perform(self, form):
        return services.station_create(actor=self.request.user, **form.cleaned_data)

    def get_success_url(self):
        return reverse("stations:station_detail", args=[self.object.pk])


class StationUpdateView(VersionedFormViewMixin, ServiceFormMixin, ScopedMixin, UpdateView):
    form_title = gettext_lazy("编辑社工站")
    model = Station
    form_class = StationForm
    scope_action = CHANGE
    template_name = "stations/form.html"
    success_message = gettext_lazy("社工站信息已保存。")

    def perform(self, form):
        return services.station_update(
            actor=self.request.user, station=self.object, **form.cleaned_data
        )

    def get_success_url(self):
        return reverse("stations:station_detail", args=[self.object.pk])


class StationChildMixin:
    """Pages under ``/stations/<station_pk>/``: the station from restrict (404 outside)."""

    def get_station(self):
        if not hasattr(self, "_station"):
            self._station = get_object_or_404(
                Station.objects.restrict(self.request.user, VIEW), pk=self.kwargs["station_pk"]
            )
        return self._station


class OutpostCreateView(ServiceFormMixin, StationChildMixin, ScopedMixin, FormView):
    form_title = gettext_lazy("设立社工点")
    model = Outpost
    form_class = OutpostForm
    scope_action = ADD
    template_name = "stations/form.html"
    success_message = gettext_lazy("社工点已设立。")

    def check_access(self, request):
        if request.user.is_authenticated:
            ensure_may_add(request.user, Outpost, station=self.get_station())

    def get_form_kwargs(self):
        return super().get_form_kwargs() | {"station": self.get_station()}

    def perform(self, form):
        return services.outpost_create(
            actor=self.request.user, station=self.get_station(), **form.cleaned_data
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs) | {"parent": self.get_station()}

    def get_success_url(self):
        return reverse("stations:station_detail", args=[self.get_station().pk]) + "#outposts"


class OutpostCloseView(VersionedFormViewMixin, ServiceFormMixin, ScopedMixin, UpdateView):
    form_title = gettext_lazy("撤销社工点")
    model = Outpost
    form_class = OutpostCloseForm
    scope_action = CHANGE
    template_name = "stations/form.html"
    success_message = gettext_lazy("社工点已撤销。")

    def get_queryset(self):
        return super().get_queryset().select_related("station")

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs.pop("instance", None)
        kwargs.pop("user", None)
        return kwargs

    def perform(self, form):
        return services.outpost_close(
            actor=self.request.user, outpost=self.object, **form.cleaned_data
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs) | {"parent": self.object.station}

    def get_success_url(self):
        return reverse("stations:station_detail", args=[self.object.station_id]) + "#outposts"
