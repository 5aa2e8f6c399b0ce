"""Browser tests: Debian's Chromium, driven by Playwright, against the live server.

The browser is launched once per session (pytest-playwright's ``browser``); each test
gets a fresh 360x740 phone context. Live-server tests are transactional and the
database is flushed after each one, Wagtail's root page, root collection and locale
included, so the fixtures below recreate them before building the demo courses.
"""

from collections import Counter
from dataclasses import dataclass

import pytest
from django.conf import settings
from django.test import Client

from courses.models import CourseIndexPage, CoursePage, HomePage, LessonPage
from demo.data import demo_content_read
from demo.loader import demo_courses_build, demo_site_build
from tests.browser.helpers import PHONE_WIDTH
from tests.factories import wagtail_roots

CHROMIUM = "/usr/bin/chromium"


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": ["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
    }


@pytest.fixture(scope="session")
def base_url(live_server) -> str:
    """Pages are opened by path: ``page.goto("/khoa-hoc/")``."""
    return live_server.url


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {
        **browser_context_args,
        "viewport": {"width": PHONE_WIDTH, "height": 740},
        "is_mobile": True,
        "has_touch": True,
        "locale": "vi-VN",
    }


@pytest.fixture(scope="session", autouse=True)
def _patient_assertions():
    """What a page shows after the server answered (a grade, a sync) may take
    longer than Playwright's 5 s when every CPU runs a test and its browser."""
    from playwright.sync_api import expect

    expect.set_options(timeout=15_000)


@pytest.fixture
def browser_page(page):
    """A page in a fresh phone-sized browser context pointed at the live server."""
    page.set_default_timeout(15_000)
    return page


@dataclass
class DemoCourses:
    home: HomePage
    catalogue: CourseIndexPage
    courses: list[CoursePage]

    def lessons(self, course: CoursePage) -> list[LessonPage]:
        return list(LessonPage.objects.live().child_of(course).order_by("path"))


@pytest.fixture
def demo_courses(transactional_db, settings, tmp_path) -> DemoCourses:
    """The home page, the catalogue and the three demo courses (each ending with a
    required quiz), published."""
    settings.MEDIA_ROOT = tmp_path / "media"
    wagtail_roots()
    created = Counter()
    content = demo_content_read()
    home, catalogue = demo_site_build(created, content)
    courses = demo_courses_build(catalogue, created, content)
    return DemoCourses(home=home, catalogue=catalogue, courses=courses)


@pytest.fixture
def log_in(browser_page, live_server):
    """Log a user in to the browser by handing it a session made by the test client."""

    def log_in_as(user) -> None:
        client = Client()
        client.force_login(user)
        cookie = client.cookies[settings.SESSION_COOKIE_NAME]
        browser_page.context.add_cookies(
            [
                {
                    "name": settings.SESSION_COOKIE_NAME,
                    "value": cookie.value,
                    "url": live_server.url,
                }
            ]
        )

    return log_in_as
