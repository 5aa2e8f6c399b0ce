"""The officials' side of the demo: the city's agencies, their civil servants,
the courses assigned to them, the yearly targets, and the courses staff finished.

Rows are saved as the admin's screens save them, so the coverage app hears of
every change (its receivers queue the figures' refresh); courses are finished
through the learners' services. Each step looks for what it would create first:
loading again adds nothing, and a deadline or target changed in the admin stays.
"""

import datetime
import uuid
from collections import Counter

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone

from courses.models import CoursePage
from coverage.models import Agency, CourseAssignment, StaffMember, Target
from demo.data import (
    AGENCIES_FILE,
    AgencySpec,
    DemoContent,
    DemoContentError,
    StaffSpec,
    commune_name_split,
)
from demo.learners import (
    account_email_add,
    account_password_set,
    account_role_grant,
    progress_build,
)
from lms.models import Commune, Province, User
from lms.models.users import Role
from lms.phone import phone_to_e164

# Staff accounts get usernames made from how they sign in: the same on every load.
ACCOUNTS = uuid.UUID("0c8d3a3e-7d35-4b8e-9a57-3f1e2c4b6d90")


def _commune(province: Province, spec: AgencySpec) -> Commune:
    kind, name = commune_name_split(spec.commune)
    commune = Commune.objects.filter(province=province, kind=kind, name=name).first()
    if commune is None:
        raise DemoContentError(
            [
                f"{AGENCIES_FILE}: {spec.name}: commune: no “{spec.commune}” in "
                f"{province.full_name} among the administrative units"
            ]
        )
    return commune


def _agency_get_or_create(
    spec: AgencySpec, *, province: Province, parent: Agency | None, created: Counter
) -> Agency:
    agency = Agency.objects.filter(province=province, parent=parent, name=spec.name)
    agency = agency.first()
    if agency is not None:
        return agency
    agency = Agency(
        name=spec.name,
        kind=spec.kind,
        province=province,
        parent=parent,
        commune=_commune(province, spec) if spec.commune else None,
    )
    try:
        agency.full_clean()
    except ValidationError as error:
        raise DemoContentError(
            [f"{AGENCIES_FILE}: {spec.name}: {message}" for message in error.messages]
        ) from None
    agency.save()
    created["agencies"] += 1
    return agency


def _staff_account(
    spec: StaffSpec, *, people: dict[str, User], password_hash: str | None, created
) -> User:
    """The person's account: from people.yaml, the one they sign in with, or new.

    As a roster import does, a person who already has an account (found by phone
    or email) keeps it rather than getting a second one.
    """
    if spec.account:
        return people[spec.account]
    phone = phone_to_e164(spec.phone) if spec.phone else None
    contact = Q(pk__in=[])
    if phone:
        contact |= Q(phone=phone)
    if spec.email:
        contact |= Q(email__iexact=spec.email)
    user = User.objects.filter(contact).order_by("pk").first()
    if user is None:
        user = User(
            username=f"demo-{uuid.uuid5(ACCOUNTS, phone or spec.email).hex[:16]}",
            full_name=spec.full_name,
            phone=phone,
            phone_verified=bool(phone),
            email=spec.email,
        )
        user.set_unusable_password()
        user.save()
        created["users"] += 1
    account_password_set(user, password_hash)
    account_email_add(user, spec.email, created)
    return user


def _staff_add(
    spec: StaffSpec,
    agency: Agency,
    *,
    people: dict[str, User],
    password_hash: str | None,
    created: Counter,
) -> tuple[StaffMember, User]:
    user = _staff_account(
        spec, people=people, password_hash=password_hash, created=created
    )
    account_role_grant(user, Role.CIVIL_SERVANT, created)
    member = StaffMember.objects.filter(user=user).first()
    if member is None:
        member = StaffMember.objects.create(
            agency=agency,
            user=user,
            full_name=spec.full_name,
            category=spec.category,
            position=spec.position,
            phone=phone_to_e164(spec.phone) if spec.phone else "",
            email=spec.email,
        )
        created["staff members"] += 1
    return member, user


def demo_agencies_build(
    content: DemoContent,
    *,
    courses: list[CoursePage],
    people: dict[str, User],
    password_hash: str | None,
    created: Counter,
) -> list[Agency]:
    """The agencies of ``agencies.yaml`` top down, each with its staff, then the
    assigned courses, the targets, and the courses staff finished. Returns the top
    agencies."""
    spec = content.agencies
    province = Province.objects.filter(code=spec.province_code).first()
    if province is None:
        raise DemoContentError(
            [f"{AGENCIES_FILE}: province: no province “{spec.province_code}”"]
        )
    by_key = {
        course_spec.key: course
        for course_spec, course in zip(content.courses, courses, strict=True)
    }
    learners: list[tuple[User, StaffSpec]] = []
    by_name: dict[str, Agency] = {}

    def build(agency_spec: AgencySpec, parent: Agency | None) -> Agency:
        agency = _agency_get_or_create(
            agency_spec, province=province, parent=parent, created=created
        )
        by_name[agency_spec.name] = agency
        for staff_spec in agency_spec.staff:
            _member, user = _staff_add(
                staff_spec,
                agency,
                people=people,
                password_hash=password_hash,
                created=created,
            )
            learners.append((user, staff_spec))
        for unit in agency_spec.units:
            build(unit, agency)
        return agency

    tops = [build(agency_spec, None) for agency_spec in spec.agencies]
    today = timezone.localdate()
    for assignment in spec.assignments:
        _row, new = CourseAssignment.objects.get_or_create(
            province=province,
            course=by_key[assignment.course],
            agency=by_name[assignment.agency] if assignment.agency else None,
            category=assignment.category,
            defaults={
                "deadline": today
                + datetime.timedelta(days=assignment.deadline_in_days),
                "created_by": people[spec.assigned_by],
            },
        )
        created["course assignments"] += new
    for target in spec.targets:
        _row, new = Target.objects.get_or_create(
            province=province,
            indicator=target.indicator,
            year=target.year,
            defaults={"percent": target.percent},
        )
        created["yearly targets"] += new
    for user, staff_spec in learners:
        for progress in staff_spec.progress:
            progress_build(
                user,
                by_key[progress.course],
                done=progress.completed,
                open_next=progress.next_opened,
                created=created,
            )
    return tops
