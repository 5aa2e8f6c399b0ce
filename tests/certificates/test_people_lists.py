"""Issuers' lists of people: the same cost on every page, in order, scoped."""

import html
import itertools
import re

import pytest
from django.db import connection
from django.urls import reverse

from certificates.models import BulkIssue
from courses.selectors import catalogue_url
from lms.models import User
from privacy.selectors import notice_current
from tests.certificates.helpers import issue

ISSUE_URL = reverse("certificates:issue")
LIST_URL = reverse("certificates:manage")
# The user, their roles, the course chosen, the course menu, the page, who holds
# the course's certificate already.
ISSUE_QUERIES = 6
# The user, their roles, the course menu, the page.
LIST_QUERIES = 4
# The user, their roles, the bulk issue, its counts, its holders, the page.
PREVIEW_QUERIES = 7
# A later page also reads the row it starts from.
LATER = 1


def logged_in(client, user):
    client.force_login(user)
    # Every page's header links to the catalogue and every page checks the
    # notice in force, which each process keeps until content changes: budgets
    # are for a site that has been visited since.
    catalogue_url()
    notice_current()
    return client


_phones = itertools.count(1)


def people(person_in, count: int, commune: str = "ben_thanh", prefix: str = "Dân"):
    return [
        person_in(
            commune,
            full_name=f"Nguyễn Văn {prefix} {number:03d}",
            phone=f"+8491{next(_phones):07d}",
        )
        for number in range(count)
    ]


def page_text(response) -> str:
    return response.content.decode()


def names(response) -> list[str]:
    """The names in the list, in the order shown (the first cell with text)."""
    shown = []
    for row in re.findall(r"<tr>(.*?)</tr>", page_text(response), re.S):
        cells = [
            html.unescape(re.sub(r"<[^>]+>", "", cell)).strip()
            for cell in re.findall(r"<td>(.*?)</td>", row, re.S)
        ]
        shown.extend([cell for cell in cells if cell not in ("", "Has it")][:1])
    return shown


def link(response, rel: str) -> str | None:
    found = re.search(rf'rel="{rel}" href="([^"]+)"', page_text(response))
    return html.unescape(found.group(1)) if found else None


def every_page(client, url: str, params=None) -> list[list[str]]:
    pages, response = [], client.get(url, params or {})
    while True:
        pages.append(names(response))
        following = link(response, "next")
        if following is None:
            return pages
        response = client.get(url + following)


@pytest.mark.parametrize("count", [3, 60])
def test_issue_list_costs_the_same_queries_however_many_people(
    client, official, person_in, course, count, django_assert_max_num_queries
):
    residents = people(person_in, count)
    issue(residents[0], course)
    client = logged_in(client, official())

    with django_assert_max_num_queries(ISSUE_QUERIES):
        first = client.get(ISSUE_URL, {"course": course.pk})
    with django_assert_max_num_queries(ISSUE_QUERIES):
        found = client.get(ISSUE_URL, {"course": course.pk, "q": "nguyen van dan"})
    with django_assert_max_num_queries(ISSUE_QUERIES):
        plain = client.get(ISSUE_URL)

    assert len(names(first)) == len(names(found)) == len(names(plain)) == min(count, 50)
    assert "Has it" in page_text(first)
    if count > 50:
        with django_assert_max_num_queries(ISSUE_QUERIES + LATER):
            later = client.get(ISSUE_URL + link(first, "next"))
        assert len(names(later)) == count - 50


@pytest.mark.parametrize("count", [3, 60])
def test_certificate_list_costs_the_same_queries_however_many_people(
    client, official, person_in, course, count, django_assert_max_num_queries
):
    for resident in people(person_in, count):
        issue(resident, course)
    issue(person_in("sai_gon", full_name="Trần Thị Hoa"), course)
    client = logged_in(client, official(province=True))

    with django_assert_max_num_queries(LIST_QUERIES):
        first = client.get(LIST_URL)
    with django_assert_max_num_queries(LIST_QUERIES):
        found = client.get(LIST_URL, {"q": "tran thi hoa"})

    assert len(names(first)) == min(count + 1, 50)
    assert names(found) == ["Trần Thị Hoa"]
    if count > 50:
        with django_assert_max_num_queries(LIST_QUERIES + LATER):
            later = client.get(LIST_URL + link(first, "next"))
        assert len(names(later)) == count + 1 - 50


@pytest.mark.parametrize("count", [3, 60])
def test_bulk_issue_preview_costs_the_same_queries_however_many_people(
    client, official, person_in, course, count, django_assert_max_num_queries
):
    issuer = official()
    people(person_in, count)
    client = logged_in(client, issuer)
    prepared = client.post(ISSUE_URL, {"course": course.pk, "everyone": "on", "q": ""})

    with django_assert_max_num_queries(PREVIEW_QUERIES):
        preview = client.get(prepared["Location"])

    assert BulkIssue.objects.get().items.count() == count
    assert len(names(preview)) == min(count, 50)
    if count > 50:
        with django_assert_max_num_queries(PREVIEW_QUERIES + LATER):
            later = client.get(prepared["Location"] + link(preview, "next"))
        assert len(names(later)) == count - 50


