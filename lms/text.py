"""Vietnamese text helpers: normalisation, accent folding and slugs.

Text is stored in Unicode NFC. Search compares *folded* keys: lower case, without
diacritics, with "đ" mapped to "d", so "dich vu cong" finds "Dịch vụ công".
"""

import unicodedata

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
