from .agencies import Agency, StaffCategory, StaffMember
from .assignments import (
    CourseAssignment,
    ExternalCompletion,
    Indicator,
    ReminderSent,
    Target,
)
from .figures import (
    AgencyFigures,
    AgencyMonthFigures,
    CommuneFigures,
    CommuneMonthFigures,
)
from .imports import (
    CompletionImport,
    CompletionImportRow,
    ImportStatus,
    StaffImport,
    StaffImportRow,
)
from .rollup import ProvinceRollup

__all__ = [
    "Agency",
    "AgencyFigures",
    "AgencyMonthFigures",
    "CommuneFigures",
    "CommuneMonthFigures",
    "CompletionImport",
    "CompletionImportRow",
    "CourseAssignment",
    "ExternalCompletion",
    "ImportStatus",
    "Indicator",
    "ProvinceRollup",
    "ReminderSent",
    "StaffCategory",
    "StaffImport",
    "StaffImportRow",
    "StaffMember",
    "Target",
]
