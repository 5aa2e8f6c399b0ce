"""Reading the spreadsheets staff upload (.xlsx or CSV): cells, header, rows, limits.

Both the commune's household rosters and the officials' staff and completion
lists come through here. The kind of file is told from its bytes, not its name;
CSV is read in the encodings Excel writes on Vietnamese Windows. An .xlsx is a
ZIP archive, and a small one can hold gigabytes of XML (a "ZIP bomb") that the
reader would try to hold: it is refused on what its members declare they unpack
to, which is a true bound (Python's ZIP reader never unpacks a member past its
declared size; a larger one fails its checksum). Every refusal is a
``ValidationError`` with a ``code`` and a message in the user's language.
"""

import csv
import datetime
import io
import re
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException

from lms.text import fold, nfc

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 20_000
MAX_COLUMNS = 40
# The header is looked for in this many rows from the top.
HEADER_SEARCH_ROWS = 20
# So many empty rows in a row end the data.
MAX_BLANK_RUN = 1000
# A workbook's parts unpack to far more than its file; past this it is a ZIP bomb
# (openpyxl would hold its shared strings in memory), not a list of people.
MAX_UNPACKED_BYTES = 64 * 1024 * 1024


def refuse(message: str, code: str):
    raise ValidationError(message, code=code)


# Cells ---------------------------------------------------------------------------


