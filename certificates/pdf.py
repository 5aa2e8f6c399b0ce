"""Certificate PDFs: one A4 landscape page, in Vietnamese, with a QR code to verify.

Build a :class:`CertificateContent` and pass it to :func:`certificate_pdf_render`::

    pdf_bytes = certificate_pdf_render(
        data=CertificateContent(
            recipient_name="Nguyễn Thị Ánh Tuyết",
            course_title="Kỹ năng số cơ bản cho người dân",
            issued_on=date(2025, 8, 15),
            hours=8,
            issuer_name="UBND xã Tân Phú",
            signer_name="Trần Văn Bình",
            signer_title="Chủ tịch",
            title="GIẤY CHỨNG NHẬN",
            body_template="Đã hoàn thành khóa học {course}\\nThời lượng: {hours} giờ",
            code="7KCX2-MR9TF-4HVND",
            verification_url="https://example.org/c/7KCX2-MR9TF-4HVND",
        )
    )

The page shows, from the top: the logo or seal, the issuing body, the title, the
recipient's name in large type, the body text, then the QR code with the code
and the verification address on the left and the date, signer's title,
signature and signer's name on the right.

With ``layout=LAYOUT_ADMINISTRATIVE`` the page follows Vietnamese administrative
documents (Decree 30/2020): the issuing body in capitals top left, the national
title and motto (underlined) top right with the place-and-date line under them,
and at the bottom right the signer's position, the signature with the seal (the
logo image, transparency kept) stamped over it, and the signer's name.
``sample=True`` prints a large diagonal "MẪU" across the page, for previews.

Body template placeholders:

- ``{name}`` the recipient's full name (bold). The name is already shown large
  above the body, so most templates leave it out.
- ``{course}`` the course title (bold).
- ``{date}`` the date, ``dd/mm/yyyy``.
- ``{hours}`` the hours, in the active language's number format (``2,5``).
- ``{issuer}`` the issuing body's name.

Each line of the template is a paragraph. A line that uses ``{hours}`` is left
out when ``hours`` is None. Any other text in braces (``{foo}``, a lone ``{``)
is shown as typed.

Every string is normalised to NFC before it is drawn. Text that is too long for
its box is wrapped, then set smaller, and only cut short with "…" when it would
not fit even at the smallest size.

The few fixed labels ("Certificate code", "Verify at", "Issued on …") are
translated into the active language: render inside
``translation.override(language)``. The same content, language and software
versions give byte-identical PDFs, so a SHA-256 of a stored PDF stays valid when
it is rendered again.
"""

import functools
import io
import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.utils.formats import number_format
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError
from reportlab import rl_config
from reportlab.lib.colors import Color, HexColor
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen.canvas import Canvas

from lms.pdf import FONT_BOLD, FONT_REGULAR, fonts_register, qr_draw

# reportlab wraps binary streams in ASCII85 text by default: files a quarter
# larger, and without the rl-accel extension the encoding outlasts the page.
rl_config.useA85 = 0

_HEX_COLOUR = re.compile(r"#?(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})")

LAYOUT_CLASSIC = "classic"
# Vietnamese administrative documents (Decree 30/2020/NĐ-CP): issuing body top
# left, national title top right, place and date under it, seal over signature.
LAYOUT_ADMINISTRATIVE = "administrative"
LAYOUTS = (LAYOUT_CLASSIC, LAYOUT_ADMINISTRATIVE)
# The national title is a fixed legal formula, printed in Vietnamese always.
NATIONAL_TITLE = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
NATIONAL_MOTTO = "Độc lập - Tự do - Hạnh phúc"


