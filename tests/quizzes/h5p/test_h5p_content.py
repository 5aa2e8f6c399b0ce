"""Who may load an activity's files, and how they are served."""

import json

import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse

from tests.factories import UserFactory

from .activities import activity_create, file_url, place_activity
from .packages import true_false

pytestmark = pytest.mark.django_db

LIBRARY_JS = "H5P.TrueFalse-1.6/main.js"


@pytest.fixture
def placed(lessons):
    activity = activity_create(true_false())
    return place_activity(lessons[0], activity), activity


def body(response) -> bytes:
    return b"".join(response.streaming_content)


def test_an_enrolled_learner_gets_the_files_with_type_and_long_cache(learner, placed):
    lesson, activity = placed

    response = learner.get(file_url(lesson, activity, LIBRARY_JS))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/javascript; charset=utf-8"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "private, max-age=31536000, immutable"
    assert response["Content-Security-Policy"].startswith("sandbox")
    assert b"H5P.TrueFalse = " in body(response)


def test_content_json_and_library_json_are_served_as_json(learner, placed):
    lesson, activity = placed

    content = learner.get(file_url(lesson, activity, "content/content.json"))
    library = learner.get(file_url(lesson, activity, "H5P.TrueFalse-1.6/library.json"))

    assert content["Content-Type"] == "application/json"
    assert json.loads(body(content))["correct"] == "false"
    assert json.loads(body(library))["machineName"] == "H5P.TrueFalse"


def test_h5p_json_comes_from_the_database(learner, placed):
    lesson, activity = placed

    response = learner.get(file_url(lesson, activity, "h5p.json"))

    assert response.status_code == 200
    assert response.json() == activity.package.h5p_json
    assert response["Cache-Control"] == "private, max-age=31536000, immutable"


def test_anonymous_visitors_get_no_file(client, placed):
    lesson, activity = placed
    assert client.get(file_url(lesson, activity, LIBRARY_JS)).status_code == 403
    assert client.get(file_url(lesson, activity, "h5p.json")).status_code == 403


def test_a_learner_not_enrolled_gets_no_file(placed, course):
    lesson, activity = placed
    stranger = Client()
    stranger.force_login(UserFactory())

    response = stranger.get(file_url(lesson, activity, "content/content.json"))

    assert response.status_code == 403


def test_files_are_only_served_through_a_lesson_that_holds_the_activity(
    learner, placed, lessons
):
    _lesson, activity = placed
    response = learner.get(file_url(lessons[1], activity, "content/content.json"))
    assert response.status_code == 403


def test_another_package_cannot_be_reached_through_the_activity(learner, placed):
    lesson, activity = placed
    other = activity_create(true_false(correct="true"))
    url = reverse(
        "h5p:content_file",
        kwargs={
            "lesson_id": lesson.pk,
            "activity_id": activity.pk,
            "package_id": other.package_id,
            "path": "content/content.json",
        },
    )
    assert learner.get(url).status_code == 404


@pytest.mark.parametrize(
    "path",
    [
        "content/../../../lms/settings/base.py",
        "content/%2e%2e/%2e%2e/secret.txt",
        "H5P.TrueFalse-1.6/../../h5p/packages/x.h5p",
        "content/./content.json",
        "content//content.json",
        "content\\..\\content.json",
        "Other.Library-1.0/main.js",
        "content/missing.png",
        "content",
        "content/",
    ],
)
def test_paths_outside_the_package_are_not_found(learner, placed, path):
    lesson, activity = placed
    url = file_url(lesson, activity, "h5p.json").removesuffix("h5p.json") + path
    assert learner.get(url).status_code == 404


def test_editors_who_may_choose_activities_load_files_in_a_preview(placed):
    _lesson, activity = placed
    editor = UserFactory()
    editor.user_permissions.add(
        Permission.objects.get(
            content_type__app_label="h5p", codename="view_h5pactivity"
        )
    )
    browser = Client()
    browser.force_login(editor)
    url = reverse(
        "h5p:preview_file",
        kwargs={
            "activity_id": activity.pk,
            "package_id": activity.package_id,
            "path": "content/content.json",
        },
    )

    assert browser.get(url).status_code == 200

    browser.force_login(UserFactory())
    assert browser.get(url).status_code == 403


def test_a_player_can_ask_for_part_of_a_file(learner, placed):
    """Players seek in videos by asking for byte ranges."""
    lesson, activity = placed
    url = file_url(lesson, activity, LIBRARY_JS)
    whole = body(learner.get(url))
    size = len(whole)

    first_ten = learner.get(url, headers={"range": "bytes=0-9"})
    from_ten = learner.get(url, headers={"range": "bytes=10-"})
    last_five = learner.get(url, headers={"range": "bytes=-5"})
    past_end = learner.get(url, headers={"range": f"bytes={size - 3}-{size + 100}"})

    assert first_ten.status_code == 206
    assert first_ten["Content-Range"] == f"bytes 0-9/{size}"
    assert first_ten["Content-Length"] == "10"
    assert first_ten["Content-Type"] == "text/javascript; charset=utf-8"
    assert first_ten["X-Content-Type-Options"] == "nosniff"
    assert body(first_ten) == whole[:10]
    assert body(from_ten) == whole[10:]
    assert from_ten["Content-Range"] == f"bytes 10-{size - 1}/{size}"
    assert body(last_five) == whole[-5:]
    assert body(past_end) == whole[-3:]
    # The unit's name is case-insensitive.
    assert body(learner.get(url, headers={"range": "Bytes=0-9"})) == whole[:10]
    assert learner.get(url)["Accept-Ranges"] == "bytes"


@pytest.mark.parametrize(
    "asked",
    [
        "bytes=1-2,5-6",
        "bytes=-",
        "items=0-9",
        "bytes=a-b",
        "bytes=9-3",
        "bytes=0-" + "9" * 5000,
    ],
)
def test_a_range_it_cannot_honour_gets_the_whole_file(learner, placed, asked):
    lesson, activity = placed
    url = file_url(lesson, activity, LIBRARY_JS)

    response = learner.get(url, headers={"range": asked})

    assert response.status_code == 200
    assert body(response) == body(learner.get(url))


def test_a_range_beyond_the_file_is_refused_with_its_size(learner, placed):
    lesson, activity = placed
    url = file_url(lesson, activity, LIBRARY_JS)
    size = len(body(learner.get(url)))

    for asked in (f"bytes={size}-", f"bytes={size + 10}-{size + 20}", "bytes=-0"):
        response = learner.get(url, headers={"range": asked})
        assert response.status_code == 416, asked
        assert response["Content-Range"] == f"bytes */{size}"
        assert response["Cache-Control"] == "no-store"


def test_parts_of_a_file_are_not_served_to_strangers(placed, course):
    lesson, activity = placed
    stranger = Client()
    stranger.force_login(UserFactory())

    response = stranger.get(
        file_url(lesson, activity, LIBRARY_JS), headers={"range": "bytes=0-9"}
    )

    assert response.status_code == 403
