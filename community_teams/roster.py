"""Reading a hamlet's household roster as communes keep it (.xlsx or .csv).

The layout accepted is the commune's "danh sách hộ gia đình": one row per person,
households one after the other, with columns such as

    STT | Số hộ | Họ và tên | Năm sinh (Nam | Nữ) | Giới tính | Quan hệ với chủ hộ
        | Số nhà | Số điện thoại | Số CCCD | Ghi chú

in any order. A person's household is given by a household column ("Số hộ",
"Mã hộ", blank meaning "the same as above", so merged cells work), or else by the
relationship column: a "Chủ hộ" row starts the next household. A list with only a
"Họ tên chủ hộ" column (and no relationship column) has one household per row.
Birth years are a year or a date ("1985", "12/03/1985"); the year may instead sit
in a "Nam" or "Nữ" column under "Năm sinh", which also gives the sex.

Header detection looks at the first rows for the row that names the most known
columns, so title rows above it ("DANH SÁCH HỘ GIA ĐÌNH THÔN 1") are skipped; a
second header row below it (cells merged across "Năm sinh" over "Nam | Nữ") is
read with it, and a row of column numbers ("(1) (2) (3)") is skipped.

Citizen ID numbers are never kept: a CCCD/CMND column is ignored and said so.
Nothing here writes to the database: :func:`roster_read` returns what the file
says, cell by cell, with every problem found.
"""

import re
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from community_teams.models import Resident
from lms.phone import phone_to_e164
from lms.spreadsheets import (
    Column,
    Row,
    cell_error,
    classify,
    file_rows,
    first_columns,
    label_key,
    refuse,
    rows_under_header,
    top_rows,
)
from lms.text import fold

HOUSEHOLD = "household"
NAME = "name"
HEAD_NAME = "head_name"
RELATION = "relation"
BIRTH = "birth"
BIRTH_MALE = "birth_male"
BIRTH_FEMALE = "birth_female"
SEX = "sex"
HOUSE_NUMBER = "house_number"
PHONE = "phone"
NUMBER = "number"
CITIZEN_ID = "citizen_id"

# Header labels, folded and reduced to letters, digits and single spaces.
_LABELS = [
    (
        CITIZEN_ID,
        r"\b(cccd|cmnd|cmtnd|can cuoc|dinh danh|chung minh|ho chieu)\b",
    ),
    (HOUSEHOLD, r"^((ma|so|stt|so thu tu|tt) ho( gia dinh)?|ho so)$"),
    (RELATION, r"^(quan he|qh)\b"),
    (HEAD_NAME, r"^((ho )?(va )?ten )?chu ho$"),
    (NAME, r"^(ho (va )?ten|ten)\b"),
    (BIRTH, r"^(nam sinh|ngay sinh|ngay thang nam sinh|sinh nam)\b"),
    (SEX, r"^gioi( tinh)?$"),
    (HOUSE_NUMBER, r"^(so nha|dia chi|noi o)\b"),
    (PHONE, r"^(so )?(dien thoai|dt|sdt)\b"),
    (NUMBER, r"^(stt|tt|so tt|so thu tu)$"),
]
_SUB_MALE, _SUB_FEMALE = "nam", "nu"
_COLUMN_NUMBER = re.compile(r"^\(?\d{1,2}\)?$")
_YEAR_AT_END = re.compile(r"(?:^|\D)(\d{4})$")
_YEAR_AT_START = re.compile(r"^(\d{4})(?:\D|$)")
_SEXES = {
    "nam": Resident.Sex.MALE,
    "nu": Resident.Sex.FEMALE,
    "m": Resident.Sex.MALE,
    "f": Resident.Sex.FEMALE,
    "male": Resident.Sex.MALE,
    "female": Resident.Sex.FEMALE,
}
_HEAD_RELATIONS = {"chu ho", "ch"}
_FIRST_YEAR = 1900


def _classify(text: str) -> str | None:
    return classify(_LABELS, text)


@dataclass
class Person:
    line: int
    name: str
    birth_year: int | None
    sex: str
    phone: str
    relation: str
    house_number: str
    household: str
    errors: list[dict] = field(default_factory=list)

    @property
    def is_head(self) -> bool:
        return label_key(self.relation) in _HEAD_RELATIONS


@dataclass
class HouseholdRead:
    """A household as the file gives it: its head first, then its other members."""

    line: int
    last_line: int
    head_name: str
    house_number: str
    phone: str
    members: list[Person]
    errors: list[dict] = field(default_factory=list)

    def all_errors(self) -> list[dict]:
        return [*self.errors, *(e for p in self.members for e in p.errors)]


@dataclass
class Roster:
    households: list[HouseholdRead]
    ignored: list[dict]
    layout: str
    people: int


# The header ----------------------------------------------------------------------


