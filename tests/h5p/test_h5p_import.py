"""Importing packages: what is stored, where, and only once."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile

from h5p.models import H5PLibrary, H5PPackage
from h5p.selectors import h5p_package_get
from h5p.services import h5p_package_import

from .builders import (
    MAIN,
    SHARED_PACKAGES,
    UTIL,
    needs_shared_packages,
    tiny_package,
    tiny_package_files,
    with_declared_size,
    zip_bytes,
)
from .test_h5p_package import REAL_PACKAGES

pytestmark = pytest.mark.django_db


def upload(data: bytes, name: str = "bai-1.h5p") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/zip")


def stored_files(prefix: str) -> set[str]:
    """Every file under a storage folder, as paths relative to it."""
    found = set()
    pending = [prefix.rstrip("/")]
    while pending:
        folder = pending.pop()
        directories, files = default_storage.listdir(folder)
        found.update(f"{folder}/{name}".removeprefix(prefix) for name in files)
        pending.extend(f"{folder}/{name}" for name in directories)
    return found


def test_import_stores_content_libraries_and_original(uploader):
    data = tiny_package()
    package = h5p_package_import(file=upload(data), uploaded_by=uploader)

    package = h5p_package_get(pk=package.pk)
    assert package.title == "Câu hỏi thử: mã OTP"
    assert package.content_type == "Tiny Question"
    assert str(package.main_library) == f"{MAIN} 1.0.3"
    assert package.uploaded_by == uploader
    assert package.h5p_json["mainLibrary"] == MAIN
    assert [str(lib) for lib in package.ordered_libraries()] == [
        f"{UTIL} 1.2.0",
        f"{MAIN} 1.0.3",
    ]
    with package.file.open("rb") as original:
        assert original.read() == data
    assert stored_files(package.content_prefix) == {"content.json"}
    main = package.main_library
    assert main.storage_prefix.startswith(f"h5p/libraries/{MAIN}-1.0.3-")
    assert stored_files(main.storage_prefix) == {"library.json", "tiny.js", "tiny.css"}
    with default_storage.open(package.storage_name("content/content.json")) as f:
        assert f.read() == tiny_package_files()["content/content.json"]
    with default_storage.open(package.storage_name(f"{UTIL}-1.2/js/util.js")) as f:
        # A library's script is stored minified (tests/h5p/test_h5p_media.py).
        assert f.read() == b"var LMSTinyUtil={};"


def test_storage_name_refuses_paths_outside_the_package():
    package = h5p_package_import(file=upload(tiny_package()), uploaded_by=None)
    assert package.storage_name("content/../../../settings.py") is None
    assert package.storage_name("Other.Library-1.0/x.js") is None
    assert package.storage_name("h5p.json") is None
    assert package.storage_name("content/") is None


def test_second_import_of_the_same_file_returns_the_same_package():
    data = tiny_package()
    first = h5p_package_import(file=upload(data), uploaded_by=None)
    second = h5p_package_import(file=io.BytesIO(data), uploaded_by=None)

    assert second.pk == first.pk
    assert H5PPackage.objects.count() == 1
    assert default_storage.listdir("h5p/packages")[1] == [f"{first.sha256}.h5p"]


def test_packages_sharing_a_library_store_it_once():
    first = h5p_package_import(
        file=upload(tiny_package(title="Bài 1")), uploaded_by=None
    )
    second = h5p_package_import(
        file=upload(tiny_package(title="Bài 2", question="Mật khẩu mạnh là gì?")),
        uploaded_by=None,
    )

    assert first.pk != second.pk
    assert first.content_prefix != second.content_prefix
    assert H5PLibrary.objects.filter(machine_name=UTIL).count() == 1
    assert H5PLibrary.objects.count() == 2
    assert len(default_storage.listdir("h5p/libraries")[0]) == 2
    assert set(first.libraries.all()) == set(second.libraries.all())


def test_changed_library_files_are_stored_as_another_library():
    h5p_package_import(file=upload(tiny_package()), uploaded_by=None)
    h5p_package_import(file=upload(tiny_package(util_js="var v2;\n")), uploaded_by=None)

    utils = H5PLibrary.objects.filter(machine_name=UTIL)
    assert utils.count() == 2
    assert len({library.storage_prefix for library in utils}) == 2


def test_refused_package_records_and_stores_nothing():
    files = tiny_package_files()
    files["content/shell.php"] = b"<?php ?>"
    with pytest.raises(ValidationError) as caught:
        h5p_package_import(file=upload(zip_bytes(files)), uploaded_by=None)

    assert any("shell.php" in message for message in caught.value.messages)
    assert H5PPackage.objects.count() == 0
    assert not default_storage.exists("h5p")


def test_lying_header_refuses_the_package_and_stores_nothing():
    files = tiny_package_files()
    files["content/notes.txt"] = bytes(20 * 1024 * 1024)
    data = with_declared_size(zip_bytes(files), "content/notes.txt", 1000)
    with pytest.raises(ValidationError) as caught:
        h5p_package_import(file=upload(data), uploaded_by=None)

    assert any("does not match its header" in m for m in caught.value.messages)
    assert H5PPackage.objects.count() == 0
    assert not default_storage.exists("h5p")


def test_file_larger_than_the_total_limit_is_refused_before_reading(settings):
    settings.H5P_MAX_TOTAL_BYTES = 1000
    with pytest.raises(ValidationError) as caught:
        h5p_package_import(file=upload(tiny_package()), uploaded_by=None)
    assert "an H5P package may be at most" in caught.value.messages[0]


@needs_shared_packages
def test_real_packages_import_and_share_their_common_libraries():
    packages = []
    for file_name, title, machine_name, major, minor, _label in REAL_PACKAGES:
        with (SHARED_PACKAGES / file_name).open("rb") as file:
            package = h5p_package_import(file=file, uploaded_by=None)
        assert package.title == title
        main = package.main_library
        assert (main.machine_name, main.major_version, main.minor_version) == (
            machine_name,
            major,
            minor,
        )
        assert default_storage.exists(package.storage_name("content/content.json"))
        for library in package.ordered_libraries():
            for script in library.library_json.get("preloadedJs", []):
                name = package.storage_name(f"{library.folder_name}/{script['path']}")
                assert default_storage.exists(name), name
        packages.append(package)

    assert H5PPackage.objects.count() == len(REAL_PACKAGES)
    # FontAwesome 4.5 ships byte-identical in every sample package.
    assert H5PLibrary.objects.filter(machine_name="FontAwesome").count() == 1
    links = sum(len(package.ordered_libraries()) for package in packages)
    assert H5PLibrary.objects.count() < links


def content_only(**options) -> bytes:
    """A package as an H5P editor exports it "without libraries"."""
    files = tiny_package_files(**options)
    return zip_bytes(
        {
            name: data
            for name, data in files.items()
            if name == "h5p.json" or name.startswith("content/")
        }
    )


def test_a_content_only_package_uses_the_libraries_already_installed():
    full = h5p_package_import(file=io.BytesIO(tiny_package()), uploaded_by=None)

    package = h5p_package_import(
        file=upload(content_only(question="Mật khẩu nên dài bao nhiêu ký tự?")),
        uploaded_by=None,
    )

    assert package.pk != full.pk
    assert package.main_library == full.main_library
    assert [lib.pk for lib in h5p_package_get(pk=package.pk).ordered_libraries()] == [
        lib.pk for lib in h5p_package_get(pk=full.pk).ordered_libraries()
    ]
    assert H5PLibrary.objects.count() == 2
    assert package.storage_name(f"{MAIN}-1.0/tiny.js") == full.storage_name(
        f"{MAIN}-1.0/tiny.js"
    )


def test_a_content_only_package_without_its_libraries_installed_is_refused():
    with pytest.raises(ValidationError) as refused:
        h5p_package_import(file=upload(content_only()), uploaded_by=None)

    assert f"The library {MAIN} 1.0, needed by h5p.json, is missing" in str(
        refused.value
    )
    assert not H5PPackage.objects.exists()


def test_a_content_only_package_needs_the_same_major_and_minor_version():
    h5p_package_import(file=io.BytesIO(tiny_package()), uploaded_by=None)
    files = tiny_package_files()
    files["h5p.json"] = files["h5p.json"].replace(
        b'"minorVersion": 0', b'"minorVersion": 1'
    )
    data = zip_bytes(
        {name: files[name] for name in ("h5p.json", "content/content.json")}
    )

    with pytest.raises(ValidationError) as refused:
        h5p_package_import(file=upload(data), uploaded_by=None)

    assert f"The library {MAIN} 1.1, needed by h5p.json, is missing" in str(
        refused.value
    )
    assert H5PPackage.objects.count() == 1
