"""Hand-made ids and page numbers on the issuers' screens get a message, not an error.

Forms and links carry ids as text; a person (or a broken link) can send anything.
"""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from certificates.models import BulkIssue
from lms.converters import MAX_ID

BAD_IDS = [str(MAX_ID + 1), "9" * 25, "-1", "abc", "1.5", "1e400", "٣"]
BAD_PAGES = [str(MAX_ID + 1), "9" * 25, "-1", "abc", "1e400", "0"]
COURSE_REFUSED = (
    "Select a valid choice. That choice is not one of the available choices."
)


@pytest.fixture
def issuer(client, official, person_in):
    person_in("ben_thanh", full_name="Trần Thị Hoa")
    client.force_login(official())
    return client


@pytest.mark.parametrize("name", ["certificates:manage", "certificates:issue"])
@pytest.mark.parametrize("value", BAD_IDS)
def test_a_course_filter_that_names_no_course_is_refused_on_the_field(
    issuer, name, value
):
    response = issuer.get(reverse(name), {"course": value})

    assert response.status_code == 200
    assert response.context["form"].errors["course"] == [COURSE_REFUSED]


def test_the_course_filter_message_is_in_vietnamese(issuer):
    response = issuer.get(
        reverse("certificates:issue"),
        {"course": "9" * 25},
        HTTP_ACCEPT_LANGUAGE="vi",
    )

    assert "Hãy chọn một lựa chọn hợp lệ." in response.content.decode()


@pytest.mark.parametrize(
    "name",
    ["certificates:manage", "certificates:issue", "certificates:bulk_issue_list"],
)
@pytest.mark.parametrize("key", ["after", "before"])
@pytest.mark.parametrize("value", BAD_PAGES)
def test_a_page_link_out_of_range_shows_the_first_page(issuer, name, key, value):
    response = issuer.get(reverse(name), {key: value})

    assert response.status_code == 200
    assert not response.context["page_obj"].has_previous


@pytest.mark.parametrize("value", BAD_IDS)
def test_issuing_for_a_course_that_does_not_exist_says_so(issuer, value):
    response = issuer.post(
        reverse("certificates:issue"), {"course": value, "everyone": "on"}, follow=True
    )

    assert response.status_code == 200
    assert COURSE_REFUSED in response.content.decode()
    assert not BulkIssue.objects.exists()


@pytest.mark.parametrize("value", BAD_IDS)
def test_ticked_people_that_cannot_be_read_are_refused(issuer, course, value):
    hoa = issuer.get(reverse("certificates:issue")).context["page_obj"].object_list[0]

    response = issuer.post(
        reverse("certificates:issue"),
        {"course": course.pk, "people": [hoa.pk, value]},
        follow=True,
    )

    assert response.status_code == 200
    assert "The ticked people could not be read." in response.content.decode()
    assert not BulkIssue.objects.exists()


def test_the_refusal_of_ticked_people_is_in_vietnamese(issuer, course):
    response = issuer.post(
        reverse("certificates:issue"),
        {"course": course.pk, "people": ["9" * 25]},
        follow=True,
        HTTP_ACCEPT_LANGUAGE="vi",
    )

    assert "The ticked people could not be read." not in response.content.decode()
    assert "Hãy tải lại trang và đánh dấu lại." in response.content.decode()


def test_a_form_with_thousands_of_ticks_answers_400_with_a_message(issuer, course):
    response = issuer.post(
        reverse("certificates:issue"),
        {"course": course.pk, "people": [str(n) for n in range(1, 5001)]},
        HTTP_ACCEPT_LANGUAGE="vi",
    )

    assert response.status_code == 400
    assert "Không đọc được yêu cầu" in response.content.decode()
    assert not BulkIssue.objects.exists()


@pytest.mark.parametrize("value", BAD_IDS)
def test_uploading_for_a_course_that_does_not_exist_is_refused_on_the_field(
    issuer, value
):
    response = issuer.post(
        reverse("certificates:upload"),
        {
            "course": value,
            "file": SimpleUploadedFile("list.csv", b"0912345601\n", "text/csv"),
        },
    )

    assert response.status_code == 200
    assert response.context["form"].errors["course"] == [COURSE_REFUSED]
    assert not BulkIssue.objects.exists()


@pytest.mark.parametrize("value", BAD_PAGES)
def test_a_bulk_issue_preview_with_a_page_out_of_range_shows_a_page(
    issuer, course, value
):
    hoa = issuer.get(reverse("certificates:issue")).context["page_obj"].object_list[0]
    prepared = issuer.post(
        reverse("certificates:issue"), {"course": course.pk, "people": [hoa.pk]}
    )

    response = issuer.get(prepared["Location"], {"after": value})

    assert response.status_code == 200
    assert not response.context["page_obj"].has_previous
