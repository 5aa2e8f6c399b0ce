"""Validation of H5P packages: what is accepted, and each way a package is refused."""

import io
import json
import os
import unicodedata
import zipfile

import pytest
from django.core.exceptions import ValidationError

from h5p.package import MIB, read_member_chunks, validate_package

from .builders import (
    MAIN,
    SHARED_PACKAGES,
    UTIL,
    needs_shared_packages,
    symlink_member,
    tiny_package,
    tiny_package_files,
    with_declared_size,
    zip_bytes,
)

REAL_PACKAGES = [
    ("true-false.h5p", "Hello World", "H5P.TrueFalse", 1, 6, "True/False Question"),
    ("multi-choice.h5p", "Multiple Choice", "H5P.MultiChoice", 1, 14, None),
    ("single-choice-set.h5p", "Single Choice Set", "H5P.SingleChoiceSet", 1, 11, None),
    (
        "question-set.h5p",
        "Hub Download Question Set All",
        "H5P.QuestionSet",
        1,
        17,
        None,
    ),
    ("fill-in-the-blanks.h5p", "Fill in the Blanks", "H5P.Blanks", 1, 12, None),
]


def problems(data: bytes) -> list[str]:
    with pytest.raises(ValidationError) as caught:
        validate_package(io.BytesIO(data))
    return caught.value.messages


def one_problem_mentioning(data: bytes, *fragments: str) -> str:
    messages = problems(data)
    matching = [m for m in messages if all(f in m for f in fragments)]
    assert matching, messages
    return matching[0]


def test_tiny_package_is_described():
    info = validate_package(io.BytesIO(tiny_package()))

    assert info.title == "Câu hỏi thử: mã OTP"
    assert str(info.main_library) == f"{MAIN} 1.0.3"
    assert info.content_type == "Tiny Question"
    assert [str(library) for library in info.libraries] == [
        f"{UTIL} 1.2.0",
        f"{MAIN} 1.0.3",
    ]
    assert info.content_json["correct"] == "false"
    assert info.file_count == 7
    assert info.total_size == sum(len(v) for v in tiny_package_files().values())


def test_title_is_normalised_to_nfc():
    decomposed = unicodedata.normalize("NFD", "Câu hỏi về Hoà")
    info = validate_package(io.BytesIO(tiny_package(title=decomposed)))
    assert info.title == unicodedata.normalize("NFC", "Câu hỏi về Hoà")
    assert info.title != decomposed


def test_identical_library_folders_hash_alike_and_different_ones_do_not():
    first = validate_package(io.BytesIO(tiny_package(title="A")))
    same = validate_package(io.BytesIO(tiny_package(title="B", question="?")))
    changed = validate_package(io.BytesIO(tiny_package(util_js="var x = 1;\n")))

    assert first.libraries[0].content_hash == same.libraries[0].content_hash
    assert first.content_hash != same.content_hash
    assert first.libraries[0].content_hash != changed.libraries[0].content_hash


@needs_shared_packages
@pytest.mark.parametrize(
    ("file_name", "title", "machine_name", "major", "minor", "content_type"),
    REAL_PACKAGES,
)
def test_real_packages_validate(
    file_name, title, machine_name, major, minor, content_type
):
    with (SHARED_PACKAGES / file_name).open("rb") as file:
        info = validate_package(file)

    assert info.title == title
    main = info.main_library
    assert (main.machine_name, main.major, main.minor) == (machine_name, major, minor)
    assert main in info.libraries
    if content_type:
        assert info.content_type == content_type
    # Dependencies load before the libraries that need them.
    position = {library.ref: index for index, library in enumerate(info.libraries)}
    for library in info.libraries:
        for dependency in library.library_json.get("preloadedDependencies", []):
            ref = next(
                other.ref
                for other in info.libraries
                if other.machine_name == dependency["machineName"]
            )
            assert position[ref] < position[library.ref]


def test_not_a_zip_is_refused():
    message = one_problem_mentioning(b"%PDF-1.7 not a package", "not a ZIP archive")
    assert ".h5p" in message


def test_package_without_h5p_json_is_refused():
    files = tiny_package_files()
    del files["h5p.json"]
    one_problem_mentioning(zip_bytes(files), "no h5p.json")


