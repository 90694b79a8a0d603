"""Viewsets of the funding app on the shared router."""

from funding.api.viewsets import (
    BudgetViewSet,
    FundingYearViewSet,
    SocialResourceViewSet,
    SpendingReportViewSet,
)
from portal.api.router import router

router.register("funding/budgets", BudgetViewSet, basename="funding-budget")
router.register(
    "funding/spending-reports", SpendingReportViewSet, basename="funding-spending-report"
)
router.register("funding/years", FundingYearViewSet, basename="funding-year")
router.register(
    "funding/social-resources", SocialResourceViewSet, basename="funding-social-resource"
)
