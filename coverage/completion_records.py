"""Reading the completion records other platforms export (CSV, or .xlsx).

OneTouch and "Bình dân học vụ số" let an administrator download who finished
what. Their columns differ from one export to the next, so the header is read by
meaning, in Vietnamese or English, in any order:

    Họ và tên | Số điện thoại | Email | Khóa học | Kỹ năng | Ngày hoàn thành
              | Mã chứng nhận

The person is named by a phone number or an email address (one "Tài khoản"
column holding either also works); the training by a course or a skill (the
value is looked up as the column says first, then as the other); the date as
dd/mm/yyyy or yyyy-mm-dd, with or without a time after it.

Nothing here touches the database: :func:`completion_records_read` returns what
the file says with every problem of each row; who and what the values name is
decided by :mod:`coverage.imports`.
"""

import datetime
import re
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import timezone
from django.utils.translation import gettext as _

from coverage.spreadsheet import data_rows, ignored_columns
from lms.phone import phone_to_e164

NAME = "name"
PHONE = "phone"
EMAIL = "email"
ACCOUNT = "account"
COURSE = "course"
SKILL = "skill"
DATE = "date"
EVIDENCE = "evidence"
NUMBER = "number"

TEMPLATE_COLUMNS = [
    "Họ và tên",
    "Số điện thoại",
    "Email",
    "Khóa học",
    "Kỹ năng",
    "Ngày hoàn thành",
    "Mã chứng nhận",
]

LABELS = [
    (NUMBER, r"^(stt|tt|so tt|so thu tu)$"),
    (NAME, r"^(ho (va )?ten|ho ten|full name|name)\b|^ten$"),
    (PHONE, r"^(so )?(dien thoai|dt|sdt|di dong|phone|mobile)\b"),
    (EMAIL, r"^(e ?mail|thu dien tu|dia chi (e ?mail|thu dien tu))\b"),
    (ACCOUNT, r"^(tai khoan|ten dang nhap|account|username|login)\b"),
    (
        COURSE,
        r"^((ten )?(khoa hoc|khoa|chuong trinh( hoc)?|bai hoc|hoc phan)"
        r"|course( name| title)?)\b",
    ),
    (SKILL, r"^((ten )?ky nang|skill)\b"),
    (
        DATE,
        r"^(ngay (hoan thanh|cap|dat|ket thuc|hoc xong)|thoi gian hoan thanh"
        r"|hoan thanh|completed( on| at)?|completion( date)?|date)\b|^ngay$",
    ),
    (
        EVIDENCE,
        r"^((ma|so) (chung nhan|chung chi|xac nhan|minh chung|ho so)|minh chung"
        r"|chung nhan|chung chi|evidence|certificate( no| number| id| code)?"
        r"|reference)\b|^ma$",
    ),
]

FIRST_DATE = datetime.date(2020, 1, 1)
_DMY = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})(?:[ T].*)?$")
_YMD = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T].*)?$")


@dataclass
class CompletionRead:
    line: int
    name: str
    phone: str
    email: str
    person: str
    training: str
    training_field: str
    completed_on: datetime.date | None
    evidence: str
    # Problems of the person, the training and the date, kept apart so the
    # preview can say which kind of row it is; ``errors`` are all of them.
    person_errors: list[dict] = field(default_factory=list)
    training_errors: list[dict] = field(default_factory=list)
    date_errors: list[dict] = field(default_factory=list)
    other_errors: list[dict] = field(default_factory=list)
    errors: list[dict] = field(default_factory=list)


@dataclass
class CompletionFile:
    records: list[CompletionRead]
    ignored: list[dict]


def _expected_columns() -> str:
    return _(
        "The file needs a header row with “Số điện thoại” or “Email”, “Khóa học” "
        "or “Kỹ năng”, and “Ngày hoàn thành”. Download the template on the upload "
        "page."
    )


def parse_date(text: str) -> datetime.date | None:
    """A day written dd/mm/yyyy or yyyy-mm-dd (a time after it is ignored)."""
    match = _DMY.match(text)
    if match:
        day, month, year = (int(part) for part in match.groups())
    else:
        match = _YMD.match(text)
        if match is None:
            return None
        year, month, day = (int(part) for part in match.groups())
    try:
        return datetime.date(year, month, day)
    except ValueError:
        return None


