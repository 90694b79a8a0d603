from portal.models.audit import AuditEvent, Notification
from portal.models.policy import DeadlineLadder, PolicyVersion
from portal.models.users import RoleAssignment, RoleSecurity, User, role_in_force_q

__all__ = [
    "AuditEvent",
    "DeadlineLadder",
    "Notification",
    "PolicyVersion",
    "RoleAssignment",
    "RoleSecurity",
    "User",
    "role_in_force_q",
]