@dataclass(frozen=True, slots=True, kw_only=True)
class CertificateContent:
    """Everything printed on one certificate.

    Strings may arrive in any Unicode normal form; they are drawn in NFC.
    Images are the bytes of any format Pillow reads (PNG, JPEG, WebP…); they are
    drawn on white, so a transparent background stays white.
    """

    recipient_name: str
    course_title: str
    issued_on: date
    issuer_name: str
    signer_name: str
    signer_title: str
    title: str
    body_template: str
    code: str
    verification_url: str
    hours: int | float | Decimal | None = None
    signature_image: bytes | None = None
    logo_image: bytes | None = None
    accent_colour: str = "#0B5394"
    layout: str = LAYOUT_CLASSIC
    # The place in the administrative layout's date line, e.g. "Đắk Lắk".
    place: str = ""
    # A sample for editors: a large diagonal "MẪU" across the page.
    sample: bool = False

    def __post_init__(self) -> None:
        if self.layout not in LAYOUTS:
            raise ValueError(f"Layout {self.layout!r} is not one of {LAYOUTS}.")
        if not _HEX_COLOUR.fullmatch(self.accent_colour):
            raise ValueError(
                f"Accent colour {self.accent_colour!r} is not a hex colour "
                "such as #0B5394."
            )
        if self.hours is not None:
            hours = Decimal(str(self.hours))
            if not hours.is_finite() or hours < 0:
                raise ValueError(f"Hours must be zero or more, not {self.hours}.")
        for field in ("recipient_name", "course_title", "code", "verification_url"):
            if not getattr(self, field).strip():
                raise ValueError(f"{field} is empty.")


_PAGE_WIDTH, _PAGE_HEIGHT = landscape(A4)
_CENTRE_X = _PAGE_WIDTH / 2
_OUTER_FRAME_INSET = 16
# Text and images stay inside the inner frame, this far from the page edge.
_INNER_FRAME_INSET = 22
_INK = HexColor("#1F2328")
_MUTED = HexColor("#57606A")
_ELLIPSIS = "…"

# Images are embedded at 150 dpi of their box: sharp enough in print, and a logo
# plus a signature photo stay within a few tens of kilobytes.
_IMAGE_PIXELS_PER_POINT = 150 / 72
_IMAGE_MAX_SOURCE_PIXELS = 40_000_000
_JPEG_QUALITY = 80


_PLACEHOLDER = re.compile(r"\{(name|course|date|hours|issuer)\}")
_BOLD_PLACEHOLDERS = frozenset({"name", "course"})


@dataclass(frozen=True, slots=True)
class _Box:
    """Where a block of text goes: its horizontal anchor, top edge and size.

    align is "centre" (x is the centre) or "left" (x is the left edge); the text
    is centred vertically unless top_aligned.
    """

    x: float
    top: float
    width: float
    height: float
    align: str = "centre"
    top_aligned: bool = False


# A piece is (text, font name, advance width at size 1); a word is a tuple of
# pieces written without spaces between them; a paragraph is a list of words.
_Piece = tuple[str, str, float]
_Word = tuple[_Piece, ...]


def certificate_pdf_render(*, data: CertificateContent) -> bytes:
    """Return the certificate as the bytes of a one-page A4 landscape PDF.

    Raises ValueError if an image cannot be read.
    """
    fonts_register()
    name = _single_line(data.recipient_name)
    course = _single_line(data.course_title)
    issuer = _single_line(data.issuer_name)
    title = _single_line(data.title)
    date_text = f"{data.issued_on.day:02d}/{data.issued_on.month:02d}/"
    date_text += f"{data.issued_on.year:04d}"
    accent = HexColor("#" + data.accent_colour.lstrip("#").upper())

    buffer = io.BytesIO()
    canvas = Canvas(
        buffer,
        pagesize=(_PAGE_WIDTH, _PAGE_HEIGHT),
        invariant=1,
        pageCompression=1,
        lang=get_language(),
        initialFontName=FONT_REGULAR,
    )
    canvas.setTitle(f"{title} – {name}")
    canvas.setAuthor(issuer)
    canvas.setSubject(course)

    _draw_frame(canvas, accent)

    administrative = data.layout == LAYOUT_ADMINISTRATIVE
    top = _PAGE_HEIGHT - 42
    if administrative:
        _draw_administrative_header(canvas, data, issuer)
        top -= 118
    elif data.logo_image:
        _draw_image(canvas, data.logo_image, _CENTRE_X - 35, top - 70, 70, 70)
        top -= 78
    else:
        # Without a logo the heading moves down, so the page does not look empty.
        top -= 40
    if not administrative:
        _draw_text(
            canvas,
            [_plain(issuer, FONT_BOLD)],
            _Box(_CENTRE_X, top, 560, 34),
            max_size=13,
            min_size=9,
            colour=_MUTED,
        )
        top -= 42
    _draw_text(
        canvas,
        [_plain(title, FONT_BOLD)],
        _Box(_CENTRE_X, top, 640, 52),
        max_size=38,
        min_size=18,
        colour=accent,
        leading=1.15,
    )
    top -= 62
    _draw_text(
        canvas,
        [_plain(name, FONT_BOLD)],
        _Box(_CENTRE_X, top, 660, 60),
        max_size=34,
        min_size=14,
        colour=_INK,
        leading=1.15,
    )
    top -= 70
    canvas.setStrokeColor(accent)
    canvas.setLineWidth(1)
    canvas.line(_CENTRE_X - 110, top, _CENTRE_X + 110, top)
    top -= 14
    values = {
        "name": name,
        "course": course,
        "date": date_text,
        "hours": _hours_text(data.hours),
        "issuer": issuer,
    }
    _draw_text(
        canvas,
        _body_paragraphs(data.body_template, values),
        _Box(_CENTRE_X, top, 640, top - 200, top_aligned=True),
        max_size=16,
        min_size=8,
        colour=_INK,
        leading=1.35,
    )

    _draw_verification(canvas, data, accent)
    if administrative:
        _draw_administrative_signature(canvas, data)
    else:
        _draw_signature_block(canvas, data, date_text)
    if data.sample:
        _draw_sample_mark(canvas)

    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def _single_line(text: str) -> str:
    return " ".join(_nfc(text).split())


