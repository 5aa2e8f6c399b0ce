"""Writes to learning records: enrolments, lesson progress, course completion, and
the receipts that make a write queued on a phone happen once."""

import hashlib
import json
import uuid
from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from courses import completion, selectors
from courses.models import (
    CoursePage,
    Enrollment,
    LessonPage,
    LessonProgress,
    OutboxReceipt,
)
from lms.models import User


def _lesson_is_part_of(course, lesson) -> bool:
    return lesson.path.startswith(course.path) and lesson.depth == course.depth + 1


def enrollment_create(*, user: User, course) -> Enrollment:
    """Enrol ``user`` in ``course``; enrolling again returns the existing enrolment.

    Raises ``ValidationError`` when the course is not published or not public.
    """
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

    Raises ``ValidationError`` when the lesson is not part of the course, is still
    locked (:func:`courses.selectors.locked_lessons`), or something else (for
    example a required quiz not yet passed) blocks it.
    """
    course = enrollment.course
    if not _lesson_is_part_of(course, lesson):
        raise ValidationError(
            _("This lesson is not part of the course."), code="wrong_course"
        )
    if not selectors.lesson_unlocked(enrollment=enrollment, lesson_id=lesson.pk):
        raise ValidationError(
            _("Complete the earlier lessons first."),
            code="lesson_locked",
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
    apps registered in :mod:`courses.completion` holds. Completion is recorded once; the
    ``course_completed`` signal is sent after the transaction commits.
    """
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


def outbox_receive(
    *,
    user: User,
    key: str,
    kind: str,
    content,
    handle: Callable[[], tuple[int, dict]],
) -> tuple[int, dict]:
    """Do a write a phone queued under ``key`` once, and give the same answer after.

    ``content`` is what the phone sent (anything JSON can hold), ``handle`` does the
    write and returns ``(status, answer)``; it should turn a refusal into an answer
    rather than raise, so that a refusal is also given again. The first arrival
    records the answer under ``(user, key)``; an arrival with the same key and the
    same content returns it without calling ``handle`` again, also when two arrive
    at once (the unique constraint decides which one does the write). Raises
    ``ValidationError`` with code ``outbox_key`` when ``key`` is not a UUID and
    ``outbox_conflict`` when the key was used for something else.
    """
    try:
        key = uuid.UUID(str(key))
    except ValueError:
        raise ValidationError(
            _(
                "This phone sent a write without a valid key, so it was not "
                "recorded. Reload the page and do it again."
            ),
            code="outbox_key",
        ) from None
    fingerprint = hashlib.sha256(
        json.dumps([kind, content], sort_keys=True, ensure_ascii=False).encode()
    ).hexdigest()
    with transaction.atomic():
        try:
            with transaction.atomic():
                receipt = OutboxReceipt.objects.create(
                    user=user, key=key, kind=kind, fingerprint=fingerprint
                )
        except IntegrityError:
            # Sent before (or being sent right now by a request that got there
            # first, whose answer is committed by the time this one may read it).
            receipt = OutboxReceipt.objects.get(user=user, key=key)
            if receipt.fingerprint != fingerprint:
                raise ValidationError(
                    _(
                        "This phone already sent something different under the "
                        "same key, so this was not recorded. Reload the page and "
                        "do it again."
                    ),
                    code="outbox_conflict",
                ) from None
            return receipt.status, receipt.answer
        status, answer = handle()
        receipt.status = status
        receipt.answer = answer
        receipt.save(update_fields=["status", "answer"])
    return status, answer


PRUNE_BATCH = 5000


def outbox_receipts_prune(*, before) -> int:
    """Forget the answers to queued writes received before ``before`` (a phone that
    has not resent a write by then never will); how many were forgotten.

    Deleted in batches by primary key, each in its own short transaction, so that
    phones sending meanwhile never wait long behind a lock.
    """
    forgotten = 0
    while True:
        batch = list(
            OutboxReceipt.objects.filter(received_at__lt=before)
            .order_by("received_at")
            .values_list("pk", flat=True)[:PRUNE_BATCH]
        )
        if not batch:
            return forgotten
        forgotten += OutboxReceipt.objects.filter(pk__in=batch).delete()[0]
