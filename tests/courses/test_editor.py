"""A content editor writes, previews and publishes a course in the Wagtail admin."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils.text import slugify
from wagtail.test.utils.form_data import nested_form_data, rich_text, streamfield

from courses.models import CoursePage, LessonPage
from lms.models.users import Role
from lms.services import role_grant
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor_client(client, site_tree):
    editor = UserFactory(full_name="Trần Thị Biên Tập")
    role_grant(user=editor, role=Role.CONTENT_EDITOR)
    assert editor.groups.filter(name="Editors").exists()
    client.force_login(editor)
    return client


def course_form(**overrides):
    data = {
        "title": "Ví điện tử an toàn",
        # What the admin's JavaScript fills in: Unicode letters kept.
        "slug": "ví-điện-tử-an-toàn",
        "summary": "Cách dùng ví điện tử an toàn trên điện thoại.",
        "topic": "cashless",
        "audience": "everyone",
        "estimated_minutes": 20,
        "sequential": "on",
        "awards_certificate": "on",
    }
    data.update(overrides)
    return nested_form_data(data)


def lesson_form(title: str, text: str, **extra):
    return nested_form_data(
        {
            "title": title,
            "slug": slugify(title, allow_unicode=True),
            "body": streamfield([("text", rich_text(f"<p>{text}</p>"))]),
            "estimated_minutes": 5,
            "is_required": "on",
            **extra,
        }
    )


def add_url(model, parent):
    return reverse(
        "wagtailadmin_pages:add",
        args=[model._meta.app_label, model._meta.model_name, parent.pk],
    )


def test_editor_creates_and_publishes_a_course_with_a_lesson(editor_client, catalogue):
    response = editor_client.post(
        add_url(CoursePage, catalogue), {**course_form(), "action-publish": "publish"}
    )
    assert response.status_code == 302, response.context["form"].errors
    course = CoursePage.objects.get(title="Ví điện tử an toàn")
    assert course.live
    assert course.slug == "vi-dien-tu-an-toan"

    response = editor_client.post(
        add_url(LessonPage, course),
        {
            **lesson_form("Đặt mã PIN cho ví", "Không chia sẻ mã PIN với ai."),
            "action-publish": "publish",
        },
    )
    assert response.status_code == 302
    lesson = LessonPage.objects.get(title="Đặt mã PIN cho ví")
    assert lesson.live
    assert lesson.url == "/khoa-hoc/vi-dien-tu-an-toan/dat-ma-pin-cho-vi/"


def test_editor_saves_a_draft_that_learners_cannot_see(
    editor_client, client, catalogue
):
    editor_client.post(add_url(CoursePage, catalogue), course_form())
    course = CoursePage.objects.get(title="Ví điện tử an toàn")
    assert not course.live
    editor_client.logout()
    assert client.get("/khoa-hoc/vi-dien-tu-an-toan/").status_code == 404


def test_editor_previews_a_lesson_before_publishing(editor_client, course):
    url = reverse(
        "wagtailadmin_pages:preview_on_add", args=["courses", "lessonpage", course.pk]
    )
    form = lesson_form("Bài xem trước", "Nội dung chỉ để xem trước.")
    response = editor_client.post(url, form)
    assert response.json()["is_valid"] is True
    preview = editor_client.get(url)
    assert preview.status_code == 200
    assert "Nội dung chỉ để xem trước." in preview.content.decode()
    assert course.title in preview.content.decode()


def test_a_person_outside_the_editors_group_cannot_reach_the_admin(client, site_tree):
    resident = UserFactory()
    role_grant(user=resident, role=Role.RESIDENT)
    client.force_login(resident)
    response = client.get(reverse("wagtailadmin_home"))
    assert response.status_code in (302, 403)
    assert (
        not Group.objects.get(name="Editors").user_set.filter(pk=resident.pk).exists()
    )
