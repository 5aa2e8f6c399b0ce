"""A content editor writes, previews and publishes a course in the Wagtail admin."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils.text import slugify
from wagtail.test.utils.form_data import nested_form_data, rich_text, streamfield

from courses.models import CourseIndexPage, CoursePage, LessonPage
from lms.models.users import Role
from lms.services import role_grant
from tests.factories import UserFactory, add_course

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor_client(client, site_tree):
    editor = UserFactory(full_name="Trần Thị Biên Tập")
    role_grant(user=editor, role=Role.CONTENT_EDITOR, by=None)
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
    role_grant(user=resident, role=Role.RESIDENT, by=None)
    client.force_login(resident)
    response = client.get(reverse("wagtailadmin_home"))
    assert response.status_code in (302, 403)
    assert (
        not Group.objects.get(name="Editors").user_set.filter(pk=resident.pk).exists()
    )


# A course whose title transliterates to an address a sibling already has.
TAKEN = "Thanh toán không dùng tiền mặt an toàn"
TAKEN_SLUG = "thanh-toan-khong-dung-tien-mat-an-toan"


@pytest.fixture
def taken(catalogue):
    course = add_course(catalogue, title=TAKEN)
    assert course.slug == TAKEN_SLUG
    return course


def edit_url(page) -> str:
    return reverse("wagtailadmin_pages:edit", args=[page.pk])


def slug_errors(response) -> list[str]:
    assert response.status_code == 200
    return response.context["form"].errors["slug"]


@pytest.mark.parametrize("action", [{}, {"action-publish": "publish"}])
def test_a_new_course_whose_address_is_taken_gets_a_message_on_the_slug(
    editor_client, catalogue, taken, action
):
    # The admin's JavaScript keeps the accents; the address drops them.
    form = course_form(title=TAKEN, slug="thanh-toán-không-dùng-tiền-mặt-an-toàn")

    response = editor_client.post(add_url(CoursePage, catalogue), {**form, **action})

    assert slug_errors(response) == [
        f"The slug '{TAKEN_SLUG}' is already in use within the parent page."
    ]
    assert CoursePage.objects.filter(title=TAKEN).count() == 1


def test_the_slug_message_is_in_vietnamese(editor_client, catalogue, taken):
    form = course_form(title=TAKEN, slug="thanh-toán-không-dùng-tiền-mặt-an-toàn")

    response = editor_client.post(
        add_url(CoursePage, catalogue), form, HTTP_ACCEPT_LANGUAGE="vi"
    )

    (message,) = slug_errors(response)
    assert TAKEN_SLUG in message
    assert "already in use" not in message


@pytest.mark.parametrize("action", [{}, {"action-publish": "publish"}])
def test_renaming_a_course_to_a_taken_address_gets_a_message_on_the_slug(
    editor_client, catalogue, taken, action
):
    other = add_course(catalogue, title="Ví điện tử an toàn")
    form = course_form(title=TAKEN, slug="thanh-toán-không-dùng-tiền-mặt-an-toàn")

    response = editor_client.post(edit_url(other), {**form, **action})

    assert slug_errors(response) == [
        f"The slug '{TAKEN_SLUG}' is already in use within the parent page."
    ]
    other.refresh_from_db()
    assert other.slug == "vi-dien-tu-an-toan"
    assert not other.revisions.exists()


@pytest.mark.parametrize("on", ["add", "edit"])
def test_autosave_of_a_taken_address_answers_a_validation_error(
    editor_client, catalogue, taken, on
):
    other = add_course(catalogue, title="Ví điện tử an toàn")
    url = add_url(CoursePage, catalogue) if on == "add" else edit_url(other)
    form = course_form(title=TAKEN, slug="thanh-toán-không-dùng-tiền-mặt-an-toàn")

    # What the editor's autosave sends: the form, asking for JSON.
    response = editor_client.post(url, form, HTTP_ACCEPT="application/json")

    assert response.status_code == 400
    assert response.json()["error_code"] == "validation_error"
    assert CoursePage.objects.filter(slug=TAKEN_SLUG).get() == taken
    other.refresh_from_db()
    assert other.slug == "vi-dien-tu-an-toan"


@pytest.mark.parametrize("on", ["add", "edit"])
def test_preview_of_a_taken_address_is_refused_not_broken(
    editor_client, catalogue, taken, on
):
    form = course_form(title=TAKEN, slug="thanh-toán-không-dùng-tiền-mặt-an-toàn")
    if on == "add":
        url = reverse(
            "wagtailadmin_pages:preview_on_add",
            args=["courses", "coursepage", catalogue.pk],
        )
    else:
        other = add_course(catalogue, title="Ví điện tử an toàn")
        url = reverse("wagtailadmin_pages:preview_on_edit", args=[other.pk])

    response = editor_client.post(url, form)

    assert response.status_code == 200
    assert response.json()["is_valid"] is False


def test_a_lesson_whose_address_is_taken_in_its_course_gets_a_message(
    editor_client, course
):
    first = course.get_children().first()
    form = lesson_form(first.title, "Một bài khác cùng tên.")

    response = editor_client.post(
        add_url(LessonPage, course), {**form, "action-publish": "publish"}
    )

    (message,) = slug_errors(response)
    assert first.slug in message
    assert LessonPage.objects.filter(title=first.title).count() == 1


def test_the_same_address_under_another_catalogue_is_allowed(
    editor_client, site_tree, taken
):
    other_catalogue = CourseIndexPage(title="Khoá học khác", slug="khoa-hoc-khac")
    site_tree["home"].add_child(instance=other_catalogue)
    form = course_form(title=TAKEN, slug="thanh-toán-không-dùng-tiền-mặt-an-toàn")

    response = editor_client.post(
        add_url(CoursePage, other_catalogue), {**form, "action-publish": "publish"}
    )

    assert response.status_code == 302
    assert CoursePage.objects.child_of(other_catalogue).get().slug == TAKEN_SLUG


def test_copying_a_course_to_a_taken_address_gets_a_message_on_the_slug(
    editor_client, catalogue, taken
):
    other = add_course(catalogue, title="Ví điện tử an toàn")

    response = editor_client.post(
        reverse("wagtailadmin_pages:copy", args=[other.pk]),
        {
            "new_title": TAKEN,
            "new_slug": "thanh-toán-không-dùng-tiền-mặt-an-toàn",
            "new_parent_page": catalogue.pk,
        },
    )

    assert response.status_code == 200
    assert response.context["form"].errors["new_slug"] == [
        'This slug is already in use within the context of its parent page "Khoá học"'
    ]
    assert CoursePage.objects.count() == 2
