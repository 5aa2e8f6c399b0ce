"""Building H5P packages in memory: a tiny valid one, and broken ones from it.

The tiny package has a main library that depends on a utility library through its
own ``library.json``, as real packages do, so tests can break either level.
"""

import io
import json
import os
import struct
import zipfile
from collections.abc import Iterable, Mapping
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
SHARED_PACKAGES = REPO_ROOT.parent / "shared" / "h5p"

# The sample packages sit beside the repository in CI, where their absence must fail
# the run; a checkout without them still runs every other test.
needs_shared_packages = pytest.mark.skipif(
    not SHARED_PACKAGES.is_dir() and not os.environ.get("CI"),
    reason="the shared H5P sample packages are absent",
)

MAIN = "LMS.TinyQuestion"
UTIL = "LMS.TinyUtil"


def _json(data) -> bytes:
    return json.dumps(data, ensure_ascii=False, indent=2).encode()


def tiny_package_files(
    *,
    title: str = "Câu hỏi thử: mã OTP",
    question: str = "Có nên đọc mã OTP cho người gọi điện tự xưng là ngân hàng?",
    util_js: str = "var LMSTinyUtil = {};\n",
) -> dict[str, bytes]:
    """The members of a minimal valid package, to be changed by a test."""
    return {
        "h5p.json": _json(
            {
                "title": title,
                "language": "vi",
                "mainLibrary": MAIN,
                "embedTypes": ["div"],
                "license": "U",
                "preloadedDependencies": [
                    {"machineName": MAIN, "majorVersion": 1, "minorVersion": 0}
                ],
            }
        ),
        "content/content.json": _json({"question": question, "correct": "false"}),
        f"{MAIN}-1.0/library.json": _json(
            {
                "title": "Tiny Question",
                "machineName": MAIN,
                "majorVersion": 1,
                "minorVersion": 0,
                "patchVersion": 3,
                "runnable": 1,
                "preloadedJs": [{"path": "tiny.js"}],
                "preloadedCss": [{"path": "tiny.css"}],
                "preloadedDependencies": [
                    {"machineName": UTIL, "majorVersion": "1", "minorVersion": "2"}
                ],
            }
        ),
        f"{MAIN}-1.0/tiny.js": b"H5P.TinyQuestion = function () {};\n",
        f"{MAIN}-1.0/tiny.css": b".tiny-question { color: #123; }\n",
        f"{UTIL}-1.2/library.json": _json(
            {
                "title": "Tiny Util",
                "machineName": UTIL,
                "majorVersion": 1,
                "minorVersion": 2,
                "patchVersion": 0,
                "runnable": 0,
                "preloadedJs": [{"path": "js/util.js"}],
            }
        ),
        f"{UTIL}-1.2/js/util.js": util_js.encode(),
    }


ZIP_TIME = (2026, 1, 1, 0, 0, 0)


def zip_bytes(
    files: Mapping[str, bytes],
    *,
    extra: Iterable[tuple[zipfile.ZipInfo, bytes]] = (),
) -> bytes:
    """A deflated ZIP of ``files``, plus members whose header a test sets itself."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            # A fixed time, not the clock's: the same files give the same bytes
            # (and the same SHA-256) whenever they are zipped.
            info = zipfile.ZipInfo(name, date_time=ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, data)
        for info, data in extra:
            archive.writestr(info, data)
    return buffer.getvalue()


def tiny_package(**options) -> bytes:
    return zip_bytes(tiny_package_files(**options))


def symlink_member(name: str, target: str) -> tuple[zipfile.ZipInfo, bytes]:
    """A member marked as a Unix symbolic link, as `zip --symlinks` writes it."""
    info = zipfile.ZipInfo(name)
    info.create_system = 3
    info.external_attr = (0o120777) << 16
    return info, target.encode()


def with_declared_size(data: bytes, name: str, size: int) -> bytes:
    """The archive with ``name``'s uncompressed size rewritten in both headers.

    The data and its checksum are left as they were, so the headers lie.
    """
    patched = bytearray(data)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        offset = archive.getinfo(name).header_offset
    # Local file header: uncompressed size at byte 22.
    struct.pack_into("<I", patched, offset + 22, size)
    encoded = name.encode()
    position = patched.find(b"PK\x01\x02")
    while position != -1:
        name_length = struct.unpack_from("<H", patched, position + 28)[0]
        if bytes(patched[position + 46 : position + 46 + name_length]) == encoded:
            # Central directory entry: uncompressed size at byte 24.
            struct.pack_into("<I", patched, position + 24, size)
            return bytes(patched)
        position = patched.find(b"PK\x01\x02", position + 4)
    raise ValueError(f"{name} has no central directory entry")
