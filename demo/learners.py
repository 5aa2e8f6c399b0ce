"""Demo accounts and how far their holders got in the courses.

Shared by the people of ``people.yaml`` and the civil servants of ``agencies.yaml``:
an account is made as sign-up makes one, and progress is made as a learner makes
it, through the learners' services (open, pass the quiz, complete).
"""

import random
from collections import Counter

from allauth.account.models import EmailAddress

from courses import services
from courses.assessments import assessment_kinds, required_targets
from courses.models import CoursePage, Enrollment, LessonPage, LessonProgress
from lms.models import User
from lms.services import role_grant
from quizzes import services as quiz_services
from quizzes.models import Attempt, Choice, Quiz
from quizzes.permissions import BLOCK_TYPE as QUIZ_BLOCK


def account_password_set(user: User, password_hash: str | None) -> None:
    """Give the demo password to an account that has none yet.

    ``password_hash`` is the password hashed once for every demo account (by
    ``make_password``): hashing it again for each of thirty accounts would take
    half a minute of a developer's ``make run``.
    """
    if password_hash and not user.has_usable_password():
        user.password = password_hash
        user.save(update_fields=["password"])


def account_email_add(user: User, email: str, created: Counter) -> None:
    if email:
        _address, new = EmailAddress.objects.get_or_create(
            user=user, email=email, defaults={"verified": True, "primary": True}
        )
        created["email addresses"] += new


def account_role_grant(user: User, role: str, created: Counter, **scope) -> None:
    roles_before = user.roles.count()
    role_grant(user=user, role=role, by=None, **scope)
    created["role assignments"] += user.roles.count() - roles_before


def _answers_right(attempt: Attempt) -> dict[int, list[int]]:
    """The correct choices among those the attempt showed, per question."""
    shown = {entry["question"]: set(entry["choices"]) for entry in attempt.layout}
    answers: dict[int, list[int]] = {question: [] for question in shown}
    for question_id, choice_id in Choice.objects.filter(
        question_id__in=shown, is_correct=True
    ).values_list("question_id", "pk"):
        if choice_id in shown[question_id]:
            answers[question_id].append(choice_id)
    return answers


def _quizzes_pass(user: User, lesson: LessonPage, created: Counter) -> None:
    """Pass the required quizzes of ``lesson`` as a learner would: start, answer."""
    kind = next(k for k in assessment_kinds() if k.block_type == QUIZ_BLOCK)
    quiz_ids = required_targets(lesson.body.raw_data, kind)
    for quiz in Quiz.objects.filter(pk__in=quiz_ids):
        if Attempt.objects.filter(user=user, quiz=quiz, passed=True).exists():
            continue
        # A fixed draw, so a demo loaded twice on two machines looks the same.
        attempt = quiz_services.attempt_start(
            user=user, quiz=quiz, lesson=lesson, rng=random.Random(quiz.title)
        )
        quiz_services.attempt_submit(
            user=user, attempt_id=attempt.pk, answers=_answers_right(attempt)
        )
        created["quizzes passed"] += 1


def progress_build(
    user: User,
    course: CoursePage,
    *,
    done: int | None,
    open_next: bool,
    created: Counter,
) -> None:
    """Complete the first ``done`` lessons in order (None: all), passing their
    required quizzes, then open the next one."""
    new = not Enrollment.objects.filter(user=user, course=course).exists()
    enrollment = services.enrollment_create(user=user, course=course)
    created["enrolments"] += new
    lessons = list(LessonPage.objects.live().child_of(course).order_by("path"))
    done = len(lessons) if done is None else done
    statuses = dict(enrollment.lesson_progress.values_list("lesson_id", "status"))
    for lesson in lessons[:done]:
        if statuses.get(lesson.pk) == LessonProgress.Status.COMPLETED:
            continue
        services.lesson_open(enrollment=enrollment, lesson=lesson, already_opened=False)
        _quizzes_pass(user, lesson, created)
        services.lesson_complete(enrollment=enrollment, lesson=lesson)
        created["lessons completed"] += 1
    if open_next and done < len(lessons) and lessons[done].pk not in statuses:
        services.lesson_open(
            enrollment=enrollment, lesson=lessons[done], already_opened=False
        )
        created["lessons opened"] += 1
