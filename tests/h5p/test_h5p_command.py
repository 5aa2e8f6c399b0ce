"""``manage.py import_h5p FILE...``."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from h5p.models import H5PPackage

from .builders import (
    MAIN,
    SHARED_PACKAGES,
    needs_shared_packages,
    tiny_package,
    tiny_package_files,
    zip_bytes,
)
from .test_h5p_package import REAL_PACKAGES

pytestmark = pytest.mark.django_db


def run(*paths) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("import_h5p", *map(str, paths), stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_valid_packages_are_imported_one_line_each(tmp_path):
    first, second = tmp_path / "bai-1.h5p", tmp_path / "bai-2.h5p"
    first.write_bytes(tiny_package(title="Bài 1"))
    second.write_bytes(tiny_package(title="Bài 2"))

    out, err = run(first, second)

    packages = list(H5PPackage.objects.order_by("pk"))
    assert out.splitlines() == [
        f"Imported “Bài {n}” ({MAIN} 1.0.3), id {package.pk}"
        for n, package in enumerate(packages, start=1)
    ]
    assert err == ""
    # Each keeps the name of its file, without the folder it was in.
    assert [package.original_name for package in packages] == ["bai-1.h5p", "bai-2.h5p"]


def test_invalid_package_is_refused_with_one_line_per_reason(tmp_path):
    files = tiny_package_files()
    files["content/setup.exe"] = b"MZ"
    files["content/../escape.json"] = b"{}"
    bad, good = tmp_path / "bad.h5p", tmp_path / "good.h5p"
    bad.write_bytes(zip_bytes(files))
    good.write_bytes(tiny_package())
    out, err = StringIO(), StringIO()

    with pytest.raises(CommandError) as caught:
        call_command("import_h5p", str(bad), str(good), stdout=out, stderr=err)

    assert caught.value.returncode == 1
    assert "1 of 2 packages were refused" in str(caught.value)
    lines = err.getvalue().splitlines()
    assert len(lines) == 2
    assert all(line.startswith(f"{bad}: ") for line in lines)
    assert any(".exe" in line for line in lines)
    assert any("“..”" in line for line in lines)
    assert H5PPackage.objects.get().title == "Câu hỏi thử: mã OTP"
    assert len(out.getvalue().splitlines()) == 1


def test_missing_file_is_refused(tmp_path):
    with pytest.raises(CommandError) as caught:
        run(tmp_path / "khong-co.h5p")
    assert caught.value.returncode == 1
    assert H5PPackage.objects.count() == 0


@needs_shared_packages
def test_real_packages_import_from_the_command_line():
    out, err = run(*(SHARED_PACKAGES / row[0] for row in REAL_PACKAGES))

    assert err == ""
    lines = out.splitlines()
    assert len(lines) == len(REAL_PACKAGES)
    for line, (_file, title, machine_name, major, minor, _label) in zip(
        lines, REAL_PACKAGES, strict=True
    ):
        assert line.startswith(f"Imported “{title}” ({machine_name} {major}.{minor}.")
