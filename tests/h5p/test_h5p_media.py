"""Pictures of a package's content, and its libraries' scripts, are stored light
enough for a phone."""

import io
import json
import random
import subprocess
import zipfile
from hashlib import sha256
from importlib import import_module

import pytest
from django.apps import apps as django_apps
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from h5p import media
from h5p.media import MAX_WIDTH, picture_lightened
from h5p.services import h5p_package_import

from .builders import (
    MAIN,
    SHARED_PACKAGES,
    UTIL,
    needs_shared_packages,
    tiny_package_files,
    zip_bytes,
)

pytestmark = pytest.mark.django_db

PHOTO = "content/images/cho-phien.jpg"


def photo(size: tuple[int, int], *, quality: int = 95, orientation: int = 1) -> bytes:
    """A photo as a camera writes it: noisy, high quality, with EXIF."""
    picture = Image.merge(
        "RGB", [Image.effect_noise(size, 60 + 20 * band) for band in range(3)]
    )
    exif = Image.Exif()
    exif[0x0112] = orientation
    exif[0x010F] = "Máy ảnh"
    out = io.BytesIO()
    picture.save(out, "JPEG", quality=quality, exif=exif.tobytes())
    return out.getvalue()


def imported(uploader, extra: dict[str, bytes], name: str = "anh.h5p"):
    data = zip_bytes({**tiny_package_files(), **extra})
    return h5p_package_import(
        file=SimpleUploadedFile(name, data, content_type="application/zip"),
        uploaded_by=uploader,
    )


def stored(package, member: str) -> bytes:
    with default_storage.open(
        package.content_prefix + member.removeprefix("content/")
    ) as f:
        return f.read()


def test_a_heavy_photo_is_stored_phone_sized_without_its_metadata(uploader):
    original = photo((2400, 800))
    assert len(original) > 1_000_000

    package = imported(uploader, {PHOTO: original})

    kept = stored(package, PHOTO)
    assert len(kept) < len(original) / 4
    with Image.open(io.BytesIO(kept)) as picture:
        assert picture.format == "JPEG"
        assert picture.size == (MAX_WIDTH, 360)
        assert not picture.getexif()
    # content.json is stored as the package had it.
    assert (
        stored(package, "content/content.json")
        == (tiny_package_files()["content/content.json"])
    )


def test_a_photo_taken_sideways_is_stored_upright(uploader):
    package = imported(uploader, {PHOTO: photo((1600, 1200), orientation=6)})

    with Image.open(io.BytesIO(stored(package, PHOTO))) as picture:
        # Orientation 6: the camera was turned a quarter; upright it is taller.
        assert picture.size == (MAX_WIDTH, 1440)


def test_a_light_picture_is_stored_as_it_came(uploader):
    small = photo((600, 200), quality=70)

    package = imported(uploader, {PHOTO: small})

    assert stored(package, PHOTO) == small


@pytest.mark.parametrize(
    "data",
    [b"\xff\xd8\xff" + b"not really a JPEG" * 20_000, b"GIF89a" + b"\x00" * 200_000],
    ids=["damaged", "a GIF named .jpg"],
)
def test_a_picture_pillow_cannot_read_safely_is_stored_as_it_came(uploader, data):
    package = imported(uploader, {PHOTO: data})

    assert stored(package, PHOTO) == data


def test_a_photo_whose_metadata_is_broken_is_stored_as_it_came(uploader):
    # Three bytes of its EXIF block overwritten: Pillow then fails with
    # struct.error while turning the photo upright.
    damaged = bytearray(photo((1600, 500), orientation=6))
    exif = damaged.index(b"Exif")
    rng = random.Random(117)
    for _byte in range(3):
        damaged[exif + rng.randrange(4, 60)] = rng.randrange(256)
    damaged = bytes(damaged)

    package = imported(uploader, {PHOTO: damaged})

    assert sha256(stored(package, PHOTO)).digest() == sha256(damaged).digest()


def test_a_picture_too_large_to_decode_safely_is_stored_as_it_came(uploader):
    # 6,000 × 5,000 pixels of one colour: a few KB to upload, 90 MB to decode.
    plain = io.BytesIO()
    Image.new("RGB", (6000, 5000), "white").save(plain, "PNG")
    name = "content/images/nen.png"

    package = imported(uploader, {name: plain.getvalue()})

    assert sha256(stored(package, name)).digest() == sha256(plain.getvalue()).digest()


def test_the_same_picture_is_always_made_the_same_lighter_picture():
    # The content folder is named by the hash of the package's files: writing a
    # picture again (another upload, a restore) must give the same bytes.
    original = photo((2000, 600))

    assert picture_lightened(original, "jpg") == picture_lightened(original, "JPG")
    assert picture_lightened(original, "jpg") is not None


