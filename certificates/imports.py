"""Reading a list of people (phone numbers or email addresses) from a CSV file.

Officials keep their lists in spreadsheets: any column order, a header row or not,
commas, semicolons or tabs. In each row the first cell that reads as a Vietnamese
mobile number or an email address identifies the person; other cells (names,
notes) are ignored.
"""

import csv
import io
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db.models import Q
from django.utils.translation import gettext as _

from certificates import permissions
from lms.phone import phone_to_e164

MAX_ROWS = 20_000


@dataclass
class PeopleMatch:
    """Who an uploaded list names: matched user ids, and lines that matched nobody."""

    user_ids: list[int] = field(default_factory=list)
    unmatched: list[dict] = field(default_factory=list)


def _identifier(cell: str) -> tuple[str, str] | None:
    """("email", address) or ("phone", E.164) if the cell reads as one."""
    value = cell.strip()
    if not value:
        return None
    if "@" in value:
        try:
            validate_email(value)
        except ValidationError:
            return None
        return "email", value.lower()
    try:
        return "phone", phone_to_e164(value)
    except ValidationError:
        return None


def _rows(data: bytes) -> list[list[str]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ValidationError(
            _("The file is not UTF-8 text. Save it as “CSV UTF-8” and upload again."),
            code="encoding",
        ) from error
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    return list(csv.reader(io.StringIO(text), dialect))


def people_match_csv(*, issuer, data: bytes) -> PeopleMatch:
    """Match each row of a CSV file to one of ``issuer``'s people.

    A row matching nobody *in the issuer's area* is reported the same way whether
    or not such a person exists elsewhere, so the list reveals no one outside it.

    Raises ``ValidationError`` when the file cannot be read, names nobody or has
    more than ``MAX_ROWS`` rows.
    """
    rows = _rows(data)
    if len(rows) > MAX_ROWS:
        raise ValidationError(
            _("The file has more than %(count)s rows; split it.") % {"count": MAX_ROWS},
            code="too_many_rows",
        )
    result = PeopleMatch()
    wanted: list[tuple[int, str, tuple[str, str]]] = []
    seen: set[tuple[str, str]] = set()
    for number, row in enumerate(rows, start=1):
        cells = [cell.strip() for cell in row if cell.strip()]
        if not cells:
            continue
        found = next(filter(None, map(_identifier, cells)), None)
        shown = " ".join(cells)[:100]
        if found is None:
            # A first row without any digit is a header such as "Số điện thoại".
            if number == 1 and not any(ch.isdigit() for ch in shown):
                continue
            result.unmatched.append(
                {
                    "line": number,
                    "value": shown,
                    "reason": _("Not a mobile number or an email address."),
                }
            )
        elif found in seen:
            result.unmatched.append(
                {"line": number, "value": shown, "reason": _("Listed twice.")}
            )
        else:
            seen.add(found)
            wanted.append((number, shown, found))
    phones = [value for _line, _shown, (kind, value) in wanted if kind == "phone"]
    emails = [value for _line, _shown, (kind, value) in wanted if kind == "email"]
    by_phone, by_email = {}, {}
    for pk, phone, email in (
        permissions.people_visible_to(issuer)
        .filter(Q(phone__in=phones) | Q(email__in=emails))
        .values_list("pk", "phone", "email")
    ):
        if phone:
            by_phone[phone] = pk
        if email:
            by_email[email] = pk
    matched: set[int] = set()
    for number, shown, (kind, value) in wanted:
        pk = (by_phone if kind == "phone" else by_email).get(value)
        if pk is None:
            result.unmatched.append(
                {
                    "line": number,
                    "value": shown,
                    "reason": _("Nobody with this number or address in your area."),
                }
            )
        elif pk in matched:
            result.unmatched.append(
                {"line": number, "value": shown, "reason": _("Listed twice.")}
            )
        else:
            matched.add(pk)
            result.user_ids.append(pk)
    result.unmatched.sort(key=lambda entry: entry["line"])
    return result
