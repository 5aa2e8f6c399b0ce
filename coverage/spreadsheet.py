"""Reading the spreadsheets officials upload: the cells, the header, the limits.

The cells come from :func:`community_teams.roster.file_rows`, which reads .xlsx and
the CSV encodings Excel writes on Vietnamese Windows. Before that, an .xlsx is
checked for what it would unpack to: a workbook is a ZIP archive, and a small one
can hold gigabytes of XML (a "ZIP bomb") that the reader would try to hold.
Python's ZIP reader never unpacks a member past the size its header declares (a
larger one fails its checksum), so the declared sizes are a true bound.
"""

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from openpyxl.utils import get_column_letter

from community_teams.roster import file_rows
from lms.text import fold

MAX_BYTES = 5 * 1024 * 1024
# What the XML inside an .xlsx may unpack to: a 20,000-row sheet is a few MB.
MAX_ROWS = 20_000
# The header is looked for in this many rows from the top.
HEADER_SEARCH_ROWS = 20
# So many empty rows in a row end the data.
MAX_BLANK_RUN = 1000


def refuse(message: str, code: str):
    raise ValidationError(message, code=code)


def too_large_message() -> str:
    return _("The file is larger than %(size)s MB; split it in parts.") % {
        "size": MAX_BYTES // (1024 * 1024)
    }


def check_size(data: bytes) -> None:
    if not data:
        refuse(_("The file is empty."), "empty")
    if len(data) > MAX_BYTES:
        refuse(too_large_message(), "too_large")


def sheet_rows(data: bytes) -> tuple[Iterator[list[str]], int]:
    """The rows of the first sheet of an .xlsx or a CSV file, as cell texts, and
    about how many there are (for the progress bar).

    Raises ``ValidationError`` (with a ``code``) for an empty or too large file, a
    workbook that would unpack to too much, and anything that is not a
    spreadsheet; a damaged workbook may raise it while the rows are read.
    """
    check_size(data)
    return file_rows(data)


def label_key(text: str) -> str:
    """A header cell reduced to folded letters, digits and single spaces."""
    return " ".join(re.sub(r"[^a-z0-9]+", " ", fold(text)).split())


@dataclass
class Column:
    index: int
    field: str | None
    label: str

    @property
    def letter(self) -> str:
        return get_column_letter(self.index + 1)

    @property
    def name(self) -> str:
        return f"{self.letter} ({self.label})"


def classify(labels: list[tuple[str, str]], text: str) -> str | None:
    """The field whose pattern (on :func:`label_key`) first matches ``text``."""
    key = label_key(text)
    if not key:
        return None
    for name, pattern in labels:
        if re.search(pattern, key):
            return name
    return None


def find_header(
    rows: list[list[str]], labels: list[tuple[str, str]], *, needs: set[str]
) -> tuple[list[Column], int] | None:
    """The columns of the row among ``rows`` that names the most known fields,
    at least one of ``needs``, and the index of the first row after it."""
    best, best_score = None, 0
    for index, row in enumerate(rows):
        fields = {classify(labels, text) for text in row if text} - {None}
        if fields & needs and len(fields) > best_score:
            best, best_score = index, len(fields)
    if best is None:
        return None
    columns = [
        Column(index=i, field=classify(labels, text), label=text)
        for i, text in enumerate(rows[best])
    ]
    return columns, best + 1


def ignored_columns(
    columns: list[Column], used: dict[str, "Column"], *, silent: set[str]
) -> list[dict]:
    """The named columns the import does not read (a second column of a field
    included), for the preview to list; fields in ``silent`` go unmentioned."""
    return [
        {
            "column": column.letter,
            "label": column.label,
            "reason": str(_("Not read by this import.")),
        }
        for column in columns
        if column.label
        and column.field not in silent
        and (column.field is None or used.get(column.field) is not column)
    ]


def cell_error(line: int, column: Column | None, value: str, message) -> dict:
    return {
        "line": line,
        "column": column.name if column else "",
        "value": (value or "")[:100],
        "message": str(message),
    }


class Row:
    """One data row, read through the columns the header names."""

    def __init__(self, line: int, cells: list[str], columns: dict[str, Column]):
        self.line, self.cells, self.columns = line, cells, columns
        self.errors: list[dict] = []

    def text(self, name: str) -> str:
        column = self.columns.get(name)
        if column is None or column.index >= len(self.cells):
            return ""
        return self.cells[column.index]

    def fail(self, name: str | None, message) -> None:
        column = self.columns.get(name) if name else None
        self.errors.append(
            cell_error(self.line, column, self.text(name) if name else "", message)
        )

    def is_blank(self) -> bool:
        return not any(self.text(name) for name in self.columns)


def data_rows(
    data: bytes,
    labels: list[tuple[str, str]],
    *,
    needs: set[str],
    no_header: Callable[[], str],
    on_progress=None,
) -> tuple[list[Column], dict[str, Column], Iterator[Row]]:
    """The header's columns, the first column of each field, and the file's
    non-blank data rows, read lazily.

    ``no_header()`` is the message for a file none of whose first rows names a
    field of ``needs``. Raises ``ValidationError`` as :func:`sheet_rows` does,
    for a file without that header, and (while iterating) past ``MAX_ROWS``.
    """
    rows, expected = sheet_rows(data)
    top: list[list[str]] = []
    for row in rows:
        top.append(row)
        if len(top) >= HEADER_SEARCH_ROWS:
            break
    if not any(any(cells) for cells in top):
        refuse(_("The file is empty."), "empty")
    found = find_header(top, labels, needs=needs)
    if found is None:
        refuse(no_header(), "no_header")
    columns, first_data = found
    by_field: dict[str, Column] = {}
    for column in columns:
        if column.field:
            by_field.setdefault(column.field, column)

    def all_rows():
        yield from enumerate(top[first_data:], start=first_data + 1)
        yield from enumerate(rows, start=len(top) + 1)

    def read() -> Iterator[Row]:
        count, blank_run = 0, 0
        for line, cells in all_rows():
            row = Row(line, cells, by_field)
            if row.is_blank():
                # Sheets often carry formatted empty rows far below the data.
                blank_run += 1
                if blank_run > MAX_BLANK_RUN:
                    break
                continue
            blank_run = 0
            count += 1
            if count > MAX_ROWS:
                refuse(
                    _("The file has more than %(count)s rows; split it in parts.")
                    % {"count": number_format(MAX_ROWS, force_grouping=True)},
                    "too_many_rows",
                )
            if on_progress and count % 2000 == 0:
                on_progress(count, max(expected, count))
            yield row

    return columns, by_field, read()
