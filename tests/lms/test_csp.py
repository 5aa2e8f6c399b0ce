"""Every HTML page carries a Content-Security-Policy; no template writes a script
or an event handler inline, which that policy would block."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from lms.csp import site_policy
from tests.factories import UserFactory, add_course, build_site

pytestmark = pytest.mark.django_db

ROOT = Path(settings.BASE_DIR)
APPS = ("lms", "courses", "quizzes", "h5p", "certificates", "community_teams", "demo")
INLINE_SCRIPT = re.compile(
    r"<script(?![^>]*\bsrc=)(?![^>]*application/(ld\+)?json)[^>]*>"
)
INLINE_HANDLER = re.compile(r"<[^>]+\son[a-z]+\s*=", re.IGNORECASE)


def directives(policy: str) -> dict[str, list[str]]:
    parsed = {}
    for part in policy.split(";"):
        name, *sources = part.split()
        parsed[name] = sources
    return parsed


@pytest.fixture
def course():
    _home, catalogue = build_site()
    return add_course(catalogue, title="Thanh toán không dùng tiền mặt", lessons=2)


def test_the_sites_pages_run_only_scripts_from_the_site(client, course):
    for url in ["/", course.url, reverse("account_login")]:
        response = client.get(url)
        assert response.status_code == 200, url

        policy = directives(response["Content-Security-Policy"])

        assert policy["script-src"] == ["'self'"], url
        assert policy["object-src"] == ["'none'"]
        assert policy["frame-ancestors"] == ["'self'"]
        assert policy["base-uri"] == ["'self'"]


def test_a_learners_pages_carry_the_policy_too(client, course):
    learner = UserFactory()
    client.force_login(learner)
    client.post(reverse("enroll", args=[course.pk]))
    lesson = course.get_children().first()

    for url in [reverse("profile"), lesson.url, reverse("my_learning")]:
        response = client.get(url)
        assert response.status_code == 200, url
        policy = directives(response["Content-Security-Policy"])
        assert policy["script-src"] == ["'self'"], url


def test_the_admin_keeps_its_inline_scripts_and_nothing_else(admin_client):
    response = admin_client.get("/admin/")

    policy = directives(response["Content-Security-Policy"])
    assert response.status_code == 200
    assert policy["script-src"] == ["'self'", "'unsafe-inline'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'self'"]


def test_json_answers_get_no_page_policy(client):
    response = client.get(reverse("commune_search"), {"q": "ben"})

    assert "Content-Security-Policy" not in response


def test_a_separate_frame_origin_may_be_framed(client, course, settings):
    settings.H5P_FRAME_ORIGIN = "https://h5p.example.org"

    assert directives(site_policy())["frame-src"] == [
        "'self'",
        "https://h5p.example.org",
    ]


def project_templates():
    for app in APPS:
        yield from sorted((ROOT / app).rglob("templates/**/*.html"))


def test_no_template_writes_a_script_or_a_handler_inline():
    found = []
    for template in project_templates():
        text = template.read_text()
        for pattern in (INLINE_SCRIPT, INLINE_HANDLER):
            found += [
                f"{template.relative_to(ROOT)}: {match.group(0)[:60]}"
                for match in pattern.finditer(text)
            ]
    assert list(project_templates())
    assert found == []
