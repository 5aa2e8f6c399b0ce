"""What a learner may keep on their phone to learn without signal."""

import uuid

from django.urls import reverse

from courses.models import CoursePage, Enrollment, LessonProgress
from tests.courses.videos import MP4, place_video, video_document


def test_a_course_in_order_is_kept_whole_with_what_is_still_locked(
    learner, course, lessons
):
    response = learner.get(reverse("course_offline", args=[course.pk]))
    assert response.status_code == 200
    listing = response.json()
    assert listing["course"]["title"] == course.title
    # Lessons unlock in order: the phone keeps them all and opens each in turn.
    assert listing["pages"] == [course.url, *(lesson.url for lesson in lessons)]
    assert [lesson["locked"] for lesson in listing["course"]["lessons"]] == [
        False,
        True,
        True,
    ]
    assert listing["videos"] == []


def test_a_locked_lesson_kept_on_the_phone_waits_for_the_lessons_before(
    learner, lessons
):
    complete = [reverse("lesson_complete", args=[lesson.pk]) for lesson in lessons]
    learner.post(complete[0])

    kept = learner.get(lessons[2].url, headers={"x-offline-keep": "1"})

    assert kept.status_code == 200
    html = kept.content.decode()
    assert "This lesson is still locked" in html
    assert "On this phone it opens as soon as you have completed them" in html
    # Closed until the second lesson is completed; the first already is.
    assert f'data-opens-after="{complete[1]}" hidden' in html
    assert f'data-lessons-completed="{complete[0]}"' in html
    assert "Nội dung bài 3" in html
    assert f'href="{lessons[1].url}">Go to “{lessons[1].title}”' in html
    assert not LessonProgress.objects.filter(lesson_id=lessons[2].pk).exists()
    # Opened with signal, the lesson is still refused until its turn.
    assert learner.get(lessons[2].url).status_code == 403


def test_completions_made_on_the_phone_arrive_in_order_and_each_opens_the_next(
    learner, lessons
):
    for lesson in lessons:
        response = learner.post(
            reverse("lesson_complete", args=[lesson.pk]),
            headers={"x-outbox-id": str(uuid.uuid4()), "accept": "application/json"},
        )
        assert response.status_code == 200
        assert response.json()["ok"] is True
    assert LessonProgress.objects.filter(
        status=LessonProgress.Status.COMPLETED
    ).count() == len(lessons)


def test_a_completion_sent_before_the_lessons_before_it_is_refused(learner, lessons):
    response = learner.post(
        reverse("lesson_complete", args=[lessons[1].pk]),
        headers={"x-outbox-id": str(uuid.uuid4()), "accept": "application/json"},
    )
    assert response.json()["ok"] is False
    assert response.json()["message"]
    assert not LessonProgress.objects.filter(
        status=LessonProgress.Status.COMPLETED
    ).exists()


def test_a_course_in_any_order_is_kept_whole(learner, course, lessons):
    CoursePage.objects.filter(pk=course.pk).update(sequential=False)
    listing = learner.get(reverse("course_offline", args=[course.pk])).json()
    assert listing["pages"] == [course.url, *(lesson.url for lesson in lessons)]
    assert [lesson["title"] for lesson in listing["course"]["lessons"]] == [
        lesson.title for lesson in lessons
    ]


def test_lesson_videos_are_listed_with_their_size(
    learner, course, lessons, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path / "media"
    document = video_document(MP4, "dang-nhap.mp4")
    place_video(lessons[0], document)
    listing = learner.get(reverse("course_offline", args=[course.pk])).json()
    assert listing["videos"] == [
        {
            "lesson": lessons[0].pk,
            "url": reverse(
                "lesson_video", args=[lessons[0].pk, document.pk, document.filename]
            ),
            "size": document.file_size,
        }
    ]
    assert document.file_size > 0


def test_keeping_a_lesson_on_the_phone_does_not_move_the_resume_point(
    learner, user, lessons
):
    response = learner.get(lessons[0].url, headers={"x-offline-keep": "1"})
    assert response.status_code == 200
    assert Enrollment.objects.get(user=user).last_lesson_id is None
    assert not LessonProgress.objects.exists()
    learner.get(lessons[0].url)
    assert Enrollment.objects.get(user=user).last_lesson_id == lessons[0].pk


def test_course_page_offers_the_download_and_the_videos_to_enrolled_learners(
    learner, course
):
    html = learner.get(course.url).content.decode()
    assert "Download the course to learn without signal" in html
    assert "Also keep the videos" in html
    assert "Remove from this phone" in html


def test_not_enrolled_is_refused_with_a_message(learner_client, course):
    response = learner_client.get(reverse("course_offline", args=[course.pk]))
    assert response.status_code == 403
    assert response.json()["error"]


def test_anonymous_visitor_is_sent_to_log_in(client, course):
    response = client.get(reverse("course_offline", args=[course.pk]))
    assert response.status_code == 302


def test_completion_sent_again_from_the_phone_is_recorded_once(learner, lessons):
    url = reverse("lesson_complete", args=[lessons[0].pk])
    first = learner.post(url)
    again = learner.post(url)
    assert first.status_code == again.status_code == 302
    assert first["Location"] == again["Location"]
    progress = LessonProgress.objects.get(lesson_id=lessons[0].pk)
    assert progress.status == LessonProgress.Status.COMPLETED
