from portal.models.audit import AuditEvent, Notification
from portal.models.ops import OutboxMessage, OutboxStatus, RateCounter, TaskRun
from portal.models.policy import DeadlineLadder, PolicyVersion
from portal.models.users import RoleAssignment, RoleSecurity, User, role_in_force_q

__all__ = [
    "AuditEvent",
    "DeadlineLadder",
    "Notification",
    "OutboxMessage",
    "OutboxStatus",
    "PolicyVersion",
    "RateCounter",
    "RoleAssignment",
    "RoleSecurity",
    "TaskRun",
    "User",
    "role_in_force_q",
]
