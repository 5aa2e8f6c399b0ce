"""Server time, queries and weight of the pages a learner sees, on the demo data.

Loads the demo (``demo/content/``) into a temporary SQLite database, or into the
database named by DATABASE_URL (migrated first; loading the demo is idempotent),
then, with Django's test client:
- times the home page and the catalogue (anonymous), the first demo course and the
  demo resident's current lesson (logged in as the resident): median and p95 wall
  time of N requests each after a warm-up, and the median CPU time (target: lesson
  median at most 30 ms);
- counts the SQL queries of one request to each page;
- counts the queries of a lesson page while a course grows from 3 to 50 lessons (the
  last lesson, all earlier ones completed; must stay flat), on a scratch course that
  is deleted afterwards;
- weighs the lesson page as a phone would download it: the HTML plus every
  stylesheet and script it references (fonts included, images excluded), each
  gzip-compressed at level 6 (target at most 60 KB).

Run: .venv/bin/python bench/pages.py [--requests N]
Prints a table, then one JSON line.
"""

import argparse
import gzip
import json
import os
import re
import statistics
import sys
import tempfile
import time
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
SCRATCH = tempfile.TemporaryDirectory(prefix="bench-pages-")
if not os.environ.get("DATABASE_URL"):
    os.environ["DATABASE_URL"] = f"sqlite:///{SCRATCH.name}/bench.sqlite3"
    os.environ["DJANGO_MEDIA_ROOT"] = f"{SCRATCH.name}/media"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lms.settings.test")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.staticfiles import finders  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client, override_settings  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402

from courses import services  # noqa: E402
from courses.models import CoursePage, LessonPage, Topic  # noqa: E402
from demo.loader import demo_data_load  # noqa: E402
from lms.models import User  # noqa: E402

GROWTH_SIZES = (3, 10, 25, 50)
LESSON_MEDIAN_TARGET_MS = 30
WEIGHT_TARGET_KB = 60
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".gif", ".webp", ".avif", ".svg", ".ico")


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * len(ordered)) - 1))
    return ordered[index]


def timed(client: Client, url: str, requests: int) -> tuple[float, float, float]:
    """Median and p95 wall time, and median CPU time, in ms of ``requests`` GETs.

    CPU time is reported too because on a shared machine the wall time also counts
    the time other processes held the CPU.
    """
    for _ in range(5):
        assert client.get(url).status_code == 200, url
    wall, cpu = [], []
    for _ in range(requests):
        start, start_cpu = time.perf_counter(), time.process_time()
        response = client.get(url)
        wall.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    return statistics.median(wall), percentile(wall, 0.95), statistics.median(cpu)


def queries(client: Client, url: str) -> int:
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200, url
    return len(captured)


class AssetFinder(HTMLParser):
    """Stylesheets and scripts a page references."""

    def __init__(self):
        super().__init__()
        self.assets: list[tuple[str, str]] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        rel = (attrs.get("rel") or "").lower().split()
        if tag == "link" and "stylesheet" in rel and attrs.get("href"):
            self.assets.append(("css", attrs["href"]))
        elif tag == "link" and "preload" in rel and attrs.get("href"):
            kind = {"style": "css", "script": "js", "font": "font"}.get(attrs.get("as"))
            if kind:
                self.assets.append((kind, attrs["href"]))
        elif tag == "script" and attrs.get("src"):
            self.assets.append(("js", attrs["src"]))


CSS_REFERENCE = re.compile(
    r"""url\(\s*['"]?([^'")]+)['"]?\s*\)|@import\s+['"]([^'"]+)['"]"""
)


def fetch(client: Client, url: str) -> bytes:
    """The bytes behind a same-site URL: a static file from disk, else a request."""
    path = urlsplit(url).path
    if path.startswith(settings.STATIC_URL):
        found = finders.find(path[len(settings.STATIC_URL) :])
        if found:
            return Path(found).read_bytes()
    response = client.get(path)
    assert response.status_code == 200, url
    return b"".join(response) if response.streaming else response.content


def page_weight(client: Client, url: str) -> dict[str, dict[str, int]]:
    """Raw and gzip sizes of the page's HTML and of what it pulls in, images aside."""
    html = client.get(url).content
    finder = AssetFinder()
    finder.feed(html.decode())
    sizes = {"html": [html], "css": [], "js": [], "font": []}
    pending, seen = list(finder.assets), set()
    while pending:
        kind, ref = pending.pop()
        if ref in seen or urlsplit(ref).path.lower().endswith(IMAGE_SUFFIXES):
            continue
        seen.add(ref)
        if urlsplit(ref).netloc and urlsplit(ref).netloc != "testserver":
            raise SystemExit(f"the lesson page loads {ref} from another site")
        body = fetch(client, ref)
        sizes[kind].append(body)
        if kind == "css":
            for match in CSS_REFERENCE.finditer(body.decode(errors="replace")):
                target = urljoin(ref, match.group(1) or match.group(2))
                if target.startswith("data:"):
                    continue
                suffix = urlsplit(target).path.lower()
                pending.append(("css" if suffix.endswith(".css") else "font", target))
    return {
        kind: {
            "files": len(bodies),
            "raw": sum(len(b) for b in bodies),
            "gzip": sum(
                len(gzip.compress(b, compresslevel=6, mtime=0)) for b in bodies
            ),
        }
        for kind, bodies in sizes.items()
    }