def test_folder_zipped_around_the_package_is_explained():
    nested = {f"bai-1/{name}": data for name, data in tiny_package_files().items()}
    one_problem_mentioning(zip_bytes(nested), "no h5p.json", "“bai-1”")


def test_package_without_content_json_is_refused():
    files = tiny_package_files()
    del files["content/content.json"]
    one_problem_mentioning(zip_bytes(files), "content/content.json")


def test_h5p_json_that_is_not_json_is_refused():
    files = tiny_package_files()
    files["h5p.json"] = b'{"title": "x",'
    one_problem_mentioning(zip_bytes(files), "h5p.json is not valid JSON", "line 1")


def test_h5p_json_without_required_fields_lists_each():
    files = tiny_package_files()
    files["h5p.json"] = b"{}"
    messages = problems(zip_bytes(files))
    assert any("“title”" in m for m in messages)
    assert any("“mainLibrary”" in m for m in messages)
    assert any("“preloadedDependencies”" in m for m in messages)


def test_missing_main_library_is_refused():
    files = tiny_package_files()
    files = {k: v for k, v in files.items() if not k.startswith(f"{MAIN}-1.0/")}
    one_problem_mentioning(zip_bytes(files), f"{MAIN} 1.0", "needed by h5p.json")


def test_missing_dependency_declared_by_a_library_is_refused():
    files = tiny_package_files()
    files = {k: v for k, v in files.items() if not k.startswith(f"{UTIL}-1.2/")}
    one_problem_mentioning(
        zip_bytes(files), f"{UTIL} 1.2", f"needed by {MAIN} 1.0", "missing"
    )


def test_library_listing_a_missing_script_is_refused():
    files = tiny_package_files()
    del files[f"{MAIN}-1.0/tiny.js"]
    one_problem_mentioning(zip_bytes(files), "tiny.js", "“preloadedJs”")


def test_path_leaving_the_package_is_refused():
    files = tiny_package_files()
    files["content/../../evil.json"] = b"{}"
    one_problem_mentioning(zip_bytes(files), "content/../../evil.json", "“..”")


def test_absolute_path_is_refused():
    files = tiny_package_files()
    files["/etc/cron.d/evil.txt"] = b"* * * * * root sh"
    one_problem_mentioning(zip_bytes(files), "/etc/cron.d/evil.txt", "absolute")


def test_windows_path_is_refused():
    files = tiny_package_files()
    files["C:\\evil.txt"] = b"x"
    files["content\\..\\evil.txt"] = b"x"
    messages = problems(zip_bytes(files))
    assert sum("backslash or a drive letter" in m for m in messages) == 2


def test_symlink_member_is_refused():
    data = zip_bytes(
        tiny_package_files(),
        extra=[symlink_member("content/passwd.txt", "/etc/passwd")],
    )
    one_problem_mentioning(data, "content/passwd.txt", "symbolic link")


def test_php_file_is_refused():
    files = tiny_package_files()
    files[f"{MAIN}-1.0/shell.php"] = b"<?php system($_GET['c']); ?>"
    one_problem_mentioning(zip_bytes(files), "shell.php", ".php")


def test_html_file_is_refused():
    files = tiny_package_files()
    files["content/page.html"] = b"<script>alert(1)</script>"
    one_problem_mentioning(zip_bytes(files), "content/page.html", ".html")


def test_script_in_content_is_refused_but_allowed_in_a_library():
    files = tiny_package_files()
    files["content/tracker.js"] = b"fetch('//evil')"
    messages = problems(zip_bytes(files))
    assert len(messages) == 1
    assert "content/tracker.js" in messages[0]
    assert "library folders" in messages[0]


def test_operating_system_clutter_is_ignored():
    files = tiny_package_files()
    files["__MACOSX/content/._content.json"] = b"\0\5\26\7"
    files["content/.DS_Store"] = b"\0\0\0\1Bud1"
    info = validate_package(io.BytesIO(zip_bytes(files)))
    assert set(info.content_files) == {"content/content.json"}


def test_too_many_files_is_refused():
    files = tiny_package_files()
    files.update({f"content/images/{n}.png": b"" for n in range(2000)})
    messages = problems(zip_bytes(files))
    assert messages == [messages[0]]
    assert "2007 files and folders" in messages[0]
    assert "at most 2000" in messages[0]


