"""The Wagtail admin keeps working under the site's Content-Security-Policy."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from courses.models import LessonPage
from tests.browser.helpers import wait_for
from tests.factories import UserFactory, add_course, build_site
from tests.h5p.activities import activity_create, place_activity
from tests.h5p.packages import true_false

pytestmark = [pytest.mark.browser, pytest.mark.browser_context_args(locale="en-US")]


@pytest.fixture
def editor(transactional_db, settings, tmp_path, log_in):
    settings.MEDIA_ROOT = tmp_path / "media"
    _home, catalogue = build_site()
    course = add_course(catalogue, title="Dịch vụ công trực tuyến", lessons=1)
    lesson = LessonPage.objects.child_of(course).get()
    activity = activity_create(true_false())
    place_activity(lesson, activity)
    user = UserFactory(is_superuser=True, is_staff=True)
    log_in(user)
    return lesson, activity


def test_editors_pages_run_their_scripts_without_a_policy_violation(
    browser_page, editor
):
    page = browser_page
    lesson, activity = editor
    refused = []
    page.on(
        "console",
        lambda message: (
            refused.append(message.text)
            if "Content Security Policy" in message.text
            else None
        ),
    )
    pages = [
        reverse("wagtailadmin_home"),
        reverse("wagtailadmin_pages:edit", args=[lesson.pk]),
        reverse("h5p_activities:edit", args=[activity.pk]),
        reverse("h5p_packages:add"),
        reverse("h5p_activities:stats", args=[activity.pk]),
    ]
    for url in pages:
        page.goto(url)
        # Wagtail's own script has run: it marks the page once it is ready.
        wait_for(page, "document.readyState === 'complete' && !!window.wagtail")
    page.goto(pages[1])
    # The page editor's JavaScript works: its side panels open.
    page.locator("[data-side-panel-toggle='status']").first.click()
    expect(page.locator("[data-side-panel='status']")).to_be_visible()
    # Leaving the editor releases its editing session; let that finish first.
    page.goto("/")
    page.wait_for_timeout(1_000)
    assert refused == [], refused
