"""Editors build quizzes in the Wagtail admin and read their statistics."""

import unicodedata

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from wagtail.users.models import UserProfile

from lms.services import role_grant
from quizzes.models import Choice, Question, QuestionKind, Quiz, ReviewPolicy
from tests.factories import UserFactory
from tests.quizzes.factories import QuizFactory, add_question, place_quiz
from tests.quizzes.helpers import (
    right_answers,
    start,
    statistics_reached,
    submit_url,
    wrong_answers,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

ADD = "wagtailsnippets_quizzes_quiz:add"
EDIT = "wagtailsnippets_quizzes_quiz:edit"
DELETE = "wagtailsnippets_quizzes_quiz:delete"
STATS = "wagtailsnippets_quizzes_quiz:stats"
INDEX = "wagtailsnippets_quizzes_quiz:list"

OTP = "Bạn nhận tin nhắn SMS xin mã OTP vừa gửi tới điện thoại. Bạn làm gì?"


def quiz_form(questions, **rules) -> dict:
    """The add form's data: ``questions`` are (kind, text, [(choice, correct)])."""
    data = {
        "title": "Nhận biết lừa đảo",
        "intro": "",
        "questions_per_attempt": "",
        "shuffle_choices": "on",
        "pass_mark": "80",
        "max_attempts": "",
        "retry_wait_minutes": "0",
        "review_policy": ReviewPolicy.AFTER_SUBMIT,
        "questions-TOTAL_FORMS": str(len(questions)),
        "questions-INITIAL_FORMS": "0",
        "questions-MIN_NUM_FORMS": "0",
        "questions-MAX_NUM_FORMS": "1000",
    }
    data.update({key: str(value) for key, value in rules.items()})
    for index, (kind, text, choices) in enumerate(questions):
        prefix = f"questions-{index}"
        data.update(
            {
                f"{prefix}-id": "",
                f"{prefix}-ORDER": str(index + 1),
                f"{prefix}-kind": kind,
                f"{prefix}-text": text,
                f"{prefix}-image": "",
                f"{prefix}-explanation": "Ngân hàng không bao giờ xin mã OTP.",
                f"{prefix}-choices-TOTAL_FORMS": str(len(choices)),
                f"{prefix}-choices-INITIAL_FORMS": "0",
                f"{prefix}-choices-MIN_NUM_FORMS": "0",
                f"{prefix}-choices-MAX_NUM_FORMS": "1000",
            }
        )
        for number, (choice, correct) in enumerate(choices):
            item = f"{prefix}-choices-{number}"
            data.update(
                {
                    f"{item}-id": "",
                    f"{item}-ORDER": str(number + 1),
                    f"{item}-text": choice,
                    f"{item}-feedback": "",
                }
            )
            if correct:
                data[f"{item}-is_correct"] = "on"
    return data


SINGLE = (
    QuestionKind.SINGLE,
    OTP,
    [("Không đưa mã, gọi tổng đài", True), ("Gửi mã ngay", False)],
)
MULTIPLE = (
    QuestionKind.MULTIPLE,
    "Dấu hiệu nào cho thấy tin nhắn lừa đảo?",
    [("Tên miền lạ", True), ("Thúc giục", True), ("Số tổng đài chính thức", False)],
)
TRUE_FALSE = (
    QuestionKind.TRUE_FALSE,
    "Ngân hàng có thể gọi điện xin mã OTP.",
    [("Đúng", False), ("Sai", True)],
)


@pytest.fixture
def editor(client):
    """A content editor (Wagtail's Editors group) using the admin in English."""
    user = UserFactory()
    role_grant(user=user, role="content_editor", by=None)
    profile = UserProfile.get_for_user(user)
    profile.preferred_language = "en"
    profile.save()
    client.force_login(user)
    return client


def test_editor_creates_a_quiz_with_its_question_pool(editor):
    nfd_title = unicodedata.normalize("NFD", "Nhận biết lừa đảo qua điện thoại")
    response = editor.post(
        reverse(ADD),
        quiz_form(
            [SINGLE, MULTIPLE, TRUE_FALSE],
            title=nfd_title,
            questions_per_attempt=2,
            max_attempts=3,
            retry_wait_minutes=10,
            review_policy=ReviewPolicy.AFTER_PASS,
        ),
    )

    assert response.status_code == 302, response.content.decode()
    quiz = Quiz.objects.get()
    assert quiz.title == "Nhận biết lừa đảo qua điện thoại"
    assert (quiz.questions_per_attempt, quiz.max_attempts, quiz.retry_wait_minutes) == (
        2,
        3,
        10,
    )
    assert quiz.review_policy == ReviewPolicy.AFTER_PASS
    questions = list(quiz.questions.order_by("sort_order"))
    assert [q.kind for q in questions] == ["single", "multiple", "true_false"]
    assert questions[0].text == OTP
    assert list(
        questions[1].choices.order_by("sort_order").values_list("text", "is_correct")
    ) == [("Tên miền lạ", True), ("Thúc giục", True), ("Số tổng đài chính thức", False)]


def test_editor_sees_the_add_form_with_a_first_question(editor):
    response = editor.get(reverse(ADD))
    page = response.content.decode()
    assert response.status_code == 200
    assert 'name="questions-0-text"' in page
    assert 'name="questions-0-choices-1-text"' in page


@pytest.mark.parametrize(
    ("question", "message"),
    [
        (
            (QuestionKind.SINGLE, OTP, [("A", True), ("B", True)]),
            "Mark exactly one choice as correct.",
        ),
        (
            (QuestionKind.SINGLE, OTP, [("A", False), ("B", False)]),
            "Mark exactly one choice as correct.",
        ),
        (
            (QuestionKind.MULTIPLE, OTP, [("A", False), ("B", False)]),
            "Mark at least one choice as correct.",
        ),
        (
            (
                QuestionKind.TRUE_FALSE,
                OTP,
                [("Đúng", True), ("Sai", False), ("?", False)],
            ),
            "A true-or-false question needs exactly two choices",
        ),
        (
            (QuestionKind.TRUE_FALSE, OTP, [("Đúng", True), ("Sai", True)]),
            "Mark exactly one choice as correct.",
        ),
        (
            (QuestionKind.SINGLE, OTP, [("A", True)]),
            "Give the question at least two choices.",
        ),
    ],
)
def test_admin_refuses_a_question_with_wrong_correct_choices(editor, question, message):
    response = editor.post(reverse(ADD), quiz_form([SINGLE, question]))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Quiz.objects.exists()


def test_admin_refuses_drawing_more_questions_than_the_pool(editor):
    response = editor.post(
        reverse(ADD), quiz_form([SINGLE, MULTIPLE], questions_per_attempt=3)
    )
    assert response.status_code == 200
    assert "The pool holds 2 questions; draw at most that many" in (
        response.content.decode()
    )
    assert not Quiz.objects.exists()


@pytest.mark.parametrize("pass_mark", ["101", "-1"])
def test_admin_refuses_a_pass_mark_outside_0_to_100(editor, pass_mark):
    response = editor.post(reverse(ADD), quiz_form([SINGLE], pass_mark=pass_mark))
    assert response.status_code == 200
    assert not Quiz.objects.exists()


def test_deleted_questions_do_not_count_towards_the_pool(editor):
    data = quiz_form([SINGLE, MULTIPLE], questions_per_attempt=2)
    data["questions-1-DELETE"] = "on"
    response = editor.post(reverse(ADD), data)
    assert "The pool holds 1 question; draw at most that many" in (
        response.content.decode()
    )


def test_editor_edits_a_choice_and_removes_a_question(editor):
    quiz = QuizFactory(title="Lừa đảo")
    first = add_question(quiz, choices=(("A", True), ("B", False)))
    second = add_question(quiz, choices=(("C", True), ("D", False)))
    data = quiz_form(
        [
            (QuestionKind.SINGLE, first.text, [("A", False), ("B sửa", True)]),
            (QuestionKind.SINGLE, second.text, [("C", True), ("D", False)]),
        ],
        title="Lừa đảo",
        **{"questions-INITIAL_FORMS": 2, "questions-1-DELETE": "on"},
    )
    data["questions-0-id"] = first.pk
    data["questions-1-id"] = second.pk
    a, b = first.choices.order_by("sort_order")
    data.update(
        {
            "questions-0-choices-INITIAL_FORMS": "2",
            "questions-0-choices-0-id": a.pk,
            "questions-0-choices-1-id": b.pk,
        }
    )
    data.update(
        {
            "questions-1-choices-INITIAL_FORMS": "2",
            "questions-1-choices-0-id": second.choices.first().pk,
            "questions-1-choices-1-id": second.choices.last().pk,
        }
    )

    response = editor.post(reverse(EDIT, args=[quiz.pk]), data)

    assert response.status_code == 302, response.content.decode()
    assert list(quiz.questions.values_list("pk", flat=True)) == [first.pk]
    assert Choice.objects.get(pk=b.pk).text == "B sửa"
    assert Choice.objects.get(pk=b.pk).is_correct


def test_quiz_listing_links_to_statistics(editor):
    quiz = QuizFactory()
    page = editor.get(reverse(INDEX)).content.decode()
    assert quiz.title in page
    assert reverse(STATS, args=[quiz.pk]) in page
    assert reverse(STATS, args=[quiz.pk]) in (
        editor.get(reverse(EDIT, args=[quiz.pk])).content.decode()
    )


def test_quiz_chooser_lists_quizzes_for_lesson_blocks(editor):
    quiz = QuizFactory(title="Bảo vệ dữ liệu cá nhân")
    response = editor.get(reverse("wagtailsnippetchoosers_quizzes_quiz:choose"))
    assert response.status_code == 200
    assert quiz.title in response.json()["html"]


def take(learner_client, quiz, lesson, *, right: bool):
    attempt = start(learner_client, quiz, lesson)
    answers = right_answers(attempt) if right else wrong_answers(attempt)
    learner_client.post(submit_url(attempt), answers)
    return attempt


@pytest.fixture
def stats_quiz(db):
    quiz = QuizFactory(title="Thống kê", pass_mark=100)
    hard = add_question(quiz, text="Câu khó")
    easy = add_question(quiz, text="Câu dễ")
    return quiz, hard, easy


def test_statistics_show_attempts_average_pass_rate_and_missed_questions(
    editor, stats_quiz, lessons, course, client
):
    from django.test import Client

    quiz, hard, easy = stats_quiz
    lesson = place_quiz(lessons[0], quiz)
    learners = []
    for _ in range(2):
        browser = Client(headers={"accept-language": "en"})
        browser.force_login(UserFactory())
        browser.post(reverse("enroll", args=[course.pk]))
        learners.append(browser)
    # Learner 1: all wrong (0 %), then half right (50 %), then passes (100 %).
    take(learners[0], quiz, lesson, right=False)
    attempt = start(learners[0], quiz, lesson)
    answers = right_answers(attempt)
    answers[f"q{hard.pk}"] = wrong_answers(attempt)[f"q{hard.pk}"]
    learners[0].post(submit_url(attempt), answers)
    take(learners[0], quiz, lesson, right=True)
    # Learner 2: passes at once, then leaves one attempt open.
    take(learners[1], quiz, lesson, right=True)
    start(learners[1], quiz, lesson)

    response = editor.get(reverse(STATS, args=[quiz.pk]))

    page = response.content.decode()
    assert response.status_code == 200
    assert 'data-stat="attempts">4<' in page
    assert 'data-stat="in-progress">1<' in page
    assert 'data-stat="learners">2<' in page
    assert 'data-stat="learners-passed">2<' in page
    assert 'data-stat="average-score">62.5%<' in page
    assert 'data-stat="pass-rate">50%<' in page
    assert page.index("Câu khó") < page.index("Câu dễ")
    # Wrong, answered, share wrong.
    assert (
        f'<tr data-question="{hard.pk}">'
        "<td>Câu khó</td><td>2</td><td>4</td><td>50%</td>" in page
    )
    assert (
        f'<tr data-question="{easy.pk}">'
        "<td>Câu dễ</td><td>1</td><td>4</td><td>25%</td>" in page
    )


@pytest.mark.parametrize("learner_count", [1, 12])
def test_statistics_queries_stay_flat(
    editor, stats_quiz, lessons, course, learner_count, django_assert_max_num_queries
):
    from django.test import Client

    quiz, _hard, _easy = stats_quiz
    lesson = place_quiz(lessons[0], quiz)
    for number in range(learner_count):
        browser = Client()
        browser.force_login(UserFactory())
        browser.post(reverse("enroll", args=[course.pk]))
        take(browser, quiz, lesson, right=number % 2 == 0)
    url = reverse(STATS, args=[quiz.pk])
    editor.get(url)
    with django_assert_max_num_queries(14):
        assert editor.get(url).status_code == 200


def test_statistics_of_an_untaken_quiz(editor, stats_quiz):
    quiz, _hard, _easy = stats_quiz
    page = editor.get(reverse(STATS, args=[quiz.pk])).content.decode()
    assert "Nobody has submitted an attempt at this quiz yet." in page


def test_learner_cannot_open_the_admin_statistics(learner, stats_quiz):
    quiz, _hard, _easy = stats_quiz
    response = learner.get(reverse(STATS, args=[quiz.pk]))
    assert response.status_code == 302
    assert "Câu khó" not in response.content.decode()


def test_admin_user_without_quiz_permission_is_refused(client, stats_quiz):
    quiz, _hard, _easy = stats_quiz
    user = UserFactory()
    user.user_permissions.add(
        Permission.objects.get(
            content_type__app_label="wagtailadmin", codename="access_admin"
        )
    )
    client.force_login(user)
    response = client.get(reverse(STATS, args=[quiz.pk]), follow=True)
    assert response.redirect_chain[-1][0] == reverse("wagtailadmin_home")
    assert "Câu khó" not in response.content.decode()


def test_a_quiz_with_attempts_is_not_deleted(editor, learner, stats_quiz, lessons):
    quiz, _hard, _easy = stats_quiz
    lesson = place_quiz(lessons[0], quiz)
    take(learner, quiz, lesson, right=True)

    response = editor.post(reverse(DELETE, args=[quiz.pk]), follow=True)

    assert Quiz.objects.filter(pk=quiz.pk).exists()
    assert "“Thống kê” has attempts by learners, so it cannot be deleted." in (
        response.content.decode()
    )


def test_bulk_delete_keeps_quizzes_with_attempts(editor, learner, stats_quiz, lessons):
    quiz, _hard, _easy = stats_quiz
    untaken = QuizFactory(title="Chưa ai làm")
    lesson = place_quiz(lessons[0], quiz)
    take(learner, quiz, lesson, right=True)
    url = reverse("wagtail_bulk_action", args=["quizzes", "quiz", "delete"])

    response = editor.post(f"{url}?id={quiz.pk}&id={untaken.pk}", follow=True)

    assert set(Quiz.objects.values_list("pk", flat=True)) == {quiz.pk, untaken.pk}
    assert "has attempts by learners" in response.content.decode()


def test_an_untaken_quiz_can_be_deleted(editor):
    quiz = QuizFactory()
    add_question(quiz)
    response = editor.post(reverse(DELETE, args=[quiz.pk]))
    assert response.status_code == 302
    assert not Quiz.objects.exists()
    assert not Question.objects.exists()


def test_statistics_are_reached_from_the_listing_and_the_edit_page(editor, stats_quiz):
    quiz, _hard, _easy = stats_quiz

    page = statistics_reached(
        editor,
        listing_url=reverse(INDEX),
        edit_url=reverse("wagtailsnippets_quizzes_quiz:edit", args=[quiz.pk]),
        stats_url=reverse(STATS, args=[quiz.pk]),
    )

    assert "Nobody has submitted an attempt at this quiz yet." in page
    assert editor.get(reverse(STATS, args=[quiz.pk + 1000])).status_code == 404
