"""Learners start, answer and review quizzes; plain forms, no JavaScript needed."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from courses.models import LessonPage
from quizzes import selectors, services
from quizzes.forms import answers_from_post
from quizzes.models import Attempt, Quiz
from quizzes.permissions import QuizRefused, learner_attempts


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
        return TemplateResponse(
            request,
            "quizzes/refused.html",
            {"message": refusal.message, "course": refusal.course},
            status=403,
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    return redirect(_quiz_url(request, lesson, quiz.pk))


@login_required
@require_GET
def attempt_detail(request, attempt_id: int):
    return _attempt_response(request, _own_attempt(request, attempt_id))


@login_required
@require_POST
def attempt_submit(request, attempt_id: int):
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