def cell_text(value) -> str:
    """A cell as text: whole numbers without ".0", text in NFC, spaces collapsed."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "x" if value else ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime.date):
        return value.strftime("%d/%m/%Y")
    return " ".join(nfc(str(value)).split())


def _not_a_spreadsheet() -> str:
    return _(
        "This file is not a spreadsheet. Upload it as an Excel file (.xlsx) or as CSV."
    )


def _unreadable_xlsx():
    refuse(
        _(
            "This Excel file cannot be read: it may be damaged or protected by "
            "a password. Open it in Excel, save it again as .xlsx and upload it."
        ),
        "unreadable",
    )


# What openpyxl raises on a damaged workbook: a broken archive, missing parts, XML
# that does not parse (SyntaxError) or that defusedxml refuses (ValueError), cells
# it cannot convert.
_XLSX_FAILURES = (
    zipfile.BadZipFile,
    InvalidFileException,
    KeyError,
    IndexError,
    OSError,
    ValueError,
    TypeError,
    AttributeError,
    SyntaxError,
)


def _check_unpacked_size(data: bytes) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(member.file_size for member in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError):
        # The reader says what is wrong with a damaged workbook.
        return
    if unpacked > MAX_UNPACKED_BYTES:
        refuse(
            _(
                "This Excel file would unpack to more than %(size)s MB, far more "
                "than a list holds: it is refused. Open it in Excel, save it again "
                "as .xlsx and upload it."
            )
            % {"size": MAX_UNPACKED_BYTES // (1024 * 1024)},
            "zip_bomb",
        )


def _xlsx_rows(data: bytes) -> tuple[Iterator[list[str]], int]:
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        sheet = book.worksheets[0]
        estimate = sheet.max_row or 0
    except _XLSX_FAILURES:
        _unreadable_xlsx()

    def rows():
        try:
            for row in sheet.iter_rows(max_col=MAX_COLUMNS, values_only=True):
                yield [cell_text(value) for value in row]
        except _XLSX_FAILURES:
            _unreadable_xlsx()
        finally:
            book.close()

    return rows(), estimate


def _decode(data: bytes) -> str:
    """UTF-8 (with or without BOM), UTF-16 with its BOM (Excel's "Unicode text"),
    else Windows-1258, the code page of Excel's plain "CSV" on Vietnamese Windows;
    NFC joins the tone marks that code page writes apart."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            refuse(_not_a_spreadsheet(), "not_spreadsheet")
    # Text never holds a NUL byte; images, PDFs and archives do.
    if b"\x00" in data[:65536]:
        refuse(_not_a_spreadsheet(), "not_spreadsheet")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1258")
    except UnicodeDecodeError:
        refuse(
            _(
                "The file's text cannot be read. Save it from Excel as "
                "“CSV UTF-8” or as .xlsx and upload it again."
            ),
            "encoding",
        )


def _csv_rows(data: bytes) -> tuple[Iterator[list[str]], int]:
    text = _decode(data)
    if not any(ch.isalpha() for ch in text[:4096]):
        refuse(_not_a_spreadsheet(), "not_spreadsheet")
    try:
        dialect = csv.Sniffer().sniff(text[:8192], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel

    def rows():
        try:
            for row in csv.reader(io.StringIO(text), dialect):
                yield [cell_text(cell) for cell in row[:MAX_COLUMNS]]
        except csv.Error:
            refuse(_not_a_spreadsheet(), "not_spreadsheet")

    return rows(), text.count("\n") + 1


def too_large_message() -> str:
    return _("The file is larger than %(size)s MB; split it in parts.") % {
        "size": MAX_BYTES // (1024 * 1024)
    }


def check_size(data: bytes) -> None:
    """Refuses an empty file and one over ``MAX_BYTES``."""
    if not data:
        refuse(_("The file is empty."), "empty")
    if len(data) > MAX_BYTES:
        refuse(too_large_message(), "too_large")


def file_rows(data: bytes) -> tuple[Iterator[list[str]], int]:
    """The rows of the first sheet of an .xlsx or a CSV file, each a list of cell
    texts, and about how many there are (for a progress bar; 0 when the file
    does not say).

    Raises ``ValidationError`` for an empty file, a file over ``MAX_BYTES``, a
    workbook that would unpack to too much, an old .xls workbook or anything
    that is not a spreadsheet; a damaged workbook may raise it while the rows
    are read.
    """
    check_size(data)
    if data.startswith(b"PK\x03\x04"):
        _check_unpacked_size(data)
        return _xlsx_rows(data)
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        refuse(
            _(
                "This is an old Excel workbook (.xls). Open it in Excel, save it "
                "as .xlsx (Excel Workbook) and upload that file."
            ),
            "xls",
        )
    return _csv_rows(data)


def top_rows(rows: Iterator[list[str]]) -> list[list[str]]:
    """The first ``HEADER_SEARCH_ROWS`` rows, where a header is looked for;
    refuses a file with nothing in them."""
    top: list[list[str]] = []
    for row in rows:
        top.append(row)
        if len(top) >= HEADER_SEARCH_ROWS:
            break
    if not any(any(cells) for cells in top):
        refuse(_("The file is empty."), "empty")
    return top


# The header ----------------------------------------------------------------------


def label_key(text: str) -> str:
    """A header cell reduced to folded letters, digits and single spaces."""
    return " ".join(re.sub(r"[^a-z0-9]+", " ", fold(text)).split())


def classify(labels: Iterable[tuple[str, str]], text: str) -> str | None:
    """The field whose pattern (on :func:`label_key`) first matches ``text``."""
    key = label_key(text)
    if not key:
        return None
    for name, pattern in labels:
        if re.search(pattern, key):
            return name
    return None


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


def first_columns(columns: list[Column], *, skip: Iterable[str] = ()) -> dict:
    """The first column of each field the header names, fields in ``skip`` aside."""
    by_field: dict[str, Column] = {}
    for column in columns:
        if column.field and column.field not in skip:
            by_field.setdefault(column.field, column)
    return by_field


# Rows ----------------------------------------------------------------------------


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


def rows_under_header(
    top: list[list[str]],
    rest: Iterator[list[str]],
    *,
    first_data: int,
    columns: dict[str, Column],
    expected: int,
    too_many_rows: Callable[[str], str],
    on_progress=None,
    row_class: type[Row] = Row,
) -> Iterator[Row]:
    """The non-blank rows below the header, numbered as the spreadsheet shows
    them, read lazily: ``top`` (the rows searched for the header, data from
    ``first_data`` on), then the ``rest`` of the file.

    A long run of empty rows ends the data; past ``MAX_ROWS`` rows the file is
    refused with ``too_many_rows(count)`` (the limit written for the reader).
    ``on_progress(rows_read, rows_expected)`` is called now and then.
    """

    def numbered():
        yield from enumerate(top[first_data:], start=first_data + 1)
        yield from enumerate(rest, start=len(top) + 1)

    count, blank_run = 0, 0
    for line, cells in numbered():
        row = row_class(line, cells, columns)
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
                too_many_rows(number_format(MAX_ROWS, force_grouping=True)),
                "too_many_rows",
            )
        if on_progress and count % 2000 == 0:
            on_progress(count, max(expected, count))
        yield row
