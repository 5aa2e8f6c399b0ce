"""Household rosters built in code, laid out as communes keep them."""

import io
import unicodedata

from openpyxl import Workbook

# The layout of a commune's "danh sách hộ gia đình": a title over the table, a
# header on two rows ("Năm sinh" merged over "Nam | Nữ", the other cells merged
# down), a row of column numbers, then one row per person.
TITLE = "DANH SÁCH HỘ GIA ĐÌNH KHU PHỐ 1"
HEADER = [
    "STT",
    "Họ và tên",
    "Năm sinh",
    None,
    "Quan hệ với chủ hộ",
    "Số nhà",
    "Số điện thoại",
    "Số CCCD",
    "Ghi chú",
]
SUB_HEADER = [None, None, "Nam", "Nữ", None, None, None, None, None]

# (name, male birth year, female birth year, relation, house, phone, citizen id)
PEOPLE = [
    ("Nguyễn Văn Hùng", 1968, None, "Chủ hộ", "12", "0912 345 678", "079068001234"),
    ("Trần Thị Hoà", None, 1970, "Vợ", "12", "", "079170001235"),
    ("Nguyễn Đức Anh", 1995, None, "Con", "12", "0987654321", ""),
    ("Lê Thị Ánh Tuyết", None, 1955, "Chủ hộ", "14A", "", ""),
    ("Phạm Quốc Bảo", 1980, None, "Chủ hộ", "16/2", "0903 111 222", ""),
    ("Đặng Thị Thu", None, 1984, "Vợ", "16/2", "", ""),
]


def roster_xlsx(people=PEOPLE, *, title=TITLE, extra_rows=()) -> bytes:
    """An .xlsx roster; ``extra_rows`` are appended as they are (bad rows, say)."""
    book = Workbook()
    sheet = book.active
    sheet.title = "Danh sách"
    sheet.append([title])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(HEADER))
    sheet.append(["Xã Bến Thành, Thành phố Hồ Chí Minh"])
    sheet.append(HEADER)
    sheet.append(SUB_HEADER)
    sheet.merge_cells("C3:D3")
    for column in "ABEFGHI":
        sheet.merge_cells(f"{column}3:{column}4")
    sheet.append([f"({n})" for n in range(1, len(HEADER) + 1)])
    for number, (name, male, female, relation, house, phone, cccd) in enumerate(
        people, start=1
    ):
        sheet.append([number, name, male, female, relation, house, phone, cccd, ""])
    for row in extra_rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


CSV_HEADER = "STT;Số hộ;Họ và tên;Năm sinh;Giới tính;Quan hệ với chủ hộ;Số nhà;SĐT"
CSV_ROWS = [
    "1;1;Nguyễn Văn Hùng;1968;Nam;Chủ hộ;12;0912345678",
    "2;;Trần Thị Hoà;1970;Nữ;Vợ;12;",
    "3;2;Lê Thị Ánh Tuyết;12/03/1955;Nữ;Chủ hộ;14A;",
    "4;2;Võ Minh Khôi;2012;Nam;Cháu;14A;",
]


def roster_csv(rows=CSV_ROWS, header=CSV_HEADER) -> str:
    return "\r\n".join([header, *rows]) + "\r\n"


_TONES = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}


def cp1258(text: str) -> bytes:
    """``text`` as Excel writes plain CSV on Vietnamese Windows (Windows-1258).

    The code page has the letters with a hat, horn or breve but writes tone marks
    as separate combining characters: "ễ" is "ê" followed by a combining tilde.
    """
    out = bytearray()
    for char in unicodedata.normalize("NFC", text):
        try:
            out += char.encode("cp1258")
        except UnicodeEncodeError:
            parts = unicodedata.normalize("NFD", char)
            base = unicodedata.normalize(
                "NFC", "".join(c for c in parts if c not in _TONES)
            )
            tones = "".join(c for c in parts if c in _TONES)
            out += (base + tones).encode("cp1258")
    return bytes(out)
