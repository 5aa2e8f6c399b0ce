import hashlib
import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from certificates.models import Certificate
from tests.factories import UserFactory


def run(*args) -> str:
    out = io.StringIO()
    call_command("issue_certificate", *args, stdout=out)
    return out.getvalue()


def test_command_issues_by_phone_and_prints_code_and_pdf(course):
    person = UserFactory(phone="+84912345678", full_name="Hoàng Thị Ngọc Ẩn")

    output = run("--user", "0912 345 678", "--course", course.slug, "--reason", "Bù")

    certificate = Certificate.objects.get(user=person, course=course)
    assert f"Issued {certificate.code}" in output
    assert certificate.reason == "Bù"
    assert certificate.source == Certificate.Source.COMMAND
    pdf_line = next(line for line in output.splitlines() if line.startswith("PDF: "))
    stored = Path(pdf_line.removeprefix("PDF: ")).read_bytes()
    assert hashlib.sha256(stored).hexdigest() == certificate.pdf_sha256


def test_command_by_email_returns_the_existing_certificate(course):
    UserFactory(email="an@example.vn", full_name="Đặng Hữu Phước")
    first = run("--user", "AN@example.vn", "--course", course.slug)

    again = run("--user", "an@example.vn", "--course", course.slug)

    code = Certificate.objects.get().code
    assert f"Issued {code}" in first
    assert f"Already issued {code}" in again
    assert Certificate.objects.count() == 1


@pytest.mark.parametrize(
    ("user", "course_slug", "message"),
    [
        ("0999999999", None, "Nobody has"),
        ("nobody@example.vn", None, "Nobody has"),
        ("12", None, "valid Vietnamese mobile number"),
        ("an@example.vn", "khong-co", "No course has the slug"),
    ],
)
def test_command_explains_what_it_could_not_find(course, user, course_slug, message):
    UserFactory(email="an@example.vn")

    with pytest.raises(CommandError, match=message):
        run("--user", user, "--course", course_slug or course.slug)
    assert not Certificate.objects.exists()


def test_command_reports_a_missing_name(course):
    UserFactory(email="an@example.vn", full_name="")

    with pytest.raises(CommandError, match="no full name"):
        run("--user", "an@example.vn", "--course", course.slug)
