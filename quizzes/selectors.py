"""Reads of quizzes and attempts: what a learner sees in a lesson, and statistics."""

from collections.abc import Mapping
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db.models import Avg, Count, IntegerField, Max, Q, QuerySet
from django.db.models.functions import Cast
from django.utils.translation import gettext as _

from lms.permissions import scope_filter
from quizzes import rules
from quizzes.models import (
    Attempt,
    AttemptAnswer,
    Choice,
    Question,
    QuestionKind,
    Quiz,
    ReviewPolicy,
)
from quizzes.services import draw_for, offline_sheet_sign
from quizzes.stats import AssessmentStats, MissedQuestion

MISSED_QUESTIONS_SHOWN = 10


def quizzes_pending(*, enrollment, target_ids: set[int]) -> dict[int, str]:
    """``{id: title}`` of the quizzes in ``target_ids`` not passed in ``enrollment``.

    Quizzes that no longer exist are left out: nobody can pass them.
    """
    passed = Attempt.objects.filter(enrollment=enrollment, passed=True).values(
        "quiz_id"
    )
    return dict(
        Quiz.objects.filter(pk__in=target_ids)
        .exclude(pk__in=passed)
        .values_list("pk", "title")
    )


@dataclass
class ChoiceLine:
    choice: Choice
    selected: bool

    @property
    def correct(self) -> bool:
        return self.choice.is_correct


@dataclass
class QuestionLine:
    """One question of an attempt, as shown: its number, choices and outcome."""

    number: int
    question: Question
    choices: list[ChoiceLine]
    right: bool | None = None
    error: str = ""

    @property
    def field_name(self) -> str:
        return f"q{self.question.pk}"

    @property
    def input_type(self) -> str:
        return "checkbox" if self.question.kind == QuestionKind.MULTIPLE else "radio"

    @property
    def picked_feedback(self) -> list[ChoiceLine]:
        return [line for line in self.choices if line.selected and line.choice.feedback]


@dataclass
class AttemptSheet:
    """An attempt's questions in the order the learner saw them.

    For an open attempt it is the form (with the learner's picks and errors when a
    submission was refused); for a submitted one, the review.
    """

    attempt: Attempt
    questions: list[QuestionLine]
    errors: list[str] = field(default_factory=list)

    @property
    def all_errors(self) -> list[str]:
        """Every problem, for the summary at the top of a refused form."""
        return [*self.errors, *(line.error for line in self.questions if line.error)]


def attempt_sheet(
    *,
    attempt: Attempt,
    picks: Mapping[int, set[int]] | None = None,
    errors: Mapping[str, list[str]] | None = None,
) -> AttemptSheet:
    """Build the sheet of ``attempt`` in three queries (four with images).

    ``picks`` (question id -> choice ids) and ``errors`` (question id as a string,
    or ``"__all__"``) come from a refused submission; a submitted attempt shows the
    picks it recorded instead. Questions or choices deleted since the attempt began
    are left out.
    """
    question_ids = attempt.question_ids()
    questions = {
        question.pk: question
        for question in Question.objects.filter(pk__in=question_ids)
        .select_related("image")
        .prefetch_related("image__renditions")
    }
    choices = {
        choice.pk: choice
        for choice in Choice.objects.filter(question_id__in=question_ids)
    }
    right: dict[int, bool] = {}
    if not attempt.is_open:
        picks = {}
        for answer in AttemptAnswer.objects.filter(attempt=attempt):
            picks[answer.question_id] = set(answer.selected)
            right[answer.question_id] = answer.is_correct
    picks = picks or {}
    errors = errors or {}
    lines = []
    for entry in attempt.layout:
        question = questions.get(entry["question"])
        if question is None:
            continue
        chosen = picks.get(question.pk, set())
        lines.append(
            QuestionLine(
                number=len(lines) + 1,
                question=question,
                choices=[
                    ChoiceLine(choice=choices[pk], selected=pk in chosen)
                    for pk in entry["choices"]
                    if pk in choices
                ],
                right=right.get(question.pk),
                error=" ".join(errors.get(str(question.pk), [])),
            )
        )
    return AttemptSheet(
        attempt=attempt, questions=lines, errors=list(errors.get("__all__", []))
    )


def reveals_answers(quiz: Quiz, *, passed: bool) -> bool:
    """Whether the review policy lets the learner see the correct answers now."""
    return quiz.review_policy == ReviewPolicy.AFTER_SUBMIT or (
        quiz.review_policy == ReviewPolicy.AFTER_PASS and passed
    )