def growth(client: Client, resident: User, catalogue) -> dict[int, int]:
    """Queries of the last lesson of a course of 3, 10, 25 and 50 lessons."""
    course = CoursePage(
        title="Khoá học đo hiệu năng",
        summary="Một khoá học tạm để đo số truy vấn.",
        topic=Topic.OTHER,
    )
    catalogue.add_child(instance=course)
    try:
        enrollment = services.enrollment_create(user=resident, course=course)
        counts, lessons = {}, []
        for size in GROWTH_SIZES:
            while len(lessons) < size:
                if lessons:
                    services.lesson_complete(enrollment=enrollment, lesson=lessons[-1])
                lesson = LessonPage(
                    title=f"Bài {len(lessons) + 1}",
                    body=[{"type": "text", "value": "<p>Nội dung bài học.</p>"}],
                )
                course.add_child(instance=lesson)
                lessons.append(lesson)
            counts[size] = queries(client, lessons[-1].url)
        return counts
    finally:
        course.delete()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args()

    setup_test_environment()
    media = os.environ.get("DJANGO_MEDIA_ROOT", settings.BASE_DIR / "media")
    override_settings(MEDIA_ROOT=media).enable()
    call_command("migrate", verbosity=0)
    demo = demo_data_load(with_passwords=False)
    # The first demo person: the resident part-way through the first course.
    resident = next(iter(demo.people.values()))
    course = demo.courses[0]
    lesson = resident.enrollments.get(course=course).last_lesson

    anonymous, learner = Client(), Client()
    learner.force_login(resident)
    pages = [
        ("home", "anonymous", anonymous, "/"),
        ("catalogue", "anonymous", anonymous, demo.catalogue.url),
        ("course", "resident", learner, course.url),
        ("lesson", "resident", learner, lesson.url),
    ]
    load = os.getloadavg()[0]
    figures: dict = {
        "requests_per_page": args.requests,
        "db": connection.vendor,
        "cpus": os.cpu_count(),
        "load_average_1m": round(load, 2),
    }
    print(
        f"Database: {connection.vendor}; {args.requests} requests per page; "
        f"{os.cpu_count()} CPUs, load average {load:.2f} at start"
    )
    print(
        f"{'page':<10} {'as':<10} {'median ms':>10} {'p95 ms':>8} "
        f"{'CPU ms':>7} {'queries':>8}"
    )
    for name, who, client, url in pages:
        median, p95, cpu = timed(client, url, args.requests)
        count = queries(client, url)
        figures[f"{name}_median_ms"] = round(median, 2)
        figures[f"{name}_p95_ms"] = round(p95, 2)
        figures[f"{name}_cpu_median_ms"] = round(cpu, 2)
        figures[f"{name}_queries"] = count
        print(
            f"{name:<10} {who:<10} {median:>10.2f} {p95:>8.2f} {cpu:>7.2f} {count:>8}"
        )
    target_met = figures["lesson_median_ms"] <= LESSON_MEDIAN_TARGET_MS
    print(
        f"Lesson median target <= {LESSON_MEDIAN_TARGET_MS} ms: "
        f"{'met' if target_met else 'MISSED'}"
    )

    counts = growth(learner, resident, demo.catalogue)
    flat = len(set(counts.values())) == 1
    print("\nLesson page queries as a course grows:")
    for size, count in counts.items():
        print(f"  {size:>3} lessons: {count} queries")
    print(f"  {'flat' if flat else 'NOT FLAT'}")
    figures["lesson_queries_by_course_size"] = {str(k): v for k, v in counts.items()}
    figures["lesson_queries_flat"] = flat

    weight = page_weight(learner, lesson.url)
    total = sum(part["gzip"] for part in weight.values())
    print("\nLesson page weight (gzip level 6, images excluded):")
    print(f"  {'part':<6} {'files':>5} {'raw bytes':>10} {'gzip bytes':>11}")
    for kind, part in weight.items():
        print(f"  {kind:<6} {part['files']:>5} {part['raw']:>10} {part['gzip']:>11}")
    total_kb = total / 1024
    print(
        f"  total {total_kb:.1f} KB gzip; target <= {WEIGHT_TARGET_KB} KB: "
        f"{'met' if total_kb <= WEIGHT_TARGET_KB else 'MISSED'}"
    )
    figures["lesson_weight"] = weight
    figures["lesson_weight_gzip_kb"] = round(total_kb, 1)
    figures["lesson_median_target_met"] = target_met
    figures["lesson_weight_target_met"] = total_kb <= WEIGHT_TARGET_KB
    print(json.dumps(figures, sort_keys=True))


if __name__ == "__main__":
    main()
