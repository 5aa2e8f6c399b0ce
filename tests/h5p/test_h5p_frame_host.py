"""The frames on a host of their own (``H5P_FRAME_ORIGIN``): the frames keep that
origin, and nothing else of the site answers there (h5p/middleware.py,
h5p/checks.py)."""

import pytest
from django.core.checks import run_checks
from django.urls import reverse

from .activities import activity_create, file_url, frame_token, place_activity
from .packages import true_false
from .test_h5p_lesson_block import config_of

pytestmark = pytest.mark.django_db

FRAMES = "http://h5p.testserver"
SITE = "http://testserver"


@pytest.fixture
def frame_host(settings):
    settings.H5P_FRAME_ORIGIN = FRAMES
    settings.LMS_PUBLIC_BASE_URL = SITE
    settings.ALLOWED_HOSTS = ["testserver", "h5p.testserver"]


@pytest.fixture
def placed(lessons):
    activity = activity_create(true_false())
    return place_activity(lessons[0], activity), activity


def test_the_lesson_lets_the_frame_keep_its_own_host_as_origin(
    frame_host, learner, placed
):
    lesson, activity = placed

    html = learner.get(lesson.url).content.decode()

    assert 'sandbox="allow-scripts allow-same-origin"' in html
    config = config_of(html, activity)
    assert config["frame"].startswith(f"{FRAMES}/h5p/play/")
    # The page takes messages from that origin only.
    assert config["frameOrigin"] == FRAMES


def test_without_a_host_of_their_own_frames_have_no_origin(learner, placed):
    lesson, activity = placed

    html = learner.get(lesson.url).content.decode()

    assert 'sandbox="allow-scripts"' in html
    assert config_of(html, activity)["frameOrigin"] == "null"


def test_the_frame_and_its_files_answer_there_and_set_no_cookie(
    frame_host, learner, user, placed
):
    lesson, activity = placed
    frame = reverse("h5p:frame", kwargs={"token": frame_token(user, lesson, activity)})

    document = learner.get(frame, HTTP_HOST="h5p.testserver")
    library = learner.get(
        file_url(user, lesson, activity, "H5P.TrueFalse-1.6/main.js"),
        HTTP_HOST="h5p.testserver",
    )

    assert document.status_code == 200
    assert f"frame-ancestors {SITE}" in document["Content-Security-Policy"]
    assert f"script-src {FRAMES} " in document["Content-Security-Policy"]
    assert library.status_code == 200
    assert not document.cookies and not library.cookies


@pytest.mark.parametrize(
    "path",
    ["/", "/learning/profile/", "/learning/", "/admin/", "/accounts/login/"],
)
def test_no_page_of_the_site_answers_on_the_frames_host(
    frame_host, learner, user, path
):
    # The learner's session cookie is sent along, as a script there would try.
    response = learner.get(path, HTTP_HOST="h5p.testserver")

    assert response.status_code == 404
    assert str(user).encode() not in response.content
    assert not response.cookies
    # The same address on the site answers as usual.
    assert learner.get(path).status_code in (200, 302)


def test_no_result_is_taken_on_the_frames_host(frame_host, learner, placed):
    lesson, activity = placed
    url = reverse(
        "h5p:statements", kwargs={"lesson_id": lesson.pk, "activity_id": activity.pk}
    )

    response = learner.post(
        url, data="{}", content_type="application/json", HTTP_HOST="h5p.testserver"
    )

    assert response.status_code == 404


def test_the_lesson_on_the_site_still_answers(frame_host, learner, placed):
    lesson, _activity = placed

    assert learner.get(lesson.url).status_code == 200


def _errors(settings, **changes) -> set[str]:
    settings.H5P_FRAME_ORIGIN = FRAMES
    settings.LMS_PUBLIC_BASE_URL = SITE
    settings.ALLOWED_HOSTS = ["testserver", "h5p.testserver"]
    for name, value in changes.items():
        setattr(settings, name, value)
    return {message.id for message in run_checks() if message.id.startswith("h5p.")}


def test_a_sound_frame_host_passes_the_checks(settings):
    assert _errors(settings) == set()


@pytest.mark.parametrize(
    ("changes", "error"),
    [
        ({"H5P_FRAME_ORIGIN": "h5p.testserver"}, "h5p.E001"),
        ({"H5P_FRAME_ORIGIN": "http://h5p.testserver/h5p"}, "h5p.E001"),
        ({"H5P_FRAME_ORIGIN": SITE}, "h5p.E002"),
        ({"LMS_PUBLIC_BASE_URL": ""}, "h5p.E002"),
        ({"SESSION_COOKIE_DOMAIN": ".testserver"}, "h5p.E003"),
        ({"CSRF_COOKIE_DOMAIN": "h5p.testserver"}, "h5p.E003"),
        ({"ALLOWED_HOSTS": ["testserver"]}, "h5p.E004"),
    ],
    ids=["no-scheme", "a-path", "the-site", "no-site", "session", "csrf", "hosts"],
)
def test_a_frame_host_that_would_run_packages_as_the_site_is_refused(
    settings, changes, error
):
    assert error in _errors(settings, **changes)
