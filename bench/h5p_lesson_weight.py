"""What a phone downloads to open a lesson with H5P activities, first and again.

Builds, in a temporary folder and a temporary SQLite database, a course whose
first lesson holds three H5P activities (the shared sample packages true-false,
multi-choice and single-choice-set when present; else the project's own tiny
true-or-false package three times), logs a learner in, and opens the lesson in
Chromium twice in one browser profile: a first visit with an empty cache, then a
revisit. It does so twice: with the frames on the site's address (sandboxed with
no origin, which the browser gives no cache) and with the frames on a host of
their own (``H5P_FRAME_ORIGIN``: localhost beside the site's 127.0.0.1), each in
a fresh profile. Every request of the page and of its frames is counted from
Chromium's DevTools Network events (``loadingFinished.encodedDataLength``: bytes
on the wire, headers included; requests answered from the browser's cache are
counted apart).

The server is Django in this process. What nginx does in production is stood in
for: responses are gzip-compressed (Django's GZipMiddleware, as nginx's
``gzip_types``), and static files are served by WhiteNoise with a year-long
``immutable`` lifetime, as nginx serves collectstatic's hashed names.

Targets: first visit at most 250 KB, revisit at most 30 KB. ``--one`` opens a lesson
with the sample True/False activity alone. ``--tiny`` plays the
project's own small package three times instead, which leaves the player's own
weight (no media, three small libraries).

    .venv/bin/python bench/h5p_lesson_weight.py [--port 8301]

Prints the figures, the largest transfers, then one JSON line.
"""

import argparse
import json
import os
import sys
import tempfile
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
FOLDER = tempfile.TemporaryDirectory(prefix="h5p-weight-")
os.environ["DATABASE_URL"] = f"sqlite:///{FOLDER.name}/bench.sqlite3"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lms.settings.test")
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

import django  # noqa: E402
from django.conf import settings  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.core.servers.basehttp import ThreadedWSGIServer  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.testcases import LiveServerThread  # noqa: E402
from playwright.sync_api import sync_playwright  # noqa: E402

from courses.models import LessonPage  # noqa: E402
from courses.services import enrollment_create  # noqa: E402
from tests.factories import UserFactory, add_course, build_site  # noqa: E402
from tests.h5p.activities import activity_create, place_activity  # noqa: E402
from tests.h5p.builders import SHARED_PACKAGES  # noqa: E402
from tests.h5p.packages import true_false  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
TARGET_FIRST_KB = 250
TARGET_REVISIT_KB = 30
SHARED = ["true-false.h5p", "multi-choice.h5p", "single-choice-set.h5p"]
READY = "window.lmsH5P && window.lmsH5P.ready === true"


def served_as_nginx_serves() -> None:
    """Settings for a Django in this process that compresses and caches as
    nginx does in production, on a fresh database."""
    settings.MEDIA_ROOT = Path(FOLDER.name) / "media"
    settings.ALLOWED_HOSTS = ["*"]
    settings.MIDDLEWARE = [
        "django.middleware.gzip.GZipMiddleware",
        *settings.MIDDLEWARE,
    ]
    settings.WHITENOISE_USE_FINDERS = True
    settings.WHITENOISE_IMMUTABLE_FILE_TEST = lambda path, url: True
    settings.LMS_PAGE_CACHE_SECONDS = 0
    call_command("migrate", verbosity=0, interactive=False)


class BackloggedServer(ThreadedWSGIServer):
    """Django's threaded server with gunicorn's listen backlog. Django's own (10)
    drops the connections beyond it when a frame asks for its fifty files at
    once through nginx: each is tried again a second later, a delay production
    does not have."""

    request_queue_size = 2048

    def __init__(self, *args, allow_reuse_address=False, **kwargs):
        # A run right after another takes its port again (LiveServerThread asks
        # for no reuse, for tests running side by side).
        super().__init__(*args, allow_reuse_address=True, **kwargs)


