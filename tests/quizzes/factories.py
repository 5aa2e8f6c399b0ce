"""Factories for quizzes: a quiz with a pool of questions, placed in a lesson."""

import factory

from courses.models import LessonPage
from quizzes.models import Choice, Question, QuestionKind, Quiz


class QuizFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Quiz

    title = factory.Sequence(lambda n: f"Kiểm tra an toàn thông tin {n}")
    pass_mark = 50
    shuffle_choices = False


class QuestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Question

    quiz = factory.SubFactory(QuizFactory)
    kind = QuestionKind.SINGLE
    text = factory.Sequence(
        lambda n: f"Câu {n}: Bạn nhận tin nhắn xin mã OTP. Bạn làm gì?"
    )
    sort_order = factory.Sequence(lambda n: n)


class ChoiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Choice

    question = factory.SubFactory(QuestionFactory)
    text = factory.Sequence(lambda n: f"Lựa chọn {n}")
    is_correct = False
    sort_order = factory.Sequence(lambda n: n)


def add_question(
    quiz: Quiz,
    *,
    kind: str = QuestionKind.SINGLE,
    choices: tuple[tuple[str, bool], ...] = (
        ("Không đưa mã, gọi tổng đài ngân hàng", True),
        ("Gửi mã ngay", False),
        ("Gửi một nửa mã", False),
    ),
    feedback: bool = False,
    **fields,
) -> Question:
    """A question of ``kind`` with ``choices`` as (text, is it correct) pairs."""
    question = QuestionFactory(quiz=quiz, kind=kind, **fields)
    for text, correct in choices:
        ChoiceFactory(
            question=question,
            text=text,
            is_correct=correct,
            feedback=f"Phản hồi: {text}" if feedback else "",
        )
    return question


def quiz_with_questions(count: int = 3, **fields) -> Quiz:
    quiz = QuizFactory(**fields)
    for _number in range(count):
        add_question(quiz)
    return quiz


def place_quiz(lesson: LessonPage, quiz: Quiz, *, required: bool = True) -> LessonPage:
    """Append a quiz block to a live lesson's body."""
    lesson.body.append(("quiz", {"quiz": quiz, "required": required}))
    lesson.save()
    return lesson
