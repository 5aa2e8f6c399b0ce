"""The quiz inside a lesson, as a learner sees it on a phone without JavaScript."""

import pytest
from django.urls import reverse

from quizzes.models import QuestionKind, ReviewPolicy
from tests.quizzes.factories import QuizFactory, add_question, place_quiz
from tests.quizzes.helpers import (
    right_answers,
    start,
    start_url,
    submit_url,
    wrong_answers,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def scam_quiz(**fields):
    quiz = QuizFactory(title="Nhận biết lừa đảo qua tin nhắn", **fields)
    add_question(
        quiz,
        text="Bạn nhận tin nhắn SMS xin mã OTP vừa gửi tới điện thoại. Bạn làm gì?",
        choices=(
            ("Không đưa mã cho ai, gọi tổng đài chính thức", True),
            ("Gửi mã cho người nhắn tin", False),
        ),
        feedback=True,
        explanation="Ngân hàng không bao giờ xin mã OTP.",
    )
    add_question(
        quiz,
        kind=QuestionKind.MULTIPLE,
        text="Dấu hiệu nào cho thấy một đường link là lừa đảo?",
        choices=(
            ("Tên miền lạ", True),
            ("Thúc giục làm ngay", True),
            ("Trang chính thức của ngân hàng", False),
        ),
    )
    return quiz


def test_lesson_offers_to_start_the_quiz_with_its_rules(learner, lessons):
    quiz = scam_quiz(max_attempts=3, pass_mark=80)
    lesson = place_quiz(lessons[0], quiz)

    page = learner.get(lesson.url).content.decode()

    assert f'id="quiz-{quiz.pk}"' in page
    assert quiz.title in page
    assert "2 questions" in page
    assert "Pass mark: 80%" in page
    assert "3 attempts left" in page
    assert "Required to complete the lesson" in page
    assert f'action="{start_url(quiz, lesson)}"' in page
    assert "Start the quiz" in page


def test_lesson_says_how_long_to_wait_between_attempts(learner, lessons):
    quiz = scam_quiz(retry_wait_minutes=2)
    lesson = place_quiz(lessons[0], quiz)

    page = learner.get(lesson.url).content.decode()

    assert "Unlimited attempts" in page
    assert "Wait 2 minutes before trying again" in page


def test_the_open_attempt_is_a_plain_form_in_the_lesson(learner, lessons):
    quiz = scam_quiz()
    lesson = place_quiz(lessons[0], quiz)
    response = learner.post(start_url(quiz, lesson))
    assert response["Location"] == f"{lesson.url}#quiz-{quiz.pk}"
    attempt = quiz.attempts.get()

    page = learner.get(lesson.url).content.decode()

    assert f'action="{submit_url(attempt)}"' in page
    assert "Question 1 of 2" in page and "Question 2 of 2" in page
    assert "Bạn nhận tin nhắn SMS xin mã OTP" in page
    assert page.count('type="radio"') == 2
    assert page.count('type="checkbox"') == 3
    assert "Choose every right answer." in page
    assert "csrfmiddlewaretoken" in page


def test_after_submit_the_learner_sees_score_feedback_and_explanation(learner, lessons):
    quiz = scam_quiz(review_policy=ReviewPolicy.AFTER_SUBMIT, pass_mark=100)
    lesson = place_quiz(lessons[0], quiz)
    attempt = start(learner, quiz, lesson)

    response = learner.post(submit_url(attempt), wrong_answers(attempt), follow=True)

    page = response.content.decode()
    assert "Attempt 1: 0 of 2 right (0%)." in page
    assert "Not passed: you need 100%." in page
    assert "Phản hồi: Gửi mã cho người nhắn tin" in page
    assert "Ngân hàng không bao giờ xin mã OTP." in page
    assert "correct answer" in page
    assert "Try again" in page


def test_review_after_passing_hides_answers_until_passed(learner, lessons):
    quiz = scam_quiz(review_policy=ReviewPolicy.AFTER_PASS, pass_mark=100)
    lesson = place_quiz(lessons[0], quiz)
    attempt = start(learner, quiz, lesson)
    learner.post(submit_url(attempt), wrong_answers(attempt))

    page = learner.get(lesson.url).content.decode()
    assert "Attempt 1: 0 of 2 right (0%)." in page
    assert "The correct answers are shown once you pass this quiz." in page
    assert "Ngân hàng không bao giờ xin mã OTP." not in page
    assert "Phản hồi:" not in page
    detail = learner.get(reverse("quizzes:attempt_detail", args=[attempt.pk]))
    assert "Ngân hàng không bao giờ xin mã OTP." not in detail.content.decode()

    attempt = start(learner, quiz, lesson)
    learner.post(submit_url(attempt), right_answers(attempt))
    page = learner.get(lesson.url).content.decode()
    assert "You have passed this quiz." in page
    assert "Ngân hàng không bao giờ xin mã OTP." in page
    assert "Phản hồi: Không đưa mã cho ai" in page
    # The failed attempt's review opens too, now that the learner has passed.
    first = quiz.attempts.get(number=1)
    detail = learner.get(reverse("quizzes:attempt_detail", args=[first.pk]))
    assert "Ngân hàng không bao giờ xin mã OTP." in detail.content.decode()


def test_review_never_shows_only_the_score(learner, lessons):
    quiz = scam_quiz(review_policy=ReviewPolicy.NEVER)
    lesson = place_quiz(lessons[0], quiz)
    attempt = start(learner, quiz, lesson)
    learner.post(submit_url(attempt), right_answers(attempt))

    page = learner.get(lesson.url).content.decode()
    assert "Attempt 1: 2 of 2 right (100%)." in page
    assert "Passed." in page
    assert "This quiz does not show the correct answers." in page
    assert "Ngân hàng không bao giờ xin mã OTP." not in page
    assert "quiz-tag-correct" not in page and "✓ Right" not in page


def test_attempt_page_shows_the_review_in_the_order_seen(learner, lessons):
    quiz = scam_quiz()
    lesson = place_quiz(lessons[0], quiz)
    attempt = start(learner, quiz, lesson)
    learner.post(submit_url(attempt), right_answers(attempt))

    response = learner.get(reverse("quizzes:attempt_detail", args=[attempt.pk]))

    page = response.content.decode()
    assert response.status_code == 200
    texts = [quiz.questions.get(pk=pk).text for pk in attempt.question_ids()]
    assert page.index(texts[0]) < page.index(texts[1])
    assert page.count("✓ Right") == 2
    assert f'href="{lesson.url}#quiz-{quiz.pk}"' in page


def test_editor_preview_shows_the_quiz_without_attempts(admin_client, lessons):
    quiz = scam_quiz()
    lesson = place_quiz(lessons[0], quiz)
    response = admin_client.get(
        reverse("wagtailadmin_pages:view_draft", args=[lesson.pk])
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert quiz.title in page
    assert "Preview shows no attempts." in page


@pytest.mark.parametrize("questions", [3, 30])
def test_lesson_with_an_open_quiz_keeps_queries_flat(
    learner, lessons, questions, django_assert_max_num_queries
):
    quiz = QuizFactory()
    for _ in range(questions):
        add_question(quiz, feedback=True)
    lesson = place_quiz(lessons[0], quiz)
    start(learner, quiz, lesson)
    learner.get(lesson.url)
    # The lesson page itself costs about 23; the quiz adds four, however long.
    with django_assert_max_num_queries(27):
        assert learner.get(lesson.url).status_code == 200


@pytest.mark.parametrize("questions", [3, 30])
def test_submitting_keeps_queries_flat(
    learner, lessons, questions, django_assert_max_num_queries
):
    quiz = QuizFactory()
    for _ in range(questions):
        add_question(quiz)
    lesson = place_quiz(lessons[0], quiz)
    attempt = start(learner, quiz, lesson)
    answers = right_answers(attempt)
    with django_assert_max_num_queries(18):
        response = learner.post(submit_url(attempt), answers)
    assert response.status_code == 302


def test_a_question_picture_is_shown_with_its_description(
    learner, lessons, settings, tmp_path
):
    from wagtail_factories import ImageFactory

    settings.MEDIA_ROOT = tmp_path / "media"
    picture = ImageFactory(
        title="Tin nhắn giả mạo", description="Ảnh chụp tin nhắn xin mã OTP"
    )
    quiz = QuizFactory()
    add_question(quiz, image=picture)
    lesson = place_quiz(lessons[0], quiz)
    start(learner, quiz, lesson)

    page = learner.get(lesson.url).content.decode()

    assert 'class="quiz-image"' in page
    assert 'alt="Ảnh chụp tin nhắn xin mã OTP"' in page
