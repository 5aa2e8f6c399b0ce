"""The site as a province runs it: nginx in front of gunicorn with production
settings, a task worker, PostgreSQL and Redis (see conftest.py), walked over HTTPS
the way a resident's phone walks it. Any 5xx in nginx's access log fails."""

import json
import re
import time

import psycopg
import pytest
import redis

from tests.browser.helpers import wait_for
from tests.certificates.helpers import pdf_text
from tests.h5p.builders import SHARED_PACKAGES, needs_shared_packages

from .conftest import DATABASE_URL, REDIS_URL, ROOT, Stack

pytestmark = pytest.mark.deploy

# The package as the repository names it, beside the checkout.
H5P_PACKAGE = "../shared/h5p/true-false.h5p"
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def post_form(session, stack: Stack, page: str, action: str | None = None, **data):
    """Open ``page``, then send its form (to ``action``) as a browser would."""
    opened = session.get(stack.url + page)
    assert opened.status_code == 200, (page, opened.status_code)
    token = CSRF.search(opened.text)
    assert token, page
    return session.post(
        stack.url + (action or page),
        data={"csrfmiddlewaretoken": token.group(1), **data},
        headers={"Referer": opened.url},
    )


def sign_up(session, stack: Stack, *, full_name: str, phone: str):
    return post_form(
        session,
        stack,
        "/accounts/signup/",
        full_name=full_name,
        phone=phone,
        privacy_consent="on",
    )


def last_code(stack: Stack, phone: str) -> str:
    sent = [sms for sms in stack.sms() if sms["phone"] == phone]
    assert sent, f"no SMS to {phone}"
    return re.search(r"\b(\d{6})\b", sent[-1]["text"]).group(1)


def test_signing_up_opens_the_session_and_the_redis_cache(stack):
    session = stack.session()

    response = sign_up(session, stack, full_name="Trần Thị Mai", phone="0977 100 200")

    assert response.status_code == 200, stack.logs()
    assert "/accounts/phone/verify/" in response.url
    assert stack.sms()[-1]["phone"] == "+84977100200"
    assert session.cookies.get("sessionid")
    # Sessions and allauth's rate limits live in Redis.
    assert redis.Redis.from_url(REDIS_URL).dbsize() > 0
    assert stack.server_errors() == [], stack.logs()


@needs_shared_packages
def test_a_resident_goes_from_sign_up_to_a_verified_certificate(stack, browser):
    assert (ROOT / H5P_PACKAGE).resolve() == (SHARED_PACKAGES / "true-false.h5p")
    assert re.search(r"\bid \d+$", stack.manage("import_h5p", H5P_PACKAGE).strip())
    course = json_from(
        stack.manage(
            "shell",
            "-c",
            "from pathlib import Path; from tests.deploy.course import "
            f"h5p_lesson_prepare; h5p_lesson_prepare(Path('{H5P_PACKAGE}'))",
        )
    )
    session = stack.session()
    started = time.monotonic()

    # Static files: hashed names, compressed, kept for a year.
    home = session.get(stack.url + "/")
    stylesheet = re.search(r'href="(/static/[^"]+\.css)"', home.text).group(1)
    css = session.get(stack.url + stylesheet, headers={"Accept-Encoding": "gzip"})
    assert css.status_code == 200
    assert css.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert css.headers["Content-Encoding"] == "gzip"

    # Sign up by phone with the code the SMS brought.
    phone = "+84977300400"
    signed_up = sign_up(session, stack, full_name="Nguyễn Văn Hùng", phone="0977300400")
    assert "/accounts/phone/verify/" in signed_up.url
    verified = post_form(
        session,
        stack,
        "/accounts/phone/verify/",
        code=last_code(stack, phone),
    )
    assert verified.status_code == 200
    assert 'action="/accounts/logout/"' in verified.text

    # Enrol; the first lesson holds the H5P activity.
    first, *others = course["lessons"]
    enrolled = post_form(
        session,
        stack,
        course["course"]["url"],
        f"/learning/enrol/{course['course']['id']}/",
    )
    assert enrolled.url == stack.url + first["url"]

    # Play it in Chromium, through nginx: the player loads the package's files
    # (sent by nginx once Django has checked), the server grades the answer.
    sent = play_true_false(stack, session, browser, first, course["activity"])
    # The page sends the statements waiting in its queue together.
    replies = sent.get("results", [sent])
    assert any((reply.get("result") or {}).get("passed") for reply in replies), sent

    for lesson in course["lessons"]:
        done = post_form(
            session, stack, lesson["url"], f"/learning/lessons/{lesson['id']}/complete/"
        )
        assert done.status_code == 200, (lesson, done.status_code)

    # The certificate: a real PDF, sent by nginx, whole or in part.
    mine = f"/certificates/mine/{course['course']['id']}/"
    pdf = session.get(stack.url + mine)
    assert pdf.status_code == 200, pdf.text[:500]
    assert pdf.headers["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF-")
    assert pdf.headers["Cache-Control"] == "private"
    assert pdf.headers["X-Content-Type-Options"] == "nosniff"
    assert 'filename="chung-nhan-' in pdf.headers["Content-Disposition"]
    # The code as printed on the page, read as a person would.
    code = re.search(
        r"\b([0-9A-Z]{5}-[0-9A-Z]{5}-[0-9A-Z]{5})\b", pdf_text(pdf.content)
    )
    part = session.get(stack.url + mine, headers={"Range": "bytes=0-4"})
    assert part.status_code == 206
    assert part.content == b"%PDF-"
    assert part.headers["Content-Range"] == f"bytes 0-4/{len(pdf.content)}"

    # Anyone can check it on the verification page the QR code opens.
    anyone = stack.session()
    verification = anyone.get(f"{stack.url}/certificates/verify/{code.group(1)}/")
    assert verification.status_code == 200
    assert code.group(1) in verification.text
    assert 'class="message message-success"' in verification.text

    # A protected H5P file, in part, with its own security headers, asked as the
    # player's sandboxed frame asks: no cookie, a signed grant in the address.
    # The media folder itself is never served directly.
    lesson_page = session.get(stack.url + first["url"]).text
    frame = re.search(r'"frame": "(/h5p/play/[^"]+)"', lesson_page).group(1)
    framed = anyone.get(stack.url + frame)
    libraries = re.search(r'"librariesPath": "([^"]+)"', framed.text).group(1)
    library = f"{stack.url}{libraries}/H5P.TrueFalse-1.6"
    script = anyone.get(f"{library}/library.json").json()["preloadedJs"][0]["path"]
    h5p_file = f"{library}/{script}"
    # Asked as a browser asks for a part: nginx sends whole what it compresses.
    ranged = anyone.get(
        h5p_file, headers={"Range": "bytes=0-9", "Accept-Encoding": "identity"}
    )
    assert ranged.status_code == 206
    assert len(ranged.content) == 10
    assert ranged.headers["Content-Range"].startswith("bytes 0-9/")
    assert ranged.headers["X-Content-Type-Options"] == "nosniff"
    assert ranged.headers["Content-Security-Policy"].startswith("sandbox")
    assert ranged.headers["Access-Control-Allow-Origin"] == "*"
    assert "immutable" in ranged.headers["Cache-Control"]
    forged = h5p_file.replace(libraries, "/h5p/libraries/forged")
    assert anyone.get(forged).status_code == 403
    # Pages of the site carry their policy; the frame its own.
    assert "script-src 'self';" in verification.headers["Content-Security-Policy"]
    assert framed.headers["Content-Security-Policy"].startswith("default-src 'none'")
    # The frame has no origin: fonts (fetched with CORS) must say anyone may.
    font = anyone.get(stack.url + "/static/h5p-player/fonts/h5p-core-30.woff2")
    assert font.headers["Access-Control-Allow-Origin"] == "*"
    assert (
        anyone.get(stack.url + "/media/" + pdf_storage_path(stack)).status_code == 404
    )

    # A lesson video: the lesson checks, nginx seeks.
    video = session.get(stack.url + course["video"], headers={"Range": "bytes=0-3"})
    assert video.status_code == 206
    assert video.content == b"\x1a\x45\xdf\xa3"  # WebM's EBML header
    assert video.headers["Content-Type"] == "video/webm"
    assert video.headers["X-Content-Type-Options"] == "nosniff"
    assert anyone.get(stack.url + course["video"]).status_code == 403

    walked = time.monotonic() - started
    assert_worker_ran_the_tasks(stack)
    print(f"\nwalk through nginx: {walked:.1f} s")
    assert stack.server_errors() == [], stack.logs()