@needs_shared_packages
def test_the_sample_multiple_choice_banner_goes_from_800_to_under_100_kb(uploader):
    data = (SHARED_PACKAGES / "multi-choice.h5p").read_bytes()
    package = h5p_package_import(
        file=SimpleUploadedFile(
            "multi-choice.h5p", data, content_type="application/zip"
        ),
        uploaded_by=uploader,
    )

    kept = stored(package, "content/images/file-5885c23902f31.jpg")
    assert len(kept) < 100 * 1024
    with Image.open(io.BytesIO(kept)) as picture:
        width, height = picture.size
    # 1,588 × 458 scaled to the phone width, its shape kept.
    assert width == MAX_WIDTH
    assert abs(height - round(458 * MAX_WIDTH / 1588)) <= 1


# A library script as authors write one: a licence, comments, indentation, and
# strings, a template literal and a regular expression that look like comments.
UTIL_JS = r"""/*! Tiny Util 1.2 | MIT licence */
/**
 * Helpers the question uses. This comment is for whoever reads the source.
 */
var LMSTinyUtil = (function () {
  'use strict';

  // Joined with two spaces, as the question shows them.
  var joined = ['Sai', 'Đúng'].join('  //  ');
  var label = `Câu ${1 + 1}:
    /* not a comment */ tiếp`;
  var pattern = /\/\/ *[a-z]+/g;

  return {
    joined: joined,
    label: label,
    found: ('x // ab y'.match(pattern) || []).join('|'),
  };
})();
"""
RESULT = "console.log(JSON.stringify(LMSTinyUtil))"


def node_result(script: bytes) -> dict:
    completed = subprocess.run(
        ["node", "-e", script.decode() + ";" + RESULT],
        capture_output=True,
        check=True,
        text=True,
        timeout=30,
    )
    return json.loads(completed.stdout)


def test_a_librarys_script_is_stored_minified_and_does_what_it_did(uploader):
    files = tiny_package_files(util_js=UTIL_JS)

    package = imported(uploader, files)

    name = package.storage_name(f"{UTIL}-1.2/js/util.js")
    with default_storage.open(name) as f:
        kept = f.read()
    original = files[f"{UTIL}-1.2/js/util.js"]
    assert len(kept) < len(original) * 0.7
    assert kept.startswith(b"/*! Tiny Util 1.2 | MIT licence */")
    assert b"whoever reads the source" not in kept
    assert b"Joined with two spaces" not in kept
    assert (
        node_result(kept)
        == node_result(original)
        == {
            "joined": "Sai  //  Đúng",
            "label": "Câu 2:\n    /* not a comment */ tiếp",
            "found": "// ab",
        }
    )


def test_a_librarys_stylesheet_and_description_are_stored_as_they_came(uploader):
    files = tiny_package_files()

    package = imported(uploader, files)

    for member in (f"{MAIN}-1.0/tiny.css", f"{MAIN}-1.0/library.json"):
        with default_storage.open(package.storage_name(member)) as f:
            assert f.read() == files[member]


@needs_shared_packages
def test_the_sample_libraries_scripts_are_stored_a_third_lighter_and_still_parse(
    uploader, tmp_path
):
    data = (SHARED_PACKAGES / "true-false.h5p").read_bytes()
    package = h5p_package_import(
        file=SimpleUploadedFile("true-false.h5p", data, content_type="application/zip"),
        uploaded_by=uploader,
    )

    scripts = [
        (library, entry["path"])
        for library in package.ordered_libraries()
        for entry in library.library_json.get("preloadedJs", [])
    ]
    before = after = 0
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for number, (library, path) in enumerate(scripts):
            before += archive.getinfo(f"{library.folder_name}/{path}").file_size
            with default_storage.open(library.storage_prefix + path) as f:
                kept = f.read()
            after += len(kept)
            (tmp_path / f"{number}.js").write_bytes(kept)
    assert len(scripts) >= 15
    assert after < before * 0.67
    # Each stored script is still JavaScript a browser can parse.
    for path in sorted(tmp_path.glob("*.js")):
        subprocess.run(["node", "--check", str(path)], check=True, timeout=30)


def test_scripts_stored_before_they_were_minified_are_minified_by_the_migration(
    uploader, monkeypatch
):
    files = tiny_package_files(util_js=UTIL_JS)
    with monkeypatch.context() as before:
        before.setattr(media, "script_lightened", lambda data: None)
        package = imported(uploader, files)
    name = package.storage_name(f"{UTIL}-1.2/js/util.js")
    with default_storage.open(name) as f:
        assert f.read() == files[f"{UTIL}-1.2/js/util.js"]
    migration = import_module("h5p.migrations.0008_library_scripts_minified")

    migration.library_scripts_minify(django_apps, None)
    with default_storage.open(name) as f:
        minified = f.read()
    # Run again (a migration replayed on a copy), nothing changes.
    migration.library_scripts_minify(django_apps, None)

    assert minified == media.script_lightened(files[f"{UTIL}-1.2/js/util.js"])
    with default_storage.open(name) as f:
        assert f.read() == minified
    assert node_result(minified)["joined"] == "Sai  //  Đúng"
