"""Starting and submitting quiz attempts. The server alone draws and grades."""

import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from django.core import signing
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from courses.models import Enrollment
from courses.services import enrollment_evaluate_completion
from quizzes import rules
from quizzes.models import Attempt, AttemptAnswer, Choice, QuestionKind, Quiz
from quizzes.permissions import learner_attempts, lesson_access


def _draw(quiz: Quiz, rng: random.Random) -> list[dict]:
    """Pick the questions of a new attempt and the order of their choices."""
    choices: dict[int, list[int]] = {}
    for question_id, choice_id in (
        Choice.objects.filter(question__quiz=quiz)
        .order_by("sort_order", "pk")
        .values_list("question_id", "pk")
    ):
        choices.setdefault(question_id, []).append(choice_id)
    # A question without two choices cannot be answered meaningfully: skip it.
    pool = [
        (question_id, kind)
        for question_id, kind in quiz.questions.order_by(
            "sort_order", "pk"
        ).values_list("pk", "kind")
        if len(choices.get(question_id, ())) >= 2
    ]
    wanted = quiz.questions_per_attempt
    if wanted and wanted < len(pool):
        pool = rng.sample(pool, wanted)
    layout = []
    for question_id, kind in pool:
        order = list(choices[question_id])
        # "True" before "False" reads naturally; shuffling it only confuses.
        if quiz.shuffle_choices and kind != QuestionKind.TRUE_FALSE:
            rng.shuffle(order)
        layout.append({"question": question_id, "choices": order})
    return layout


def draw_for(*, user, quiz: Quiz, number: int) -> list[dict]:
    """The questions and choice order of attempt ``number`` of ``user`` at ``quiz``.

    The same every time it is asked for (until editors change the pool), so the
    quiz page a phone kept for answering offline shows the draw the attempt gets
    when it starts online, and reloading it draws nothing new.
    """
    seed = salted_hmac("quizzes.draw", f"{user.pk}:{quiz.pk}:{number}").hexdigest()
    return _draw(quiz, random.Random(seed))


def attempt_start(
    *, user, quiz: Quiz, lesson, rng: random.Random | None = None
) -> Attempt:
    """Start an attempt at ``quiz`` from ``lesson``, or return the one still open.

    The draw (which questions, in which order, and each question's choice order)
    is stored on the attempt. Raises :class:`quizzes.permissions.QuizRefused` when
    the learner may not take the quiz in this lesson, and ``ValidationError`` when
    the attempt limit or the wait before a retry says no, or the quiz has no
    questions. ``rng`` lets a caller fix the draw; without it the attempt gets
    :func:`draw_for`'s.
    """
    enrollment = lesson_access(user=user, lesson=lesson, quiz_id=quiz.pk)
    existing = Attempt.objects.filter(
        enrollment=enrollment, quiz=quiz, state=Attempt.State.IN_PROGRESS
    ).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            return _attempt_create(
                user=user,
                enrollment=enrollment,
                quiz=quiz,
                lesson=lesson,
                rng=rng,
            )
    except IntegrityError:
        # Two taps on "Start" at once: the other request opened the attempt.
        existing = Attempt.objects.filter(
            enrollment=enrollment, quiz=quiz, state=Attempt.State.IN_PROGRESS
        ).first()
        if existing is None:
            raise
        return existing


def _attempt_create(
    *, user, enrollment, quiz, lesson, rng=None, layout=None
) -> Attempt:
    """Open the learner's next attempt if the attempt limit and the wait allow it;
    with ``layout`` (a draw made earlier, see :func:`attempt_submit_offline`) it
    asks those questions, otherwise it draws."""
    previous = Attempt.objects.filter(enrollment=enrollment, quiz=quiz).aggregate(
        used=Max("number"), last_submitted_at=Max("submitted_at")
    )
    allowed = rules.allowance(
        max_attempts=quiz.max_attempts,
        retry_wait_minutes=quiz.retry_wait_minutes,
        used=previous["used"] or 0,
        last_submitted_at=previous["last_submitted_at"],
    )
    if not allowed.may_start:
        raise ValidationError(allowed.refusal, code="attempt_not_allowed")
    number = (previous["used"] or 0) + 1
    if layout is None:
        layout = (
            _draw(quiz, rng)
            if rng is not None
            else draw_for(user=user, quiz=quiz, number=number)
        )
    if not layout:
        raise ValidationError(
            _("This quiz has no questions yet. Please come back later."),
            code="quiz_empty",
        )
    return Attempt.objects.create(
        quiz=quiz,
        enrollment=enrollment,
        user=user,
        lesson_id=lesson.pk,
        number=number,
        layout=layout,
        pass_mark=quiz.pass_mark,
        started_at=timezone.now(),
        question_count=len(layout),
    )