def _expected_columns() -> str:
    return _(
        "The roster needs a header row with at least “Họ và tên” and either "
        "“Quan hệ với chủ hộ” or “Số hộ” (or one row per household with “Họ tên "
        "chủ hộ”). See the expected columns on the upload page."
    )


def _is_sub_header(lower: list[str]) -> bool:
    cells = [text for text in lower if text]
    if not cells:
        return False
    for text in cells:
        key = label_key(text)
        if key not in (_SUB_MALE, _SUB_FEMALE) and _classify(text) is None:
            return False
    return True


def _header(rows: list[list[str]]) -> tuple[list[Column], int]:
    """The columns and the index of the first row after the header."""
    best, best_score = None, 1
    for index, row in enumerate(rows):
        fields = {_classify(text) for text in row if text} - {None}
        if not fields & {NAME, HEAD_NAME}:
            continue
        if len(fields) > best_score:
            best, best_score = index, len(fields)
    if best is None:
        refuse(_expected_columns(), "no_header")
    upper = rows[best]
    after = best + 1
    lower = rows[after] if after < len(rows) else []
    width = max(len(upper), len(lower))
    upper = upper + [""] * (width - len(upper))
    if _is_sub_header(lower):
        lower = lower + [""] * (width - len(lower))
        after += 1
        # A group title merged across the columns below it covers them all.
        for i in range(1, width):
            if not upper[i] and lower[i] and lower[i - 1]:
                upper[i] = upper[i - 1]
    else:
        lower = [""] * width
    columns = []
    for i in range(width):
        up, low = upper[i], lower[i]
        group = _classify(up)
        label = f"{up} – {low}" if up and low else (up or low)
        low_key = label_key(low)
        if low_key in (_SUB_MALE, _SUB_FEMALE) and group == BIRTH:
            kind = BIRTH_MALE if low_key == _SUB_MALE else BIRTH_FEMALE
        elif low:
            kind = _classify(low) or group
        else:
            kind = group
        columns.append(Column(index=i, field=kind, label=label))
    if after < len(rows) and _is_column_numbers(rows[after]):
        after += 1
    return columns, after


def _is_column_numbers(row: list[str]) -> bool:
    cells = [text for text in row if text]
    return len(cells) >= 3 and all(_COLUMN_NUMBER.match(text) for text in cells)


# Cells ---------------------------------------------------------------------------


def _birth_year(text: str) -> int | None:
    match = _YEAR_AT_END.search(text) or _YEAR_AT_START.search(text)
    if match is None:
        return None
    return int(match.group(1))


class _Row(Row):
    """One data row of a roster, read into a person."""

    def year(self, name: str) -> int | None:
        text = self.text(name)
        if not text:
            return None
        year = _birth_year(text)
        this_year = timezone.localdate().year
        if year is None:
            self.fail(
                name,
                _("Cannot read a birth year here; write the year, e.g. 1985."),
            )
        elif not _FIRST_YEAR <= year <= this_year:
            self.fail(
                name,
                _("The birth year must be between %(first)s and %(last)s.")
                % {"first": _FIRST_YEAR, "last": this_year},
            )
            return None
        return year

    def person(self) -> Person:
        name_field = NAME if NAME in self.columns else HEAD_NAME
        name = self.text(name_field)
        if not name:
            self.fail(name_field, _("The full name is missing."))
        elif len(name) > 150:
            self.fail(name_field, _("A name can have at most 150 characters."))
        sex = ""
        if self.text(SEX):
            sex = _SEXES.get(label_key(self.text(SEX)), "")
            if not sex:
                self.fail(SEX, _("Write the sex as “Nam” or “Nữ”."))
        year = self.year(BIRTH)
        male, female = self.text(BIRTH_MALE), self.text(BIRTH_FEMALE)
        if male and female:
            self.fail(
                BIRTH_FEMALE,
                _("The birth year is written under both “Nam” and “Nữ”; keep one."),
            )
        elif male or female:
            year = self.year(BIRTH_MALE if male else BIRTH_FEMALE)
            split_sex = Resident.Sex.MALE if male else Resident.Sex.FEMALE
            if sex and sex != split_sex:
                self.fail(SEX, _("The sex differs from the “Nam”/“Nữ” column."))
            sex = split_sex
        phone = ""
        if self.text(PHONE):
            try:
                phone = phone_to_e164(self.text(PHONE))
            except ValidationError:
                self.fail(
                    PHONE,
                    _(
                        "Not a Vietnamese mobile number; write it like 0912 345 678, "
                        "or leave it empty."
                    ),
                )
        house_number = self.text(HOUSE_NUMBER)
        if len(house_number) > 40:
            self.fail(HOUSE_NUMBER, _("A house number can have at most 40 characters."))
            house_number = ""
        return Person(
            line=self.line,
            name=name[:150],
            birth_year=year,
            sex=sex,
            phone=phone,
            relation=self.text(RELATION),
            house_number=house_number,
            household=self.text(HOUSEHOLD),
            errors=self.errors,
        )


