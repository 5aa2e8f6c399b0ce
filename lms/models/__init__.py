from .learning import Enrollment, LessonProgress
from .places import Commune, CommuneKind, Hamlet, Province
from .users import RoleAssignment, User

__all__ = [
    "Commune",
    "CommuneKind",
    "Enrollment",
    "Hamlet",
    "LessonProgress",
    "Province",
    "RoleAssignment",
    "User",
]
