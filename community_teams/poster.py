"""The sign-up poster a team pins up: one A4 page with a QR code of its link.

Printed in Vietnamese whatever the language of whoever prints it: it is read by
the residents of the hamlet. The link carries a signed token naming the team and
the hamlet, so the platform knows who brought each person who signs up.
"""

import io
import unicodedata
from dataclasses import dataclass

from django.utils import translation
from django.utils.translation import gettext as _
from reportlab.lib.colors import HexColor
from reportlab.lib.pagesizes import A4
from reportlab.lib.utils import simpleSplit
from reportlab.pdfgen.canvas import Canvas

from lms.pdf import FONT_BOLD, FONT_REGULAR, fonts_register, qr_draw

POSTER_LANGUAGE = "vi"
_INK = HexColor("#1F2328")
_ACCENT = HexColor("#B3121D")
_WIDTH, _HEIGHT = A4
_MARGIN = 48
_QR_SIZE = 300


@dataclass(frozen=True, kw_only=True)
class PosterContent:
    team_name: str
    hamlet_name: str
    commune_name: str
    signup_url: str


def poster_pdf_render(*, data: PosterContent) -> bytes:
    """The poster as the bytes of a one-page A4 portrait PDF."""
    fonts_register()
    buffer = io.BytesIO()
    with translation.override(POSTER_LANGUAGE):
        canvas = Canvas(
            buffer,
            pagesize=A4,
            invariant=1,
            pageCompression=1,
            lang=POSTER_LANGUAGE,
            initialFontName=FONT_REGULAR,
        )
        team = _nfc(data.team_name)
        canvas.setTitle(_("Sign up with %(team)s") % {"team": team})
        canvas.setAuthor(team)
        _draw(canvas, data)
        canvas.showPage()
        canvas.save()
    return buffer.getvalue()


def _draw(canvas: Canvas, data: PosterContent) -> None:
    canvas.setStrokeColor(_ACCENT)
    canvas.setLineWidth(6)
    canvas.rect(20, 20, _WIDTH - 40, _HEIGHT - 40)
    y = _HEIGHT - 100
    y = _centred(canvas, _("Learn digital skills for free"), FONT_BOLD, 32, y, _ACCENT)
    y = _centred(canvas, data.team_name, FONT_BOLD, 22, y - 16, _INK)
    place = _("%(hamlet)s, %(commune)s") % {
        "hamlet": _nfc(data.hamlet_name),
        "commune": _nfc(data.commune_name),
    }
    y = _centred(canvas, place, FONT_REGULAR, 16, y - 4, _INK)
    invitation = _(
        "Scan the QR code with your phone's camera to make your account. Short "
        "courses teach you to use online public services, pay without cash and "
        "keep safe from scams online."
    )
    y = _centred(canvas, invitation, FONT_REGULAR, 15, y - 20, _INK)
    qr_y = y - 24 - _QR_SIZE
    qr_draw(
        canvas,
        data.signup_url,
        x=(_WIDTH - _QR_SIZE) / 2,
        y=qr_y,
        size=_QR_SIZE,
        colour=_INK,
    )
    y = _centred(canvas, _("Or type this address:"), FONT_REGULAR, 12, qr_y - 20, _INK)
    y = _centred(canvas, data.signup_url, FONT_REGULAR, 10, y, _INK)
    _centred(
        canvas,
        _("The team will help you sign up and learn."),
        FONT_BOLD,
        15,
        y - 24,
        _ACCENT,
    )


def _centred(canvas, text, font, size, top, colour) -> float:
    """Draw ``text`` centred, wrapped to the page; return where the next line goes."""
    canvas.setFillColor(colour)
    canvas.setFont(font, size)
    leading = size * 1.3
    y = top
    for line in simpleSplit(_nfc(text), font, size, _WIDTH - 2 * _MARGIN):
        canvas.drawCentredString(_WIDTH / 2, y, line)
        y -= leading
    return y


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", " ".join(text.split()))
