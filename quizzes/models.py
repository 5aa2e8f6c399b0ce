"""Native quizzes: a pool of questions per quiz, and learners' attempts.

Editors build a :class:`Quiz` with its :class:`Question` pool and each question's
:class:`Choice` rows in the Wagtail admin (nested inline panels). A learner's
:class:`Attempt` stores the questions drawn and the order their choices were shown
in, so the review shows exactly what the learner saw; :class:`AttemptAnswer` keeps
what was chosen and whether it was right.

Scoring is all-or-nothing per question: a question counts as right only when the
chosen choices are exactly its correct ones (for multiple choice: every correct
choice and no wrong one). The score is the share of questions right.
"""

from collections.abc import Sequence

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.models import Orderable
from wagtail.search import index

from lms.text import nfc


class QuestionKind(models.TextChoices):
    SINGLE = "single", _("Single choice")
    MULTIPLE = "multiple", _("Multiple choice")
    TRUE_FALSE = "true_false", _("True or false")


class ReviewPolicy(models.TextChoices):
    AFTER_SUBMIT = "after_submit", _("After each attempt")
    AFTER_PASS = "after_pass", _("Once the learner has passed")
    NEVER = "never", _("Never")


def choice_problems(kind: str, correct_flags: Sequence[bool]) -> list[str]:
    """What is wrong with a question's choices, as messages for the editor.

    ``correct_flags`` holds one entry per choice: whether that choice is correct.
    """
    problems = []
    correct = sum(1 for flag in correct_flags if flag)
    if kind == QuestionKind.TRUE_FALSE and len(correct_flags) != 2:
        problems.append(
            gettext(
                "A true-or-false question needs exactly two choices, "
                "such as “True” and “False”."
            )
        )
    elif len(correct_flags) < 2:
        problems.append(gettext("Give the question at least two choices."))
    if kind in (QuestionKind.SINGLE, QuestionKind.TRUE_FALSE) and correct != 1:
        problems.append(gettext("Mark exactly one choice as correct."))
    elif kind == QuestionKind.MULTIPLE and correct < 1:
        problems.append(gettext("Mark at least one choice as correct."))
    return problems


