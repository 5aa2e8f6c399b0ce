"""Certificates as a Vietnamese office hands them out, and editors' samples."""

import subprocess
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation
from PIL import Image

from certificates.design import default_design, design_for
from certificates.models import CertificateTemplate, body_placeholder_validator
from certificates.pdf import place_date_line
from tests.certificates.helpers import complete, issue, pdf_text, pypdf_text
from tests.certificates.test_admin import editor_client, form_data
from tests.certificates.test_pdf import content, pdftotext, png, render, word_boxes

NATIONAL_TITLE = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"


def administrative(**changes):
    values = {
        "layout": "administrative",
        "place": "Đắk Lắk",
        "issued_on": date(2026, 3, 5),
    }
    values.update(changes)
    return content(**values)


def page_image(pdf: bytes, tmp_path) -> Image.Image:
    """The page as a 72 dpi picture: one pixel per point."""
    (tmp_path / "c.pdf").write_bytes(pdf)
    subprocess.run(
        ["pdftoppm", "-r", "72", "-png", "-singlefile"]
        + [str(tmp_path / "c.pdf"), str(tmp_path / "page")],
        check=True,
    )
    return Image.open(tmp_path / "page.png").convert("RGB")


def test_administrative_layout_prints_national_title_body_place_and_date():
    pdf = render(administrative())
    lines = [" ".join(line.split()) for line in pdftotext(pdf).splitlines()]

    assert NATIONAL_TITLE in lines
    assert MOTTO in lines
    assert "Đắk Lắk, ngày 05 tháng 3 năm 2026" in lines
    assert "ỦY BAN NHÂN DÂN XÃ TÂN PHÚ" in lines
    assert "CHỦ TỊCH" in lines and "Trần Văn Bình" in lines
    assert "MẪU" not in pypdf_text(pdf)


def test_issuing_body_is_top_left_and_national_title_top_right():
    boxes = word_boxes(render(administrative()))

    def first(word):
        return next(box for box in boxes if box[0] == word)

    issuer, nation, motto = first("ỦY"), first("CỘNG"), first("Độc")
    width = 841.89
    assert issuer[1] < width / 2 < nation[1]
    assert abs(issuer[2] - nation[2]) < 20  # the same height on the page
    assert motto[2] > nation[2]
    assert first("Đắk")[2] > motto[2]
    assert first("GIẤY")[2] > first("Đắk")[2]


def test_the_motto_is_underlined(tmp_path):
    pdf = render(administrative())
    page = page_image(pdf, tmp_path).convert("L")
    boxes = word_boxes(pdf)
    motto = [box for box in boxes if box[0] in MOTTO.split()]
    left = min(box[1] for box in motto)
    right = max(box[3] for box in motto)
    bottom = max(box[4] for box in motto)
    rows = range(round(bottom), round(bottom) + 8)
    underline = [
        row
        for row in rows
        if sum(page.getpixel((x, row)) < 128 for x in range(round(left), round(right)))
        > 0.8 * (right - left)
    ]
    assert underline, "no line under the motto"


def test_seal_is_stamped_over_the_signature_and_keeps_it_visible(tmp_path):
    signature = png(400, 150, (20, 20, 140))
    seal = png(300, 300, (210, 20, 20))
    pdf = render(administrative(signature_image=signature, logo_image=seal))
    page = page_image(pdf, tmp_path)
    corner = page.crop((520, 400, 800, 530))
    colours = corner.getcolors(maxcolors=100_000)
    red = sum(n for n, (r, g, b) in colours if r > 150 and g < 90 and b < 90)
    blue = sum(n for n, (r, g, b) in colours if b > 100 and r < 90 and g < 90)
    assert red > 50 and blue > 50, "seal and signature both show"


@pytest.mark.parametrize(
    ("day", "line"),
    [
        (date(2026, 3, 5), "Đắk Lắk, ngày 05 tháng 3 năm 2026"),
        (date(2026, 1, 15), "Đắk Lắk, ngày 15 tháng 01 năm 2026"),
        (date(2026, 12, 31), "Đắk Lắk, ngày 31 tháng 12 năm 2026"),
    ],
)
def test_dates_are_written_as_decree_30_says(day, line):
    assert place_date_line("Đắk Lắk", day) == line
    assert place_date_line("", day).startswith("Ngày ")


def test_preview_carries_a_sample_mark_and_an_issued_certificate_never(
    client, course, user
):
    client = editor_client(client)
    client.post(
        reverse("wagtailsnippets_certificates_certificatetemplate:add"),
        form_data(course),
    )
    template = CertificateTemplate.objects.get()
    preview = client.get(
        reverse(
            "wagtailsnippets_certificates_certificatetemplate:preview_pdf",
            args=[template.pk],
        )
    )
    template.live = True
    template.save()
    complete(user, course)
    issued = issue(user, course).pdf.open("rb").read()

    assert "MẪU" in pypdf_text(preview.content)
    assert "Đắk Lắk, ngày" in pdf_text(preview.content)
    assert "MẪU" not in pypdf_text(issued)
    assert "Đắk Lắk, ngày" in pdf_text(issued)


def test_body_help_text_says_what_the_layout_prints(client, course):
    client = editor_client(client)
    with translation.override("en"):
        page = client.get(
            reverse("wagtailsnippets_certificates_certificatetemplate:add")
        ).content.decode()

    assert "The layout already prints the issuing body" in page
    assert "the person&#x27;s name" in page or "the person's name" in page


@pytest.mark.parametrize("body", ["Ông/bà {name} đã hoàn thành", "Do {issuer} cấp"])
def test_body_that_repeats_the_layout_is_refused_with_a_reason(client, course, body):
    with pytest.raises(ValidationError, match="printed twice"):
        body_placeholder_validator(body)
    client = editor_client(client)

    response = client.post(
        reverse("wagtailsnippets_certificates_certificatetemplate:add"),
        form_data(course, body=body),
    )

    assert response.status_code == 200
    assert "printed twice" in response.content.decode()
    assert not CertificateTemplate.objects.exists()


def test_the_built_in_design_is_an_administrative_document(settings, course, user):
    settings.LMS_CERTIFICATE_ISSUER = "Sở Khoa học và Công nghệ tỉnh Đắk Lắk"
    settings.LMS_CERTIFICATE_PLACE = "Đắk Lắk"
    with translation.override("vi"):
        design = default_design()
    complete(user, course)

    text = pdf_text(issue(user, course).pdf.open("rb").read())

    assert design_for(course=course).layout == "administrative"
    assert NATIONAL_TITLE in text and MOTTO in text
    assert "SỞ KHOA HỌC VÀ CÔNG NGHỆ TỈNH ĐẮK LẮK" in text
    assert "Đắk Lắk, ngày" in text
    assert design.place == "Đắk Lắk"
