"""An id in a URL that no database row can have answers 404, never an error.

Ids are 64-bit in the database; a larger number in a URL used to reach the query
and fail there (SQLite cannot bind it, PostgreSQL refuses it).
"""

import re

import pytest
from django.test import Client
from django.urls import NoReverseMatch, Resolver404, get_resolver, resolve, reverse
from django.urls.converters import IntConverter
from django.urls.resolvers import URLPattern, URLResolver

from lms.converters import MAX_ID, IdConverter
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PROJECT_APPS = {"lms", "courses", "quizzes", "certificates", "h5p", "community_teams"}
PLACEHOLDER = re.compile(r"<(?:(\w+):)?(\w+)>")
STAND_INS = {"path": "h5p.json", "str": "x", "slug": "x"}


def _routes(patterns, prefix="", converters=None):
    """``(route, converters, view)`` of every URL of the site, prefixes joined."""
    for pattern in patterns:
        joined = {**(converters or {}), **getattr(pattern.pattern, "converters", {})}
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            yield from _routes(pattern.url_patterns, route, joined)
        elif isinstance(pattern, URLPattern):
            yield route, joined, pattern.callback


def project_routes_with_ids() -> list[tuple[str, dict]]:
    return [
        (route, converters)
        for route, converters, view in _routes(get_resolver().url_patterns)
        if view.__module__.split(".")[0] in PROJECT_APPS
        and any(isinstance(c, IdConverter) for c in converters.values())
    ]


def url_with(route: str, value: str) -> str:
    def fill(match: re.Match) -> str:
        kind = match[1] or "str"
        return value if kind == "id" else STAND_INS[kind]

    return "/" + PLACEHOLDER.sub(fill, route)


def test_no_url_of_the_project_takes_an_unbounded_int():
    unbounded = [
        route
        for route, converters, view in _routes(get_resolver().url_patterns)
        if view.__module__.split(".")[0] in PROJECT_APPS
        and any(isinstance(c, IntConverter) for c in converters.values())
    ]
    assert unbounded == []


def test_the_urls_with_ids_include_those_a_learner_reaches():
    routes = {route for route, _converters in project_routes_with_ids()}
    for expected in (
        "learning/enrol/<id:course_id>/",
        "learning/lessons/<id:lesson_id>/complete/",
        "certificates/mine/<id:course_id>/",
        "h5p/lessons/<id:lesson_id>/activities/<id:activity_id>/statements/",
        "quizzes/attempts/<id:attempt_id>/submit/",
    ):
        assert expected in routes


@pytest.fixture(params=["learner", "superuser"])
def any_client(request, site_tree):
    client = Client(raise_request_exception=False)
    client.force_login(UserFactory(is_superuser=request.param == "superuser"))
    client.role = request.param
    return client


def answers_for(client, value: str) -> dict[tuple[str, str], int]:
    answers = {}
    for route, _converters in project_routes_with_ids():
        url = url_with(route, value)
        for method in ("get", "post"):
            response = getattr(client, method)(url)
            if response.status_code == 301:
                # A route ending in a name: CommonMiddleware appends the slash first.
                response = client.get(response["Location"])
            answers[method.upper(), url] = response.status_code
    assert answers
    return answers


def project_view_of(url: str):
    try:
        view = resolve(url).func
    except Resolver404:
        return None
    return view if view.__module__.split(".")[0] in PROJECT_APPS else None


@pytest.mark.parametrize("value", [str(MAX_ID + 1), "9" * 25])
def test_an_id_past_the_database_range_answers_404_everywhere(any_client, value):
    answers = answers_for(any_client, value)

    assert {url: project_view_of(url) for _method, url in answers} == dict.fromkeys(
        (url for _method, url in answers), None
    )
    # The admin signs in whoever may not use it before it looks for a page.
    allowed = {404} if any_client.role == "superuser" else {302, 404}
    assert {
        key: status
        for key, status in answers.items()
        if status not in (allowed if key[1].startswith("/admin/") else {404})
    } == {}


@pytest.mark.parametrize("value", [str(MAX_ID), str(2**31), "0"])
def test_an_id_in_range_that_names_nothing_never_fails(any_client, value):
    answers = answers_for(any_client, value)

    assert {key: status for key, status in answers.items() if status >= 500} == {}


def test_the_converter_matches_ids_up_to_the_largest_the_database_holds():
    assert resolve(f"/learning/enrol/{MAX_ID}/").kwargs == {"course_id": MAX_ID}
    assert resolve("/learning/enrol/007/").kwargs == {"course_id": 7}
    assert reverse("enroll", args=[MAX_ID]) == f"/learning/enrol/{MAX_ID}/"
    with pytest.raises(NoReverseMatch):
        reverse("enroll", args=[MAX_ID + 1])
