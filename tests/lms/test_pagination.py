import pytest

from lms.models import User
from lms.pagination import keyset_page
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def walk(queryset, per_page: int) -> list[list[int]]:
    pages, page = [], keyset_page(queryset, per_page=per_page)
    while True:
        pages.append([person.pk for person in page])
        if not page.has_next:
            return pages
        page = keyset_page(queryset, per_page=per_page, after=str(page.after))


def test_pages_with_equal_names_neither_skip_nor_repeat_anyone():
    # Three people share each name: the primary key breaks the ties.
    for number in range(10):
        UserFactory(full_name=f"Trần Văn {number % 4}")
    queryset = User.objects.order_by("-search_key", "-pk")

    pages = walk(queryset, per_page=3)

    assert [pk for page in pages for pk in page] == list(
        queryset.values_list("pk", flat=True)
    )
    assert [len(page) for page in pages] == [3, 3, 3, 1]


def test_previous_page_is_the_page_before():
    for number in range(7):
        UserFactory(full_name=f"Lê Thị {number}")
    queryset = User.objects.order_by("search_key", "pk")
    first = keyset_page(queryset, per_page=3)
    second = keyset_page(queryset, per_page=3, after=str(first.after))
    third = keyset_page(queryset, per_page=3, after=str(second.after))

    back = keyset_page(queryset, per_page=3, before=str(third.before))
    start = keyset_page(queryset, per_page=3, before=str(back.before))

    assert [p.pk for p in back] == [p.pk for p in second]
    assert back.has_previous and back.has_next
    assert [p.pk for p in start] == [p.pk for p in first]
    assert not start.has_previous and start.has_next
    assert len(third) == 1 and not third.has_next


def test_a_cursor_whose_person_left_the_list_starts_again():
    people = [UserFactory(full_name=f"Phạm Văn {n}") for n in range(5)]
    queryset = User.objects.filter(full_name__startswith="Phạm").order_by(
        "search_key", "pk"
    )
    outsider = UserFactory(full_name="Ngô Thị Lan")

    page = keyset_page(queryset, per_page=2, after=str(outsider.pk))

    assert [p.pk for p in page] == [people[0].pk, people[1].pk]
    assert not page.has_previous


def test_an_order_without_the_primary_key_is_refused():
    with pytest.raises(ValueError):
        keyset_page(User.objects.order_by("search_key"), per_page=10)
