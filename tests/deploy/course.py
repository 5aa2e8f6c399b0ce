"""Run inside ``manage.py shell`` by the deployment check, with production settings,
after the demo loader and ``import_h5p``: put the H5P activity and a video in the
first lesson of the first demo course, and print, as JSON, what the walk through
nginx needs. The walk's course is assessed by its H5P activity: the demo quiz of
its last lesson is made optional, so the walk need not answer it."""

import json
from pathlib import Path

from django.urls import reverse

from courses.models import CoursePage, LessonPage
from tests.courses.videos import WEBM, place_video, video_document
from tests.h5p.activities import activity_create, place_activity


def h5p_lesson_prepare(package: Path) -> None:
    course = CoursePage.objects.live().order_by("path").first()
    lessons = list(LessonPage.objects.live().child_of(course).order_by("path"))
    # The package is already imported: this finds it by its content.
    activity = activity_create(package.read_bytes(), pass_mark=100)
    place_activity(lessons[0], activity)
    video = video_document(WEBM, "ma-otp.webm", title="Video: mã OTP")
    place_video(lessons[0], video, caption="Mã OTP")
    for lesson in lessons:
        quizzes = [block for block in lesson.body if block.block_type == "quiz"]
        for block in quizzes:
            block.value["required"] = False
        if quizzes:
            lesson.save_revision().publish()
    print(
        json.dumps(
            {
                "course": {"id": course.pk, "url": course.url},
                "lessons": [{"id": lesson.pk, "url": lesson.url} for lesson in lessons],
                "activity": {"id": activity.pk, "package": activity.package_id},
                "video": reverse(
                    "lesson_video", args=[lessons[0].pk, video.pk, video.filename]
                ),
            }
        )
    )
