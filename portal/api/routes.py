"""Viewsets of the portal app on the shared router."""

from portal.api.audit import AuditEventViewSet
from portal.api.notifications import NotificationViewSet
from portal.api.policy import PolicyVersionViewSet
from portal.api.router import router
from portal.api.users import RoleAssignmentViewSet, UserViewSet
from portal.api.views import MeViewSet

router.register("me", MeViewSet, basename="me")
router.register("notifications", NotificationViewSet, basename="notification")
router.register("users", UserViewSet, basename="user")
router.register("role-assignments", RoleAssignmentViewSet, basename="roleassignment")
router.register("policy-versions", PolicyVersionViewSet, basename="policyversion")
router.register("audit-events", AuditEventViewSet, basename="auditevent")