class Quiz(index.Indexed, ClusterableModel):
    """A quiz: its question pool and the rules of an attempt."""

    title = models.CharField(_("title"), max_length=200)
    intro = models.TextField(
        _("introduction"),
        blank=True,
        help_text=_("Shown to learners before they start, e.g. what the quiz covers."),
    )
    questions_per_attempt = models.PositiveSmallIntegerField(
        _("questions per attempt"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_(
            "Each attempt draws this many questions at random from the pool. "
            "Leave empty to ask every question, in the order below."
        ),
    )
    shuffle_choices = models.BooleanField(
        _("shuffle choices"),
        default=True,
        help_text=_(
            "Show the choices of each question in a new order for every attempt. "
            "True-or-false questions keep their order."
        ),
    )
    pass_mark = models.PositiveSmallIntegerField(
        _("pass mark (%)"),
        default=80,
        validators=[MaxValueValidator(100)],
        help_text=_("The share of questions a learner must get right, from 0 to 100."),
    )
    max_attempts = models.PositiveSmallIntegerField(
        _("maximum attempts"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_("Leave empty for unlimited attempts."),
    )
    retry_wait_minutes = models.PositiveIntegerField(
        _("wait before another attempt (minutes)"),
        default=0,
        help_text=_("0 lets a learner try again at once."),
    )
    review_policy = models.CharField(
        _("show correct answers"),
        max_length=20,
        choices=ReviewPolicy.choices,
        default=ReviewPolicy.AFTER_SUBMIT,
        help_text=_(
            "When learners see, question by question, what was right, the feedback "
            "and the explanation. Their score is always shown."
        ),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    search_fields = [index.SearchField("title"), index.AutocompleteField("title")]

    class Meta:
        verbose_name = _("quiz")
        verbose_name_plural = _("quizzes")
        ordering = ["title", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(pass_mark__lte=100), name="quiz_pass_mark_at_most_100"
            )
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs):
        self.title = nfc(self.title)
        self.intro = nfc(self.intro)
        super().save(*args, **kwargs)


class Question(ClusterableModel, Orderable):
    quiz = ParentalKey(Quiz, on_delete=models.CASCADE, related_name="questions")
    kind = models.CharField(
        _("kind"),
        max_length=20,
        choices=QuestionKind.choices,
        default=QuestionKind.SINGLE,
    )
    text = models.TextField(
        _("question"),
        help_text=_(
            "For example: “You receive an SMS asking for the OTP code sent to your "
            "phone. What do you do?”"
        ),
    )
    image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    explanation = models.TextField(
        _("explanation"),
        blank=True,
        help_text=_("Shown with the correct answer after the learner answers."),
    )

    class Meta(Orderable.Meta):
        verbose_name = _("question")
        verbose_name_plural = _("questions")

    def __str__(self) -> str:
        return self.text[:80]

    def save(self, *args, **kwargs):
        self.text = nfc(self.text)
        self.explanation = nfc(self.explanation)
        super().save(*args, **kwargs)


class Choice(Orderable):
    question = ParentalKey(Question, on_delete=models.CASCADE, related_name="choices")
    text = models.CharField(_("choice"), max_length=500)
    is_correct = models.BooleanField(_("correct"), default=False)
    feedback = models.TextField(
        _("feedback"),
        blank=True,
        help_text=_("Shown to a learner who picked this choice, when answers show."),
    )

    class Meta(Orderable.Meta):
        verbose_name = _("choice")
        verbose_name_plural = _("choices")

    def __str__(self) -> str:
        return self.text

    def save(self, *args, **kwargs):
        self.text = nfc(self.text)
        self.feedback = nfc(self.feedback)
        super().save(*args, **kwargs)


class Attempt(models.Model):
    """One go at a quiz by an enrolled learner, from a lesson of the course.

    ``layout`` is what the learner was shown, fixed when the attempt starts:
    ``[{"question": <id>, "choices": [<id>, ...]}, ...]`` in display order. Grading
    and review follow it, so later edits to the pool do not change what an attempt
    asked.
    """

    class State(models.TextChoices):
        IN_PROGRESS = "in_progress", _("In progress")
        SUBMITTED = "submitted", _("Submitted")

    quiz = models.ForeignKey(
        Quiz, verbose_name=_("quiz"), on_delete=models.PROTECT, related_name="attempts"
    )
    enrollment = models.ForeignKey(
        "courses.Enrollment",
        verbose_name=_("enrolment"),
        on_delete=models.CASCADE,
        related_name="quiz_attempts",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("learner"),
        on_delete=models.CASCADE,
        related_name="quiz_attempts",
    )
    lesson = models.ForeignKey(
        "courses.LessonPage",
        verbose_name=_("lesson"),
        on_delete=models.CASCADE,
        related_name="quiz_attempts",
    )
    number = models.PositiveSmallIntegerField(_("attempt number"))
    state = models.CharField(
        _("state"), max_length=20, choices=State.choices, default=State.IN_PROGRESS
    )
    layout = models.JSONField(_("questions and choices shown"))
    pass_mark = models.PositiveSmallIntegerField(_("pass mark (%)"))
    started_at = models.DateTimeField(_("started at"))
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    correct_count = models.PositiveSmallIntegerField(_("questions right"), default=0)
    question_count = models.PositiveSmallIntegerField(_("questions asked"))
    score = models.PositiveSmallIntegerField(_("score (%)"), default=0)
    passed = models.BooleanField(_("passed"), default=False)

    class Meta:
        verbose_name = _("quiz attempt")
        verbose_name_plural = _("quiz attempts")
        ordering = ["enrollment", "quiz", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["enrollment", "quiz", "number"], name="unique_attempt_number"
            ),
            # Two taps on "Start" must not open two attempts.
            models.UniqueConstraint(
                fields=["enrollment", "quiz"],
                condition=Q(state="in_progress"),
                name="one_open_attempt_per_quiz",
            ),
        ]
        indexes = [models.Index(fields=["quiz", "state"])]

    def __str__(self) -> str:
        return f"{self.quiz} #{self.number} — {self.user}"

    @property
    def is_open(self) -> bool:
        return self.state == self.State.IN_PROGRESS

    def question_ids(self) -> list[int]:
        return [entry["question"] for entry in self.layout]


class AttemptAnswer(models.Model):
    """The choices picked for one question of a submitted attempt."""

    attempt = models.ForeignKey(
        Attempt, on_delete=models.CASCADE, related_name="answers"
    )
    question = models.ForeignKey(
        Question, on_delete=models.CASCADE, related_name="answers"
    )
    selected = models.JSONField(_("choices picked"))
    is_correct = models.BooleanField(_("right"))

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        constraints = [
            models.UniqueConstraint(
                fields=["attempt", "question"], name="one_answer_per_question"
            )
        ]

    def __str__(self) -> str:
        return f"{self.attempt} / {self.question_id}"
