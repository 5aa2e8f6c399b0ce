"""Vietnamese text helpers: normalisation, accent folding and slugs.

Text is stored in Unicode NFC. Search compares *folded* keys: lower case, without
diacritics, with "đ" mapped to "d", so "dich vu cong" finds "Dịch vụ công".
"""

import json
import unicodedata

from django.utils.translation import gettext_lazy as _
from slugify import slugify as _transliterating_slugify


def nfc(text: str | None) -> str:
    """Return ``text`` in Unicode NFC with surrounding white space removed."""
    if not text:
        return ""
    return unicodedata.normalize("NFC", str(text)).strip()


def fold(text: str | None) -> str:
    """Return an accent-free, lower-case search key with collapsed white space."""
    if not text:
        return ""
    decomposed = unicodedata.normalize(
        "NFD", str(text).replace("đ", "d").replace("Đ", "D")
    )
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(stripped.lower().split())


def slugify_vi(text: str, max_length: int = 255) -> str:
    """Slug that transliterates Vietnamese letters: "Đắk Lắk" -> "dak-lak"."""
    return _transliterating_slugify(
        nfc(text), max_length=max_length, word_boundary=True
    )


# The reasons Python's json module gives, which it writes in English only.
_JSON_REASONS = {
    "Expecting value": _("a value is expected"),
    "Extra data": _("there is more text after the end of the data"),
    "Expecting property name enclosed in double quotes": _(
        "a name in double quotes is expected"
    ),
    "Expecting ',' delimiter": _("a comma is missing"),
    "Expecting ':' delimiter": _("a colon is missing"),
    "Unterminated string starting at": _("a text in quotes is not closed"),
    "Invalid control character at": _("a text contains a control character"),
    "Invalid \\escape": _("a text contains an invalid escape"),
    "Invalid \\uXXXX escape": _("a text contains an invalid \\u escape"),
}


def json_error_reason(error: json.JSONDecodeError) -> str:
    """Why a JSON text could not be read, in the reader's language."""
    return str(_JSON_REASONS.get(error.msg, error.msg))
