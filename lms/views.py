from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from certificates.permissions import can_issue
from courses.models import CoursePage, LessonPage
from lms import selectors, services
from lms.forms import ProfileForm
from lms.models import Commune, Enrollment


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


@login_required
@require_POST
def lesson_complete(request, lesson_id: int):
    lesson = get_object_or_404(LessonPage.objects.live(), pk=lesson_id)
    course = get_object_or_404(
        CoursePage.objects.live(), path=lesson.path[: -lesson.steplen]
    )
    enrollment = Enrollment.objects.filter(user=request.user, course=course).first()
    if enrollment is None:
        messages.error(request, _("Enrol in the course first."))
        return redirect(course.url)
    state = selectors.lesson_state(lesson=lesson, course=course, user=request.user)
    if state.locked:
        messages.error(request, _("Complete the earlier lessons first."))
        return redirect(course.url)
    try:
        services.lesson_complete(enrollment=enrollment, lesson=lesson)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect(lesson.url)
    enrollment.refresh_from_db(fields=["completed_at"])
    if enrollment.completed_at:
        messages.success(request, _("Congratulations! You have completed this course."))
        return redirect(course.url)
    if state.next is not None:
        return redirect(state.next.lesson.url)
    return redirect(course.url)


@require_GET
def catalogue(request):
    """A stable address for the course catalogue, wherever editors put it."""
    from courses.selectors import course_index_first

    index = course_index_first()
    return redirect(index.url if index else "/")


@login_required
def my_learning(request):
    rows = selectors.my_learning(user=request.user)
    return render(
        request,
        "lms/my_learning.html",
        {
            "in_progress": [row for row in rows if not row.enrollment.completed_at],
            "completed": [row for row in rows if row.enrollment.completed_at],
            "can_issue_certificates": can_issue(request.user),
        },
    )


@login_required
def profile(request):
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Your profile has been saved."))
        return redirect("profile")
    return render(request, "lms/profile.html", {"form": form})


@require_GET
def commune_search(request):
    """Suggestions for the commune field: accent-insensitive, at most 20."""
    query = request.GET.get("q", "")[:100]
    results = []
    if len(query.strip()) >= 2:
        results = [
            {"code": c.code, "name": f"{c.full_name}, {c.province.full_name}"}
            for c in Commune.objects.search(query).select_related("province")[:20]
        ]
    return JsonResponse({"results": results})
