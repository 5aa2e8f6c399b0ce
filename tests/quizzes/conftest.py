import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from courses.models import LessonPage
from tests.quizzes.factories import place_quiz, quiz_with_questions


@pytest.fixture
def english():
    """Messages are asserted in the English they are written in."""
    with translation.override("en"):
        yield


@pytest.fixture
def lessons(course):
    return list(LessonPage.objects.child_of(course).live().order_by("path"))


@pytest.fixture
def quiz(db):
    return quiz_with_questions(3)


@pytest.fixture
def quiz_lesson(lessons, quiz):
    """The first lesson of the course, holding ``quiz`` as a required block."""
    return place_quiz(lessons[0], quiz)


@pytest.fixture
def learner(user, course):
    """An enrolled learner's browser, in English."""
    client = Client(headers={"accept-language": "en"})
    client.force_login(user)
    client.post(reverse("enroll", args=[course.pk]))
    return client
