"""Geography pages: public reference data every signed-in user may browse."""

from __future__ import annotations

from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.views.generic import DetailView, ListView

from portal.scoping import VIEW
from portal.views.mixins import ScopedMixin
from stations.choices import SubdistrictKind
from stations.models import Community, District, Station, Subdistrict


def _count(queryset, group_field: str):
    """A correlated ``COUNT`` of ``queryset`` rows whose ``group_field`` is the outer row."""
    counted = (
        queryset.filter(**{group_field: OuterRef("pk")})
        .order_by()
        .values(group_field)
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


class DistrictListView(ScopedMixin, ListView):
    model = District
    template_name = "stations/district_list.html"
    # Guangzhou has 11 districts; nation-scale data has thousands, and each row counts.
    paginate_by = 100

    def get_queryset(self):
        user = self.request.user
        return (
            super()
            .get_queryset()
            .annotate(
                subdistrict_count=_count(Subdistrict.objects.all(), "district"),
                special_count=_count(
                    Subdistrict.objects.filter(kind=SubdistrictKind.SPECIAL), "district"
                ),
                community_count=_count(Community.objects.all(), "subdistrict__district"),
                station_count=_count(Station.objects.restrict(user, VIEW), "district"),
            )
        )


class DistrictDetailView(ScopedMixin, DetailView):
    model = District
    template_name = "stations/district_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context["subdistricts"] = (
            Subdistrict.objects.restrict(user, VIEW)
            .filter(district=self.object)
            .annotate(
                community_count=_count(Community.objects.all(), "subdistrict"),
                station_count=_count(Station.objects.restrict(user, VIEW), "subdistrict"),
            )
        )
        return context


class SubdistrictDetailView(ScopedMixin, DetailView):
    model = Subdistrict
    template_name = "stations/subdistrict_detail.html"

    def get_queryset(self):
        return super().get_queryset().select_related("district")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context["communities"] = Community.objects.restrict(user, VIEW).filter(
            subdistrict=self.object
        )
        context["stations"] = Station.objects.restrict(user, VIEW).filter(subdistrict=self.object)
        return context
