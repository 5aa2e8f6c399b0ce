"""A province's agencies with their staff, courses assigned to them, and officials.

``coverage_world()`` builds on :func:`tests.staff.staff_world`: Hồ Chí Minh has a
department with a sub-unit, and Bến Thành's people's committee; Hà Nội has one
department. Each agency has a few civil servants with accounts.
"""

import datetime
from dataclasses import dataclass

from django.test import TestCase
from django.utils import timezone

from courses.models import CoursePage, Enrollment, LessonPage
from courses.services import enrollment_create, lesson_complete
from coverage.models import Agency, CourseAssignment, StaffCategory, StaffMember
from tests.factories import UserFactory, add_course, build_site
from tests.staff import StaffWorld, staff_world


@dataclass
class CoverageWorld:
    people: StaffWorld
    department: Agency
    office: Agency
    committee: Agency
    hanoi_department: Agency
    course: CoursePage
    other_course: CoursePage


def member(agency: Agency, name: str, category=StaffCategory.CC, **fields):
    user = UserFactory(full_name=name)
    return StaffMember.objects.create(
        agency=agency, user=user, full_name=name, category=category, **fields
    )


def coverage_world() -> CoverageWorld:
    people = staff_world()
    _home, catalogue = build_site()
    department = Agency.objects.create(
        name="Sở Khoa học và Công nghệ",
        kind=Agency.Kind.DEPARTMENT,
        province=people.hcm,
    )
    office = Agency.objects.create(
        name="Phòng Chuyển đổi số",
        kind=Agency.Kind.SUB_UNIT,
        province=people.hcm,
        parent=department,
    )
    committee = Agency.objects.create(
        name="UBND phường Bến Thành",
        kind=Agency.Kind.COMMUNE_COMMITTEE,
        province=people.hcm,
        commune=people.ben_thanh,
    )
    hanoi_department = Agency.objects.create(
        name="Sở Nội vụ Hà Nội", kind=Agency.Kind.DEPARTMENT, province=people.hanoi
    )
    return CoverageWorld(
        people=people,
        department=department,
        office=office,
        committee=committee,
        hanoi_department=hanoi_department,
        course=add_course(catalogue, title="Kỹ năng số cho công chức", lessons=1),
        other_course=add_course(catalogue, title="An toàn thông tin", lessons=1),
    )


def assign(
    world: CoverageWorld,
    *,
    agency=None,
    course=None,
    days=None,
    deadline=None,
    **fields,
):
    """Assign a course due ``days`` from today, on ``deadline``, or on the last
    day of this year."""
    today = timezone.localdate()
    if deadline is None and days is None:
        deadline = datetime.date(today.year, 12, 31)
    elif deadline is None:
        deadline = today + datetime.timedelta(days=days)
    return CourseAssignment.objects.create(
        province=(agency.province if agency else world.people.hcm),
        agency=agency,
        course=course or world.course,
        deadline=deadline,
        **fields,
    )


def finish(user, course: CoursePage) -> Enrollment:
    """``user`` finishes every lesson of ``course`` through the learners' service,
    and what listens to a finished course hears of it."""
    enrollment = enrollment_create(user=user, course=course)
    with TestCase.captureOnCommitCallbacks(execute=True):
        for lesson in LessonPage.objects.child_of(course).live():
            lesson_complete(enrollment=enrollment, lesson=lesson)
    enrollment.refresh_from_db()
    assert enrollment.completed_at
    return enrollment
