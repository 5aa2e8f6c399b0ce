"""Staff rosters and completion exports built in code, laid out as agencies and
platforms write them."""

import io
import zipfile

from openpyxl import Workbook

STAFF_TITLE = "DANH SÁCH CÁN BỘ, CÔNG CHỨC, VIÊN CHỨC SỞ NỘI VỤ"
STAFF_HEADER = [
    "STT",
    "Họ và tên",
    "Phân loại (CB/CC/VC)",
    "Chức vụ",
    "Số điện thoại",
    "Email",
    "Ghi chú",
]
# (name, category, position, phone, email)
STAFF = [
    ("Nguyễn Thị Lan", "CC", "Chuyên viên", "0912 345 678", ""),
    ("Trần Văn Bình", "Cán bộ", "Giám đốc", "", "Binh@SoNoiVu.vn"),
    ("Lê Hoàng Minh", "vien chuc", "", "0987 111 222", "minh@example.vn"),
]


def staff_rows(people=STAFF) -> list[list]:
    return [
        [number, name, category, position, phone, email, ""]
        for number, (name, category, position, phone, email) in enumerate(
            people, start=1
        )
    ]


def xlsx(rows: list[list], *, title: str | None = None) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "Danh sách"
    if title:
        sheet.append([title])
        sheet.append([])
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def staff_xlsx(people=STAFF, *, header=STAFF_HEADER, extra_rows=()) -> bytes:
    """A roster with a title over the header; ``extra_rows`` appended as they are."""
    return xlsx([header, *staff_rows(people), *extra_rows], title=STAFF_TITLE)


def csv_text(rows: list[list], delimiter=";") -> str:
    return "\r\n".join(delimiter.join(str(cell) for cell in row) for row in rows) + (
        "\r\n"
    )


def staff_csv(people=STAFF) -> str:
    return csv_text([STAFF_HEADER, *staff_rows(people)])


def zip_bomb_xlsx() -> bytes:
    """A workbook whose sheet unpacks to about 80 MB of XML from a small file."""
    good = zipfile.ZipFile(io.BytesIO(staff_xlsx()))
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        for item in good.infolist():
            content = good.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                head, tail = content.split(b"</sheetData>")
                content = head + b" " * (80 * 1024 * 1024) + b"</sheetData>" + tail
            archive.writestr(item.filename, content)
    return bomb.getvalue()


COMPLETION_HEADER = [
    "STT",
    "Họ và tên",
    "Số điện thoại",
    "Email",
    "Khóa học",
    "Ngày hoàn thành",
    "Mã chứng nhận",
]


def completion_csv(rows: list[list], header=COMPLETION_HEADER) -> bytes:
    """An export as the platforms write it: comma-separated UTF-8 with a BOM."""
    numbered = [[number, *row] for number, row in enumerate(rows, start=1)]
    return csv_text([header, *numbered], delimiter=",").encode("utf-8-sig")