def json_from(output: str) -> dict:
    return json.loads(output.strip().splitlines()[-1])


def play_true_false(stack: Stack, session, browser, lesson: dict, activity: dict):
    context = browser.new_context(
        ignore_https_errors=True,
        locale="en-US",
        viewport={"width": 360, "height": 740},
        is_mobile=True,
        has_touch=True,
    )
    context.add_cookies(
        [
            {"name": cookie.name, "value": cookie.value, "url": stack.url}
            for cookie in session.cookies
        ]
    )
    page = context.new_page()
    page.set_default_timeout(20_000)
    failures = []
    page.on(
        "response",
        lambda response: (
            failures.append(response.url) if response.status >= 500 else None
        ),
    )
    try:
        page.goto(stack.url + lesson["url"])
        wait_for(page, "window.lmsH5P && window.lmsH5P.ready === true")
        frame = page.frame_locator(
            f"#h5p-activity-{activity['id']} iframe[data-h5p-frame]"
        )
        frame.get_by_role("radio", name="False").click()
        with page.expect_response(
            lambda response: (
                "/statements/" in response.url and response.request.method == "POST"
            )
        ) as answered:
            frame.get_by_role("button", name="Check").click()
        result = answered.value.json()
    finally:
        context.close()
    assert failures == []
    return result


def pdf_storage_path(stack: Stack) -> str:
    with psycopg.connect(DATABASE_URL) as connection:
        (name,) = connection.execute(
            "SELECT pdf FROM certificates_certificate ORDER BY id DESC LIMIT 1"
        ).fetchone()
    return name


def assert_worker_ran_the_tasks(stack: Stack, seconds: float = 60) -> None:
    """Publishing pages queues Wagtail's index updates: the worker runs them."""
    deadline = time.monotonic() + seconds
    with psycopg.connect(DATABASE_URL, autocommit=True) as connection:
        while True:
            counts = dict(
                connection.execute(
                    "SELECT status, count(*) FROM django_tasks_database_dbtaskresult "
                    "GROUP BY status"
                ).fetchall()
            )
            if not counts.get("READY") and not counts.get("RUNNING"):
                break
            assert time.monotonic() < deadline, (counts, stack.logs())
            time.sleep(0.5)
    assert counts.get("SUCCESSFUL", 0) > 0, counts
    assert not counts.get("FAILED"), (counts, stack.logs())
