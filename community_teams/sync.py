"""Reading what a team member's phone sends: visits and households, as JSON.

The phone keeps what a member records while offline and sends it in batches when
the signal returns (``lms/static/lms/offline.js``). Each item carries an identifier
made on the phone. :func:`batch_read` checks every item on its own, with errors per
field in the reader's language, so one wrong visit never holds back the others;
:mod:`community_teams.services` writes them.

Everything a batch refers to is read up front in a handful of queries
(:class:`SyncContext`), so a batch of 20 visits costs about the same as one.
"""

import datetime
import hashlib
import json
import uuid as uuid_module
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from community_teams import permissions
from community_teams.models import (
    Consent,
    Household,
    Resident,
    Skill,
    Team,
    Visit,
)
from lms.models import Hamlet
from lms.phone import phone_to_e164
from lms.text import nfc

MAX_ITEMS = 100
MAX_ATTENDEES = 30
MAX_NOTE = 2000
MAX_NAME = 150
# A visit older than this is not a visit being sent late, it is a mistake.
OLDEST_VISIT = datetime.timedelta(days=366)


class Invalid(Exception):
    """An item that cannot be accepted; ``errors`` maps a field path to messages."""

    def __init__(self, errors: dict[str, list[str]]):
        super().__init__(errors)
        self.errors = errors


@dataclass
class AttendeeData:
    resident: Resident
    skills: list[tuple[Skill, bool]]
    consent: bool
    guardian: str


@dataclass
class VisitData:
    uuid: uuid_module.UUID
    household: Household
    visited_on: datetime.date
    note: str
    attendees: list[AttendeeData]
    # How consent was taken: on the member's phone, or signed on a paper checklist.
    method: str = Consent.Method.MEMBER_PHONE

    def digest(self) -> str:
        """What identifies the content, whatever the order or spelling it came in."""
        attendees = sorted(
            [
                a.resident.pk,
                sorted([skill.code, themselves] for skill, themselves in a.skills),
                a.consent,
                a.guardian,
            ]
            for a in self.attendees
        )
        content = [
            self.household.pk,
            self.visited_on.isoformat(),
            self.note,
            attendees,
            self.method,
        ]
        return hashlib.sha256(
            json.dumps(content, separators=(",", ":"), ensure_ascii=False).encode()
        ).hexdigest()


@dataclass
class ResidentData:
    uuid: uuid_module.UUID
    full_name: str
    birth_year: int | None
    sex: str


@dataclass
class HouseholdData:
    uuid: uuid_module.UUID
    hamlet: Hamlet
    house_number: str
    head_name: str
    phone: str
    residents: list[ResidentData]

    def digest(self) -> str:
        """What identifies the content, whatever the order the residents came in."""
        residents = sorted(
            ([str(r.uuid), r.full_name, r.birth_year, r.sex] for r in self.residents),
            key=json.dumps,
        )
        content = [
            self.hamlet.pk,
            self.house_number,
            self.head_name,
            self.phone,
            residents,
        ]
        return hashlib.sha256(
            json.dumps(content, separators=(",", ":"), ensure_ascii=False).encode()
        ).hexdigest()


