"""Helpers shared by the certificate tests."""

import io
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path

import pypdf
import pytest
from django.core.files.images import ImageFile
from django.utils import timezone
from PIL import Image
from wagtail.images.models import Image as WagtailImage

from certificates.models import Certificate, CertificateTemplate
from certificates.services import certificate_issue
from courses.models import Enrollment


def complete(user, course) -> Enrollment:
    return Enrollment.objects.create(
        user=user, course=course, completed_at=timezone.now()
    )


def issue(user, course, **kwargs) -> Certificate:
    return certificate_issue(
        user=user, course=course, source=Certificate.Source.COMMAND, **kwargs
    )


def tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        pytest.fail(f"{name} is missing: install poppler-utils and zbar-tools")
    return path


def pdf_text(pdf: bytes) -> str:
    """The page's text as poppler reads it, words joined by single spaces."""
    result = subprocess.run(
        [tool("pdftotext"), "-enc", "UTF-8", "-", "-"],
        input=pdf,
        capture_output=True,
        check=True,
    )
    return " ".join(result.stdout.decode("utf-8").split())


def pypdf_text(pdf: bytes) -> str:
    return pypdf.PdfReader(io.BytesIO(pdf)).pages[0].extract_text()


def qr_payload(pdf: bytes, tmp_path: Path) -> str:
    """Render the page as a picture and read its QR code as a phone camera would."""
    (tmp_path / "certificate.pdf").write_bytes(pdf)
    subprocess.run(
        [tool("pdftoppm"), "-r", "150", "-png", "-singlefile"]
        + [str(tmp_path / "certificate.pdf"), str(tmp_path / "page")],
        check=True,
    )
    result = subprocess.run(
        [tool("zbarimg"), "--raw", "-q", "-Sdisable", "-Sqrcode.enable"]
        + [str(tmp_path / "page.png")],
        capture_output=True,
        check=True,
    )
    return result.stdout.decode("utf-8").rstrip("\n")


def design(course, **fields) -> CertificateTemplate:
    values = {
        "course": course,
        "title": "GIẤY CHỨNG NHẬN",
        "body": "Đã hoàn thành khóa học {course}\nThời lượng: {hours} giờ",
        "hours": Decimal("8"),
        "issuer_name": "Ủy ban nhân dân xã Tân Phú",
        "signer_name": "Trần Văn Bình",
        "signer_title": "Chủ tịch",
        "accent_colour": "#7A1F1F",
    }
    values.update(fields)
    template = CertificateTemplate(**values)
    template.save()
    template.save_revision().publish()
    template.refresh_from_db()
    return template


def seal_image() -> WagtailImage:
    buffer = io.BytesIO()
    Image.new("RGB", (300, 300), (200, 30, 30)).save(buffer, format="PNG")
    return WagtailImage.objects.create(
        title="Con dấu", file=ImageFile(buffer, name="seal.png")
    )
