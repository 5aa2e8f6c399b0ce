"""Writes a phone queued without signal arrive once: the same key gets the same
answer, a key used for something else is refused in words."""

import threading
import uuid

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import translation

from courses import services
from courses.models import LessonProgress, OutboxReceipt
from tests.factories import UserFactory

HEADER = "HTTP_X_OUTBOX_ID"


def _complete(client, lesson, key, **data):
    return client.post(
        reverse("lesson_complete", args=[lesson.pk]), data, **{HEADER: key}
    )


def test_queued_completion_is_answered_with_what_the_phone_shows(learner, lessons):
    response = _complete(learner, lessons[0], str(uuid.uuid4()))
    assert response.status_code == 200
    assert response.json() == {
        "ok": True,
        "message": f"Lesson “{lessons[0].title}” completed.",
        "url": lessons[1].url,
    }
    assert LessonProgress.objects.get(lesson_id=lessons[0].pk).status == "completed"


def test_resending_the_same_key_gives_the_first_answer_and_writes_nothing(
    learner, lessons
):
    key = str(uuid.uuid4())
    first = _complete(learner, lessons[0], key)
    completed_at = LessonProgress.objects.get(lesson_id=lessons[0].pk).completed_at
    again = _complete(learner, lessons[0], key)
    assert again.status_code == first.status_code == 200
    assert again.json() == first.json()
    progress = LessonProgress.objects.get(lesson_id=lessons[0].pk)
    assert progress.completed_at == completed_at
    assert OutboxReceipt.objects.count() == 1


def test_a_refusal_is_given_again_too(learner, lessons):
    key = str(uuid.uuid4())
    locked = _complete(learner, lessons[2], key)
    assert locked.status_code == 409
    assert locked.json()["message"] == "Complete the earlier lessons first."
    # The earlier lessons done since: the same write still gets its first answer.
    _complete(learner, lessons[0], str(uuid.uuid4()))
    _complete(learner, lessons[1], str(uuid.uuid4()))
    assert _complete(learner, lessons[2], key).json() == locked.json()


@pytest.fixture
def vietnamese():
    """The language the request activates goes back to the tests' own after."""
    with translation.override("vi"):
        yield


@pytest.mark.usefixtures("vietnamese")
def test_same_key_for_something_else_is_refused_in_vietnamese(user, course, lessons):
    client = Client(headers={"accept-language": "vi"})
    client.force_login(user)
    client.post(reverse("enroll", args=[course.pk]))
    key = str(uuid.uuid4())
    assert _complete(client, lessons[0], key).status_code == 200
    other = _complete(client, lessons[1], key)
    assert other.status_code == 409
    assert other.json()["ok"] is False
    assert other.json()["message"] == (
        "Điện thoại này đã gửi một nội dung khác với cùng mã, nên lần này không "
        "được ghi nhận. Hãy tải lại trang và làm lại."
    )
    assert not LessonProgress.objects.filter(
        lesson_id=lessons[1].pk, status="completed"
    ).exists()


def test_a_key_that_is_not_a_uuid_is_refused_with_a_message(learner, lessons):
    response = _complete(learner, lessons[0], "not-a-key")
    assert response.status_code == 400
    assert "valid key" in response.json()["message"]
    assert not OutboxReceipt.objects.exists()


def test_another_persons_key_is_theirs_alone(learner, user, course, lessons):
    key = str(uuid.uuid4())
    _complete(learner, lessons[0], key)
    other_user = UserFactory()
    other = Client(headers={"accept-language": "en"})
    other.force_login(other_user)
    other.post(reverse("enroll", args=[course.pk]))
    response = _complete(other, lessons[0], key)
    assert response.status_code == 200
    assert LessonProgress.objects.filter(status="completed").count() == 2


def test_a_key_recorded_by_a_request_that_got_there_first_is_answered_from_it(user, db):
    """The unique constraint decides: an arrival that finds the key taken (by a
    request that committed first) answers what that one recorded."""
    key = uuid.uuid4()
    calls = []

    def handle():
        calls.append(1)
        return 200, {"ok": True, "message": "first", "url": ""}

    first = services.outbox_receive(
        user=user, key=str(key), kind="k", content=["a"], handle=handle
    )
    second = services.outbox_receive(
        user=user, key=str(key), kind="k", content=["a"], handle=handle
    )
    assert first == second == (200, {"ok": True, "message": "first", "url": ""})
    assert len(calls) == 1


@pytest.mark.skipif(
    "sqlite" in connection.vendor, reason="needs concurrent writers (PostgreSQL)"
)
@pytest.mark.django_db(transaction=True)
def test_two_arrivals_at_once_do_the_write_once():
    user = UserFactory()
    key = str(uuid.uuid4())
    inside = threading.Event()
    release = threading.Event()
    calls = []
    answers = []

    def handle():
        calls.append(1)
        inside.set()
        release.wait(10)
        return 200, {"ok": True, "message": "done once", "url": ""}

    def arrive():
        try:
            answers.append(
                services.outbox_receive(
                    user=user, key=key, kind="k", content=["a"], handle=handle
                )
            )
        finally:
            connection.close()

    first = threading.Thread(target=arrive)
    first.start()
    assert inside.wait(10)
    second = threading.Thread(target=arrive)
    second.start()
    second.join(1)  # Waits on the first one's row.
    assert second.is_alive()
    release.set()
    first.join(10)
    second.join(10)
    assert len(calls) == 1
    assert answers == [(200, {"ok": True, "message": "done once", "url": ""})] * 2
    assert OutboxReceipt.objects.count() == 1