@dataclass
class SyncContext:
    """What a batch refers to, read once: the member's households, residents, skills.

    Households and residents added on a phone are named by the identifier the phone
    gave them until the phone learns their number, so both are looked up.
    """

    member: object
    skills: dict[str, Skill] = field(default_factory=dict)
    hamlets: dict[int, Hamlet] = field(default_factory=dict)
    households: dict[int | uuid_module.UUID, Household] = field(default_factory=dict)
    residents: dict[int | uuid_module.UUID, Resident] = field(default_factory=dict)
    teams: list[Team] = field(default_factory=list)
    # Visits already received under the batch's identifiers, and each resident's
    # latest consent entry: resends and consent are answered without a query each.
    visits: dict[uuid_module.UUID, Visit] = field(default_factory=dict)
    consent: dict[int, str] = field(default_factory=dict)

    @classmethod
    def load(cls, member, payload: dict) -> "SyncContext":
        visits = _items(payload, "visits")
        referring = visits + _items(payload, "household_changes")
        context = cls(member=member)
        context.skills = {s.code: s for s in Skill.objects.filter(active=True)}
        visible = permissions.hamlets_visible_to(member)
        context.hamlets = {
            h.pk: h
            for h in visible.filter(
                pk__in=_ids(_items(payload, "households"), "hamlet")
            ).select_related("commune")
        }
        households = Household.objects.filter(
            Q(pk__in=_ids(referring, "household"))
            | Q(client_uuid__in=_uuids(referring, "household")),
            hamlet__in=visible,
        ).select_related("hamlet")
        for household in households:
            context.households[household.pk] = household
            if household.client_uuid:
                context.households[household.client_uuid] = household
        for resident in Resident.objects.filter(household__in=households):
            context.residents[resident.pk] = resident
            if resident.client_uuid:
                context.residents[resident.client_uuid] = resident
        context.teams = list(permissions.teams_of(member).order_by("pk"))
        context.visits = {
            v.uuid: v for v in Visit.objects.filter(uuid__in=_uuids(visits, "uuid"))
        }
        for resident_id, action in (
            Consent.objects.filter(
                resident__household__in=households, purpose=Consent.Purpose.OUTREACH
            )
            .order_by("resident_id", "at", "pk")
            .values_list("resident_id", "action")
        ):
            context.consent[resident_id] = action
        return context

    def team_for(self, hamlet: Hamlet) -> Team | None:
        return permissions.team_serving(self.teams, hamlet)


def payload_read(body: bytes):
    """The JSON a phone sent; raises ``ValidationError`` when it is not JSON."""
    try:
        return json.loads(body, parse_constant=lambda name: None)
    except (ValueError, RecursionError) as error:
        raise ValidationError(_("What was sent is not valid JSON.")) from error


def _encodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _items(payload: dict, key: str) -> list:
    items = payload.get(key)
    return items if isinstance(items, list) else []


