"""The player's sandboxed frame and its files: who may load them, and how.

The frame has no cookies: every address it loads carries a signed grant, checked
against the lesson as it is now on every request.
"""

import json
import re
import time

import pytest
from django.conf import settings
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from h5p import permissions
from h5p.models import H5PUserState
from tests.factories import UserFactory

from .activities import activity_create, file_url, frame_token, place_activity
from .builders import zip_bytes
from .packages import TRUE_FALSE_JS, multi_choice, package_files, true_false

pytestmark = pytest.mark.django_db

LIBRARY_JS = "H5P.TrueFalse-1.6/main.js"


@pytest.fixture
def placed(lessons):
    activity = activity_create(true_false())
    return place_activity(lessons[0], activity), activity


def body(response) -> bytes:
    return b"".join(response.streaming_content)


def frame_address(user, lesson, activity) -> str:
    return reverse("h5p:frame", kwargs={"token": frame_token(user, lesson, activity)})


def test_the_lesson_page_plays_the_activity_in_a_sandbox_with_no_origin(
    learner, placed
):
    lesson, _activity = placed

    html = learner.get(lesson.url).content.decode()

    assert 'sandbox="allow-scripts"' in html
    assert "allow-same-origin" not in html
    assert 'title="H5P activity: Đúng hay sai: mã OTP"' in html
    assert "Loading the activity…" in html


def test_files_come_without_a_session_with_type_long_cache_and_cors(
    client, user, learner, placed
):
    lesson, activity = placed

    response = client.get(file_url(user, lesson, activity, LIBRARY_JS))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/javascript; charset=utf-8"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "private, max-age=31536000, immutable"
    assert response["Content-Security-Policy"].startswith("sandbox")
    assert response["Access-Control-Allow-Origin"] == "*"
    assert b"H5P.TrueFalse=" in body(response)


def test_content_json_and_library_json_are_served_as_json(
    client, user, learner, placed
):
    lesson, activity = placed

    content = client.get(file_url(user, lesson, activity, "content/content.json"))
    library = client.get(
        file_url(user, lesson, activity, "H5P.TrueFalse-1.6/library.json")
    )

    assert content["Content-Type"] == "application/json"
    assert json.loads(body(content))["correct"] == "false"
    # What the player reads of the library, and nothing for editors.
    stored = activity.package.main_library.library_json
    assert library.json() == {
        key: stored[key]
        for key in (
            "machineName",
            "majorVersion",
            "minorVersion",
            "preloadedJs",
            "preloadedCss",
        )
    }
    assert "title" in stored


def test_h5p_json_comes_from_the_database(client, user, learner, placed):
    lesson, activity = placed

    response = client.get(file_url(user, lesson, activity, "h5p.json"))

    assert response.status_code == 200
    stored = activity.package.h5p_json
    assert response.json() == {
        key: stored[key] for key in ("title", "mainLibrary", "preloadedDependencies")
    }
    assert "embedTypes" in stored
    assert response["Access-Control-Allow-Origin"] == "*"


def test_the_players_files_carry_a_files_headers_not_a_pages(
    client, user, learner, placed
):
    lesson, activity = placed

    responses = [
        client.get(file_url(user, lesson, activity, path))
        for path in ("H5P.TrueFalse-1.6/main.js", "content/content.json", "h5p.json")
    ]

    for response in responses:
        assert response.status_code == 200
        assert response["Cache-Control"] == "private, max-age=31536000, immutable"
        assert response["X-Content-Type-Options"] == "nosniff"
        for header in (
            "Vary",
            "Content-Language",
            "Content-Disposition",
            "Cross-Origin-Opener-Policy",
            "X-Frame-Options",
            "Set-Cookie",
        ):
            assert header not in response, header
    script, content, _h5p = responses
    assert "Access-Control-Expose-Headers" not in script
    assert "Content-Range" in content["Access-Control-Expose-Headers"]
    # A page of the site still has them.
    page = learner.get(lesson.url)
    assert "Cookie" in page["Vary"] and page["X-Frame-Options"] == "DENY"


def test_a_forged_or_damaged_grant_opens_nothing(client, user, learner, placed):
    lesson, activity = placed
    url = file_url(user, lesson, activity, "content/content.json")
    token = url.split("/")[3]
    forged = url.replace(token, token[:-3] + ("AAA" if token[-3:] != "AAA" else "BBB"))

    assert client.get(forged).status_code == 403
    assert client.get(url.replace(token, "nothing")).status_code == 403
    assert client.get(url).status_code == 200


