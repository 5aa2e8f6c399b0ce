"""Resume state: H5P's contentUserData saved per learner and given back."""

import json

import pytest
from django.test import Client

from h5p.models import H5PUserState
from h5p.services import MAX_STATE_BYTES
from tests.factories import UserFactory

from .activities import activity_create, place_activity, state_url
from .packages import true_false

pytestmark = pytest.mark.django_db

STATE = json.dumps({"answer": "false", "ghi chú": "Trả lời lúc mất sóng"})


@pytest.fixture
def placed(lessons):
    activity = activity_create(true_false())
    return place_activity(lessons[0], activity), activity


def test_state_round_trip(learner, user, placed):
    lesson, activity = placed
    url = state_url(lesson, activity)

    assert learner.get(url).json() == {"success": True, "data": False}
    saved = learner.post(url, {"data": STATE, "preload": "1", "invalidate": "1"})
    assert saved.json() == {"success": True}
    assert learner.get(url).json() == {"success": True, "data": STATE}

    learner.post(url, {"data": json.dumps({"answer": "true"}), "preload": "1"})
    assert json.loads(learner.get(url).json()["data"]) == {"answer": "true"}
    assert H5PUserState.objects.get().enrollment.user == user


def test_zero_deletes_the_state(learner, placed):
    lesson, activity = placed
    url = state_url(lesson, activity)
    learner.post(url, {"data": STATE, "preload": "1", "invalidate": "1"})

    assert learner.post(
        url, {"data": "0", "preload": "0", "invalidate": "1"}
    ).json() == {"success": True}

    assert learner.get(url).json() == {"success": True, "data": False}
    assert not H5PUserState.objects.exists()


def test_each_learner_has_their_own_state(learner, placed, course):
    lesson, activity = placed
    url = state_url(lesson, activity)
    learner.post(url, {"data": STATE, "preload": "1"})
    other = Client()
    other.force_login(UserFactory())
    other.post(f"/learning/enrol/{course.pk}/")

    assert other.get(url).json() == {"success": True, "data": False}


def test_a_learner_not_enrolled_can_neither_read_nor_save(placed, course):
    lesson, activity = placed
    stranger = Client()
    stranger.force_login(UserFactory())

    read = stranger.get(state_url(lesson, activity))
    saved = stranger.post(state_url(lesson, activity), {"data": STATE})

    assert (read.status_code, saved.status_code) == (403, 403)
    assert read.json()["success"] is False
    assert not H5PUserState.objects.exists()


def test_state_that_is_not_json_or_too_large_is_refused(learner, placed):
    lesson, activity = placed
    url = state_url(lesson, activity)

    garbled = learner.post(url, {"data": "{not json"})
    huge = learner.post(url, {"data": json.dumps("x" * MAX_STATE_BYTES)})

    assert (garbled.status_code, huge.status_code) == (400, 413)
    assert not H5PUserState.objects.exists()


def test_a_malformed_state_key_is_refused(learner, placed):
    lesson, activity = placed

    response = learner.post(state_url(lesson, activity, sub="a.b"), {"data": STATE})

    assert response.status_code == 400


def test_saving_state_needs_the_csrf_token(user, placed, course):
    lesson, activity = placed
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(user)
    token = browser.get(course.url).cookies["csrftoken"].value
    browser.post(f"/learning/enrol/{course.pk}/", {"csrfmiddlewaretoken": token})
    url = state_url(lesson, activity)

    refused = browser.post(url, {"data": STATE})
    accepted = browser.post(url, {"data": STATE}, headers={"X-CSRFToken": token})

    assert (refused.status_code, accepted.status_code) == (403, 200)
