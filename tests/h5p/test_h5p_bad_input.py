"""What a hand-made request sends the H5P endpoints: refused with the reason.

Numbers JSON allows but no column can store (1e400, NaN), text that is not text
(a NUL, half a surrogate pair), control characters in a file's address.
"""

import json
from urllib.parse import quote

import pytest

from h5p.models import H5PAttempt, H5PUserState, XAPIStatement

from .activities import (
    activity_create,
    file_url,
    place_activity,
    send,
    state_url,
    statement,
)
from .packages import true_false

pytestmark = pytest.mark.django_db

TOO_LARGE = "The statement contains the number %s, which is too large."
NOT_TEXT = (
    "The statement contains a character that is not text "
    "(a null character or half of a surrogate pair)."
)


@pytest.fixture
def tf(lessons):
    activity = activity_create(true_false())
    return place_activity(lessons[0], activity), activity


def answer(activity, **extensions) -> str:
    data = statement(activity, response="false", raw=1, maximum=1)
    data["result"]["extensions"] = extensions
    return json.dumps(data)


def with_literal(body: str, placeholder: str, literal: str) -> bytes:
    """``body`` with a JSON literal that ``json.dumps`` would never write."""
    return body.replace(json.dumps(placeholder), literal).encode()


@pytest.mark.parametrize(
    ("literal", "shown"),
    [
        ("1e400", "1e400"),
        ("-1e400", "-1e400"),
        ("1" + "0" * 400, "1" + "0" * 29 + "…"),
        ("1" + "0" * 5000, "1" + "0" * 29 + "…"),
    ],
)
def test_a_number_too_large_to_store_is_refused(learner, tf, literal, shown):
    lesson, activity = tf
    body = with_literal(answer(activity, **{"http://x.vn/n": "N"}), "N", literal)

    response = send(learner, lesson, activity, body)

    assert response.status_code == 400
    assert response.json() == {"error": TOO_LARGE % shown}
    assert not XAPIStatement.objects.exists()


def test_a_score_too_large_is_refused(learner, tf):
    lesson, activity = tf
    body = json.dumps(statement(activity, response="false", raw=1, maximum=1))
    body = body.replace('"raw": 1', '"raw": 1' + "0" * 400)

    response = send(learner, lesson, activity, body.encode())

    assert response.status_code == 400
    assert response.json()["error"] == TOO_LARGE % ("1" + "0" * 29 + "…")
    assert not H5PAttempt.objects.exists()


@pytest.mark.parametrize("name", ["NaN", "Infinity", "-Infinity"])
def test_nan_and_infinity_are_refused(learner, tf, name):
    lesson, activity = tf
    body = with_literal(answer(activity, **{"http://x.vn/n": "N"}), "N", name)

    response = send(learner, lesson, activity, body)

    assert response.status_code == 400
    assert response.json() == {
        "error": f"The statement contains {name}, which is not a number."
    }


def test_a_large_number_that_fits_is_stored(learner, tf):
    lesson, activity = tf
    body = with_literal(answer(activity, **{"http://x.vn/n": "N"}), "N", "1e300")

    response = send(learner, lesson, activity, body)

    assert response.status_code == 200
    stored = XAPIStatement.objects.get()
    # PostgreSQL gives the number back written out in full digits.
    assert float(stored.statement["result"]["extensions"]["http://x.vn/n"]) == 1e300


@pytest.mark.parametrize(
    "escaped", [r'"a\u0000b"', r'"\ud800"', r'"\udfff tail"'], ids=["nul", "hi", "lo"]
)
def test_text_that_is_not_text_is_refused(learner, tf, escaped):
    lesson, activity = tf
    body = with_literal(answer(activity, **{"http://x.vn/t": "T"}), "T", escaped)

    response = send(learner, lesson, activity, body)

    assert response.status_code == 400
    assert response.json() == {"error": NOT_TEXT}
    assert not XAPIStatement.objects.exists()


def test_a_nul_in_a_key_is_refused(learner, tf):
    lesson, activity = tf
    body = answer(activity, **{"K": 1}).replace('"K"', r'"http://x.vn/\u0000"')

    response = send(learner, lesson, activity, body.encode())

    assert response.status_code == 400
    assert response.json() == {"error": NOT_TEXT}


def test_a_batch_with_a_number_too_large_is_refused_whole(learner, tf):
    lesson, activity = tf
    good = answer(activity)
    bad = answer(activity, **{"http://x.vn/n": "N"})
    body = with_literal(f"[{good}, {bad}]", "N", "1e400")

    response = send(learner, lesson, activity, body)

    assert response.status_code == 400
    assert response.json() == {"error": TOO_LARGE % "1e400"}
    assert not XAPIStatement.objects.exists()


def test_the_reason_is_given_in_vietnamese(learner, tf):
    lesson, activity = tf
    body = with_literal(answer(activity, **{"http://x.vn/n": "N"}), "N", "1e400")

    response = send(learner, lesson, activity, body, accept_language="vi")

    error = response.json()["error"]
    assert response.status_code == 400
    assert "1e400" in error
    assert "too large" not in error


@pytest.mark.parametrize(
    "path",
    [
        "content/\x00",
        "content/content.json\x00",
        "content/\x01images/a.png",
        "content/\x7f",
        "content/\x85",
        "content/\n",
        "h5p.json\x00",
        "\x00/content.json",
    ],
)
def test_a_file_address_with_a_control_character_answers_404(
    client, user, learner, tf, path
):
    lesson, activity = tf
    found = client.get(file_url(user, lesson, activity, "content/content.json"))
    assert found.status_code == 200

    folder = file_url(user, lesson, activity, "content/x").removesuffix("content/x")

    response = client.get(folder + quote(path))

    assert response.status_code == 404


def test_a_preview_file_address_with_a_nul_answers_404(client, admin_user, tf):
    _lesson, activity = tf
    url = file_url(admin_user, None, activity, "content/content.json")

    assert client.get(url).status_code == 200
    assert client.get(url.replace("content.json", "%00")).status_code == 404


def test_a_frame_grant_with_a_nul_answers_403(client, tf):
    response = client.get("/h5p/play/abc%00def/")

    assert response.status_code in (403, 404)
    assert b"Traceback" not in response.content


def test_a_saved_state_with_a_nul_is_refused(learner, tf):
    lesson, activity = tf

    response = learner.post(state_url(lesson, activity), {"data": '{"a": "\x00"}'})

    assert response.status_code == 400
    assert not H5PUserState.objects.exists()