def _hours_text(hours: int | float | Decimal | None) -> str | None:
    if hours is None:
        return None
    value = Decimal(str(hours))
    if value == value.to_integral_value():
        return number_format(int(value))
    return number_format(value.normalize())


def _body_paragraphs(template: str, values: dict[str, str | None]) -> list[list[_Word]]:
    paragraphs = []
    for line in _nfc(template).splitlines():
        if values["hours"] is None and "{hours}" in line:
            continue
        pieces: list[tuple[str, str]] = []
        position = 0
        for match in _PLACEHOLDER.finditer(line):
            pieces.append((line[position : match.start()], FONT_REGULAR))
            key = match.group(1)
            font = FONT_BOLD if key in _BOLD_PLACEHOLDERS else FONT_REGULAR
            pieces.append((values[key], font))
            position = match.end()
        pieces.append((line[position:], FONT_REGULAR))
        words = _words(pieces)
        if words:
            paragraphs.append(words)
    return paragraphs


def _plain(text: str, font: str) -> list[_Word]:
    return _words([(text, font)])


def _words(pieces: list[tuple[str, str]]) -> list[_Word]:
    """Split styled text at whitespace into words that keep their styles."""
    words: list[_Word] = []
    current: list[_Piece] = []
    for text, font in pieces:
        parts = re.split(r"\s+", text)
        for index, part in enumerate(parts):
            if index > 0 and current:
                words.append(tuple(current))
                current = []
            if part:
                current.append((part, font, _unit_width(part, font)))
    if current:
        words.append(tuple(current))
    return words


@functools.lru_cache(maxsize=4096)
def _unit_width(text: str, font: str) -> float:
    return pdfmetrics.stringWidth(text, font, 1)


def _word_width(word: _Word) -> float:
    return sum(piece[2] for piece in word)


def _space_width(word: _Word) -> float:
    # The space after a word is set in the font of the word's last piece.
    return _unit_width(" ", word[-1][1])


def _wrap(words: list[_Word], limit: float) -> list[list[_Word]]:
    """Break words into lines no wider than limit (in units of the font size)."""
    lines: list[list[_Word]] = []
    line: list[_Word] = []
    width = 0.0
    for word in words:
        word_width = _word_width(word)
        needed = width + _space_width(line[-1]) + word_width if line else word_width
        if needed <= limit:
            line.append(word)
            width = needed
            continue
        if line:
            lines.append(line)
        if word_width <= limit:
            line, width = [word], word_width
            continue
        chunks = _split_word(word, limit)
        lines.extend([chunk] for chunk in chunks[:-1])
        line, width = [chunks[-1]], _word_width(chunks[-1])
    if line:
        lines.append(line)
    return lines


