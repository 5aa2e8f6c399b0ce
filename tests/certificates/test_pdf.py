import dataclasses
import io
import os
import pickle
import random
import re
import shutil
import subprocess
import sys
import unicodedata
from datetime import date
from pathlib import Path

import pypdf
import pytest
from django.utils import translation
from PIL import Image, ImageDraw

from certificates.pdf import CertificateContent, certificate_pdf_render

REPOSITORY = Path(__file__).resolve().parents[2]
A4_LANDSCAPE = (841.89, 595.28)
# Text stays inside the inner frame line, drawn this far from the page edge.
FRAME_INSET = 22
VIETNAMESE_NAMES = ["Nguyễn Thị Ánh Tuyết", "Đặng Hữu Phước", "Hoàng Thị Ngọc Ẩn"]
LONG_NAME = "Công Tằng Tôn Nữ Thị Hoàng Phương Thảo Nguyễn Lê Huyền Trân Bảo Ngọc Anh"
LONG_COURSE = (
    "Kỹ năng số cơ bản cho người dân: dịch vụ công trực tuyến, định danh điện tử "
    "VNeID mức 2, thanh toán không dùng tiền mặt."
)


def nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


def content(**changes) -> CertificateContent:
    values = {
        "recipient_name": "Nguyễn Thị Ánh Tuyết",
        "course_title": "An toàn thông tin và phòng chống lừa đảo trực tuyến",
        "issued_on": date(2025, 8, 5),
        "hours": 8,
        "issuer_name": "Ủy ban nhân dân xã Tân Phú",
        "signer_name": "Trần Văn Bình",
        "signer_title": "Chủ tịch",
        "title": "GIẤY CHỨNG NHẬN",
        "body_template": (
            "Đã hoàn thành khóa học {course}\n"
            "Thời lượng: {hours} giờ, hoàn thành ngày {date}."
        ),
        "code": "7KCX2-MR9TF-4HVND",
        "verification_url": "https://hoc.tanphu.gov.vn/chung-nhan/7KCX2-MR9TF-4HVND",
    }
    values.update(changes)
    return CertificateContent(**values)


def render(data: CertificateContent) -> bytes:
    with translation.override("vi"):
        return certificate_pdf_render(data=data)


def tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        pytest.fail(f"{name} is missing: install poppler-utils and zbar-tools")
    return path


def pdftotext(pdf: bytes) -> str:
    result = subprocess.run(
        [tool("pdftotext"), "-enc", "UTF-8", "-", "-"],
        input=pdf,
        capture_output=True,
        check=True,
    )
    return result.stdout.decode("utf-8")


def words_of(text: str) -> str:
    return " ".join(text.split())


def word_boxes(pdf: bytes) -> list[tuple[str, float, float, float, float]]:
    """Every word pdftotext finds, with its box (top-left origin, points)."""
    html = subprocess.run(
        [tool("pdftotext"), "-bbox-layout", "-enc", "UTF-8", "-", "-"],
        input=pdf,
        capture_output=True,
        check=True,
    ).stdout.decode("utf-8")
    pattern = re.compile(
        r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">'
        r"(.*?)</word>"
    )
    return [
        (text, float(x0), float(y0), float(x1), float(y1))
        for x0, y0, x1, y1, text in pattern.findall(html)
    ]


def qr_text(pdf: bytes, tmp_path: Path) -> str:
    (tmp_path / "certificate.pdf").write_bytes(pdf)
    subprocess.run(
        [
            tool("pdftoppm"),
            "-r",
            "150",
            "-png",
            "-singlefile",
            str(tmp_path / "certificate.pdf"),
            str(tmp_path / "page"),
        ],
        check=True,
    )
    result = subprocess.run(
        [tool("zbarimg"), "--raw", "-q", "-Sdisable", "-Sqrcode.enable"]
        + [str(tmp_path / "page.png")],
        capture_output=True,
        check=True,
    )
    return result.stdout.decode("utf-8").rstrip("\n")