def _key(value) -> int | uuid_module.UUID | None:
    """A row's number, or the identifier a phone gave it."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value if 0 < value < 2**63 else None
    if isinstance(value, str):
        try:
            return uuid_module.UUID(value)
        except ValueError:
            return None
    return None


def _ids(items, key) -> set[int]:
    keys = (_key(item.get(key)) for item in items if isinstance(item, dict))
    return {k for k in keys if isinstance(k, int)}


def _uuids(items, key) -> set[uuid_module.UUID]:
    keys = (_key(item.get(key)) for item in items if isinstance(item, dict))
    return {k for k in keys if isinstance(k, uuid_module.UUID)}


def _uuid(value, errors, key="uuid"):
    found = _key(value)
    if isinstance(found, uuid_module.UUID):
        return found
    errors.setdefault(key, []).append(
        _("The identifier the phone gives each record is missing or wrong.")
    )
    return None


def _text(item, key, errors, *, required=False, limit=MAX_NAME) -> str:
    value = item.get(key, "")
    if value is None:
        value = ""
    if not isinstance(value, str):
        errors.setdefault(key, []).append(_("Enter text."))
        return ""
    if "\x00" in value or not _encodable(value):
        errors.setdefault(key, []).append(
            _("The text holds a character that is not allowed.")
        )
        return ""
    value = nfc(value)
    if len(value) > limit:
        errors.setdefault(key, []).append(
            _("Keep this under %(limit)d characters.") % {"limit": limit}
        )
    elif required and not value:
        errors.setdefault(key, []).append(_("This field is required."))
    return value


def _birth_year(value, errors, key):
    if value in (None, ""):
        return None
    this_year = timezone.localdate().year
    if isinstance(value, int) and not isinstance(value, bool):
        if this_year - 120 <= value <= this_year:
            return value
    errors.setdefault(key, []).append(
        _("Enter a birth year between %(first)d and %(last)d.")
        % {"first": this_year - 120, "last": this_year}
    )
    return None


def household_read(item, context: SyncContext) -> HouseholdData:
    """Check one household added on the phone; raises :class:`Invalid`."""
    if not isinstance(item, dict):
        raise Invalid({"": [_("Each household must be an object.")]})
    errors: dict[str, list[str]] = {}
    household_uuid = _uuid(item.get("uuid"), errors)
    hamlet = context.hamlets.get(_key(item.get("hamlet")))
    if hamlet is None:
        errors.setdefault("hamlet", []).append(
            _("This hamlet is not one of your team's hamlets.")
        )
    head_name = _text(item, "head_name", errors, required=True)
    house_number = _text(item, "house_number", errors, limit=40)
    phone = _text(item, "phone", errors, limit=20)
    if phone and "phone" not in errors:
        try:
            phone = phone_to_e164(phone)
        except ValidationError as error:
            errors.setdefault("phone", []).extend(error.messages)
    residents = []
    raw_residents = item.get("residents") or []
    if not isinstance(raw_residents, list) or len(raw_residents) > MAX_ATTENDEES:
        errors.setdefault("residents", []).append(
            _("List at most %(limit)d residents.") % {"limit": MAX_ATTENDEES}
        )
        raw_residents = []
    for index, raw in enumerate(raw_residents):
        prefix = f"residents[{index}]"
        if not isinstance(raw, dict):
            errors.setdefault(prefix, []).append(_("Each resident must be an object."))
            continue
        resident_errors: dict[str, list[str]] = {}
        resident = ResidentData(
            uuid=_uuid(raw.get("uuid"), resident_errors),
            full_name=_text(raw, "full_name", resident_errors, required=True),
            birth_year=_birth_year(
                raw.get("birth_year"), resident_errors, "birth_year"
            ),
            sex=raw.get("sex") if raw.get("sex") in Resident.Sex.values else "",
        )
        for key, messages in resident_errors.items():
            errors.setdefault(f"{prefix}.{key}", []).extend(messages)
        residents.append(resident)
    if errors:
        raise Invalid(errors)
    return HouseholdData(
        uuid=household_uuid,
        hamlet=hamlet,
        house_number=house_number,
        head_name=head_name,
        phone=phone,
        residents=residents,
    )


def _visited_on(value, errors) -> datetime.date | None:
    today = timezone.localdate()
    try:
        day = datetime.date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        day = None
    if day is None:
        errors.setdefault("visited_on", []).append(
            _("Enter the date of the visit, for example 2026-03-05.")
        )
    elif day > today + datetime.timedelta(days=1):
        errors.setdefault("visited_on", []).append(
            _("The visit date cannot be in the future.")
        )
    elif day < today - OLDEST_VISIT:
        errors.setdefault("visited_on", []).append(
            _("The visit date is more than a year ago.")
        )
    return day


def _attendee_read(raw, index, household, context, errors, day):
    prefix = f"attendees[{index}]"
    if not isinstance(raw, dict):
        errors.setdefault(prefix, []).append(
            _("Each person present must be an object.")
        )
        return None
    resident = context.residents.get(_key(raw.get("resident")))
    if household is not None and (
        resident is None or resident.household_id != household.pk
    ):
        resident = None
    if resident is None:
        errors.setdefault(f"{prefix}.resident", []).append(
            _("This person is not a member of the household.")
        )
    elif resident.erased_at is not None:
        errors.setdefault(f"{prefix}.resident", []).append(
            _("This person's data was erased at their request.")
        )
    skills = []
    raw_skills = raw.get("skills")
    if not isinstance(raw_skills, list) or not raw_skills:
        errors.setdefault(f"{prefix}.skills", []).append(
            _("Tick at least one skill the person was guided on.")
        )
        raw_skills = []
    seen = set()
    for skill_raw in raw_skills[: len(context.skills) + 1]:
        code = skill_raw.get("skill") if isinstance(skill_raw, dict) else None
        skill = context.skills.get(code) if isinstance(code, str) else None
        if skill is None:
            errors.setdefault(f"{prefix}.skills", []).append(
                _("“%(code)s” is not a skill the teams guide.")
                % {"code": str(code)[:40]}
            )
            continue
        if skill.code in seen:
            continue
        seen.add(skill.code)
        skills.append((skill, skill_raw.get("by_themselves") is True))
    consent = raw.get("consent")
    if not isinstance(consent, bool):
        errors.setdefault(f"{prefix}.consent", []).append(
            _("Ask the person whether they agree, and record their answer.")
        )
    guardian = _text(raw, "guardian", errors)
    minor = resident is not None and day is not None and resident.is_minor(day)
    if minor and consent is True and not guardian:
        errors.setdefault(f"{prefix}.guardian", []).append(
            _("This person is a minor: write the name of the guardian who agreed.")
        )
    return AttendeeData(
        resident=resident,
        skills=skills,
        consent=consent is True,
        guardian=guardian,
    )


def visit_read(item, context: SyncContext) -> VisitData:
    """Check one visit; raises :class:`Invalid` with every problem at once."""
    if not isinstance(item, dict):
        raise Invalid({"": [_("Each visit must be an object.")]})
    errors: dict[str, list[str]] = {}
    visit_uuid = _uuid(item.get("uuid"), errors)
    household = context.households.get(_key(item.get("household")))
    if household is None:
        errors.setdefault("household", []).append(
            _("This household is not in your team's hamlets.")
        )
    elif context.team_for(household.hamlet) is None:
        errors.setdefault("household", []).append(
            _("Only members of a team serving this hamlet record visits.")
        )
    day = _visited_on(item.get("visited_on"), errors)
    note = _text(item, "note", errors, limit=MAX_NOTE)
    method = item.get("consent_method", Consent.Method.MEMBER_PHONE)
    if method not in (Consent.Method.MEMBER_PHONE, Consent.Method.PAPER):
        errors.setdefault("consent_method", []).append(
            _("Consent is taken on the member's phone or on paper.")
        )
    raw_attendees = item.get("attendees")
    if not isinstance(raw_attendees, list) or not raw_attendees:
        errors.setdefault("attendees", []).append(_("Tick who was present."))
        raw_attendees = []
    elif len(raw_attendees) > MAX_ATTENDEES:
        errors.setdefault("attendees", []).append(
            _("List at most %(limit)d people.") % {"limit": MAX_ATTENDEES}
        )
        raw_attendees = []
    attendees = []
    people = set()
    for index, raw in enumerate(raw_attendees):
        attendee = _attendee_read(raw, index, household, context, errors, day)
        if attendee is None:
            continue
        person = attendee.resident.pk if attendee.resident else None
        if person is not None and person in people:
            errors.setdefault(f"attendees[{index}].resident", []).append(
                _("This person is listed twice.")
            )
        people.add(person)
        attendees.append(attendee)
    if errors:
        raise Invalid(errors)
    return VisitData(
        uuid=visit_uuid,
        household=household,
        visited_on=day,
        note=note,
        attendees=attendees,
        method=method,
    )


# What a phone may change on a household; residents are added, not renamed here.
CHANGEABLE = ("head_name", "house_number", "phone")


@dataclass
class HouseholdChangeData:
    uuid: uuid_module.UUID
    household: Household
    base_version: int
    proposed: dict[str, str]

    def digest(self) -> str:
        content = [self.household.pk, self.base_version, sorted(self.proposed.items())]
        return hashlib.sha256(
            json.dumps(content, separators=(",", ":"), ensure_ascii=False).encode()
        ).hexdigest()


def household_change_read(item, context: SyncContext) -> HouseholdChangeData:
    """Check one change to a household made on a phone; raises :class:`Invalid`."""
    if not isinstance(item, dict):
        raise Invalid({"": [_("Each change must be an object.")]})
    errors: dict[str, list[str]] = {}
    change_uuid = _uuid(item.get("uuid"), errors)
    household = context.households.get(_key(item.get("household")))
    if household is None:
        errors.setdefault("household", []).append(
            _("This household is not in your team's hamlets.")
        )
    base_version = item.get("base_version")
    if (
        not isinstance(base_version, int)
        or isinstance(base_version, bool)
        or not 0 < base_version < 2**31
    ):
        errors.setdefault("base_version", []).append(
            _("The version the change was made from is missing.")
        )
    proposed = {}
    for key in CHANGEABLE:
        if key not in item:
            continue
        limit = {"head_name": MAX_NAME, "house_number": 40, "phone": 20}[key]
        value = _text(item, key, errors, required=key == "head_name", limit=limit)
        if key == "phone" and value and key not in errors:
            try:
                value = phone_to_e164(value)
            except ValidationError as error:
                errors.setdefault(key, []).extend(error.messages)
        proposed[key] = value
    if not proposed and not errors:
        errors.setdefault("", []).append(_("The change changes nothing."))
    if errors:
        raise Invalid(errors)
    return HouseholdChangeData(
        uuid=change_uuid,
        household=household,
        base_version=base_version,
        proposed=proposed,
    )
