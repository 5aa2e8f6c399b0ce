"""What a learner may keep on their phone to learn without signal."""

from django.urls import reverse

from courses.models import CoursePage, Enrollment, LessonProgress
from tests.courses.videos import MP4, place_video, video_document


def test_enrolled_learner_gets_the_open_lessons_of_the_course(learner, course, lessons):
    response = learner.get(reverse("course_offline", args=[course.pk]))
    assert response.status_code == 200
    listing = response.json()
    assert listing["course"]["title"] == course.title
    # Lessons unlock in order: only the first can be read yet.
    assert listing["pages"] == [course.url, lessons[0].url]
    assert listing["videos"] == []


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
