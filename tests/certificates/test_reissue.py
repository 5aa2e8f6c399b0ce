"""Certificates issued with the built-in design, made again once a design is live."""

import hashlib

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from certificates import services
from certificates.models import Certificate, SupersededPdf
from certificates.services import certificate_revoke
from tests.certificates.helpers import complete, design, issue, pdf_text
from tests.certificates.test_admin import editor_client
from tests.factories import UserFactory

EDIT = "wagtailsnippets_certificates_certificatetemplate:edit"
REISSUE = "wagtailsnippets_certificates_certificatetemplate:reissue"


def issued_with_default(course, count):
    certificates = []
    for number in range(count):
        person = UserFactory(full_name=f"Nguyễn Thị Lan {number}")
        complete(person, course)
        certificates.append(issue(person, course))
    return certificates


def test_editor_sees_how_many_and_reissues_them_with_the_same_codes(
    client, course, official
):
    before = issued_with_default(course, 3)
    certificate_revoke(certificate=before[2], revoked_by=official(), reason="Sai")
    old_pdf = before[0].pdf.open("rb").read()
    template = design(course, issuer_name="Sở Khoa học và Công nghệ tỉnh Đắk Lắk")
    later = UserFactory(full_name="Trần Văn Mới")
    complete(later, course)
    issue(later, course)
    client = editor_client(client)

    edit_page = client.get(reverse(EDIT, args=[template.pk])).content.decode()
    confirm = client.get(reverse(REISSUE, args=[template.pk])).content.decode()
    assert "Reissue 2 certificates with this design" in edit_page
    assert "2 certificates of" in confirm
    assert not SupersededPdf.objects.exists()

    response = client.post(reverse(REISSUE, args=[template.pk]), follow=True)

    assert "2 certificates are being reissued" in response.content.decode()
    first = Certificate.objects.get(pk=before[0].pk)
    assert first.code == before[0].code
    assert first.reissued_at is not None
    new_pdf = first.pdf.open("rb").read()
    text = pdf_text(new_pdf)
    assert "SỞ KHOA HỌC VÀ CÔNG NGHỆ TỈNH ĐẮK LẮK" in text
    assert first.code in text and "Nguyễn Thị Lan 0" in text
    assert hashlib.sha256(new_pdf).hexdigest() == first.pdf_sha256
    record = SupersededPdf.objects.get(certificate=first)
    assert record.pdf.open("rb").read() == old_pdf
    assert SupersededPdf.objects.count() == 2  # not the revoked one, not the new one
    after = client.get(reverse(EDIT, args=[template.pk])).content.decode()
    assert "Reissue" not in after


def test_many_are_reissued_in_the_background(
    course, django_capture_on_commit_callbacks, monkeypatch
):
    monkeypatch.setattr(services, "REISSUE_INLINE", 1)
    before = issued_with_default(course, 3)
    template = design(course)
    editor = UserFactory()

    with django_capture_on_commit_callbacks(execute=True):
        waiting = services.design_reissue_start(template=template, by=editor)

    assert waiting == 3
    assert all(
        certificate.reissued_at
        for certificate in Certificate.objects.filter(pk__in=[c.pk for c in before])
    )
    assert not services.certificates_before_design(template=template).exists()


def test_nothing_to_reissue_says_so(course):
    template = design(course)

    with pytest.raises(ValidationError, match="No certificate"):
        services.design_reissue_start(template=template, by=UserFactory())
