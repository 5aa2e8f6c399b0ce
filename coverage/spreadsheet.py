"""Reading the lists officials upload (staff rosters, completion records): the
header found among the first rows, the columns an import reads, the data rows.

Files, cells and limits are read by :mod:`lms.spreadsheets`.
"""

from collections.abc import Callable, Iterator

from django.utils.translation import gettext as _

from lms.spreadsheets import (
    Column,
    Row,
    classify,
    file_rows,
    first_columns,
    refuse,
    rows_under_header,
    top_rows,
)


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
    field of ``needs``. Raises ``ValidationError`` as
    :func:`lms.spreadsheets.file_rows` does, for a file without that header, and
    (while iterating) past ``MAX_ROWS``.
    """
    rows, expected = file_rows(data)
    top = top_rows(rows)
    found = find_header(top, labels, needs=needs)
    if found is None:
        refuse(no_header(), "no_header")
    columns, first_data = found
    by_field = first_columns(columns)
    read = rows_under_header(
        top,
        rows,
        first_data=first_data,
        columns=by_field,
        expected=expected,
        too_many_rows=lambda count: (
            _("The file has more than %(count)s rows; split it in parts.")
            % {"count": count}
        ),
        on_progress=on_progress,
    )
    return columns, by_field, read