def png(width: int, height: int, colour: tuple[int, int, int]) -> bytes:
    image = Image.new("RGBA", (width, height), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.ellipse((4, 4, width - 4, height - 4), outline=colour, width=width // 40)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def noisy_photo(width: int, height: int) -> bytes:
    """A camera photo's worth of detail: the hardest kind of image to compress."""
    rng = random.Random(width * height)
    image = Image.frombytes("RGB", (width, height), rng.randbytes(width * height * 3))
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=95)
    return buffer.getvalue()


@pytest.mark.parametrize("name", VIETNAMESE_NAMES)
@pytest.mark.parametrize("form", ["NFC", "NFD"])
def test_recipient_name_reads_back_exactly_as_nfc(name, form):
    pdf = render(content(recipient_name=unicodedata.normalize(form, name)))

    poppler_text = pdftotext(pdf)
    pypdf_text = pypdf.PdfReader(io.BytesIO(pdf)).pages[0].extract_text()

    for text in (poppler_text, pypdf_text):
        assert name.encode("utf-8") in text.encode("utf-8")
        assert nfd(name) not in text


def test_title_course_date_hours_and_code_appear():
    text = words_of(pdftotext(render(content())))

    assert "GIẤY CHỨNG NHẬN" in text
    assert "An toàn thông tin và phòng chống lừa đảo trực tuyến" in text
    assert "Thời lượng: 8 giờ, hoàn thành ngày 05/08/2025." in text
    assert "7KCX2-MR9TF-4HVND" in text
    assert "Ủy ban nhân dân xã Tân Phú" in text
    assert "Chủ tịch" in text
    assert "Trần Văn Bình" in text


def test_every_placeholder_is_filled_in():
    template = "{name} | {course} | {date} | {hours} | {issuer}"

    text = words_of(pdftotext(render(content(body_template=template, hours=2.5))))

    assert (
        "Nguyễn Thị Ánh Tuyết | An toàn thông tin và phòng chống lừa đảo trực tuyến"
        " | 05/08/2025 | 2,5 | Ủy ban nhân dân xã Tân Phú"
    ) in text


def test_a_line_about_hours_is_left_out_when_hours_are_unknown():
    text = words_of(pdftotext(render(content(hours=None))))

    assert "Đã hoàn thành khóa học" in text
    assert "Thời lượng" not in text


def test_unknown_placeholders_and_stray_braces_stay_as_typed():
    template = "Xin chào {ten} {name {course}} {} {{date}} {0}"

    text = words_of(pdftotext(render(content(body_template=template))))

    assert (
        "Xin chào {ten} {name An toàn thông tin và phòng chống lừa đảo trực tuyến}"
        " {} {05/08/2025} {0}"
    ) in text


def test_long_name_and_long_course_title_fit_inside_the_frame():
    assert len(LONG_COURSE) == 120
    pdf = render(content(recipient_name=LONG_NAME, course_title=LONG_COURSE))

    text = words_of(pdftotext(pdf))
    assert LONG_NAME in text
    assert LONG_COURSE in text
    width, height = A4_LANDSCAPE
    for word, x0, y0, x1, y1 in word_boxes(pdf):
        assert FRAME_INSET <= x0 and x1 <= width - FRAME_INSET, word
        assert FRAME_INSET <= y0 and y1 <= height - FRAME_INSET, word


def test_absurdly_long_text_is_cut_short_but_never_overflows():
    pdf = render(
        content(
            recipient_name="Nguyễn" * 60,
            course_title="Kỹ năng số " * 200,
            title="GIẤY CHỨNG NHẬN HOÀN THÀNH KHÓA BỒI DƯỠNG " * 5,
            issuer_name="Ủy ban nhân dân " * 30,
            signer_title="Phó Chủ tịch " * 20,
            signer_name="Trần Văn Bình " * 20,
            verification_url="https://hoc.tanphu.gov.vn/" + "x" * 300,
        )
    )

    assert "…" in pdftotext(pdf)
    width, height = A4_LANDSCAPE
    for word, x0, y0, x1, y1 in word_boxes(pdf):
        assert FRAME_INSET <= x0 and x1 <= width - FRAME_INSET, word
        assert FRAME_INSET <= y0 and y1 <= height - FRAME_INSET, word


def test_same_content_gives_identical_bytes_in_this_and_a_new_process():
    data = content(
        logo_image=png(300, 300, (200, 0, 0)),
        signature_image=png(600, 200, (0, 0, 150)),
    )
    first = render(data)

    assert render(data) == first
    other_process = subprocess.run(
        [
            sys.executable,
            "-c",
            "import pickle, sys, django; django.setup();"
            "from django.utils import translation;"
            "from certificates.pdf import certificate_pdf_render;"
            "data = pickle.loads(sys.stdin.buffer.read());"
            "translation.activate('vi');"
            "sys.stdout.buffer.write(certificate_pdf_render(data=data))",
        ],
        input=pickle.dumps(data),
        capture_output=True,
        check=True,
        cwd=REPOSITORY,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "lms.settings.test"},
    )
    assert other_process.stdout == first
    assert render(dataclasses.replace(data, code="CDFGH-JKMNP-RTVXZ")) != first


