import pytest
from django.utils import translation

from tests.quizzes.factories import place_quiz, quiz_with_questions


@pytest.fixture
def english():
    """Messages are asserted in the English they are written in."""
    with translation.override("en"):
        yield


@pytest.fixture
def quiz(db):
    return quiz_with_questions(3)


@pytest.fixture
def quiz_lesson(lessons, quiz):
    """The first lesson of the course, holding ``quiz`` as a required block."""
    return place_quiz(lessons[0], quiz)
