"""Writes to learning records and roles."""

from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lms import completion
from lms.models import Enrollment, LessonProgress, RoleAssignment, User
from lms.models.users import Role

EDITORS_GROUP = "Editors"


def _lesson_is_part_of(course, lesson) -> bool:
    return lesson.path.startswith(course.path) and lesson.depth == course.depth + 1


def enrollment_create(*, user: User, course) -> Enrollment:
    """Enrol ``user`` in ``course``; enrolling again returns the existing enrolment.

    Raises ``ValidationError`` when the course is not published or not public.
    """
    from courses.models import CoursePage

    if not CoursePage.objects.live().public().filter(pk=course.pk).exists():
        raise ValidationError(
            _("This course is not open for enrolment."), code="course_unavailable"
        )
    try:
        with transaction.atomic():
            enrollment, _created = Enrollment.objects.get_or_create(
                user=user, course_id=course.pk
            )
    except IntegrityError:
        # Two taps at once: the other request created it first.
        enrollment = Enrollment.objects.get(user=user, course_id=course.pk)
    return enrollment


def lesson_open(*, enrollment: Enrollment, lesson, already_opened: bool) -> None:
    """Record that a lesson was opened and make it the resume point.

    Re-reading the lesson that is already the resume point writes nothing, so the
    common case takes no write lock (``already_opened`` comes from the caller's
    progress read).
    """
    if already_opened and enrollment.last_lesson_id == lesson.pk:
        return
    now = timezone.now()
    with transaction.atomic():
        if not already_opened:
            LessonProgress.objects.get_or_create(
                enrollment=enrollment, lesson_id=lesson.pk, defaults={"opened_at": now}
            )
        Enrollment.objects.filter(pk=enrollment.pk).update(
            last_lesson_id=lesson.pk, last_activity_at=now
        )
    enrollment.last_lesson_id = lesson.pk
    enrollment.last_activity_at = now


@transaction.atomic
def lesson_complete(*, enrollment: Enrollment, lesson) -> LessonProgress:
    """Mark a lesson complete, then re-evaluate the course.

    Raises ``ValidationError`` when something (for example a required quiz not yet
    passed) still blocks the lesson, or the lesson is not part of the course.
    """
    course = enrollment.course
    if not _lesson_is_part_of(course, lesson):
        raise ValidationError(
            _("This lesson is not part of the course."), code="wrong_course"
        )
    blockers = completion.lesson_blockers(enrollment, lesson)
    if blockers:
        raise ValidationError(blockers, code="lesson_blocked")
    now = timezone.now()
    progress, _created = LessonProgress.objects.select_for_update().get_or_create(
        enrollment=enrollment,
        lesson_id=lesson.pk,
        defaults={"opened_at": now},
    )
    if progress.status != LessonProgress.Status.COMPLETED:
        progress.status = LessonProgress.Status.COMPLETED
        progress.completed_at = now
        progress.save(update_fields=["status", "completed_at"])
    enrollment_evaluate_completion(enrollment=enrollment)
    return progress


@transaction.atomic
def enrollment_evaluate_completion(*, enrollment: Enrollment) -> bool:
    """Decide whether the course is complete and record when it became so.

    The rule: every live required lesson completed, and every requirement other
    apps registered in :mod:`lms.completion` holds. Completion is recorded once; the
    ``course_completed`` signal is sent after the transaction commits.
    """
    from courses.models import LessonPage

    enrollment = Enrollment.objects.select_for_update().get(pk=enrollment.pk)
    if enrollment.completed_at:
        return True
    course = enrollment.course
    required = set(
        LessonPage.objects.live()
        .child_of(course)
        .filter(is_required=True)
        .values_list("pk", flat=True)
    )
    done = set(
        enrollment.lesson_progress.filter(
            status=LessonProgress.Status.COMPLETED
        ).values_list("lesson_id", flat=True)
    )
    if not required <= done or not completion.course_requirements_met(enrollment):
        return False
    enrollment.completed_at = timezone.now()
    enrollment.save(update_fields=["completed_at"])
    transaction.on_commit(
        lambda: completion.course_completed.send(
            sender=Enrollment, enrollment=enrollment
        )
    )
    return True


@transaction.atomic
def role_grant(
    *, user: User, role: str, team=None, commune=None, province=None
) -> RoleAssignment:
    """Give ``user`` a role with its scope (idempotent).

    Content editors also join Wagtail's "Editors" group so they can use the admin.
    """
    if role not in Role.values:
        raise ValidationError(_("Unknown role."), code="unknown_role")
    scope = {"user": user, "role": role, "team": team, "commune": commune}
    scope["province"] = province
    assignment = RoleAssignment.objects.filter(**scope).first()
    if assignment is None:
        assignment = RoleAssignment(**scope)
        assignment.full_clean()
        try:
            with transaction.atomic():
                assignment.save()
        except IntegrityError:
            assignment = RoleAssignment.objects.get(**scope)
    if role == Role.CONTENT_EDITOR:
        group = Group.objects.filter(name=EDITORS_GROUP).first()
        if group:
            user.groups.add(group)
        # Staff status only switches on the editing toolbar on public pages.
        if not user.is_staff:
            user.is_staff = True
            user.save(update_fields=["is_staff"])
    return assignment