def test_text_given_in_nfd_draws_the_same_pdf_as_nfc():
    data = content(
        recipient_name="Hoàng Thị Ngọc Ẩn",
        course_title="Thanh toán không dùng tiền mặt",
        issuer_name="Phường Bến Thành",
        signer_name="Đỗ Thị Hương",
        signer_title="Phó Chủ tịch",
        title="GIẤY CHỨNG NHẬN",
        body_template="Đã hoàn thành {course} ngày {date}",
    )
    decomposed = dataclasses.replace(
        data,
        **{
            field: nfd(getattr(data, field))
            for field in (
                "recipient_name",
                "course_title",
                "issuer_name",
                "signer_name",
                "signer_title",
                "title",
                "body_template",
            )
        },
    )

    assert render(decomposed) == render(data)


def test_pdf_is_one_a4_landscape_page():
    reader = pypdf.PdfReader(io.BytesIO(render(content())))

    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert (float(box.width), float(box.height)) == pytest.approx(A4_LANDSCAPE, abs=0.5)


def test_title_and_author_metadata_are_nfc():
    data = content(recipient_name=nfd("Đặng Hữu Phước"), issuer_name=nfd("Xã Ea Tiêu"))

    metadata = pypdf.PdfReader(io.BytesIO(render(data))).metadata

    assert metadata.title == "GIẤY CHỨNG NHẬN – Đặng Hữu Phước"
    assert metadata.author == "Xã Ea Tiêu"


def test_only_be_vietnam_pro_subsets_are_used_and_embedded():
    page = pypdf.PdfReader(io.BytesIO(render(content()))).pages[0]

    fonts = [font.get_object() for font in page["/Resources"]["/Font"].values()]
    names = {str(font["/BaseFont"]).split("+", 1)[1] for font in fonts}
    assert names == {"BeVietnamPro-Regular", "BeVietnamPro-Bold"}
    for font in fonts:
        assert "/FontFile2" in font["/FontDescriptor"]


@pytest.mark.parametrize(
    "url",
    [
        "https://hoc.tanphu.gov.vn/chung-nhan/7KCX2-MR9TF-4HVND",
        "http://localhost:8000/c/CDFGH-JKMNP-RTVXZ?lang=vi",
        "https://xac-minh.chuyendoiso.daklak.gov.vn/chung-chi/kiem-tra/"
        "7KCX2-MR9TF-4HVND?nguon=qr&ngon-ngu=vi&phien-ban=2",
    ],
)
def test_qr_code_scans_to_the_verification_url(url, tmp_path):
    pdf = render(content(verification_url=url))

    assert qr_text(pdf, tmp_path) == url


def test_qr_code_is_one_vector_path_not_an_image():
    page = pypdf.PdfReader(io.BytesIO(render(content()))).pages[0]

    assert "/XObject" not in page["/Resources"]
    operators = [
        token
        for token in page.get_contents().get_data().split()
        if not re.fullmatch(rb"-?[\d.]+", token)
    ]
    longest_run, run = 0, 0
    for operator, following in zip(operators, operators[1:], strict=False):
        run = run + 1 if operator == b"re" else 0
        if run and following == b"f":
            longest_run = max(longest_run, run)
    assert longest_run > 100


def test_logo_and_signature_photos_keep_the_pdf_small():
    data = content(
        logo_image=noisy_photo(2000, 2000), signature_image=noisy_photo(3000, 1000)
    )

    pdf = render(data)

    assert len(pdf) <= 60 * 1024
    images = pypdf.PdfReader(io.BytesIO(pdf)).pages[0].images
    assert len(images) == 2
    assert all(image.image.width <= 400 for image in images)


def test_transparent_images_are_drawn_on_white():
    pdf = render(content(logo_image=png(300, 300, (200, 0, 0))))

    (logo,) = pypdf.PdfReader(io.BytesIO(pdf)).pages[0].images
    assert logo.image.mode == "RGB"
    assert logo.image.getpixel((0, 0)) == pytest.approx((255, 255, 255), abs=3)


def test_unreadable_image_is_refused():
    with pytest.raises(ValueError, match="cannot be read"):
        render(content(logo_image=b"not an image"))


@pytest.mark.parametrize("colour", ["blue", "#12345", "#GGGGGG", ""])
def test_accent_colour_must_be_hex(colour):
    with pytest.raises(ValueError, match="hex colour"):
        content(accent_colour=colour)


@pytest.mark.parametrize("colour", ["#0B5394", "0b5394", "#c00"])
def test_accent_colour_accepts_hex_forms(colour):
    assert render(content(accent_colour=colour)).startswith(b"%PDF-")


@pytest.mark.parametrize("hours", [-1, float("nan"), float("inf")])
def test_hours_must_be_zero_or_more(hours):
    with pytest.raises(ValueError, match="Hours"):
        content(hours=hours)
