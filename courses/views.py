"""What a learner does beyond a page: enrol, complete a lesson, see their learning,
watch a lesson's video."""

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST, require_safe
from wagtail.documents import get_document_model

from courses import outbox, permissions, selectors, services, videos
from courses.assessments import pending_anchor
from courses.completion import learning_sections
from courses.models import CoursePage, Enrollment, LessonPage
from lms.files import protected_file_response
from lms.navigation import staff_links


@login_required
@require_POST
def enroll(request, course_id: int):
    course = get_object_or_404(CoursePage, pk=course_id)
    try:
        enrollment = services.enrollment_create(user=request.user, course=course)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("my_learning")
    state = selectors.course_state(course=course, user=request.user)
    target = state.resume_item
    if target is None:
        return redirect(course.url)
    if enrollment.last_lesson_id is None:
        messages.success(
            request, _("You are enrolled. Let's start with the first lesson.")
        )
    return redirect(target.lesson.url)


@dataclass(frozen=True)
class _Completion:
    """What completing a lesson led to: the answer's status, where the learner
    goes next, and what they are told (``shown`` on the page, or only to a phone
    that sent the completion from its outbox)."""

    status: int
    url: str
    message: str
    shown: bool = True


def _lesson_complete(request, lesson, course) -> _Completion:
    enrollment = Enrollment.objects.filter(user=request.user, course=course).first()
    if enrollment is None:
        return _Completion(403, course.url, _("Enrol in the course first."))
    try:
        services.lesson_complete(enrollment=enrollment, lesson=lesson)
    except ValidationError as exc:
        codes = {error.code for error in exc.error_list}
        refusal = " ".join(exc.messages)
        if "lesson_locked" in codes:
            return _Completion(409, course.url, refusal)
        anchor = pending_anchor(enrollment, lesson)
        if anchor:
            # The page opens at what is still to pass, which says so beside it.
            url = f"{lesson.url}?pending={anchor}#{anchor}"
            return _Completion(409, url, refusal, shown=False)
        return _Completion(409, lesson.url, refusal)
    enrollment.refresh_from_db(fields=["completed_at"])
    if enrollment.completed_at:
        return _Completion(
            200, course.url, _("Congratulations! You have completed this course.")
        )
    done = _("Lesson “%(title)s” completed.") % {"title": lesson.title}
    state = selectors.lesson_state(lesson=lesson, course=course, user=request.user)
    if state.next is not None:
        return _Completion(200, state.next.lesson.url, done, shown=False)
    return _Completion(200, course.url, done, shown=False)


@login_required
@require_POST
def lesson_complete(request, lesson_id: int):
    lesson = get_object_or_404(LessonPage.objects.live(), pk=lesson_id)
    course = get_object_or_404(
        CoursePage.objects.live(), path=lesson.path[: -lesson.steplen]
    )
    if outbox.from_outbox(request):

        def handle():
            done = _lesson_complete(request, lesson, course)
            return outbox.answer(done.status, done.message, done.url)

        return outbox.outbox_response(request, kind="lesson-complete", handle=handle)
    done = _lesson_complete(request, lesson, course)
    if done.shown:
        level = messages.success if done.status < 400 else messages.error
        level(request, done.message)
    return redirect(done.url)


@require_GET
def catalogue(request):
    """A stable address for the course catalogue, wherever editors put it."""
    return redirect(selectors.catalogue_url())


@login_required
def my_learning(request):
    rows = selectors.my_learning(user=request.user)
    return render(
        request,
        "courses/my_learning.html",
        {
            "in_progress": [row for row in rows if not row.enrollment.completed_at],
            "completed": [row for row in rows if row.enrollment.completed_at],
            "sections": learning_sections(user=request.user),
            "staff_links": staff_links(request.user),
        },
    )


# Ids past a database integer name nothing (and would overflow the query).
MAX_ID = 2**63 - 1


@require_safe
def lesson_video(
    request, document_id: int, filename: str, lesson_id: int | None = None
):
    """A video for the player of a lesson (``lesson_id``) or of an editor's preview.

    Learners get it where they may open the lesson; editors anywhere, and
    without a lesson (previews of a lesson not saved yet).
    """
    if document_id > MAX_ID or (lesson_id or 0) > MAX_ID:
        raise Http404
    document = get_document_model().objects.filter(pk=document_id).first()
    if (
        document is None
        or document.filename != filename
        or not videos.is_video(document)
    ):
        raise Http404
    if lesson_id is None:
        allowed = permissions.can_preview_video(user=request.user, document=document)
    else:
        allowed = permissions.can_watch_video(
            user=request.user, lesson_id=lesson_id, document=document
        )
    if not allowed:
        raise PermissionDenied
    response = protected_file_response(
        request,
        document.file.name,
        content_type=videos.CONTENT_TYPES[videos.extension(document.filename)],
        etag=document.file_hash,
    )
    # The address stays when an editor replaces the file: revalidate every time.
    patch_cache_control(response, private=True, no_cache=True)
    return response


@login_required
@require_GET
def course_offline(request, course_id: int):
    """What a learner may keep of a course on their phone: the course page and its
    lessons (the phone fetches each one, the images and styles they use and the
    quiz pages they name), and the lessons' videos with their sizes, kept only if
    the learner chooses to.

    In a course whose lessons unlock in order, the lessons still locked are kept
    too: the phone opens each one once the lessons before it are completed there
    (see :meth:`courses.models.LessonPage.serve`), and the server checks the order
    again when the completions arrive."""
    course = get_object_or_404(CoursePage.objects.live(), pk=course_id)
    state = selectors.course_state(course=course, user=request.user)
    if state.enrollment is None:
        return JsonResponse({"error": _("Enrol in the course first.")}, status=403)
    lessons = [
        {
            "title": item.lesson.title,
            "url": item.lesson.get_url(request),
            "locked": item.locked,
        }
        for item in state.lessons
    ]
    course_url = course.get_url(request)
    return JsonResponse(
        {
            "course": {"title": course.title, "url": course_url, "lessons": lessons},
            "pages": [course_url, *(lesson["url"] for lesson in lessons)],
            "videos": selectors.lesson_videos(
                lesson_ids=[item.lesson.pk for item in state.lessons]
            ),
        }
    )
