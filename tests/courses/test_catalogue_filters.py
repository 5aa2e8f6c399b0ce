"""The catalogue's search, topic and page links, as typed or changed by hand."""

import pytest

from tests.factories import add_course

pytestmark = pytest.mark.django_db


@pytest.fixture
def courses(catalogue):
    return [add_course(catalogue, title=f"Khoá học số {n}") for n in range(1, 4)]


# Not "page": pytest-playwright takes a test asking for "page" for a browser test.
@pytest.mark.parametrize(
    "number", [str(2**63), "9" * 25, "99999999999999999999", "-1", "0", "abc", "1e400"]
)
def test_a_page_number_out_of_range_shows_a_page_of_courses(client, courses, number):
    response = client.get(courses[0].get_parent().url, {"page": number})

    assert response.status_code == 200
    assert response.context["page_obj"].number == 1
    assert "Khoá học số 1" in response.content.decode()


@pytest.mark.parametrize("topic", ["9" * 25, "<script>", "cashless" * 50])
def test_an_unknown_topic_lists_every_course(client, courses, topic):
    response = client.get(courses[0].get_parent().url, {"topic": topic})

    assert response.status_code == 200
    assert response.context["topic"] == ""
    assert "Khoá học số 3" in response.content.decode()


# A NUL character is refused before any view (tests/lms/test_nul_characters.py).
@pytest.mark.parametrize("query", ["%", "_", "'; --", "đ" * 500])
def test_odd_searches_answer_a_page(client, courses, query):
    response = client.get(courses[0].get_parent().url, {"q": query})

    assert response.status_code == 200