@dataclass(frozen=True)
class SubmitResult:
    """A graded attempt; ``repeated`` when the same answers had already been
    recorded (a double submit), ``course_completed`` when this pass completed the
    course."""

    attempt: Attempt
    repeated: bool = False
    course_completed: bool = False


def _normalise(answers: Mapping[int, Sequence[int]]) -> dict[int, set[int]]:
    return {
        int(question): {int(c) for c in picked} for question, picked in answers.items()
    }


def _answer_errors(
    attempt: Attempt, answers: dict[int, set[int]], kinds: dict[int, str]
) -> dict[str, list[str]]:
    shown = {entry["question"]: set(entry["choices"]) for entry in attempt.layout}
    errors: dict[str, list[str]] = {}
    if set(answers) - set(shown):
        errors[NON_FIELD_ERRORS] = [
            _(
                "Your answers name a question that is not part of this attempt. "
                "Reload the quiz and answer again."
            )
        ]
    number = 0
    for entry in attempt.layout:
        question_id = entry["question"]
        if question_id not in kinds:
            # Deleted from the pool since the attempt began: not asked any more.
            continue
        number += 1
        picked = answers.get(question_id, set())
        if not picked:
            message = _("Answer question %(number)s.")
        elif picked - shown[question_id]:
            message = _(
                "Question %(number)s: that answer is not one of this question's "
                "choices. Choose again from the choices shown."
            )
        elif kinds[question_id] != QuestionKind.MULTIPLE and len(picked) > 1:
            message = _("Question %(number)s takes one answer only.")
        else:
            continue
        errors[str(question_id)] = [message % {"number": number}]
    return errors


@transaction.atomic
def attempt_submit(
    *, user, attempt_id: int, answers: Mapping[int, Sequence[int]]
) -> SubmitResult:
    """Grade and close an open attempt of ``user``.

    ``answers`` maps question ids to the chosen choice ids. Each question is right
    only when the choices picked are exactly its correct ones among those shown
    (all or nothing, also for multiple choice); the score is the share of
    questions right and the attempt passes when it reaches the pass mark the
    attempt started with.

    Submitting the same answers again returns the recorded result (``repeated``);
    different answers to a submitted attempt are refused. Raises
    ``Attempt.DoesNotExist`` for an attempt that is not the user's, and
    ``ValidationError`` (keyed by question id as a string) when an answer is
    missing or names a choice the question did not show.

    Passing re-evaluates the enrolment, so the course completes at once when this
    was all that was missing.
    """
    attempt = learner_attempts(user).select_for_update().get(pk=attempt_id)
    picked = _normalise(answers)
    if not attempt.is_open:
        recorded = {
            question_id: set(selected)
            for question_id, selected in attempt.answers.values_list(
                "question_id", "selected"
            )
        }
        if recorded == picked:
            return SubmitResult(attempt=attempt, repeated=True)
        raise ValidationError(
            _(
                "This attempt was already submitted, so these answers were not "
                "recorded. Your result is below."
            ),
            code="attempt_closed",
        )
    kinds: dict[int, str] = {}
    correct: dict[int, set[int]] = {}
    for question_id, choice_id, is_correct, kind in Choice.objects.filter(
        question_id__in=attempt.question_ids()
    ).values_list("question_id", "pk", "is_correct", "question__kind"):
        kinds[question_id] = kind
        correct.setdefault(question_id, set())
        if is_correct:
            correct[question_id].add(choice_id)
    errors = _answer_errors(attempt, picked, kinds)
    if errors:
        raise ValidationError(errors)

    rows = []
    for entry in attempt.layout:
        question_id = entry["question"]
        if question_id not in kinds:
            continue
        expected = correct[question_id] & set(entry["choices"])
        rows.append(
            AttemptAnswer(
                attempt=attempt,
                question_id=question_id,
                selected=sorted(picked[question_id]),
                is_correct=picked[question_id] == expected,
            )
        )
    AttemptAnswer.objects.bulk_create(rows)
    asked = len(rows)
    right = sum(1 for row in rows if row.is_correct)
    attempt.state = Attempt.State.SUBMITTED
    attempt.submitted_at = timezone.now()
    attempt.question_count = asked
    attempt.correct_count = right
    # Rounded half up for display; passing compares exact fractions.
    attempt.score = (200 * right + asked) // (2 * asked) if asked else 0
    attempt.passed = asked > 0 and right * 100 >= attempt.pass_mark * asked
    attempt.save(
        update_fields=[
            "state",
            "submitted_at",
            "question_count",
            "correct_count",
            "score",
            "passed",
        ]
    )
    completed = False
    if attempt.passed:
        enrollment = Enrollment.objects.get(pk=attempt.enrollment_id)
        if enrollment.completed_at is None:
            completed = enrollment_evaluate_completion(enrollment=enrollment)
    return SubmitResult(attempt=attempt, course_completed=completed)