def test_pages_follow_each_other_without_gaps_and_go_back(client, official, person_in):
    people(person_in, 120)
    client = logged_in(client, official())

    first = client.get(ISSUE_URL)
    second = client.get(ISSUE_URL + link(first, "next"))
    third = client.get(ISSUE_URL + link(second, "next"))
    back = client.get(ISSUE_URL + link(third, "prev"))
    start = client.get(ISSUE_URL + link(back, "prev"))

    expected = [f"Nguyễn Văn Dân {number:03d}" for number in range(120)]
    assert names(first) + names(second) + names(third) == expected
    assert link(first, "prev") is None and link(third, "next") is None
    assert names(back) == expected[50:100]
    assert names(start) == expected[:50] and link(start, "prev") is None
    assert not re.search(r"Page \d", page_text(first))  # no page numbers


def test_people_are_listed_alphabetically_whatever_their_accents(
    client, official, person_in
):
    for name in ["Lê Văn Bình", "Đỗ Thu Hà", "Ánh Dương", "Bùi Thị Cúc", "Dương Lan"]:
        person_in("ben_thanh", full_name=name)

    response = logged_in(client, official()).get(ISSUE_URL)

    assert names(response) == [
        "Ánh Dương",
        "Bùi Thị Cúc",
        "Đỗ Thu Hà",
        "Dương Lan",
        "Lê Văn Bình",
    ]


def test_search_typed_without_accents_finds_the_name_with_accents(
    client, official, person_in
):
    people(person_in, 60)
    person_in("ben_thanh", full_name="Đặng Thị Ánh Tuyết", phone="+84987654321")
    client = logged_in(client, official())

    for typed in ["dang thi anh tuyet", "ANH TUYET", "Ánh tuyết", "tuyet dang"]:
        assert names(client.get(ISSUE_URL, {"q": typed})) == ["Đặng Thị Ánh Tuyết"]


def test_search_keeps_its_words_on_the_next_page(client, official, person_in):
    people(person_in, 60, prefix="Hoà")
    people(person_in, 10, commune="ben_thanh", prefix="Bình")
    client = logged_in(client, official())

    pages = every_page(client, ISSUE_URL, {"q": "hoa"})

    assert [len(page) for page in pages] == [50, 10]
    assert all("Hoà" in name for page in pages for name in page)


def test_commune_official_never_sees_another_communes_people(
    client, official, person_in
):
    people(person_in, 60, commune="ben_thanh", prefix="Bến")
    outsiders = people(person_in, 60, commune="sai_gon", prefix="Sài")
    client = logged_in(client, official("ben_thanh"))

    shown = [name for page in every_page(client, ISSUE_URL) for name in page]
    searched = names(client.get(ISSUE_URL, {"q": "nguyen van sai 001"}))
    # Starting "after" someone of the other commune shows nothing of theirs.
    started_there = client.get(ISSUE_URL, {"after": outsiders[10].pk})

    assert len(shown) == 60 and all(" Bến " in name for name in shown)
    assert searched == []
    assert "Nobody found in your area." in page_text(
        client.get(ISSUE_URL, {"q": "sai"})
    )
    assert all(" Bến " in name for name in names(started_there))


@pytest.mark.parametrize(
    "cursor", ["abc", "-3", "0", "1e3", "٣", str(2**63), "9" * 40, ""]
)
def test_a_broken_page_link_shows_the_first_page(client, official, person_in, cursor):
    people(person_in, 60)
    client = logged_in(client, official())

    after = client.get(ISSUE_URL, {"after": cursor})
    before = client.get(LIST_URL, {"before": cursor})

    assert after.status_code == before.status_code == 200
    assert names(after)[0] == "Nguyễn Văn Dân 000"


def test_an_empty_area_still_shows_the_search_form(client, official):
    response = logged_in(client, official()).get(ISSUE_URL, {"q": "khong ai"})

    page = page_text(response)
    assert 'name="q"' in page and 'value="khong ai"' in page
    assert "Nobody found in your area." in page
    assert 'rel="next"' not in page


def test_people_ticked_on_a_later_page_get_the_certificate(
    client, official, person_in, course
):
    residents = people(person_in, 60)
    client = logged_in(client, official())
    first = client.get(ISSUE_URL, {"course": course.pk})
    later = client.get(ISSUE_URL + link(first, "next"))
    ticked = re.findall(r'name="people" value="(\d+)"', page_text(later))

    client.post(ISSUE_URL, {"course": course.pk, "people": ticked[:2]})

    assert sorted(BulkIssue.objects.get().items.values_list("user_id", flat=True)) == [
        residents[50].pk,
        residents[51].pk,
    ]


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the trigram index is PostgreSQL's"
)
def test_postgresql_searches_folded_names_through_the_trigram_index(db):
    query = User.objects.filter(search_key__contains="tuyet").filter(
        search_key__contains="nguyen"
    )
    with connection.cursor() as cursor:
        # A tiny table is read whole: ask what serves the search on a large one.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
        plan = query.explain()

    assert "lms_user_search_trgm" in plan