def test_a_grant_expires_after_its_days(
    client, user, learner, placed, monkeypatch, settings
):
    lesson, activity = placed
    url = file_url(user, lesson, activity, "content/content.json")
    now = time.time()

    monkeypatch.setattr(
        time, "time", lambda: now + settings.H5P_FRAME_TOKEN_DAYS * 24 * 3600
    )

    assert client.get(url).status_code == 403


def test_a_grant_of_a_learner_not_enrolled_opens_nothing(client, placed):
    lesson, activity = placed
    stranger = UserFactory()

    assert (
        client.get(file_url(stranger, lesson, activity, "content/content.json"))
    ).status_code == 403
    assert client.get(frame_address(stranger, lesson, activity)).status_code == 403


def test_a_locked_lesson_opens_no_file(client, user, learner, lessons):
    activity = activity_create(true_false())
    place_activity(lessons[1], activity)

    response = client.get(file_url(user, lessons[1], activity, "content/content.json"))

    assert response.status_code == 403


def test_files_are_only_served_through_a_lesson_that_holds_the_activity(
    client, user, learner, placed, lessons
):
    _lesson, activity = placed
    url = file_url(user, lessons[1], activity, "content/content.json")
    assert client.get(url).status_code == 403


def test_another_package_cannot_be_reached_through_the_activity(
    client, user, learner, placed
):
    lesson, activity = placed
    other = activity_create(true_false(correct="true"))
    url = reverse(
        "h5p:package_file",
        kwargs={
            "token": frame_token(user, lesson, activity),
            "package_id": other.package_id,
            "path": "content/content.json",
        },
    )
    assert client.get(url).status_code == 404


def test_a_lesson_grant_serves_the_libraries_of_its_activities_only(
    client, user, learner, placed
):
    lesson, activity = placed
    elsewhere = activity_create(multi_choice())
    lesson_library = file_url(user, lesson, activity, "H5P.MultiChoice-1.14/main.js")

    assert client.get(lesson_library).status_code == 404
    place_activity(lesson, elsewhere)
    assert client.get(lesson_library).status_code == 200
    assert client.get(file_url(user, lesson, activity, LIBRARY_JS)).status_code == 200


@pytest.mark.parametrize(
    "path",
    [
        "content/../../../lms/settings/base.py",
        "content/%2e%2e/%2e%2e/secret.txt",
        "content/./content.json",
        "content//content.json",
        "content\\..\\content.json",
        "H5P.TrueFalse-1.6/main.js",
        "content/missing.png",
        "content",
        "content/",
    ],
)
def test_paths_outside_the_content_are_not_found(client, user, learner, placed, path):
    lesson, activity = placed
    base = file_url(user, lesson, activity, "content/x").removesuffix("content/x")
    assert client.get(base + path).status_code == 404


@pytest.mark.parametrize(
    "path",
    [
        "H5P.TrueFalse-1.6/../../h5p/packages/x.h5p",
        "H5P.TrueFalse-1.6/./main.js",
        "H5P.TrueFalse-1.6//main.js",
        "Other.Library-1.0/main.js",
        "H5P.TrueFalse-1.6",
        "H5P.TrueFalse-99999999999.6/main.js",
        "content/content.json",
    ],
)
def test_paths_outside_the_libraries_are_not_found(client, user, learner, placed, path):
    lesson, activity = placed
    base = file_url(user, lesson, activity, LIBRARY_JS).removesuffix(LIBRARY_JS)
    assert client.get(base + path).status_code == 404