SHEET_SALT = "quizzes.offline-sheet"


def offline_sheet_sign(
    *, user, quiz: Quiz, lesson, number: int, layout: list[dict]
) -> str:
    """The proof, kept in a quiz page saved on a phone, of the draw it shows (for
    the learner's attempt ``number``)."""
    return signing.dumps(
        {"u": user.pk, "q": quiz.pk, "l": lesson.pk, "n": number, "layout": layout},
        salt=SHEET_SALT,
        compress=True,
    )


@transaction.atomic
def attempt_submit_offline(
    *, user, quiz: Quiz, lesson, sheet: str, answers: Mapping[int, Sequence[int]]
) -> SubmitResult:
    """Start and grade an attempt answered on a phone without signal.

    ``sheet`` is the signed draw of the quiz page the phone kept
    (:func:`offline_sheet_sign`). The attempt starts now, under the same rules as
    one started online (:func:`attempt_start`: the lesson must be open to the
    learner, the attempt limit and the wait must allow another attempt), asks the
    questions the phone showed and is graded by :func:`attempt_submit`. An
    attempt already open with the same draw (started online since) takes the
    answers. Raises :class:`quizzes.permissions.QuizRefused` or
    ``ValidationError`` (codes ``sheet_invalid``, ``attempt_not_allowed``,
    ``attempt_open``, or the answer errors of :func:`attempt_submit`); nothing is
    recorded then, so a refused offline answer uses no attempt.
    """
    try:
        drawn = signing.loads(sheet, salt=SHEET_SALT)
    except signing.BadSignature:
        drawn = {}
    if (drawn.get("u"), drawn.get("q"), drawn.get("l")) != (
        user.pk,
        quiz.pk,
        lesson.pk,
    ):
        raise ValidationError(
            _(
                "These answers come from a quiz page this site cannot check. Open "
                "the lesson with signal and answer the quiz again."
            ),
            code="sheet_invalid",
        )
    enrollment = lesson_access(user=user, lesson=lesson, quiz_id=quiz.pk)
    layout = drawn["layout"]
    attempt = (
        Attempt.objects.select_for_update()
        .filter(enrollment=enrollment, quiz=quiz, state=Attempt.State.IN_PROGRESS)
        .first()
    )
    if attempt is None:
        try:
            with transaction.atomic():
                attempt = _attempt_create(
                    user=user,
                    enrollment=enrollment,
                    quiz=quiz,
                    lesson=lesson,
                    layout=layout,
                )
        except IntegrityError:
            attempt = None
    if attempt is None or attempt.layout != layout:
        raise ValidationError(
            _(
                "You started this quiz again elsewhere, so these answers were not "
                "recorded. Finish the attempt that is open in the lesson."
            ),
            code="attempt_open",
        )
    return attempt_submit(user=user, attempt_id=attempt.pk, answers=answers)
