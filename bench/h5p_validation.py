"""How fast H5P packages are checked and stored, and how little memory a bomb costs.

Builds, in a temporary folder:
- a realistic package of about 2 MB (three libraries of scripts, styles and fonts,
  content with images), then times validation plus extraction into an empty
  file storage (median of several runs; target at most 1 s);
- a 200 MB ZIP bomb (one member of zeros) whose header is honest, one whose header
  claims 1,000 bytes, and the honest one again with the limits raised so that all
  200 MB are streamed and hashed; for each, the peak memory of validating it
  (tracemalloc peak and growth of the process's maximum resident set; target flat,
  at most 50 MB).

Run: .venv/bin/python bench/h5p_validation.py [--runs N]
Prints the figures, then one JSON line.
"""

import argparse
import json
import os
import random
import resource
import statistics
import struct
import sys
import tempfile
import time
import tracemalloc
import zipfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lms.settings.test")

import django  # noqa: E402

django.setup()

from django.core.exceptions import ValidationError  # noqa: E402
from django.core.files.storage import FileSystemStorage  # noqa: E402
from django.utils import translation  # noqa: E402

from h5p.extract import content_store, library_store  # noqa: E402
from h5p.package import MIB, Limits, validate_package  # noqa: E402

BOMB_BYTES = 200 * MIB
WORDS = (
    "function var return this options params question answer score feedback "
    "element container button label correct wrong retry solution check true false "
    "H5P jQuery attach trigger xAPI event progress settings behaviour l10n"
).split()


def code_text(rng: random.Random, size: int) -> bytes:
    """Text that compresses like minified JavaScript or CSS (about 3 to 4 times)."""
    parts, length = [], 0
    while length < size:
        line = (
            f"{rng.choice(WORDS)}.{rng.choice(WORDS)}_{rng.randrange(10**6):x}"
            f"({rng.choice(WORDS)},{rng.randrange(1000)});"
        )
        parts.append(line)
        length += len(line)
    return "".join(parts).encode()[:size]


def library_json(name: str, js: list[str], css: list[str], deps: list[str]) -> bytes:
    return json.dumps(
        {
            "title": name.split(".")[-1],
            "machineName": name,
            "majorVersion": 1,
            "minorVersion": 0,
            "patchVersion": 7,
            "runnable": 1 if not deps else 0,
            "preloadedJs": [{"path": path} for path in js],
            "preloadedCss": [{"path": path} for path in css],
            "preloadedDependencies": [
                {"machineName": dep, "majorVersion": 1, "minorVersion": 0}
                for dep in deps
            ],
        }
    ).encode()


def build_realistic(path: Path) -> None:
    rng = random.Random(411)
    files: dict[str, bytes] = {}
    libraries = {
        "Bench.Fonts": [],
        "Bench.UI": ["Bench.Fonts"],
        "Bench.Quiz": ["Bench.UI", "Bench.Fonts"],
    }
    for name, deps in libraries.items():
        folder = f"{name}-1.0"
        js = [f"js/part-{n}.js" for n in range(12)]
        css = [f"css/part-{n}.css" for n in range(4)]
        for script in js:
            files[f"{folder}/{script}"] = code_text(rng, 40_000)
        for style in css:
            files[f"{folder}/{style}"] = code_text(rng, 12_000)
        for font in ("woff", "woff2", "ttf"):
            files[f"{folder}/fonts/icons.{font}"] = rng.randbytes(80_000)
        for number in range(20):
            files[f"{folder}/language/lang-{number}.json"] = code_text(rng, 3_000)
        files[f"{folder}/semantics.json"] = code_text(rng, 20_000)
        files[f"{folder}/library.json"] = library_json(name, js, css, deps)
    questions = [
        {"question": f"Câu hỏi số {n}: mã OTP có được đọc cho người lạ?"}
        for n in range(40)
    ]
    files["content/content.json"] = json.dumps({"questions": questions}).encode()
    for number in range(6):
        files[f"content/images/anh-{number}.jpg"] = rng.randbytes(110_000)
    files["h5p.json"] = json.dumps(
        {
            "title": "Nhận biết lừa đảo trực tuyến",
            "mainLibrary": "Bench.Quiz",
            "language": "vi",
            "preloadedDependencies": [
                {"machineName": name, "majorVersion": 1, "minorVersion": 0}
                for name in libraries
            ],
        }
    ).encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)


def build_bomb(path: Path) -> None:
    """A valid tiny package plus content/zeros.txt of 200 MB, written in chunks."""
    build_small_valid(path)
    chunk = bytes(MIB)
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as archive:
        info = zipfile.ZipInfo("content/zeros.txt")
        info.compress_type = zipfile.ZIP_DEFLATED
        with archive.open(info, "w") as member:
            for _ in range(BOMB_BYTES // MIB):
                member.write(chunk)


def build_small_valid(path: Path) -> None:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "h5p.json",
            json.dumps(
                {
                    "title": "Bomb",
                    "mainLibrary": "Bench.Tiny",
                    "preloadedDependencies": [
                        {
                            "machineName": "Bench.Tiny",
                            "majorVersion": 1,
                            "minorVersion": 0,
                        }
                    ],
                }
            ),
        )
        archive.writestr("content/content.json", "{}")
        archive.writestr(
            "Bench.Tiny-1.0/library.json", library_json("Bench.Tiny", [], [], [])
        )


