"""The quiz editor as a Vietnamese editor uses it."""

import re

import pytest
from django.urls import reverse
from wagtail.users.models import UserProfile

from lms.services import role_grant
from quizzes.models import Question, QuestionKind
from tests.factories import CommuneFactory, UserFactory
from tests.quizzes.factories import QuizFactory, add_question, place_quiz

from .test_admin import ADD, EDIT, INDEX, STATS, quiz_form, take

pytestmark = pytest.mark.django_db


@pytest.fixture
def vietnamese_editor(client):
    user = UserFactory()
    role_grant(user=user, role="content_editor", by=None)
    profile = UserProfile.get_for_user(user)
    profile.preferred_language = "vi"
    profile.save()
    client.force_login(user)
    return client


def test_true_false_question_gets_its_two_choices_written_for_the_editor(
    vietnamese_editor,
):
    # The editor leaves both choice texts empty and ticks the second.
    data = quiz_form(
        [
            (
                QuestionKind.TRUE_FALSE,
                "Ngân hàng có thể xin mã OTP.",
                [("", False), ("", True)],
            )
        ]
    )

    response = vietnamese_editor.post(reverse(ADD), data)

    assert response.status_code == 302, response.content.decode()[:3000]
    question = Question.objects.get()
    assert [
        (c.text, c.is_correct) for c in question.choices.order_by("sort_order")
    ] == [
        ("Đúng", False),
        ("Sai", True),
    ]


def test_true_false_question_without_choice_forms_still_gets_them(vietnamese_editor):
    data = quiz_form([(QuestionKind.TRUE_FALSE, "Mã OTP là bí mật.", [])])
    data["questions-0-choices-0-is_correct"] = "on"

    response = vietnamese_editor.post(reverse(ADD), data)

    assert response.status_code == 302
    choices = Question.objects.get().choices.order_by("sort_order")
    assert [(c.text, c.is_correct) for c in choices] == [("Đúng", True), ("Sai", False)]


def test_quiz_form_tells_the_editor_the_choices_are_written_for_them(
    vietnamese_editor,
):
    page = vietnamese_editor.get(reverse(ADD)).content.decode()

    assert "“Đúng” và “Sai” được điền sẵn" in page


def text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def visible_link(page: str, url: str) -> str:
    """The opening tag of the link to ``url`` that is not inside a "…" menu."""
    for match in re.finditer(r"<a [^>]*>", page):
        tag = match.group()
        if (
            f'href="{url}"' in tag
            and "w-dropdown"
            not in page[page.rfind("<div", 0, match.start()) : match.start()]
        ):
            return tag
    return ""


def test_statistics_are_a_visible_button_in_the_list_and_on_the_edit_page(
    vietnamese_editor,
):
    quiz = QuizFactory(title="Thống kê")
    add_question(quiz, text="Câu hỏi")
    url = reverse(STATS, args=[quiz.pk])

    listing = vietnamese_editor.get(reverse(INDEX)).content.decode()
    edit = vietnamese_editor.get(reverse(EDIT, args=[quiz.pk])).content.decode()

    assert "button-small" in visible_link(listing, url)
    assert "w-header-button" in visible_link(edit, url)
    assert "Thống kê" in edit


def test_statistics_list_each_learner_the_viewer_may_see(client, lessons, course):
    from django.test import Client

    quiz = QuizFactory(title="Thống kê", pass_mark=100)
    add_question(quiz, text="Câu hỏi")
    lesson = place_quiz(lessons[0], quiz)
    here, elsewhere = CommuneFactory(), CommuneFactory()
    for name, commune, right in (
        ("Lê Thị Ở Đây", here, True),
        ("Phạm Văn Nơi Khác", elsewhere, False),
    ):
        browser = Client(headers={"accept-language": "en"})
        browser.force_login(UserFactory(full_name=name, commune=commune))
        browser.post(reverse("enroll", args=[course.pk]))
        take(browser, quiz, lesson, right=right)
    # An official of one commune who also edits quizzes.
    local_editor = UserFactory()
    role_grant(user=local_editor, role="content_editor", by=None)
    role_grant(user=local_editor, role="commune_official", commune=here, by=None)
    superuser = UserFactory(is_superuser=True)

    client.force_login(superuser)
    everyone = text(client.get(reverse(STATS, args=[quiz.pk])))
    client.force_login(local_editor)
    local = text(client.get(reverse(STATS, args=[quiz.pk])))

    assert "Lê Thị Ở Đây 1 100%" in everyone
    assert "Phạm Văn Nơi Khác 1 0%" in everyone
    assert "Lê Thị Ở Đây" in local
    assert "Phạm Văn Nơi Khác" not in local
    # Each read of the learners' results is written to the audit log.
    from lms.models import AuditEvent

    reads = AuditEvent.objects.filter(subject="learner results").order_by("at", "pk")
    assert [(event.actor, len(event.subject_ids)) for event in reads] == [
        (superuser, 2),
        (local_editor, 1),
    ]


def test_the_learner_list_comes_a_page_at_a_time(client, lessons, course, monkeypatch):
    from django.test import Client

    from quizzes.viewsets import QuizStatsView

    monkeypatch.setattr(QuizStatsView, "learners_per_page", 2)
    quiz = QuizFactory(title="Thống kê")
    add_question(quiz, text="Câu hỏi")
    lesson = place_quiz(lessons[0], quiz)
    for _number in range(3):
        browser = Client(headers={"accept-language": "en"})
        browser.force_login(UserFactory())
        browser.post(reverse("enroll", args=[course.pk]))
        take(browser, quiz, lesson, right=True)
    client.force_login(UserFactory(is_superuser=True))
    url = reverse(STATS, args=[quiz.pk])

    first = client.get(url).content.decode()
    second = client.get(url, {"p": 2}).content.decode()

    assert first.count("<tr><td>") == 2 and "Page 1 of 2" in first
    assert second.count("<tr><td>") == 1 and "Page 2 of 2" in second