def test_the_frame_document_has_its_own_policy_and_the_saved_state(
    client, user, learner, placed
):
    lesson, activity = placed
    learner.post(
        reverse(
            "h5p:user_state",
            kwargs={
                "lesson_id": lesson.pk,
                "activity_id": activity.pk,
                "data_type": "state",
                "sub_content_id": "0",
            },
        ),
        {"data": '{"answer": "false"}'},
    )
    assert H5PUserState.objects.count() == 1

    response = client.get(frame_address(user, lesson, activity))

    assert response.status_code == 200
    policy = response["Content-Security-Policy"]
    assert "script-src http://testserver 'unsafe-eval';" in policy
    assert "'unsafe-inline'" not in policy.split("style-src")[0]
    assert "frame-ancestors http://testserver" in policy
    assert "X-Frame-Options" not in response
    assert response["Cache-Control"] == "private, no-store"
    assert response["Referrer-Policy"] == "no-referrer"
    html = response.content.decode()
    config = json.loads(html.split('type="application/json">')[1].split("</script>")[0])
    assert config["parentOrigin"] == "http://testserver"
    assert config["player"]["contentUserData"] == [{"state": '{"answer": "false"}'}]
    assert config["player"]["embedType"] == "div"
    assert "<script>" not in html


def test_a_frame_whose_grant_no_longer_holds_says_to_reload(client, placed):
    lesson, activity = placed

    response = client.get(frame_address(UserFactory(), lesson, activity))

    assert response.status_code == 403
    assert "Reload the lesson page" in response.content.decode()
    assert response["Content-Security-Policy"].startswith("default-src 'none'")


def test_editors_who_may_choose_activities_load_files_in_a_preview(client, placed):
    _lesson, activity = placed
    editor = UserFactory()
    editor.user_permissions.add(
        Permission.objects.get(
            content_type__app_label="h5p", codename="view_h5pactivity"
        )
    )
    url = file_url(editor, None, activity, "content/content.json")
    library = file_url(editor, None, activity, LIBRARY_JS)

    assert client.get(url).status_code == 200
    assert client.get(library).status_code == 200
    assert client.get(frame_address(editor, None, activity)).status_code == 200
    assert (
        client.get(file_url(UserFactory(), None, activity, "content/content.json"))
    ).status_code == 403


def test_the_grant_of_a_frame_is_the_same_all_day(user, placed):
    lesson, activity = placed
    first = permissions.frame_token(
        user_id=user.pk, lesson_id=lesson.pk, activity_id=activity.pk
    )
    again = permissions.frame_token(
        user_id=user.pk, lesson_id=lesson.pk, activity_id=activity.pk
    )
    other = permissions.frame_token(
        user_id=user.pk + 1, lesson_id=lesson.pk, activity_id=activity.pk
    )

    assert first == again != other


def test_in_production_nginx_sends_the_file_once_django_said_yes(
    client, user, learner, placed, nginx_sends_files
):
    """Django checks; nginx sends the bytes (and the byte ranges players ask for)."""
    lesson, activity = placed
    name = activity.package.storage_name(LIBRARY_JS)

    response = client.get(
        file_url(user, lesson, activity, LIBRARY_JS), headers={"range": "bytes=0-9"}
    )

    assert response.status_code == 200
    assert response["X-Accel-Redirect"] == f"/media/{name}"
    assert response.content == b""
    assert response["Content-Type"] == "text/javascript; charset=utf-8"
    assert "Content-Disposition" not in response
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "private, max-age=31536000, immutable"
    assert response["Content-Security-Policy"].startswith("sandbox")
    assert response["Access-Control-Allow-Origin"] == "*"


def test_strangers_and_missing_files_are_not_handed_to_nginx(
    client, user, learner, placed, nginx_sends_files
):
    lesson, activity = placed

    refused = client.get(file_url(UserFactory(), lesson, activity, LIBRARY_JS))
    missing = client.get(file_url(user, lesson, activity, "content/missing.png"))

    assert refused.status_code == 403
    assert missing.status_code == 404
    assert "X-Accel-Redirect" not in refused
    assert "X-Accel-Redirect" not in missing


def test_an_svg_of_a_package_is_served_in_a_sandbox_that_runs_no_script(
    client, user, learner, lessons
):
    activity = activity_create(true_false(svg=True))
    lesson = place_activity(lessons[0], activity)

    response = client.get(file_url(user, lesson, activity, "content/images/logo.svg"))

    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    assert response["X-Content-Type-Options"] == "nosniff"
    policy = response["Content-Security-Policy"]
    assert policy.startswith("sandbox;")
    assert "default-src 'none'" in policy
    assert "script" not in policy


def test_the_frame_may_ask_for_byte_ranges_across_origins(client, user, placed):
    lesson, activity = placed

    response = client.options(file_url(user, lesson, activity, LIBRARY_JS))

    assert response.status_code == 204
    assert response["Access-Control-Allow-Origin"] == "*"
    # H5P's sound player asks for ranges and marks its requests.
    assert response["Access-Control-Allow-Headers"] == "Range, X-Requested-With"


