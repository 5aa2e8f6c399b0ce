"""A revoked certificate: shown as revoked everywhere, its PDF handed out no more."""

import io
import zipfile

from django.urls import reverse
from django.utils import timezone

from certificates import exports
from certificates.services import (
    bulk_issue_create,
    bulk_issue_start,
    certificate_revoke,
)
from lms.models import User
from tests.certificates.helpers import complete, issue, pdf_text
from tests.factories import UserFactory, add_course


def revoked(user, course, official):
    complete(user, course)
    certificate = issue(user, course)
    certificate_revoke(
        certificate=certificate, revoked_by=official(), reason="Sai họ tên"
    )
    certificate.refresh_from_db()
    return certificate


def test_holder_gets_a_page_saying_when_and_why_not_the_pdf(
    client, person_in, course, official
):
    holder = person_in("ben_thanh", full_name="Nguyễn Thị Lan")
    certificate = revoked(holder, course, official)
    client.force_login(holder)

    for url in (
        reverse("certificates:download", args=[certificate.code]),
        reverse("certificates:mine", args=[course.pk]),
    ):
        response = client.get(url)
        page = response.content.decode()
        assert response.status_code == 410
        assert response["Content-Type"].startswith("text/html")
        assert not response.content.startswith(b"%PDF")
        assert "has been revoked" in page
        assert "Sai họ tên" in page
        assert timezone.localtime(certificate.revoked_at).strftime("%d/%m/%Y") in page

    learning = client.get(reverse("my_learning")).content.decode()
    assert "Certificate revoked" in learning
    assert "Sai họ tên" in learning
    assert "Download certificate (PDF)" not in learning


def test_issuers_get_the_revoked_page_too(client, person_in, course, official):
    holder = person_in("ben_thanh", full_name="Nguyễn Thị Lan")
    certificate = revoked(holder, course, official)
    client.force_login(official())

    response = client.get(reverse("certificates:download", args=[certificate.code]))

    assert response.status_code == 410
    assert "can no longer be downloaded" in response.content.decode()
    assert "Sai họ tên" in response.content.decode()


def test_verification_keeps_saying_revoked(client, person_in, course, official):
    certificate = revoked(person_in("ben_thanh"), course, official)

    page = client.get(reverse("certificates:verify", args=[certificate.code]))

    assert "has been revoked and is no longer valid" in page.content.decode()


def test_the_zip_of_a_bulk_issue_leaves_out_a_revoked_pdf(person_in, course, official):
    issuer = official()
    kept, gone = person_in("ben_thanh"), person_in("ben_thanh")
    for person in (kept, gone):
        complete(person, course)
    bulk = bulk_issue_create(
        created_by=issuer,
        course=course,
        people=User.objects.filter(pk__in=[kept.pk, gone.pk]),
    )
    bulk_issue_start(bulk_issue=bulk, user=issuer)
    gone_certificate = gone.certificates.get()
    certificate_revoke(certificate=gone_certificate, revoked_by=issuer, reason="Sai")

    archive = zipfile.ZipFile(
        io.BytesIO(b"".join(exports.bulk_issue_zip(bulk_issue=bulk)))
    )
    pdfs = [name for name in archive.namelist() if name.endswith(".pdf")]

    assert len(pdfs) == 1
    assert gone_certificate.code not in pdfs[0]
    assert "Revoked" in archive.read("list.csv").decode("utf-8-sig")


def test_a_download_is_named_after_the_course_and_the_person(client, catalogue):
    course = add_course(catalogue, title="Dịch vụ công")
    holder = UserFactory(full_name="Nguyễn Thị Lan")
    complete(holder, course)
    certificate = issue(holder, course)
    client.force_login(holder)

    response = client.get(reverse("certificates:download", args=[certificate.code]))

    assert response.status_code == 200
    assert (
        'filename="chung-nhan-dich-vu-cong-nguyen-thi-lan.pdf"'
        in response["Content-Disposition"]
    )
    assert "Nguyễn Thị Lan" in pdf_text(b"".join(response.streaming_content))