def _split_word(word: _Word, limit: float) -> list[_Word]:
    """Cut a word wider than a whole line into line-wide chunks, by character."""
    chunks: list[_Word] = []
    current: list[_Piece] = []
    width = 0.0
    for text, font, _piece_width in word:
        for char in text:
            char_width = _unit_width(char, font)
            if current and width + char_width > limit:
                chunks.append(_merge(current))
                current, width = [], 0.0
            current.append((char, font, char_width))
            width += char_width
    if current:
        chunks.append(_merge(current))
    return chunks


def _merge(pieces: list[_Piece]) -> _Word:
    merged: list[_Piece] = []
    for text, font, width in pieces:
        if merged and merged[-1][1] == font:
            last_text, _font, last_width = merged[-1]
            merged[-1] = (last_text + text, font, last_width + width)
        else:
            merged.append((text, font, width))
    return tuple(merged)


def _fit(
    paragraphs: list[list[_Word]],
    box: _Box,
    *,
    max_size: float,
    min_size: float,
    leading: float,
) -> tuple[float, list[list[_Word]]]:
    """Choose the largest size at which the text fits the box, and its lines."""
    size = max_size
    while True:
        limit = box.width / size
        lines = [line for words in paragraphs for line in _wrap(words, limit)]
        if len(lines) * size * leading <= box.height or size <= min_size:
            break
        size = max(min_size, size - 1)
    fitting = max(1, int(box.height // (size * leading)))
    if len(lines) > fitting:
        lines = lines[:fitting]
        lines[-1] = _ellipsize(lines[-1], box.width / size)
    return size, lines


def _ellipsize(line: list[_Word], limit: float) -> list[_Word]:
    """Shorten a line until it fits with a trailing ellipsis."""
    pieces = list(_line_pieces(line))
    while pieces:
        text, font, _width = pieces[-1]
        ellipsis = (_ELLIPSIS, font, _unit_width(_ELLIPSIS, font))
        if sum(piece[2] for piece in pieces) + ellipsis[2] <= limit:
            return [(*pieces, ellipsis)]
        text = text[:-1].rstrip()
        if text:
            pieces[-1] = (text, font, _unit_width(text, font))
        else:
            pieces.pop()
    return [((_ELLIPSIS, FONT_REGULAR, _unit_width(_ELLIPSIS, FONT_REGULAR)),)]


def _line_pieces(line: list[_Word]) -> _Word:
    """Join a line's words with spaces into as few same-font pieces as possible."""
    pieces: list[_Piece] = []
    for index, word in enumerate(line):
        if index > 0:
            font = line[index - 1][-1][1]
            pieces.append((" ", font, _unit_width(" ", font)))
        pieces.extend(word)
    return _merge(pieces)


def _draw_text(
    canvas: Canvas,
    paragraphs: list[list[_Word]],
    box: _Box,
    *,
    max_size: float,
    min_size: float,
    colour: Color,
    leading: float = 1.25,
) -> None:
    """Draw text in box, shrinking it until it fits."""
    if not paragraphs:
        return
    size, lines = _fit(
        paragraphs, box, max_size=max_size, min_size=min_size, leading=leading
    )
    line_height = size * leading
    ascent, descent = pdfmetrics.getAscentDescent(FONT_REGULAR, size)
    block_height = len(lines) * line_height
    baseline = box.top
    if not box.top_aligned:
        baseline -= (box.height - block_height) / 2
    baseline -= (line_height - (ascent - descent)) / 2 + ascent
    canvas.setFillColor(colour)
    for line in lines:
        pieces = _line_pieces(line)
        if box.align == "centre":
            x = box.x - sum(piece[2] for piece in pieces) * size / 2
        else:
            x = box.x
        for text, font, width in pieces:
            canvas.setFont(font, size)
            canvas.drawString(x, baseline, text)
            x += width * size
        baseline -= line_height


def _draw_frame(canvas: Canvas, accent: Color) -> None:
    canvas.setStrokeColor(accent)
    canvas.setLineWidth(3)
    outer = _OUTER_FRAME_INSET
    canvas.rect(outer, outer, _PAGE_WIDTH - 2 * outer, _PAGE_HEIGHT - 2 * outer)
    canvas.setLineWidth(0.75)
    inner = _INNER_FRAME_INSET
    canvas.rect(inner, inner, _PAGE_WIDTH - 2 * inner, _PAGE_HEIGHT - 2 * inner)
    canvas.setFillColor(accent)
    corner = 7
    for x in (outer, _PAGE_WIDTH - outer):
        for y in (outer, _PAGE_HEIGHT - outer):
            canvas.rect(
                x - corner / 2, y - corner / 2, corner, corner, stroke=0, fill=1
            )


def _draw_verification(canvas: Canvas, data: CertificateContent, accent: Color) -> None:
    qr_size = 104
    qr_x, qr_y = 52, 46
    qr_draw(
        canvas, _nfc(data.verification_url), x=qr_x, y=qr_y, size=qr_size, colour=_INK
    )
    text_x = qr_x + qr_size + 12
    width = 300
    label_options = {"max_size": 9, "min_size": 7, "colour": _MUTED}
    _draw_text(
        canvas,
        [_plain(_("Certificate code"), FONT_REGULAR)],
        _Box(text_x, 148, width, 14, "left"),
        **label_options,
    )
    _draw_text(
        canvas,
        [_plain(_single_line(data.code), FONT_BOLD)],
        _Box(text_x, 133, width, 24, "left"),
        max_size=17,
        min_size=9,
        colour=accent,
    )
    _draw_text(
        canvas,
        [_plain(_("Verify at"), FONT_REGULAR)],
        _Box(text_x, 104, width, 14, "left"),
        **label_options,
    )
    _draw_text(
        canvas,
        [_plain(_single_line(data.verification_url), FONT_REGULAR)],
        _Box(text_x, 89, width, 24, "left"),
        max_size=9,
        min_size=6.5,
        colour=_INK,
    )


def _draw_signature_block(
    canvas: Canvas, data: CertificateContent, date_text: str
) -> None:
    centre = _PAGE_WIDTH - 200
    width = 270
    _draw_text(
        canvas,
        [_plain(_("Issued on %(date)s") % {"date": date_text}, FONT_REGULAR)],
        _Box(centre, 184, width, 16),
        max_size=11,
        min_size=8,
        colour=_MUTED,
    )
    _draw_text(
        canvas,
        [_plain(_single_line(data.signer_title), FONT_BOLD)],
        _Box(centre, 166, width, 30),
        max_size=12,
        min_size=8,
        colour=_INK,
    )
    if data.signature_image:
        _draw_image(canvas, data.signature_image, centre - 85, 76, 170, 58)
    _draw_text(
        canvas,
        [_plain(_single_line(data.signer_name), FONT_BOLD)],
        _Box(centre, 72, width, 30),
        max_size=14,
        min_size=8,
        colour=_INK,
    )


def place_date_line(place: str, day: date) -> str:
    """ "Đắk Lắk, ngày 05 tháng 3 năm 2026" as Decree 30/2020 writes dates.

    Days below 10 and the months January and February take a leading zero.
    """
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    line = f"ngày {day.day:02d} tháng {month} năm {day.year}"
    place = _single_line(place)
    return f"{place}, {line}" if place else line[0].upper() + line[1:]


def _draw_administrative_header(
    canvas: Canvas, data: CertificateContent, issuer: str
) -> None:
    left_centre, right_centre = 215, _PAGE_WIDTH - 235
    top = _PAGE_HEIGHT - 44
    _draw_text(
        canvas,
        [_plain(issuer.upper(), FONT_BOLD)],
        _Box(left_centre, top, 300, 34),
        max_size=12,
        min_size=8,
        colour=_INK,
    )
    canvas.setStrokeColor(_INK)
    canvas.setLineWidth(0.75)
    canvas.line(left_centre - 40, top - 38, left_centre + 40, top - 38)
    _draw_text(
        canvas,
        [_plain(NATIONAL_TITLE, FONT_BOLD)],
        _Box(right_centre, top, 380, 17),
        max_size=12,
        min_size=10,
        colour=_INK,
    )
    motto_size = 13
    _draw_text(
        canvas,
        [_plain(NATIONAL_MOTTO, FONT_BOLD)],
        _Box(right_centre, top - 17, 380, 18),
        max_size=motto_size,
        min_size=motto_size,
        colour=_INK,
    )
    # The motto is underlined by a line as long as the motto itself.
    half = pdfmetrics.stringWidth(NATIONAL_MOTTO, FONT_BOLD, motto_size) / 2
    canvas.line(right_centre - half, top - 38, right_centre + half, top - 38)
    _draw_text(
        canvas,
        [_plain(place_date_line(data.place, data.issued_on), FONT_REGULAR)],
        _Box(right_centre, top - 46, 380, 18),
        max_size=12,
        min_size=9,
        colour=_INK,
    )


def _draw_administrative_signature(canvas: Canvas, data: CertificateContent) -> None:
    centre = _PAGE_WIDTH - 200
    width = 270
    _draw_text(
        canvas,
        [_plain(_single_line(data.signer_title).upper(), FONT_BOLD)],
        _Box(centre, 192, width, 30),
        max_size=12,
        min_size=8,
        colour=_INK,
    )
    if data.signature_image:
        _draw_image(canvas, data.signature_image, centre - 85, 84, 170, 72)
    if data.logo_image:
        # The seal is stamped over the left part of the signature, as on paper.
        _draw_image(
            canvas, data.logo_image, centre - 110, 78, 84, 84, keep_transparency=True
        )
    _draw_text(
        canvas,
        [_plain(_single_line(data.signer_name), FONT_BOLD)],
        _Box(centre, 72, width, 30),
        max_size=14,
        min_size=8,
        colour=_INK,
    )


def _draw_sample_mark(canvas: Canvas) -> None:
    canvas.saveState()
    canvas.setFillColor(Color(0.8, 0.1, 0.1, alpha=0.18))
    canvas.setFont(FONT_BOLD, 190)
    canvas.translate(_CENTRE_X, _PAGE_HEIGHT / 2)
    canvas.rotate(30)
    canvas.drawCentredString(0, -60, _("SAMPLE"))
    canvas.restoreState()


def _draw_image(
    canvas: Canvas,
    data: bytes,
    x: float,
    y: float,
    width: float,
    height: float,
    *,
    keep_transparency: bool = False,
) -> None:
    """Draw an image as large as fits the box, centred in it."""
    encoded = _image_scaled(
        data,
        round(width * _IMAGE_PIXELS_PER_POINT),
        round(height * _IMAGE_PIXELS_PER_POINT),
        keep_transparency,
    )
    canvas.drawImage(
        ImageReader(io.BytesIO(encoded)),
        x,
        y,
        width,
        height,
        preserveAspectRatio=True,
        anchor="c",
        mask="auto" if keep_transparency else None,
    )


@functools.lru_cache(maxsize=32)
def _image_scaled(
    data: bytes, max_width: int, max_height: int, keep_transparency: bool
) -> bytes:
    """Return the image scaled down to fit: flattened on white as JPEG bytes, or
    as PNG bytes that keep its transparency (a seal stamped over a signature).

    Bulk issuing draws the same logo and signature on every certificate, so the
    decoding and scaling is done once per image and size.
    """
    try:
        image = Image.open(io.BytesIO(data))
        if image.width * image.height > _IMAGE_MAX_SOURCE_PIXELS:
            raise ValueError("The image is too large; use one under 40 megapixels.")
        # Scaling before turning the image upright lets Pillow decode a large
        # JPEG at a fraction of its size; either orientation keeps enough pixels.
        longest = max(max_width, max_height)
        image.thumbnail((longest, longest), Image.Resampling.LANCZOS)
        image = ImageOps.exif_transpose(image)
        image.thumbnail((max_width, max_height), Image.Resampling.LANCZOS)
        rgba = image.convert("RGBA")
    except (UnidentifiedImageError, OSError) as error:
        raise ValueError("The image cannot be read; use a PNG or JPEG file.") from error
    output = io.BytesIO()
    if keep_transparency:
        rgba.save(output, format="PNG", optimize=True)
        return output.getvalue()
    flat = Image.new("RGB", rgba.size, (255, 255, 255))
    flat.paste(rgba, mask=rgba.getchannel("A"))
    flat.save(output, format="JPEG", quality=_JPEG_QUALITY, optimize=True)
    return output.getvalue()