# Households ----------------------------------------------------------------------


def _layout(fields: set[str]) -> str:
    if HOUSEHOLD in fields:
        return "household_column"
    if RELATION in fields and NAME in fields:
        return "relation"
    if HEAD_NAME in fields and NAME not in fields:
        return "one_row_per_household"
    refuse(_expected_columns(), "wrong_columns")


def _household(people: list[Person]) -> HouseholdRead:
    heads = [p for p in people if p.is_head]
    head = heads[0] if heads else people[0]
    for extra in heads[1:]:
        extra.errors.append(
            cell_error(
                extra.line,
                None,
                extra.relation,
                _("This household already has a head, on line %(line)s.")
                % {"line": head.line},
            )
        )
    members = [head, *(p for p in people if p is not head)]
    return HouseholdRead(
        line=people[0].line,
        last_line=people[-1].line,
        head_name=head.name,
        house_number=head.house_number
        or next((p.house_number for p in people if p.house_number), ""),
        phone=head.phone,
        members=members,
    )


def _alone(person: Person, message: str) -> HouseholdRead:
    """A row that belongs to no household: shown on its own, with why."""
    person.errors.append(cell_error(person.line, None, person.name, message))
    return _household([person])


def _group(people: list[Person], layout: str) -> list[HouseholdRead]:
    households: list[HouseholdRead] = []
    current: list[Person] = []
    key = None
    for person in people:
        if layout == "relation" and not person.is_head and not person.relation:
            households.append(
                _alone(
                    person,
                    _(
                        "“Quan hệ với chủ hộ” is empty: it is not known which "
                        "household this person belongs to."
                    ),
                )
            )
            continue
        if layout == "one_row_per_household":
            starts = True
        elif layout == "household_column":
            starts = bool(person.household) and person.household != key
            if person.household:
                key = person.household
        else:
            starts = person.is_head
        if starts and current:
            households.append(_household(current))
            current = []
        if not starts and not current:
            households.append(
                _alone(
                    person,
                    _(
                        "This person comes before any head of household: fill in "
                        "“Quan hệ với chủ hộ” (or “Số hộ”) so the household is "
                        "known."
                    ),
                )
            )
            continue
        current.append(person)
    if current:
        households.append(_household(current))
    households.sort(key=lambda h: h.line)
    return households


def _mark_repeats(households: list[HouseholdRead]) -> None:
    seen: dict[tuple[str, str], int] = {}
    for home in households:
        key = (fold(home.head_name), fold(home.house_number))
        if not home.head_name:
            continue
        if key in seen:
            home.errors.append(
                cell_error(
                    home.line,
                    None,
                    home.head_name,
                    _(
                        "The same head of household and house number are already "
                        "on line %(line)s of the file."
                    )
                    % {"line": seen[key]},
                )
            )
        else:
            seen[key] = home.line


def roster_read(data: bytes, *, on_progress=None) -> Roster:
    """Read a roster file into households, with every wrong cell and why.

    ``on_progress(rows_read, rows_expected)`` is called now and then while reading.
    Raises ``ValidationError`` (in Vietnamese, with a ``code``) when the file as a whole
    cannot be used: see :func:`file_rows`, plus no recognisable header, no data
    rows or more than ``MAX_ROWS`` rows.
    """
    rows, expected = file_rows(data)
    top = top_rows(rows)
    columns, first_data = _header(top)
    ignored = [
        {
            "column": column.letter,
            "label": column.label,
            "reason": str(
                _(
                    "Citizen ID numbers are not kept (personal data law): "
                    "this column is ignored."
                )
            ),
        }
        for column in columns
        if column.field == CITIZEN_ID
    ] + [
        {
            "column": column.letter,
            "label": column.label,
            "reason": str(_("Not used by the roster.")),
        }
        for column in columns
        if column.field is None and column.label
    ]
    by_field = first_columns(columns, skip=(CITIZEN_ID, NUMBER))
    layout = _layout(set(by_field))
    people = [
        row.person()
        for row in rows_under_header(
            top,
            rows,
            first_data=first_data,
            columns=by_field,
            expected=expected,
            too_many_rows=lambda count: (
                _("The file has more than %(count)s rows; split it by hamlet.")
                % {"count": count}
            ),
            on_progress=on_progress,
            row_class=_Row,
        )
    ]
    if not people:
        refuse(_("The file has a header but no households under it."), "no_rows")
    households = _group(people, layout)
    _mark_repeats(households)
    return Roster(
        households=households, ignored=ignored, layout=layout, people=len(people)
    )
