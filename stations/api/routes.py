"""Viewsets of the stations app on the shared router."""

from portal.api.router import router
from stations.api import views

router.register("districts", views.DistrictViewSet, basename="district")
router.register("subdistricts", views.SubdistrictViewSet, basename="subdistrict")
router.register("communities", views.CommunityViewSet, basename="community")
router.register("project-kinds", views.ProjectKindViewSet, basename="projectkind")
router.register("institutions", views.InstitutionViewSet, basename="institution")
router.register("credit-records", views.CreditRecordViewSet, basename="creditrecord")
router.register("stations", views.StationViewSet, basename="station")
router.register("outposts", views.OutpostViewSet, basename="outpost")
router.register("contracts", views.ContractViewSet, basename="contract")