def test_oversized_table_of_contents_is_refused_before_it_is_loaded(settings):
    settings.H5P_MAX_FILES = 10
    files = tiny_package_files()
    files.update({f"content/{'x' * 200}-{n}.txt": b"" for n in range(40)})
    messages = problems(zip_bytes(files))
    assert len(messages) == 1
    assert "table of contents" in messages[0]


def test_oversized_member_is_refused(settings):
    settings.H5P_MAX_FILE_BYTES = 1 * MIB
    files = tiny_package_files()
    files["content/video.mp4"] = os.urandom(MIB * 3 // 2)
    one_problem_mentioning(
        zip_bytes(files), "content/video.mp4", "one file may be at most"
    )


def test_total_size_too_big_is_refused(settings):
    settings.H5P_MAX_TOTAL_BYTES = 2 * MIB
    files = tiny_package_files()
    for number in range(3):
        files[f"content/audio-{number}.mp3"] = os.urandom(MIB)
    one_problem_mentioning(zip_bytes(files), "The package unpacks to", "at most")


def test_zip_bomb_is_refused_by_its_ratio():
    files = tiny_package_files()
    files["content/notes.txt"] = bytes(5 * MIB)
    one_problem_mentioning(zip_bytes(files), "content/notes.txt", "ZIP bomb")


def test_member_whose_header_lies_about_its_size_is_caught_while_streaming():
    files = tiny_package_files()
    files["content/notes.txt"] = bytes(20 * MIB)
    data = with_declared_size(zip_bytes(files), "content/notes.txt", 1000)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert archive.getinfo("content/notes.txt").file_size == 1000

    one_problem_mentioning(data, "content/notes.txt", "does not match its header")


def test_streaming_stops_at_the_byte_limit_it_is_given():
    data = zip_bytes({"content/notes.txt": bytes(300_000)})
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        member = archive.getinfo("content/notes.txt")
        received = 0
        with pytest.raises(ValidationError) as caught:
            for chunk in read_member_chunks(archive, member, max_bytes=100_000):
                received += len(chunk)
    assert received <= 100_000
    assert "content/notes.txt unpacks to more than" in caught.value.messages[0]


def test_all_problems_are_reported_together():
    files = tiny_package_files()
    del files["content/content.json"]
    files["content/run.sh"] = b"rm -rf /"
    files["content/../x.json"] = b"{}"
    messages = problems(zip_bytes(files))
    assert len(messages) == 3


def _library_json(files: dict, folder: str) -> dict:
    return json.loads(files[f"{folder}/library.json"])


def test_an_invalid_folder_beside_the_used_libraries_is_refused():
    files = tiny_package_files()
    files["notes/readme.txt"] = b"left over"
    one_problem_mentioning(zip_bytes(files), "“notes”", "not a valid library folder")


def test_an_unused_library_folder_not_matching_its_library_json_is_refused():
    files = tiny_package_files()
    files["LMS.Spare-2.0/library.json"] = files[f"{UTIL}-1.2/library.json"]
    files["LMS.Spare-2.0/util.js"] = b""
    one_problem_mentioning(zip_bytes(files), "LMS.Spare-2.0/library.json", "folder")


def test_a_library_needing_a_newer_h5p_core_is_refused():
    files = tiny_package_files()
    data = _library_json(files, f"{MAIN}-1.0")
    data["coreApi"] = {"majorVersion": 1, "minorVersion": 27}
    files[f"{MAIN}-1.0/library.json"] = json.dumps(data).encode()
    one_problem_mentioning(zip_bytes(files), "needs H5P core 1.27", "runs 1.24")


def test_a_library_needing_the_players_core_is_accepted():
    files = tiny_package_files()
    data = _library_json(files, f"{MAIN}-1.0")
    data["coreApi"] = {"majorVersion": 1, "minorVersion": 24}
    files[f"{MAIN}-1.0/library.json"] = json.dumps(data).encode()
    assert validate_package(io.BytesIO(zip_bytes(files))).title


def test_a_language_file_that_is_not_json_is_refused():
    files = tiny_package_files()
    files[f"{UTIL}-1.2/language/vi.json"] = b"{semantics: ["
    one_problem_mentioning(
        zip_bytes(files), f"{UTIL}-1.2/language/vi.json", "not valid JSON"
    )
