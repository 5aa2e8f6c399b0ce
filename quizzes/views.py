"""Learners start, answer and review quizzes; plain forms, no JavaScript needed."""

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from courses import outbox
from courses.models import LessonPage
from courses.models.pages import OFFLINE_KEEP_HEADER
from quizzes import selectors, services
from quizzes.forms import answers_from_post
from quizzes.models import Attempt, Quiz
from quizzes.permissions import QuizRefused, learner_attempts, lesson_access


def _quiz_url(request, lesson, quiz_id: int) -> str:
    return f"{lesson.get_url(request)}#quiz-{quiz_id}"


def _attempt_response(request, attempt, *, status=200, picks=None, errors=None):
    return TemplateResponse(
        request,
        "quizzes/attempt_page.html",
        {
            "view": selectors.attempt_page(attempt=attempt, picks=picks, errors=errors),
            "lesson": attempt.lesson,
            "quiz": attempt.quiz,
        },
        status=status,
    )


def _own_attempt(request, attempt_id: int) -> Attempt:
    return get_object_or_404(
        learner_attempts(request.user).select_related("quiz", "lesson"),
        pk=attempt_id,
    )


@login_required
@require_POST
def attempt_start(request, quiz_id: int, lesson_id: int):
    quiz = get_object_or_404(Quiz, pk=quiz_id)
    lesson = get_object_or_404(LessonPage, pk=lesson_id)
    try:
        services.attempt_start(user=request.user, quiz=quiz, lesson=lesson)
    except QuizRefused as refusal:
        return _refused(request, refusal)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    return redirect(_quiz_url(request, lesson, quiz.pk))


@login_required
@require_GET
def attempt_detail(request, attempt_id: int):
    return _attempt_response(request, _own_attempt(request, attempt_id))


def graded(attempt: Attempt) -> str:
    """The result a phone shows when answers it sent are graded."""
    values = {
        "quiz": attempt.quiz.title,
        "right": attempt.correct_count,
        "total": attempt.question_count,
        "mark": attempt.pass_mark,
    }
    if attempt.passed:
        return _("“%(quiz)s” graded: %(right)s/%(total)s right — passed.") % values
    return (
        _(
            "“%(quiz)s” graded: %(right)s/%(total)s right — not passed "
            "(%(mark)s%% needed)."
        )
        % values
    )


def _outbox_result(request, submit, *, quiz, lesson) -> tuple[int, dict]:
    """Grade answers a phone sent from its outbox, as the answer it shows."""
    url = lesson.get_url(request) if lesson is not None else ""

    def refused(status: int, reason: str) -> tuple[int, dict]:
        message = _("“%(quiz)s” was not graded: %(reason)s") % {
            "quiz": quiz.title,
            "reason": reason,
        }
        return outbox.answer(status, message, url)

    if quiz is None:
        return outbox.answer(
            404, _("This quiz attempt is not yours or no longer exists."), url
        )

    try:
        result = submit(answers_from_post(request.POST))
    except Attempt.DoesNotExist:
        return outbox.answer(
            404, _("This quiz attempt is not yours or no longer exists."), url
        )
    except QuizRefused as refusal:
        return refused(403, refusal.message)
    except ValidationError as error:
        return refused(409, " ".join(error.messages))
    message = graded(result.attempt)
    if result.course_completed:
        message = " ".join(
            [message, _("Congratulations! You have completed this course.")]
        )
    return outbox.answer(200, message, f"{url}#quiz-{result.attempt.quiz_id}")


@login_required
@require_POST
def attempt_submit(request, attempt_id: int):
    if outbox.from_outbox(request):
        attempt = (
            learner_attempts(request.user)
            .select_related("quiz", "lesson")
            .filter(pk=attempt_id)
            .first()
        )

        def handle():
            return _outbox_result(
                request,
                lambda answers: services.attempt_submit(
                    user=request.user, attempt_id=attempt_id, answers=answers
                ),
                quiz=attempt.quiz if attempt is not None else None,
                lesson=attempt.lesson if attempt is not None else None,
            )

        return outbox.outbox_response(request, kind="quiz-submit", handle=handle)
    answers: dict[int, list[int]] = {}
    try:
        answers = answers_from_post(request.POST)
        result = services.attempt_submit(
            user=request.user, attempt_id=attempt_id, answers=answers
        )
    except Attempt.DoesNotExist as missing:
        raise Http404 from missing
    except ValidationError as error:
        attempt = _own_attempt(request, attempt_id)
        if not attempt.is_open:
            messages.error(request, " ".join(error.messages))
            return _attempt_response(request, attempt, status=409)
        return _attempt_response(
            request,
            attempt,
            status=400,
            picks={question: set(picked) for question, picked in answers.items()},
            errors=(
                error.message_dict
                if hasattr(error, "error_dict")
                else {"__all__": error.messages}
            ),
        )
    if result.course_completed:
        messages.success(request, _("Congratulations! You have completed this course."))
    lesson = LessonPage.objects.defer_streamfields().get(pk=result.attempt.lesson_id)
    return redirect(_quiz_url(request, lesson, result.attempt.quiz_id))


def _refused(request, refusal: QuizRefused):
    return TemplateResponse(
        request,
        "quizzes/refused.html",
        {"message": refusal.message, "course": refusal.course},
        status=403,
    )


@login_required
@require_GET
def offline_sheet(request, quiz_id: int, lesson_id: int):
    """The quiz as a phone keeps it, to be answered without signal."""
    quiz = get_object_or_404(Quiz, pk=quiz_id)
    lesson = get_object_or_404(LessonPage, pk=lesson_id)
    try:
        enrollment = lesson_access(
            user=request.user,
            lesson=lesson,
            quiz_id=quiz.pk,
            for_later=OFFLINE_KEEP_HEADER in request.headers,
        )
    except QuizRefused as refusal:
        return _refused(request, refusal)
    view = selectors.offline_sheet(
        quiz=quiz, lesson=lesson, enrollment=enrollment, user=request.user
    )
    return TemplateResponse(
        request,
        "quizzes/offline_sheet.html",
        {"view": view, "lesson": lesson, "quiz": quiz},
    )


@login_required
@require_POST
def offline_submit(request, quiz_id: int, lesson_id: int):
    """Answers given on a quiz page kept on the phone: the attempt starts and is
    graded as they arrive. Only the phone's outbox sends here."""
    quiz = get_object_or_404(Quiz, pk=quiz_id)
    lesson = get_object_or_404(LessonPage, pk=lesson_id)

    def handle():
        return _outbox_result(
            request,
            lambda answers: services.attempt_submit_offline(
                user=request.user,
                quiz=quiz,
                lesson=lesson,
                sheet=request.POST.get("sheet", ""),
                answers=answers,
            ),
            quiz=quiz,
            lesson=lesson,
        )

    if not outbox.from_outbox(request):
        # A plain form post (the script did not run): graded the same way, once
        # per page the phone kept (its draw is for one attempt), and the learner
        # is taken to the result in the lesson.
        key = uuid.uuid5(uuid.NAMESPACE_URL, request.POST.get("sheet", ""))
        _status, answer = outbox.receive(
            request, kind="quiz-submit", handle=handle, key=str(key)
        )
        (messages.success if answer["ok"] else messages.error)(
            request, answer["message"]
        )
        return redirect(answer["url"] or _quiz_url(request, lesson, quiz.pk))
    return outbox.outbox_response(request, kind="quiz-submit", handle=handle)
