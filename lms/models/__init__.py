from .audit import AuditEvent
from .places import Commune, CommuneKind, Hamlet, Province
from .users import RoleAssignment, RoleChange, User

__all__ = [
    "AuditEvent",
    "Commune",
    "CommuneKind",
    "Hamlet",
    "Province",
    "RoleAssignment",
    "RoleChange",
    "User",
]