def hidden_answers_note(quiz: Quiz) -> str:
    if quiz.review_policy == ReviewPolicy.AFTER_PASS:
        return _("The correct answers are shown once you pass this quiz.")
    return _("This quiz does not show the correct answers.")


@dataclass
class QuizPanel:
    """A quiz as one learner sees it inside a lesson.

    ``sheet`` is the open attempt's form, or the review of the last submitted
    attempt when the review policy shows answers; ``allowance`` says whether and
    when another attempt may start. Without an enrolment (an editor's preview)
    there are no attempts.
    """

    quiz: Quiz
    lesson: object
    required: bool
    enrollment: object | None
    attempts: list[Attempt]
    allowance: rules.Allowance
    question_total: int
    sheet: AttemptSheet | None = None

    @property
    def preview(self) -> bool:
        return self.enrollment is None

    @property
    def open_attempt(self) -> Attempt | None:
        return next((a for a in self.attempts if a.is_open), None)

    @property
    def last_result(self) -> Attempt | None:
        submitted = [a for a in self.attempts if not a.is_open]
        return submitted[-1] if submitted else None

    @property
    def passed(self) -> bool:
        return any(a.passed for a in self.attempts)

    @property
    def reveals(self) -> bool:
        return reveals_answers(self.quiz, passed=self.passed)

    @property
    def hidden_note(self) -> str:
        return hidden_answers_note(self.quiz)


def quiz_panel(*, quiz: Quiz, lesson, enrollment, required: bool) -> QuizPanel:
    """What the quiz block of ``lesson`` shows to the learner of ``enrollment``."""
    attempts = []
    if enrollment is not None:
        attempts = list(
            Attempt.objects.filter(enrollment=enrollment, quiz=quiz).order_by("number")
        )
    submitted = [a for a in attempts if not a.is_open]
    open_attempt = next((a for a in attempts if a.is_open), None)
    if open_attempt is not None:
        question_total = open_attempt.question_count
    else:
        pool = quiz.questions.count()
        wanted = quiz.questions_per_attempt
        question_total = min(wanted, pool) if wanted else pool
    panel = QuizPanel(
        quiz=quiz,
        lesson=lesson,
        required=required,
        enrollment=enrollment,
        attempts=attempts,
        allowance=rules.allowance(
            max_attempts=quiz.max_attempts,
            retry_wait_minutes=quiz.retry_wait_minutes,
            used=len(attempts),
            last_submitted_at=submitted[-1].submitted_at if submitted else None,
        ),
        question_total=question_total,
    )
    if open_attempt is not None:
        panel.sheet = attempt_sheet(attempt=open_attempt)
    elif panel.last_result is not None and panel.reveals:
        panel.sheet = attempt_sheet(attempt=panel.last_result)
    return panel


@dataclass
class QuizStats(AssessmentStats):
    """Also counts the attempts started and not yet submitted."""

    in_progress: int


def quiz_stats(*, quiz: Quiz) -> QuizStats:
    """Attempts, average score, pass rate and the questions most often missed.

    Two queries whatever the number of attempts.
    """
    submitted = Q(state=Attempt.State.SUBMITTED)
    totals = Attempt.objects.filter(quiz=quiz).aggregate(
        attempts=Count("pk", filter=submitted),
        in_progress=Count("pk", filter=~submitted),
        learners=Count("user", filter=submitted, distinct=True),
        learners_passed=Count("user", filter=submitted & Q(passed=True), distinct=True),
        passed=Count("pk", filter=submitted & Q(passed=True)),
        average_percent=Avg("score", filter=submitted),
    )
    if totals["average_percent"] is not None:
        totals["average_percent"] = float(totals["average_percent"])
    missed = [
        MissedQuestion(
            key=str(row["question_id"]),
            text=row["question__text"],
            answered=row["answered"],
            wrong=row["wrong"],
        )
        for row in AttemptAnswer.objects.filter(attempt__quiz=quiz)
        .values("question_id", "question__text")
        .annotate(answered=Count("pk"), wrong=Count("pk", filter=Q(is_correct=False)))
        .filter(wrong__gt=0)
        .order_by("-wrong", "question_id")[:MISSED_QUESTIONS_SHOWN]
    ]
    return QuizStats(missed=missed, **totals)


