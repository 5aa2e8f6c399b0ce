"""Whole public pages kept for anonymous visitors (lms/pagecache.py)."""

import pytest
from django.urls import reverse
from wagtail.models import PageViewRestriction

from lms.pagecache import CACHED_HEADER
from tests.factories import UserFactory, add_course

pytestmark = pytest.mark.django_db


def from_cache(response) -> bool:
    return response.get(CACHED_HEADER) == "hit"


def test_second_visitor_is_answered_without_the_database(
    client, site_tree, django_assert_num_queries
):
    add_course(site_tree["catalogue"], title="Thanh toán không dùng tiền mặt")
    first = client.get("/")

    with django_assert_num_queries(0):
        second = client.get("/")

    assert not from_cache(first)
    assert from_cache(second)
    assert second.status_code == 200
    assert second.content == first.content
    assert "Thanh toán không dùng tiền mặt" in second.content.decode()


@pytest.mark.parametrize("which", ["catalogue", "course"])
def test_catalogue_and_course_pages_are_kept_too(
    client, site_tree, which, django_assert_num_queries
):
    course = add_course(site_tree["catalogue"])
    url = {"catalogue": site_tree["catalogue"].url, "course": course.url}[which]
    client.get(url)

    with django_assert_num_queries(0):
        response = client.get(url)

    assert from_cache(response)
    assert course.title in response.content.decode()


def test_each_search_of_the_catalogue_is_its_own_page(client, site_tree):
    catalogue = site_tree["catalogue"]
    add_course(catalogue, title="Dịch vụ công trực tuyến")
    add_course(catalogue, title="Mua bán trực tuyến an toàn", topic="ecommerce")
    client.get(catalogue.url, {"q": "dich vu"})

    other = client.get(catalogue.url, {"q": "mua ban"}).content.decode()

    assert "Mua bán trực tuyến an toàn" in other
    assert "Dịch vụ công trực tuyến" not in other


def test_a_published_change_shows_at_once(
    client, site_tree, django_capture_on_commit_callbacks
):
    course = add_course(site_tree["catalogue"], title="Ví điện tử")
    assert "Ví điện tử" in client.get(course.url).content.decode()

    course.title = "Ví điện tử cho người cao tuổi"
    with django_capture_on_commit_callbacks(execute=True):
        course.save_revision().publish()
    page = client.get(course.url)

    assert not from_cache(page)
    assert "Ví điện tử cho người cao tuổi" in page.content.decode()


def test_a_saved_draft_leaves_the_public_page_cached(client, site_tree):
    course = add_course(site_tree["catalogue"], title="Ví điện tử")
    client.get(course.url)

    course.title = "Bản nháp chưa xuất bản"
    course.save_revision()
    page = client.get(course.url)

    assert from_cache(page)
    assert "Bản nháp chưa xuất bản" not in page.content.decode()


def test_an_unpublished_course_leaves_the_home_page_at_once(client, site_tree):
    course = add_course(site_tree["catalogue"], title="Ví điện tử")
    assert "Ví điện tử" in client.get("/").content.decode()

    course.unpublish()

    assert "Ví điện tử" not in client.get("/").content.decode()
    assert client.get(course.url).status_code == 404


def test_a_deleted_course_leaves_the_catalogue_at_once(client, site_tree):
    catalogue = site_tree["catalogue"]
    course = add_course(catalogue, title="Ví điện tử")
    assert "Ví điện tử" in client.get(catalogue.url).content.decode()

    course.delete()

    assert "Ví điện tử" not in client.get(catalogue.url).content.decode()


def test_a_moved_course_shows_at_its_new_place(client, site_tree):
    from courses.models import CourseIndexPage

    home, catalogue = site_tree["home"], site_tree["catalogue"]
    course = add_course(catalogue, title="Ví điện tử")
    other = CourseIndexPage(title="Khoá học cho cán bộ", slug="can-bo")
    home.add_child(instance=other)
    assert "Ví điện tử" in client.get(catalogue.url).content.decode()

    course.move(other, pos="last-child")

    assert "Ví điện tử" not in client.get(catalogue.url).content.decode()
    assert "Ví điện tử" in client.get(other.url).content.decode()


def test_a_signed_in_learner_never_gets_the_visitors_page(client, site_tree, user):
    client.get("/")
    client.get("/")
    client.force_login(user)

    page = client.get("/")

    assert not from_cache(page)
    assert "Log out" in page.content.decode()


def test_a_signed_in_learner_does_not_poison_the_visitors_page(client, site_tree, user):
    client.force_login(user)
    client.get("/")
    visitor = type(client)()

    page = visitor.get("/")
    again = visitor.get("/")

    assert not from_cache(page)
    assert from_cache(again)
    for html in (page.content.decode(), again.content.decode()):
        assert "Log out" not in html
        assert "Sign up" in html


def test_languages_are_kept_apart(client, site_tree):
    english = client.get("/", headers={"accept-language": "en"})
    vietnamese = client.get("/", headers={"accept-language": "vi"})
    english_again = client.get("/", headers={"accept-language": "en"})
    client.cookies["django_language"] = "vi"
    vietnamese_by_cookie = client.get("/", headers={"accept-language": "en"})

    assert '<html lang="en">' in english.content.decode()
    assert '<html lang="vi">' in vietnamese.content.decode()
    assert "Đăng ký bằng số điện thoại" in vietnamese.content.decode()
    assert from_cache(english_again)
    assert english_again.content == english.content
    assert from_cache(vietnamese_by_cookie)
    assert vietnamese_by_cookie.content == vietnamese.content


def test_a_page_with_a_csrf_token_is_not_kept(client, site_tree):
    course = add_course(site_tree["catalogue"])
    PageViewRestriction.objects.create(
        page=course, restriction_type=PageViewRestriction.PASSWORD, password="bí mật"
    )

    first = client.get(course.url)
    second = client.get(course.url)

    assert first.status_code == second.status_code == 200
    assert "csrfmiddlewaretoken" in second.content.decode()
    assert not from_cache(second)


def test_a_visitor_with_a_message_waiting_is_answered_afresh(client, site_tree, user):
    client.get("/")
    client.force_login(user)
    # Logging out leaves "You have logged out." for the next page.
    client.post(reverse("account_logout"))

    page = client.get("/")
    visitor = type(client)().get("/")

    assert not from_cache(page)
    assert "You have logged out." in page.content.decode()
    assert from_cache(visitor)
    assert "You have logged out." not in visitor.content.decode()


def test_a_page_made_private_is_no_longer_served_to_visitors(client, site_tree):
    course = add_course(site_tree["catalogue"])
    client.get(course.url)

    PageViewRestriction.objects.create(
        page=course, restriction_type=PageViewRestriction.LOGIN
    )

    assert client.get(course.url).status_code == 302


def test_lessons_are_never_kept(client, course, user):
    lesson = course.get_children().live().first()

    client.get(lesson.url)
    response = client.get(lesson.url)

    assert response.status_code == 302
    assert not from_cache(response)


def test_settings_can_turn_the_cache_off(client, site_tree, settings):
    settings.LMS_PAGE_CACHE_SECONDS = 0

    client.get("/")

    assert not from_cache(client.get("/"))


def test_the_sign_up_form_is_not_kept(client, db):
    UserFactory()
    client.get(reverse("account_signup"))

    assert not from_cache(client.get(reverse("account_signup")))
