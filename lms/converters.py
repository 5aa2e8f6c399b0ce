"""Ids as they arrive in URLs and forms, checked before any query sees them."""

# Ids are 64-bit signed integers in every database the site runs on.
MAX_ID = 2**63 - 1
MAX_ID_DIGITS = len(str(MAX_ID))


def id_parse(text: str) -> int:
    """The id written in ``text``: digits naming a value a row can have.

    Raises ``ValueError`` otherwise (a sign, a decimal point, other characters,
    or a number past :data:`MAX_ID`, which no database can store).
    """
    text = str(text)
    if not text.isascii() or not text.isdigit() or len(text) > MAX_ID_DIGITS:
        raise ValueError(text)
    number = int(text)
    if number > MAX_ID:
        raise ValueError(text)
    return number


class IdConverter:
    """A database id in a URL: ``<id:course_id>``.

    Django's ``<int:…>`` accepts any number of digits, and a number past what the
    database can store fails inside the query (SQLite cannot bind it, PostgreSQL
    refuses it). An id out of range names no row, so such a URL does not match and
    answers 404 like any other unknown id.
    """

    regex = f"[0-9]{{1,{MAX_ID_DIGITS}}}"

    def to_python(self, value: str) -> int:
        return id_parse(value)

    def to_url(self, value: int) -> str:
        return str(id_parse(str(value)))
