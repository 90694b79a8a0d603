"""Viewsets of the inspections app on the shared router."""

from inspections.api.views import (
    BoardViewSet,
    CampaignViewSet,
    ChecklistViewSet,
    FindingViewSet,
    InspectionViewSet,
    PlanViewSet,
)
from portal.api.router import router

router.register("inspections/checklists", ChecklistViewSet, basename="inspection-checklist")
router.register("inspections/plans", PlanViewSet, basename="inspection-plan")
router.register("inspections/visits", InspectionViewSet, basename="inspection")
router.register("inspections/findings", FindingViewSet, basename="inspection-finding")
router.register("inspections/campaigns", CampaignViewSet, basename="inspection-campaign")
router.register("inspections/board", BoardViewSet, basename="inspection-board")