@dataclass
class AttemptPage:
    """One attempt on its own page: the form while open, else the result."""

    attempt: Attempt
    sheet: AttemptSheet | None
    reveals: bool
    hidden_note: str


def attempt_page(
    *,
    attempt: Attempt,
    picks: Mapping[int, set[int]] | None = None,
    errors: Mapping[str, list[str]] | None = None,
) -> AttemptPage:
    """``attempt`` (with ``quiz`` and ``lesson`` loaded) as its page shows it."""
    reveals = True
    if not attempt.is_open:
        passed = attempt.passed or (
            Attempt.objects.filter(
                enrollment_id=attempt.enrollment_id,
                quiz_id=attempt.quiz_id,
                passed=True,
            ).exists()
        )
        reveals = reveals_answers(attempt.quiz, passed=passed)
    sheet = None
    if attempt.is_open or reveals:
        sheet = attempt_sheet(attempt=attempt, picks=picks, errors=errors)
    return AttemptPage(
        attempt=attempt,
        sheet=sheet,
        reveals=reveals,
        hidden_note=hidden_answers_note(attempt.quiz),
    )


@dataclass
class OfflineSheet:
    """The quiz a phone keeps to be answered without signal.

    ``sheet`` is the open attempt's form when there is one (answered as online),
    else the draw of the learner's next attempt with ``token``, the signed proof
    of that draw sent back with the answers; ``refusal`` says why no attempt may
    start (and then there is no sheet).
    """

    quiz: Quiz
    lesson: object
    sheet: AttemptSheet | None
    token: str = ""
    refusal: str = ""


def offline_sheet(*, quiz: Quiz, lesson, enrollment, user) -> OfflineSheet:
    """What the offline page of ``quiz`` in ``lesson`` shows the learner."""
    attempts = list(
        Attempt.objects.filter(enrollment=enrollment, quiz=quiz).order_by("number")
    )
    open_attempt = next((a for a in attempts if a.is_open), None)
    if open_attempt is not None:
        return OfflineSheet(
            quiz=quiz, lesson=lesson, sheet=attempt_sheet(attempt=open_attempt)
        )
    submitted = [a for a in attempts if not a.is_open]
    allowed = rules.allowance(
        max_attempts=quiz.max_attempts,
        retry_wait_minutes=quiz.retry_wait_minutes,
        used=len(attempts),
        last_submitted_at=submitted[-1].submitted_at if submitted else None,
    )
    # Only the limit keeps a phone from answering: the wait may be over by the
    # time the answers arrive, and the server decides then.
    if allowed.attempts_left == 0:
        return OfflineSheet(
            quiz=quiz, lesson=lesson, sheet=None, refusal=allowed.refusal
        )
    number = len(attempts) + 1
    layout = draw_for(user=user, quiz=quiz, number=number)
    if not layout:
        return OfflineSheet(
            quiz=quiz,
            lesson=lesson,
            sheet=None,
            refusal=_("This quiz has no questions yet. Please come back later."),
        )
    draft = Attempt(quiz=quiz, layout=layout, state=Attempt.State.IN_PROGRESS)
    return OfflineSheet(
        quiz=quiz,
        lesson=lesson,
        sheet=attempt_sheet(attempt=draft),
        token=offline_sheet_sign(
            user=user, quiz=quiz, lesson=lesson, number=number, layout=layout
        ),
    )


def quiz_learner_results(*, quiz: Quiz, viewer) -> QuerySet:
    """Each learner the ``viewer`` may see who submitted an attempt at ``quiz``:
    their attempts, best score, whether they passed and their last attempt, the
    most recent first. An editor sees learners living in the places they cover.
    """
    submitted = Q(
        quiz_attempts__quiz=quiz, quiz_attempts__state=Attempt.State.SUBMITTED
    )
    visible = scope_filter(viewer, commune="commune", province="commune__province")
    return (
        get_user_model()
        .objects.filter(visible)
        .annotate(
            attempt_count=Count("quiz_attempts", filter=submitted),
            best_score=Max("quiz_attempts__score", filter=submitted),
            has_passed=Max(
                Cast("quiz_attempts__passed", IntegerField()), filter=submitted
            ),
            last_attempt_at=Max("quiz_attempts__submitted_at", filter=submitted),
        )
        .filter(attempt_count__gt=0)
        .order_by("-last_attempt_at", "-pk")
    )
