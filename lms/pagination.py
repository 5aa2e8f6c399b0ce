"""Pages of long lists that cost the same on the first page and the ten-thousandth.

A province's list of people has hundreds of thousands of rows: counting them for
"page 3 of 12,000" and skipping to an offset would read the whole list on every
page. A *keyset* page instead asks for the rows just after (or before) the row at
the edge of the page shown, in an order an index gives, plus one more row to know
whether a next page exists. Links say "previous" and "next", not page numbers.

The queryset's own ``order_by`` is the key: non-null fields of its model, ending
with the primary key so that every row has its own place.
"""

from collections.abc import Iterator
from dataclasses import dataclass
from functools import reduce

from django.db.models import Model, Q, QuerySet

from lms.converters import id_parse


@dataclass(frozen=True)
class KeysetPage:
    """One page of rows; ``after``/``before`` are the cursors of the next/previous."""

    object_list: list[Model]
    has_next: bool
    has_previous: bool

    def __iter__(self) -> Iterator[Model]:
        return iter(self.object_list)

    def __len__(self) -> int:
        return len(self.object_list)

    @property
    def after(self) -> int | None:
        return self.object_list[-1].pk if self.has_next else None

    @property
    def before(self) -> int | None:
        return self.object_list[0].pk if self.has_previous else None


def cursor_parse(value: str | None) -> int | None:
    """The primary key in an ``?after=``/``?before=`` parameter, or None."""
    try:
        number = id_parse(value or "")
    except ValueError:
        return None
    return number or None


def _ordering(queryset: QuerySet) -> list[tuple[str, bool]]:
    ordering = [
        (name.lstrip("-"), name.startswith("-")) for name in queryset.query.order_by
    ]
    if not ordering or ordering[-1][0] not in ("pk", queryset.model._meta.pk.name):
        raise ValueError("A keyset page needs an order_by() that ends with the pk.")
    return ordering


def _beyond(ordering: list[tuple[str, bool]], values: tuple, forward: bool) -> Q:
    """Rows that come after ``values`` in ``ordering`` (before, if not forward)."""
    alternatives = []
    for position, (name, descending) in enumerate(ordering):
        lookup = "lt" if descending == forward else "gt"
        equal = {ordering[i][0]: values[i] for i in range(position)}
        alternatives.append(Q(**equal, **{f"{name}__{lookup}": values[position]}))
    # The bound on the first key alone lets the database start the index scan there.
    first, descending = ordering[0]
    bound = Q(**{f"{first}__{'lte' if descending == forward else 'gte'}": values[0]})
    return bound & reduce(lambda left, right: left | right, alternatives)


def keyset_page(
    queryset: QuerySet,
    *,
    per_page: int,
    after: str | None = None,
    before: str | None = None,
) -> KeysetPage:
    """The page of ``queryset`` after the row ``after`` or before the row ``before``.

    Both are primary keys as they come from the query string; a cursor that is
    malformed, or whose row has left the list, gives the first page.
    """
    ordering = _ordering(queryset)
    names = [name for name, _ in ordering]
    forward, cursor = True, cursor_parse(after)
    if cursor is None and (cursor := cursor_parse(before)) is not None:
        forward = False
    values = None
    if cursor is not None:
        values = queryset.order_by().filter(pk=cursor).values_list(*names).first()
    if values is None:
        rows = list(queryset[: per_page + 1])
        return KeysetPage(rows[:per_page], len(rows) > per_page, False)
    rows = queryset.filter(_beyond(ordering, values, forward))
    if forward:
        rows = list(rows[: per_page + 1])
        return KeysetPage(rows[:per_page], len(rows) > per_page, True)
    rows = list(rows.reverse()[: per_page + 1])
    return KeysetPage(rows[:per_page][::-1], True, len(rows) > per_page)
