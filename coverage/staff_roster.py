"""Reading an agency's staff roster (.xlsx or .csv) as agencies keep it.

One row per person, with a header row naming the columns in any order:

    STT | Họ và tên | Phân loại (CB/CC/VC) | Chức vụ | Số điện thoại | Email

Title rows above the header ("DANH SÁCH CÁN BỘ, CÔNG CHỨC SỞ ...") are skipped:
the header is the row among the first ones that names the most known columns.
The category is written as the law names it, with or without accents: "CB",
"Cán bộ", "CC", "Công chức", "VC", "Viên chức". Each person needs a phone
number or an email address, which is how they sign in.

Nothing here writes to the database: :func:`staff_roster_read` returns what the
file says, row by row, with every problem of each row.
"""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

from coverage.models import StaffCategory
from coverage.spreadsheet import data_rows, ignored_columns
from lms.phone import phone_to_e164
from lms.spreadsheets import cell_error, label_key
from lms.text import fold

NAME = "name"
CATEGORY = "category"
POSITION = "position"
PHONE = "phone"
EMAIL = "email"
NUMBER = "number"

# The columns of the template, in its order.
TEMPLATE_COLUMNS = [
    "Họ và tên",
    "Phân loại (CB/CC/VC)",
    "Chức vụ",
    "Số điện thoại",
    "Email",
]

# Header labels, as :func:`lms.spreadsheets.label_key` reduces them.
LABELS = [
    (NUMBER, r"^(stt|tt|so tt|so thu tu)$"),
    (NAME, r"^(ho (va )?ten|ho ten|full name|name)\b|^ten$"),
    (CATEGORY, r"^(phan loai|loai|doi tuong|cb cc vc|category)\b"),
    (POSITION, r"^(chuc vu|chuc danh|vi tri( viec lam)?|position|job title)\b"),
    (PHONE, r"^(so )?(dien thoai|dt|sdt|di dong|phone|mobile)\b"),
    (EMAIL, r"^(e ?mail|thu dien tu|dia chi (e ?mail|thu dien tu))\b"),
]

CATEGORIES = {
    "cb": StaffCategory.CB,
    "can bo": StaffCategory.CB,
    "cadre": StaffCategory.CB,
    "cc": StaffCategory.CC,
    "cong chuc": StaffCategory.CC,
    "civil servant": StaffCategory.CC,
    "vc": StaffCategory.VC,
    "vien chuc": StaffCategory.VC,
    "public employee": StaffCategory.VC,
}


@dataclass
class StaffRead:
    """A person as the file gives them: cells cleaned, with what is wrong."""

    line: int
    full_name: str
    category: str
    position: str
    phone: str
    email: str
    errors: list[dict] = field(default_factory=list)

    @property
    def name_key(self) -> str:
        return fold(self.full_name)


@dataclass
class StaffRoster:
    people: list[StaffRead]
    ignored: list[dict]


def _expected_columns() -> str:
    return _(
        "The roster needs a header row with “Họ và tên”, “Phân loại (CB/CC/VC)” "
        "and “Số điện thoại” or “Email”. Download the template on the upload page."
    )


def _person(row) -> StaffRead:
    name = row.text(NAME)
    if not name:
        row.fail(NAME, _("The full name is missing."))
    elif len(name) > 150:
        row.fail(NAME, _("A name can have at most 150 characters."))
    category = ""
    if not row.text(CATEGORY):
        row.fail(CATEGORY, _("The category is missing: write CB, CC or VC."))
    else:
        category = CATEGORIES.get(label_key(row.text(CATEGORY)), "")
        if not category:
            row.fail(
                CATEGORY,
                _(
                    "Write the category as CB (cán bộ), CC (công chức) or VC "
                    "(viên chức)."
                ),
            )
    position = row.text(POSITION)
    if len(position) > 150:
        row.fail(POSITION, _("A position can have at most 150 characters."))
        position = ""
    phone = ""
    if row.text(PHONE):
        try:
            phone = phone_to_e164(row.text(PHONE))
        except ValidationError:
            row.fail(
                PHONE,
                _(
                    "Not a Vietnamese mobile number; write it like 0912 345 678, or "
                    "leave it empty and give an email address."
                ),
            )
    email = row.text(EMAIL).lower()
    if email:
        try:
            validate_email(email)
        except ValidationError:
            row.fail(EMAIL, _("Not an email address; write it like lan@example.vn."))
            email = ""
    if not row.text(PHONE) and not row.text(EMAIL):
        row.fail(
            None,
            _(
                "Give a phone number or an email address: the person signs in "
                "with one of them."
            ),
        )
    return StaffRead(
        line=row.line,
        full_name=name[:150],
        category=category,
        position=position,
        phone=phone,
        email=email,
        errors=row.errors,
    )


def _mark_repeats(people: list[StaffRead]) -> None:
    """A phone number or an email address on two rows: the later row is wrong."""
    for attribute, message in (
        ("phone", _("The same phone number is already on line %(line)s.")),
        ("email", _("The same email address is already on line %(line)s.")),
    ):
        seen: dict[str, int] = {}
        for person in people:
            value = getattr(person, attribute)
            if not value:
                continue
            if value in seen:
                person.errors.append(
                    cell_error(
                        person.line, None, value, message % {"line": seen[value]}
                    )
                )
            else:
                seen[value] = person.line


def staff_roster_read(data: bytes, *, on_progress=None) -> StaffRoster:
    """Read a staff roster into people, with every wrong cell of each and why.

    ``on_progress(rows_read, rows_expected)`` is called now and then. Raises
    ``ValidationError`` (with a ``code``) when the file as a whole cannot be used:
    see :func:`lms.spreadsheets.file_rows`, plus no header with the needed
    columns, no rows under it, or too many rows.
    """
    columns, by_field, rows = data_rows(
        data,
        LABELS,
        needs={NAME},
        no_header=_expected_columns,
        on_progress=on_progress,
    )
    if CATEGORY not in by_field or not {PHONE, EMAIL} & set(by_field):
        raise ValidationError(_expected_columns(), code="wrong_columns")
    people = [_person(row) for row in rows]
    if not people:
        raise ValidationError(
            _("The file has a header but nobody under it."), code="no_rows"
        )
    _mark_repeats(people)
    return StaffRoster(
        people=people,
        ignored=ignored_columns(columns, by_field, silent={NUMBER}),
    )