def _date(text: str) -> tuple[datetime.date | None, str]:
    """The completion date and, when it cannot be used, why."""
    if not text:
        return None, _("The completion date is missing.")
    day = parse_date(text)
    if day is None:
        return None, _("Write the date as dd/mm/yyyy (15/03/2025) or yyyy-mm-dd.")
    if day > timezone.localdate():
        return None, _("This date is in the future.")
    if day < FIRST_DATE:
        return None, _("Training finished before %(date)s is not imported.") % {
            "date": FIRST_DATE.strftime("%d/%m/%Y")
        }
    return day, ""


def _contact(row, record_errors: list) -> tuple[str, str]:
    phone_text, email_text = row.text(PHONE), row.text(EMAIL)
    account = row.text(ACCOUNT)
    phone_column, email_column = PHONE, EMAIL
    if account and not phone_text and not email_text:
        if "@" in account:
            email_text, email_column = account, ACCOUNT
        else:
            phone_text, phone_column = account, ACCOUNT
    phone = email = ""
    if phone_text:
        try:
            phone = phone_to_e164(phone_text)
        except ValidationError:
            row.fail(
                phone_column,
                _("Not a Vietnamese mobile number; write it like 0912 345 678."),
            )
            record_errors.append(row.errors[-1])
    if email_text:
        email = email_text.lower()
        try:
            validate_email(email)
        except ValidationError:
            row.fail(email_column, _("Not an email address."))
            record_errors.append(row.errors[-1])
            email = ""
    if not phone_text and not email_text:
        row.fail(None, _("No phone number or email address: the person is not known."))
        record_errors.append(row.errors[-1])
    return phone, email


def _record(row) -> CompletionRead:
    person_errors, training_errors, date_errors = [], [], []
    phone, email = _contact(row, person_errors)
    course, skill = row.text(COURSE), row.text(SKILL)
    if course and skill:
        row.fail(SKILL, _("Give either a course or a skill on a row, not both."))
        training_errors.append(row.errors[-1])
    training, training_field = (course, COURSE) if course else (skill, SKILL)
    if not training:
        row.fail(None, _("No course or skill is named."))
        training_errors.append(row.errors[-1])
    completed_on, problem = _date(row.text(DATE))
    if problem:
        row.fail(DATE, problem)
        date_errors.append(row.errors[-1])
    evidence = row.text(EVIDENCE)
    other_errors = []
    if len(evidence) > 200:
        row.fail(EVIDENCE, _("An evidence reference can have at most 200 characters."))
        other_errors.append(row.errors[-1])
        evidence = ""
    return CompletionRead(
        line=row.line,
        name=row.text(NAME)[:150],
        phone=phone,
        email=email,
        person=(row.text(PHONE) or row.text(EMAIL) or row.text(ACCOUNT))[:254],
        training=training[:255],
        training_field=training_field,
        completed_on=completed_on,
        evidence=evidence,
        person_errors=person_errors,
        training_errors=training_errors,
        date_errors=date_errors,
        other_errors=other_errors,
        errors=row.errors,
    )


def completion_records_read(data: bytes, *, on_progress=None) -> CompletionFile:
    """Read an export of completions, with every wrong cell of each row and why.

    Raises ``ValidationError`` (with a ``code``) when the file as a whole cannot
    be used: see :func:`lms.spreadsheets.file_rows`, plus no header with the
    needed columns, no rows under it, or too many rows.
    """
    columns, by_field, rows = data_rows(
        data,
        LABELS,
        needs={PHONE, EMAIL, ACCOUNT},
        no_header=_expected_columns,
        on_progress=on_progress,
    )
    if not {COURSE, SKILL} & set(by_field) or DATE not in by_field:
        raise ValidationError(_expected_columns(), code="wrong_columns")
    records = [_record(row) for row in rows]
    if not records:
        raise ValidationError(
            _("The file has a header but no records under it."), code="no_rows"
        )
    return CompletionFile(
        records=records,
        ignored=ignored_columns(columns, by_field, silent={NUMBER}),
    )