def package_with_a_dependency() -> bytes:
    """A True/False package whose library needs a second library of its own."""
    files = package_files(
        machine_name="H5P.TrueFalse",
        version=(1, 6),
        title="Đúng hay sai: hai thư viện",
        js=TRUE_FALSE_JS,
        content={"question": "Mã OTP có được cho người khác?", "correct": "false"},
    )
    library = json.loads(files["H5P.TrueFalse-1.6/library.json"])
    library["preloadedDependencies"] = [
        {"machineName": "H5P.Helper", "majorVersion": 1, "minorVersion": 2}
    ]
    files["H5P.TrueFalse-1.6/library.json"] = json.dumps(library).encode()
    files["H5P.Helper-1.2/library.json"] = json.dumps(
        {
            "title": "Helper",
            "machineName": "H5P.Helper",
            "majorVersion": 1,
            "minorVersion": 2,
            "patchVersion": 0,
            "runnable": 0,
            "preloadedJs": [{"path": "scripts/helper.js"}],
            "preloadedCss": [{"path": "styles/helper.css"}],
        }
    ).encode()
    files["H5P.Helper-1.2/scripts/helper.js"] = b"window.lmsHelper = 1;\n"
    files["H5P.Helper-1.2/styles/helper.css"] = b".lms-helper { margin: 0; }\n"
    return zip_bytes(files)


def preloads_of(html: str) -> list[tuple[str, str]]:
    return re.findall(r'<link rel="preload" href="([^"]+)" as="(\w+)"', html)


def test_the_frame_names_every_file_its_player_starts_with_and_each_answers(
    client, user, learner, lessons
):
    activity = activity_create(package_with_a_dependency())
    lesson = place_activity(lessons[0], activity)

    html = client.get(frame_address(user, lesson, activity)).content.decode()

    preloads = preloads_of(html)
    names = [
        url.rsplit("/", 2)[-2] + "/" + url.rsplit("/", 1)[-1] for url, _ in preloads
    ]
    assert {
        f"{activity.package_id}/h5p.json",
        "content/content.json",
        "H5P.TrueFalse-1.6/library.json",
        "H5P.Helper-1.2/library.json",
        "H5P.TrueFalse-1.6/main.js",
        "scripts/helper.js",
        "styles/helper.css",
    } <= set(names)
    kinds = dict(zip(names, (kind for _, kind in preloads), strict=True))
    assert kinds["H5P.Helper-1.2/library.json"] == "fetch"
    assert kinds["scripts/helper.js"] == "script"
    assert kinds["styles/helper.css"] == "style"
    for url, _kind in preloads:
        if not url.startswith(settings.STATIC_URL):
            assert client.get(url).status_code == 200, url


def test_the_frame_asks_for_the_players_own_scripts_before_the_libraries(
    client, user, learner, lessons
):
    activity = activity_create(package_with_a_dependency())
    lesson = place_activity(lessons[0], activity)

    html = client.get(frame_address(user, lesson, activity)).content.decode()

    # Asked for first, they come first on a slow link, and the player starts
    # while the libraries come.
    asked = re.findall(r'<(?:script src|link rel="preload" href)="([^"]+)"', html)
    first_library = next(
        number for number, url in enumerate(asked) if "H5P.TrueFalse-1.6/" in url
    )
    for script in ("h5p/frame-boot", "h5p-player/main.bundle", "h5p/frame."):
        assert min(n for n, url in enumerate(asked) if script in url) < first_library


def test_the_frame_document_costs_the_same_queries_with_more_libraries(
    client, user, learner, lessons, django_assert_num_queries
):
    small = activity_create(true_false())
    large = activity_create(package_with_a_dependency())
    place_activity(lessons[0], small)
    lesson = place_activity(lessons[0], large)
    client.get(frame_address(user, lesson, small))
    with CaptureQueriesContext(connection) as small_queries:
        client.get(frame_address(user, lesson, small))

    with django_assert_num_queries(len(small_queries)):
        response = client.get(frame_address(user, lesson, large))

    assert len(preloads_of(response.content.decode())) > len(
        preloads_of(client.get(frame_address(user, lesson, small)).content.decode())
    )