class Server(LiveServerThread):
    server_class = BackloggedServer


def server_start(port: int) -> LiveServerThread:
    server = Server("127.0.0.1", lambda handler: handler, port=port)
    server.daemon = True
    server.start()
    server.is_ready.wait()
    if server.error:
        raise server.error
    return server


def session_of(user) -> str:
    """A session cookie's value for ``user``, signed in."""
    client = Client()
    client.force_login(user)
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def lesson_build(tiny: bool, one: bool) -> tuple[LessonPage, object, str]:
    """The lesson with three activities (or one), and a learner enrolled in its
    course."""
    _home, catalogue = build_site()
    course = add_course(catalogue, title="An toàn thông tin", lessons=2)
    lesson = LessonPage.objects.child_of(course).live().order_by("path").first()
    shared = SHARED[:1] if one else SHARED
    if not tiny and all((SHARED_PACKAGES / name).is_file() for name in shared):
        packages = [(SHARED_PACKAGES / name).read_bytes() for name in shared]
        source = "shared sample packages"
    else:
        packages = [true_false(title=f"Câu {n}") for n in range(1, 4)]
        source = "the project's tiny package"
    for package in packages:
        place_activity(lesson, activity_create(package), required=False)
    learner = UserFactory()
    enrollment_create(user=learner, course=course)
    return lesson, learner, source


class Transfers:
    """Requests and bytes on the wire, from one page's DevTools Network events."""

    def __init__(self, cdp) -> None:
        self.urls: dict[str, str] = {}
        self.bytes: dict[str, int] = {}
        self.cached: set[str] = set()
        cdp.on("Network.requestWillBeSent", self.sent)
        cdp.on("Network.requestServedFromCache", self.from_cache)
        cdp.on("Network.responseReceived", self.received)
        cdp.on("Network.loadingFinished", self.finished)

    def sent(self, event) -> None:
        url = event["request"]["url"]
        if url.startswith(("http://", "https://")):
            self.urls[event["requestId"]] = url

    def from_cache(self, event) -> None:
        self.cached.add(event["requestId"])

    def received(self, event) -> None:
        response = event["response"]
        if response.get("fromDiskCache") or response.get("fromPrefetchCache"):
            self.cached.add(event["requestId"])

    def finished(self, event) -> None:
        if event["requestId"] in self.urls:
            self.bytes[event["requestId"]] = int(event["encodedDataLength"])

    def reset(self) -> None:
        self.urls.clear()
        self.bytes.clear()
        self.cached.clear()

    def summary(self) -> dict:
        network = [r for r in self.urls if r not in self.cached]
        total = sum(self.bytes.get(r, 0) for r in network)
        media = sum(
            self.bytes.get(r, 0)
            for r in network
            if "/content/" in self.urls[r]
            and not self.urls[r].endswith("/content/content.json")
        )
        largest = Counter()
        for request in network:
            largest[self.urls[request].split("?")[0]] += self.bytes.get(request, 0)
        return {
            "requests": len(self.urls),
            "network_requests": len(network),
            "cached_requests": len(self.urls) - len(network),
            "kb": round(total / 1024, 1),
            "content_media_kb": round(media / 1024, 1),
            "largest": largest.most_common(60),
        }


def browser_launch(playwright, flags: tuple[str, ...] = ()):
    """Debian's Chromium with every frame in the page's process, so that one
    DevTools session sees (and throttles) their requests too; ``flags`` added."""
    return playwright.chromium.launch(
        executable_path=CHROMIUM,
        args=[
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-features=IsolateSandboxedIframes,IsolateOrigins,"
            "site-per-process",
            "--disable-site-isolation-trials",
            *flags,
        ],
    )


def visit(page, url: str) -> None:
    page.goto(url)
    deadline = 60_000
    while not page.evaluate(READY) and deadline > 0:
        page.wait_for_timeout(100)
        deadline -= 100
    failed = page.locator("[data-h5p-failed]:visible").count()
    if not page.evaluate(READY) or failed:
        sys.exit(f"The activities did not all play ({failed} failed to load).")
    # Late requests: fonts, images the content shows once laid out.
    page.wait_for_timeout(1_500)


