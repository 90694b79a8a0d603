from portal.models.audit import AuditEvent, Notification
from portal.models.policy import PolicyVersion
from portal.models.users import RoleAssignment, RoleSecurity, User

__all__ = ["AuditEvent", "Notification", "PolicyVersion", "RoleAssignment", "RoleSecurity", "User"]
