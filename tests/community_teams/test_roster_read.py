"""Reading rosters laid out the ways communes keep them (no database needed)."""

import datetime
import io

import pytest
from django.core.exceptions import ValidationError
from openpyxl import Workbook

from community_teams.roster import roster_read


def xlsx(rows, merges=()) -> bytes:
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(list(row))
    for merged in merges:
        sheet.merge_cells(merged)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_one_row_per_household_with_the_heads_name():
    roster = roster_read(
        xlsx(
            [
                ("DANH SÁCH CHỦ HỘ THÔN 2",),
                ("TT", "Họ tên chủ hộ", "Địa chỉ", "SĐT", "Số nhân khẩu"),
                (1, "Nguyễn Thị Mai", "Xóm Đông", 912345678, 4),
                (2, "Đỗ Văn Bình", "Xóm Tây", None, 3),
            ],
            merges=["A1:E1"],
        )
    )

    assert roster.layout == "one_row_per_household"
    assert [(h.head_name, h.house_number, h.phone) for h in roster.households] == [
        ("Nguyễn Thị Mai", "Xóm Đông", "+84912345678"),
        ("Đỗ Văn Bình", "Xóm Tây", ""),
    ]
    assert [column["label"] for column in roster.ignored] == ["Số nhân khẩu"]


def test_a_household_column_merged_down_its_rows_and_dates_of_birth():
    roster = roster_read(
        xlsx(
            [
                ("Mã hộ", "Họ và tên", "Ngày, tháng, năm sinh", "Giới tính", "Số nhà"),
                ("(1)", "(2)", "(3)", "(4)", "(5)"),
                ("H01", "Trần Văn An", datetime.datetime(1960, 5, 1), "Nam", "7"),
                (None, "Trần Thị Bé", "02/09/2015", "nữ", None),
                ("H02", "Lý Văn Cường", 1975, "NAM", "9"),
            ],
            merges=["A3:A4"],
        )
    )

    assert roster.layout == "household_column"
    first, second = roster.households
    assert [(p.name, p.birth_year, p.sex) for p in first.members] == [
        ("Trần Văn An", 1960, "male"),
        ("Trần Thị Bé", 2015, "female"),
    ]
    assert first.house_number == "7"
    assert second.head_name == "Lý Văn Cường"
    assert not first.all_errors() and not second.all_errors()


def test_wrong_cells_are_each_named_with_their_line_and_column():
    roster = roster_read(
        xlsx(
            [
                ("Họ và tên", "Năm sinh", "Giới tính", "Quan hệ với chủ hộ"),
                ("Phan Văn Dũng", "năm ngoái", "Nam", "Chủ hộ"),
                ("", 1990, "Nữ", "Vợ"),
                ("Phan Thị Em", 2001, "khác", ""),
            ]
        )
    )

    errors = [
        (e["line"], e["column"], e["value"])
        for home in roster.households
        for e in home.all_errors()
    ]
    assert errors == [
        (2, "B (Năm sinh)", "năm ngoái"),
        (3, "A (Họ và tên)", ""),
        (4, "C (Giới tính)", "khác"),
        (4, "", "Phan Thị Em"),
    ]


def test_a_second_head_in_a_household_and_a_household_listed_twice_are_errors():
    roster = roster_read(
        xlsx(
            [
                ("Số hộ", "Họ và tên", "Quan hệ với chủ hộ", "Số nhà"),
                (1, "Vũ Văn Giang", "Chủ hộ", "3"),
                (1, "Vũ Thị Hà", "Chủ hộ", "3"),
                (2, "vu van giang", "Chủ hộ", "3"),
            ]
        )
    )

    messages = [e["message"] for h in roster.households for e in h.all_errors()]
    assert messages == [
        "This household already has a head, on line 2.",
        "The same head of household and house number are already on line 2 of "
        "the file.",
    ]


@pytest.mark.parametrize(
    "rows",
    [
        [("Sản phẩm", "Giá")],
        [("Họ và tên", "Năm sinh", "Số nhà"), ("Hồ Văn Ích", 1950, "1")],
    ],
)
def test_a_file_without_a_way_to_tell_households_is_refused(rows):
    with pytest.raises(ValidationError) as refused:
        roster_read(xlsx(rows))
    assert refused.value.code in ("no_header", "wrong_columns")


def test_a_household_roster_that_would_unpack_to_too_much_is_refused():
    from tests.coverage.spreadsheets import zip_bomb_xlsx

    with pytest.raises(ValidationError) as refused:
        roster_read(zip_bomb_xlsx())

    assert refused.value.code == "zip_bomb"
    assert "would unpack to more than 64 MB" in refused.value.messages[0]
