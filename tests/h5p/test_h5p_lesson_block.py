"""The H5P block in a lesson: the player loads only where an activity is."""

import json
import re

import pytest
from django.test import RequestFactory
from django.urls import reverse

from tests.factories import UserFactory

from .activities import activity_create, answer_true_false, place_activity, state_url
from .packages import true_false

pytestmark = pytest.mark.django_db

PLAYER_SCRIPT = "/static/h5p/player.js"
BUNDLE = "/static/h5p-player/main.bundle.js"


def config_of(html: str, activity) -> dict:
    match = re.search(
        rf'<script id="h5p-config-{activity.pk}" '
        r'type="application/json">(.*?)</script>',
        html,
        re.S,
    )
    assert match, "the block carries its player configuration"
    return json.loads(match.group(1))


def frame_config(client, config: dict) -> dict:
    """What the activity's frame document hands the player, asked without a session."""
    html = client.get(config["frame"]).content.decode()
    match = re.search(
        r'<script id="h5p-frame-config" type="application/json">(.*?)</script>',
        html,
        re.S,
    )
    assert match, "the frame carries the player's options"
    return json.loads(match.group(1))


def test_a_lesson_with_an_activity_loads_the_player(client, learner, user, lessons):
    activity = activity_create(true_false(), title="Mã OTP", pass_mark=100)
    lesson = place_activity(lessons[0], activity)

    html = learner.get(lesson.url).content.decode()

    assert PLAYER_SCRIPT in html
    assert BUNDLE not in html
    assert "Mã OTP" in html
    assert "Pass mark: 100%" in html
    assert "Required to complete the lesson" in html
    config = config_of(html, activity)
    assert config["iri"] == activity.iri
    assert config["frame"].startswith("/h5p/play/")
    assert config["stateUrl"] == (
        f"/h5p/lessons/{lesson.pk}/activities/{activity.pk}/state/:dataType/:subContentId/"
    )
    assert user.email not in json.dumps(config)
    assert config["statementsUrl"] == reverse(
        "h5p:statements", kwargs={"lesson_id": lesson.pk, "activity_id": activity.pk}
    )
    assert config["csrfToken"]
    player = frame_config(client, config)["player"]
    assert player["xAPIObjectIRI"] == activity.iri
    assert player["h5pJsonPath"] == config["frame"] + str(activity.package_id)
    assert player["librariesPath"].startswith("/h5p/libraries/")
    assert player["frameJs"] == "/static/h5p-player/frame.bundle.js"
    assert player["ajax"]["contentUserDataUrl"].startswith("lms-state:")
    assert user.email not in json.dumps(player)
    assert user.get_full_name() not in json.dumps(player)


def test_each_frame_loads_with_the_page(learner, lessons):
    first = activity_create(true_false(), title="Mã OTP")
    second = activity_create(true_false(), title="Mật khẩu")
    lesson = place_activity(lessons[0], first)
    lesson = place_activity(lesson, second)

    html = learner.get(lesson.url).content.decode()

    for activity in (first, second):
        frame = re.search(
            rf'id="h5p-activity-{activity.pk}".*?<iframe [^>]*src="([^"]+)"', html, re.S
        )
        assert frame, "the frame's address is in the page"
        assert frame.group(1) == config_of(html, activity)["frame"]


def test_the_players_styles_come_in_the_head_once(learner, lessons, settings):
    """A stylesheet linked in the body holds the page back at that point until
    it has loaded, frames included; in the head it does not."""
    lesson = place_activity(lessons[0], activity_create(true_false()))
    lesson = place_activity(lesson, activity_create(true_false()))

    html = learner.get(lesson.url).content.decode()
    head, body = html.split("</head>", 1)

    assert head.count('<link rel="stylesheet" href="/static/h5p/player.css">') == 1
    assert "player.css" not in body
    assert 'rel="preconnect"' not in head

    settings.H5P_FRAME_ORIGIN = "https://h5p.testserver"
    head = learner.get(lesson.url).content.decode().split("</head>", 1)[0]

    assert head.count('<link rel="preconnect" href="https://h5p.testserver">') == 1


def test_a_lesson_without_an_activity_stays_light(learner, lessons):
    html = learner.get(lessons[0].url).content.decode()

    assert PLAYER_SCRIPT not in html
    assert "player.css" not in html
    assert "h5p-player" not in html


def test_the_saved_state_is_handed_to_the_player(client, learner, lessons):
    activity = activity_create(true_false())
    lesson = place_activity(lessons[0], activity)
    learner.post(state_url(lesson, activity), {"data": '{"answer":"true"}'})

    config = config_of(learner.get(lesson.url).content.decode(), activity)

    player = frame_config(client, config)["player"]
    assert player["contentUserData"] == [{"state": '{"answer":"true"}'}]


def test_the_block_shows_the_learners_grade(learner, lessons):
    activity = activity_create(true_false())
    lesson = place_activity(lessons[0], activity)
    answer_true_false(learner, lesson, activity, "false")

    html = learner.get(lesson.url).content.decode()

    assert "Your grade: 100% (best attempt, 1 attempt)." in html
    assert "You have passed this activity." in html


def test_editors_preview_the_activity_without_recording(client, lessons):
    activity = activity_create(true_false())
    lesson = place_activity(lessons[0], activity)
    request = RequestFactory().get(lesson.url)
    request.user = UserFactory(is_superuser=True)

    html = lesson.serve_preview(request, "").render().content.decode()

    config = config_of(html, activity)
    assert "statementsUrl" not in config
    player = frame_config(client, config)["player"]
    assert "user" not in player
    assert player["librariesPath"].startswith("/h5p/libraries/")
    assert "Preview: answers are not recorded." in html