def lie_about_size(source: Path, target: Path, name: str, size: int) -> None:
    """Copy the archive with ``name``'s uncompressed size set to ``size`` in its
    local header and its central directory; data and checksum stay as they were."""
    data = bytearray(source.read_bytes())
    with zipfile.ZipFile(source) as archive:
        offset = archive.getinfo(name).header_offset
    struct.pack_into("<I", data, offset + 22, size)
    encoded = name.encode()
    position = data.find(b"PK\x01\x02")
    while position != -1:
        name_length = struct.unpack_from("<H", data, position + 28)[0]
        if bytes(data[position + 46 : position + 46 + name_length]) == encoded:
            struct.pack_into("<I", data, position + 24, size)
            break
        position = data.find(b"PK\x01\x02", position + 4)
    target.write_bytes(data)


def time_realistic(path: Path, runs: int) -> list[float]:
    limits = Limits.from_settings()
    timings = []
    for _ in range(runs):
        with tempfile.TemporaryDirectory() as media:
            storage = FileSystemStorage(location=media)
            started = time.perf_counter()
            with path.open("rb") as file:
                info = validate_package(file, limits=limits)
                file.seek(0)
                with zipfile.ZipFile(file) as archive:
                    for library in info.libraries:
                        library_store(archive, library, storage=storage, limits=limits)
                    content_store(archive, info, storage=storage, limits=limits)
            timings.append(time.perf_counter() - started)
    return timings


def measure_bomb(path: Path, limits: Limits) -> dict:
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    tracemalloc.start()
    started = time.perf_counter()
    try:
        with path.open("rb") as file:
            validate_package(file, limits=limits)
        outcome = "accepted"
    except ValidationError as error:
        outcome = error.messages[0]
    seconds = time.perf_counter() - started
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {
        "seconds": seconds,
        "tracemalloc_peak_mb": peak / MIB,
        "maxrss_growth_mb": (rss_after - rss_before) / 1024,
        "outcome": outcome,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    runs = parser.parse_args().runs
    translation.activate("en")
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        realistic = folder / "realistic.h5p"
        bomb = folder / "bomb.h5p"
        lying = folder / "lying-bomb.h5p"
        build_realistic(realistic)
        build_bomb(bomb)
        lie_about_size(bomb, lying, "content/zeros.txt", 1000)

        with zipfile.ZipFile(realistic) as archive:
            members = len(archive.infolist())
            unpacked = sum(info.file_size for info in archive.infolist())
        size_mb = realistic.stat().st_size / MIB
        timings = time_realistic(realistic, runs)
        median = statistics.median(timings)
        print(
            f"realistic package: {size_mb:.2f} MB packed, {unpacked / MIB:.2f} MB "
            f"unpacked, {members} members"
        )
        print(
            f"  validate + extract: median {median * 1000:.0f} ms over {runs} runs "
            f"(min {min(timings) * 1000:.0f}, max {max(timings) * 1000:.0f}); "
            "target <= 1000 ms"
        )

        default_limits = Limits.from_settings()
        # Limits raised far enough that the whole bomb is decompressed and hashed,
        # to show that streaming keeps memory flat however much comes out.
        open_limits = Limits(
            max_file_bytes=BOMB_BYTES + MIB,
            max_total_bytes=BOMB_BYTES + MIB,
            max_ratio=10**6,
        )
        print(f"bomb: {bomb.stat().st_size / 1024:.0f} KB packed, 200 MB unpacked")
        results = {
            "bomb_honest_header": measure_bomb(bomb, default_limits),
            "bomb_lying_header": measure_bomb(lying, default_limits),
            "bomb_streamed_in_full": measure_bomb(bomb, open_limits),
        }
        for name, result in results.items():
            print(
                f"  {name}: {result['seconds'] * 1000:.0f} ms, tracemalloc peak "
                f"{result['tracemalloc_peak_mb']:.2f} MB, max RSS growth "
                f"{result['maxrss_growth_mb']:.1f} MB; target <= 50 MB\n"
                f"    {result['outcome']}"
            )

    figures = {
        "realistic_package_mb": round(size_mb, 2),
        "realistic_members": members,
        "validate_extract_median_ms": round(median * 1000, 1),
        "runs": runs,
    }
    for name, result in results.items():
        figures[f"{name}_ms"] = round(result["seconds"] * 1000, 1)
        figures[f"{name}_tracemalloc_peak_mb"] = round(result["tracemalloc_peak_mb"], 2)
        figures[f"{name}_maxrss_growth_mb"] = round(result["maxrss_growth_mb"], 1)
        figures[f"{name}_refused"] = result["outcome"] != "accepted"
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
