import hashlib
import io
import unicodedata
from datetime import date
from urllib.parse import urlsplit

import pypdf
import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from certificates.models import Certificate
from certificates.services import certificate_issue_or_get
from tests.certificates.helpers import (
    design,
    issue,
    pdf_text,
    pypdf_text,
    qr_payload,
    seal_image,
)
from tests.factories import UserFactory, add_course

NAME = "Nguyễn Thị Ánh Tuyết"


@pytest.mark.parametrize("form", ["NFC", "NFD"])
def test_the_name_reads_back_from_the_pdf_exactly_as_nfc(course, form):
    person = UserFactory(full_name=unicodedata.normalize(form, NAME))

    certificate = issue(person, course)

    pdf = certificate.pdf.open("rb").read()
    for text in (pdf_text(pdf), pypdf_text(pdf)):
        assert NAME.encode("utf-8") in text.encode("utf-8")
    assert certificate.recipient_name == NAME


def test_pdf_is_stored_with_its_sha256_and_rendered_once(course, user):
    certificate = issue(user, course)

    stored = certificate.pdf.open("rb").read()
    assert stored.startswith(b"%PDF")
    assert hashlib.sha256(stored).hexdigest() == certificate.pdf_sha256
    assert certificate.code not in certificate.pdf.name


def test_issuing_again_returns_the_same_certificate(course, user):
    first, created_first = certificate_issue_or_get(
        user=user, course=course, source=Certificate.Source.COMMAND
    )
    again, created_again = certificate_issue_or_get(
        user=user, course=course, source=Certificate.Source.BULK
    )

    assert (created_first, created_again) == (True, False)
    assert again.pk == first.pk and again.code == first.code
    assert Certificate.objects.filter(user=user, course=course).count() == 1


def test_qr_code_opens_the_public_verification_page(course, user, client, tmp_path):
    certificate = issue(user, course)

    url = qr_payload(certificate.pdf.open("rb").read(), tmp_path)

    assert url == f"http://testserver/certificates/verify/{certificate.code}/"
    page = client.get(urlsplit(url).path)
    assert page.status_code == 200
    assert "This certificate is valid." in page.content.decode()


def test_published_design_is_printed(course, user):
    design(course, logo_image=seal_image(), layout="classic")

    text = pdf_text(issue(user, course).pdf.open("rb").read())

    assert "GIẤY CHỨNG NHẬN" in text
    assert f"Đã hoàn thành khóa học {course.title}" in text
    assert "Thời lượng: 8 giờ" in text
    assert "Ủy ban nhân dân xã Tân Phú" in text
    assert "Chủ tịch" in text and "Trần Văn Bình" in text


def test_unpublished_changes_to_a_design_are_not_printed(course, user):
    template = design(course)
    template.issuer_name = "Bản nháp chưa duyệt"
    template.save_revision()

    certificate = issue(user, course)

    assert certificate.issuer_name == "Ủy ban nhân dân xã Tân Phú"
    assert "Bản nháp chưa duyệt" not in pdf_text(certificate.pdf.open("rb").read())


def test_course_without_a_design_gets_the_built_in_one(course, user):
    certificate = issue(user, course, issued_on=date(2025, 8, 15))

    text = pdf_text(certificate.pdf.open("rb").read())

    assert course.title in text
    assert "Ngày 15 tháng 8 năm 2025" in text
    assert certificate.code in text


def test_certificate_is_vietnamese_whatever_the_issuers_language(
    course, user, settings
):
    settings.LANGUAGE_CODE = "en"

    certificate = issue(user, course)

    reader = pypdf.PdfReader(io.BytesIO(certificate.pdf.open("rb").read()))
    assert reader.trailer["/Root"]["/Lang"] == "vi"
    assert certificate.language == "vi"


def test_a_course_without_certificates_refuses(catalogue, user):
    course = add_course(catalogue, title="Khoá không cấp", awards_certificate=False)

    with pytest.raises(ValidationError, match="does not award certificates"):
        issue(user, course)
    assert not Certificate.objects.exists()


def test_a_person_without_a_name_gets_an_actionable_refusal(course):
    nameless = UserFactory(full_name="", email="an@example.vn")

    with pytest.raises(ValidationError) as error:
        issue(nameless, course)

    assert error.value.code == "missing_name"
    assert "add it to the profile" in error.value.messages[0]


def test_later_edits_do_not_change_an_issued_certificate(course, user, client):
    certificate = issue(user, course)
    user.full_name = "Tên Khác Hẳn"
    user.save()
    course.title = "Khoá đã đổi tên"
    course.save_revision().publish()

    page = client.get(reverse("certificates:verify", args=[certificate.code]))

    assert "Khoá đã đổi tên" not in page.content.decode()
    assert certificate.course_title in page.content.decode()
