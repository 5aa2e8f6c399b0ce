"""How fast a lesson video is checked on upload and served in ranges by Django.

Writes, in a temporary folder, a WebM of about 197 MB (one keyframe a second with
padding, as tests/courses/videos.py builds them), then:
- times the content check an upload goes through (courses.videos.video_format),
  median of several runs (target: under 50 ms, whatever the size);
- times 200 range requests of 256 KB at random places, answered in-process by
  lms.files.protected_file_response as in development (no HTTP, no permission
  query: the cost of the serving code alone, requests per second);
- sends the whole file once through the same function and reports the peak memory
  the response took (tracemalloc; target: flat, under 5 MB).

Run: .venv/bin/python bench/lesson_video.py [--runs N]
Prints the figures, then one JSON line.
"""

import argparse
import json
import os
import random
import statistics
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lms.settings.test")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.files.base import ContentFile  # noqa: E402
from django.core.files.storage import default_storage  # noqa: E402
from django.test import RequestFactory  # noqa: E402

from courses.videos import video_format  # noqa: E402
from lms.files import protected_file_response  # noqa: E402
from tests.courses.videos import long_webm  # noqa: E402

RANGE_BYTES = 256 * 1024


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    factory = RequestFactory()
    with tempfile.TemporaryDirectory() as folder:
        settings.MEDIA_ROOT = folder
        name = default_storage.save(
            "bench/bai-giang.webm",
            ContentFile(long_webm(seconds=2900, padding=64 * 1024)),
        )
        path = Path(default_storage.path(name))
        size = path.stat().st_size

        checks = []
        for _run in range(args.runs):
            with path.open("rb") as handle:
                started = time.perf_counter()
                found = video_format(handle, size)
                checks.append(time.perf_counter() - started)
        assert found == "webm"
        check_ms = statistics.median(checks) * 1000

        rng = random.Random(8)
        requests = 200
        started = time.perf_counter()
        for _request in range(requests):
            first = rng.randrange(size - RANGE_BYTES)
            request = factory.get(
                "/", headers={"Range": f"bytes={first}-{first + RANGE_BYTES - 1}"}
            )
            response = protected_file_response(request, name, content_type="video/webm")
            assert response.status_code == 206
            assert sum(len(chunk) for chunk in response.streaming_content) == (
                RANGE_BYTES
            )
        ranges_per_second = requests / (time.perf_counter() - started)

        tracemalloc.start()
        response = protected_file_response(
            factory.get("/"), name, content_type="video/webm"
        )
        sent = sum(len(chunk) for chunk in response.streaming_content)
        _current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        assert sent == size

    print(f"video of {size / 1e6:.1f} MB")
    print(f"content check: {check_ms:.2f} ms median of {args.runs} (target < 50 ms)")
    print(
        f"range requests of {RANGE_BYTES // 1024} KB: {ranges_per_second:.0f}/s "
        "(protected_file_response called in-process: no HTTP, no database)"
    )
    print(f"whole file sent: peak memory {peak / 1e6:.2f} MB (target < 5 MB)")
    print(
        json.dumps(
            {
                "video_bytes": size,
                "check_ms": round(check_ms, 2),
                "ranges_per_second": round(ranges_per_second),
                "send_peak_mb": round(peak / 1e6, 2),
            }
        )
    )


if __name__ == "__main__":
    main()
