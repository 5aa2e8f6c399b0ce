from .figures import HamletFigures, HamletMonthFigures, HamletSkillFigures
from .households import (
    AGE_OF_MAJORITY,
    Consent,
    Household,
    HouseholdChange,
    Resident,
    Skill,
    household_key,
)
from .imports import RosterImport, RosterImportRow
from .referrals import SignupReferral
from .teams import Team
from .visits import Guidance, Visit, VisitAttendee

__all__ = [
    "AGE_OF_MAJORITY",
    "Consent",
    "Guidance",
    "HamletFigures",
    "HamletMonthFigures",
    "HamletSkillFigures",
    "Household",
    "HouseholdChange",
    "Resident",
    "RosterImport",
    "RosterImportRow",
    "SignupReferral",
    "Skill",
    "Team",
    "Visit",
    "VisitAttendee",
    "household_key",
]
