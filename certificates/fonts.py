"""Be Vietnam Pro for reportlab: every Vietnamese letter, in two static weights.

The TTF files come from the ``fontpkg-be-vietnam-pro`` package. Static files are
used because reportlab embeds only the default instance of a variable font.
reportlab embeds only the glyphs a document uses (a subset).
"""

import functools

import fontpkg
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

FONT_FAMILY = "Be Vietnam Pro"
FONT_REGULAR = "BeVietnamPro-Regular"
FONT_BOLD = "BeVietnamPro-Bold"


@functools.cache
def fonts_register() -> None:
    """Register the regular and bold faces with reportlab, once per process."""
    pdfmetrics.registerFont(TTFont(FONT_REGULAR, fontpkg.path(FONT_FAMILY, 400)))
    pdfmetrics.registerFont(TTFont(FONT_BOLD, fontpkg.path(FONT_FAMILY, 700)))
