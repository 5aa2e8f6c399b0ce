"""What every PDF of the site shares: Be Vietnam Pro and QR codes drawn as vectors.

The TTF files come from the ``fontpkg-be-vietnam-pro`` package. Static files are
used because reportlab embeds only the default instance of a variable font.
reportlab embeds only the glyphs a document uses (a subset). Certificates and the
community teams' posters draw with these.
"""

import functools

import fontpkg
import segno
from reportlab.lib.colors import Color
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

FONT_FAMILY = "Be Vietnam Pro"
FONT_REGULAR = "BeVietnamPro-Regular"
FONT_BOLD = "BeVietnamPro-Bold"

# Choosing the mask by scoring all eight costs more than drawing the whole page;
# every mask gives a valid code that phone cameras read.
_QR_MASK = 0


@functools.cache
def fonts_register() -> None:
    """Register the regular and bold faces with reportlab, once per process."""
    pdfmetrics.registerFont(TTFont(FONT_REGULAR, fontpkg.path(FONT_FAMILY, 400)))
    pdfmetrics.registerFont(TTFont(FONT_BOLD, fontpkg.path(FONT_FAMILY, 700)))


def qr_draw(
    canvas: Canvas, text: str, *, x: float, y: float, size: float, colour: Color
) -> None:
    """Draw ``text`` as a QR code, ``size`` points square, lower left at (x, y).

    One filled path: one rectangle per run of dark modules, written in module
    units under a scaling transform, as whole numbers, which keeps the content
    stream short and quick to build.
    """
    matrix = segno.make(text, error="m", micro=False, mask=_QR_MASK).matrix
    count = len(matrix)
    rectangles = []
    for row_index, row in enumerate(matrix):
        bottom = count - 1 - row_index
        column = 0
        while column < count:
            if not row[column]:
                column += 1
                continue
            start = column
            while column < count and row[column]:
                column += 1
            rectangles.append(f"{start} {bottom} {column - start} 1 re")
    canvas.saveState()
    canvas.setFillColor(colour)
    canvas.translate(x, y)
    canvas.scale(size / count, size / count)
    canvas.addLiteral("\n".join(rectangles) + "\nf")
    canvas.restoreState()
