"""Viewsets of the services app on the shared router."""

from portal.api.router import router
from services.api.viewsets import (
    CatalogueVersionViewSet,
    MonthlyAggregateViewSet,
    MonthlyReportViewSet,
    ServiceRecordViewSet,
    ServiceTargetViewSet,
    ServiceUserViewSet,
)

router.register("services/catalogue", CatalogueVersionViewSet, basename="services-catalogue")
router.register("services/people", ServiceUserViewSet, basename="services-person")
router.register("services/records", ServiceRecordViewSet, basename="services-record")
router.register("services/reports", MonthlyReportViewSet, basename="services-report")
router.register("services/targets", ServiceTargetViewSet, basename="services-target")
router.register("services/aggregates", MonthlyAggregateViewSet, basename="services-aggregate")