def short(url: str) -> str:
    parts = url.split("/")
    for marker in ("play", "libraries"):
        if marker in parts:
            index = parts.index(marker)
            parts[index + 1] = "<grant>"
    return "/".join(parts[3:])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=8301)
    parser.add_argument(
        "--tiny",
        action="store_true",
        help="play the project's tiny package three times (the player's own weight)",
    )
    parser.add_argument(
        "--one",
        action="store_true",
        help="a lesson with one activity (the sample True/False) instead of three",
    )
    args = parser.parse_args()

    served_as_nginx_serves()
    lesson, learner, source = lesson_build(args.tiny, args.one)
    session = session_of(learner)

    results = {}
    with sync_playwright() as playwright:
        browser = browser_launch(playwright)
        for mode, port, frame_host in (
            ("no origin", args.port, None),
            ("own host", args.port + 1, "localhost"),
        ):
            base = f"http://127.0.0.1:{port}"
            settings.LMS_PUBLIC_BASE_URL = base
            frames = f"http://{frame_host}:{port}" if frame_host else ""
            settings.H5P_FRAME_ORIGIN = frames
            # A server of its own for each: its middleware reads the settings anew.
            server = server_start(port)
            try:
                results[mode] = visits(browser, base, lesson.url, session)
            finally:
                server.terminate()
        browser.close()

    count = "one H5P activity" if args.one else "three H5P activities"
    print(f"Lesson with {count} ({source}), phone-sized Chromium:")
    for mode, figures in results.items():
        print(f"frames with {mode}:")
        for name in ("first_visit", "revisit"):
            visit_figures = figures[name]
            print(
                f"  {name.replace('_', ' '):11}: {visit_figures['kb']:7.1f} KB over "
                f"the network in {visit_figures['network_requests']} requests "
                f"({visit_figures['cached_requests']} more answered from the "
                "browser's cache); "
                f"{visit_figures['content_media_kb']:.1f} KB of it the contents' "
                "own media"
            )
            for url, size in visit_figures["largest"][:60]:
                print(f"      {size / 1024:6.1f} KB  {short(url)}")
    print(
        f"  targets: first visit <= {TARGET_FIRST_KB} KB, "
        f"revisit <= {TARGET_REVISIT_KB} KB"
    )
    line = {
        "bench": "h5p_lesson_weight",
        "packages": source,
        "activities": 1 if args.one else 3,
    }
    for mode, key in (("no origin", "opaque"), ("own host", "frame_origin")):
        first, again = results[mode]["first_visit"], results[mode]["revisit"]
        line[key] = {
            "first_visit_kb": first["kb"],
            "first_visit_requests": first["network_requests"],
            "revisit_kb": again["kb"],
            "revisit_requests": again["network_requests"],
            "revisit_cached_requests": again["cached_requests"],
            "first_visit_content_media_kb": first["content_media_kb"],
            "first_visit_ok": first["kb"] <= TARGET_FIRST_KB,
            "revisit_ok": again["kb"] <= TARGET_REVISIT_KB,
        }
    print(json.dumps(line))


def visits(browser, base: str, url: str, session: str) -> dict:
    """A first visit with an empty cache and a revisit, in a fresh profile."""
    context = browser.new_context(
        viewport={"width": 360, "height": 740},
        is_mobile=True,
        has_touch=True,
        locale="vi-VN",
    )
    context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": base}]
    )
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    transfers = Transfers(cdp)
    visit(page, base + url)
    results = {"first_visit": transfers.summary()}
    page.goto("about:blank")
    transfers.reset()
    visit(page, base + url)
    results["revisit"] = transfers.summary()
    context.close()
    return results


if __name__ == "__main__":
    main()
