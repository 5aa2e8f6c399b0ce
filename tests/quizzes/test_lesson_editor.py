"""Editors put a quiz in a lesson with the page editor, and say if it is required."""

import pytest
from django.urls import reverse

from courses.models import LessonPage
from lms.services import role_grant
from tests.factories import UserFactory
from tests.quizzes.factories import quiz_with_questions

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


@pytest.fixture
def editor(client):
    user = UserFactory()
    role_grant(user=user, role="content_editor", by=None)
    client.force_login(user)
    return client


def lesson_form(lesson, quiz, *, required: bool) -> dict:
    value = {"body-0-value-quiz": str(quiz.pk)}
    if required:
        value["body-0-value-required"] = "on"
    return {
        "title": lesson.title,
        "slug": lesson.slug,
        "estimated_minutes": "5",
        "is_required": "on",
        "body-count": "1",
        "body-0-deleted": "",
        "body-0-order": "0",
        "body-0-type": "quiz",
        "body-0-id": "",
        **value,
        "action-publish": "action-publish",
    }


@pytest.mark.parametrize("required", [True, False])
def test_editor_adds_a_quiz_block_to_a_lesson(editor, lessons, required):
    quiz = quiz_with_questions(2)
    lesson = lessons[0]
    edit = reverse("wagtailadmin_pages:edit", args=[lesson.pk])
    assert "Required to complete the lesson and the course" in (
        editor.get(edit).content.decode()
    )

    response = editor.post(edit, lesson_form(lesson, quiz, required=required))

    assert response.status_code == 302, response.content.decode()[:2000]
    body = LessonPage.objects.get(pk=lesson.pk).body
    assert [block.block_type for block in body] == ["quiz"]
    assert body[0].value["quiz"] == quiz
    assert body[0].value["required"] is required
