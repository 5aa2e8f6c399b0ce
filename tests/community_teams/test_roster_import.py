"""Importing a hamlet's household roster in the admin: preview, accept, bad files."""

import datetime
import io
import unicodedata
import zipfile
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone, translation
from openpyxl import load_workbook

from community_teams import imports
from community_teams.models import Household, Resident, RosterImport, RosterImportRow
from lms.models import AuditEvent
from lms.spreadsheets import MAX_BYTES
from tests.community_teams.outreach import household
from tests.community_teams.rosters import (
    CSV_HEADER,
    CSV_ROWS,
    cp1258,
    roster_csv,
    roster_xlsx,
)
from tests.staff import staff_world

pytestmark = pytest.mark.django_db

UPLOAD = reverse("households:import")
BAD_ROW = (7, "Hồ Văn Sai", 1890, None, "Chủ hộ", "20", "12345", "", "")


@pytest.fixture
def world():
    return staff_world()


@pytest.fixture
def official(client, world):
    client.force_login(world.commune_official)
    return client


def upload(client, hamlet, data: bytes, name="danh-sach.xlsx"):
    return client.post(
        UPLOAD, {"hamlet": hamlet.pk, "file": SimpleUploadedFile(name, data)}
    )


def latest_import() -> RosterImport:
    return RosterImport.objects.latest("pk")


def detail_url(roster_import, **query) -> str:
    url = reverse("households:import_detail", args=[roster_import.pk])
    if query:
        url += "?" + "&".join(f"{key}={value}" for key, value in query.items())
    return url


def accept(client, roster_import):
    return client.post(
        reverse("households:import_action", args=[roster_import.pk, "accept"])
    )


def test_the_preview_lists_every_household_and_the_bad_row_with_why(official, world):
    response = upload(official, world.kp1, roster_xlsx(extra_rows=[BAD_ROW]))

    roster_import = latest_import()
    assert response.status_code == 302
    assert response["Location"] == detail_url(roster_import)
    page = official.get(detail_url(roster_import)).content.decode()
    assert "3 new households" in page
    assert "1 household with errors (not saved)" in page
    for name in ("Nguyễn Văn Hùng", "Trần Thị Hoà", "Lê Thị Ánh Tuyết", "Hồ Văn Sai"):
        assert name in page
    # The bad row: its line, its column and value, and why.
    assert "Line 12, column C (Năm sinh – Nam) “1890”" in page
    assert "The birth year must be between 1900 and" in page
    assert "column G (Số điện thoại) “12345”" in page
    assert "Not a Vietnamese mobile number" in page
    # The citizen ID column is read past, and the page says so.
    assert "H “Số CCCD”: Citizen ID numbers are not kept" in page
    assert "079068001234" not in page
    # Nothing is saved before the preview is accepted.
    assert not Household.objects.exists()


def test_accepting_saves_the_good_households_with_their_people(official, world):
    upload(official, world.kp1, roster_xlsx(extra_rows=[BAD_ROW]))
    roster_import = latest_import()

    response = accept(official, roster_import)

    assert response.status_code == 302
    homes = {
        home.head_name: home for home in Household.objects.filter(hamlet=world.kp1)
    }
    assert set(homes) == {"Nguyễn Văn Hùng", "Lê Thị Ánh Tuyết", "Phạm Quốc Bảo"}
    hung = homes["Nguyễn Văn Hùng"]
    assert (hung.house_number, hung.phone) == ("12", "+84912345678")
    people = list(
        hung.residents.order_by("pk").values_list("full_name", "birth_year", "sex")
    )
    assert people == [
        ("Nguyễn Văn Hùng", 1968, "male"),
        ("Trần Thị Hoà", 1970, "female"),
        ("Nguyễn Đức Anh", 1995, "male"),
    ]
    assert all(unicodedata.is_normalized("NFC", name) for name, _y, _s in people)
    assert Resident.objects.get(full_name="Nguyễn Đức Anh").phone == "+84987654321"
    assert not Household.objects.filter(head_name="Hồ Văn Sai").exists()
    roster_import.refresh_from_db()
    assert roster_import.status == RosterImport.Status.DONE
    # No citizen ID number is kept anywhere.
    for value in Resident.objects.values_list("full_name", "phone"):
        assert "079068001234" not in "".join(value)
    assert "079068001234" not in str(
        list(RosterImportRow.objects.values_list("members", "errors"))
    )
    created = AuditEvent.objects.get(action=AuditEvent.Action.CREATE)
    assert sorted(created.subject_ids) == sorted(str(h.pk) for h in homes.values())
    assert created.actor == world.commune_official
    page = official.get(detail_url(roster_import)).content.decode()
    assert "3 new households, 0 updated" in page


def test_importing_the_same_file_again_creates_nothing(official, world):
    data = roster_xlsx()
    upload(official, world.kp1, data)
    accept(official, latest_import())
    households, residents = Household.objects.count(), Resident.objects.count()

    upload(official, world.kp1, data)
    again = latest_import()
    page = official.get(detail_url(again)).content.decode()
    refused = accept(official, again)

    again.refresh_from_db()
    assert (again.to_create, again.to_update, again.unchanged) == (0, 0, 3)
    assert "Nothing to save" in page
    assert refused.status_code == 302
    assert (Household.objects.count(), Resident.objects.count()) == (
        households,
        residents,
    )


def test_a_household_on_the_list_is_matched_without_accents_and_updated(
    official, world
):
    home = household(world.kp1, head="NGUYEN VAN HUNG", number="12")
    upload(official, world.kp1, roster_xlsx())
    roster_import = latest_import()
    assert (roster_import.to_create, roster_import.to_update) == (2, 1)
    page = official.get(detail_url(roster_import, show="update")).content.decode()
    # The preview shows a household already kept: that read is on the record.
    assert "NGUYEN VAN HUNG" in page or "Nguyễn Văn Hùng" in page
    assert "phone number: — → 0912 345 678" in page and "Trần Thị Hoà" in page
    read = AuditEvent.objects.get(detail=f"roster import {roster_import.pk} preview")
    assert read.subject_ids == [str(home.pk)]
    assert read.actor == world.commune_official

    accept(official, roster_import)

    home.refresh_from_db()
    assert home.version == 2
    assert home.phone == "+84912345678"
    # The head was already listed (same folded name); his wife and son are added.
    assert home.residents.count() == 3
    assert Household.objects.filter(hamlet=world.kp1).count() == 3


def test_a_household_changed_after_the_preview_stops_the_save_and_nothing_is_saved(
    official, world
):
    home = household(world.kp1, head="Nguyễn Văn Hùng", number="12")
    upload(official, world.kp1, roster_xlsx())
    roster_import = latest_import()
    # Someone corrects the household before the preview is accepted.
    official.post(
        reverse("households:edit", args=[home.pk]),
        {"head_name": "Nguyễn Văn Hùng", "house_number": "12", "phone": "0903 000 111"},
    )

    accept(official, roster_import)

    roster_import.refresh_from_db()
    assert roster_import.status == RosterImport.Status.READY
    assert "Nothing was saved" in roster_import.error
    assert "Nguyễn Văn Hùng" in roster_import.error
    # Neither the new households nor the update: all or none.
    assert Household.objects.count() == 1
    home.refresh_from_db()
    assert home.phone == "+84903000111"
    page = official.get(detail_url(roster_import)).content.decode()
    assert "Nothing was saved" in page

    official.post(
        reverse("households:import_action", args=[roster_import.pk, "reread"])
    )
    roster_import.refresh_from_db()
    assert roster_import.status == RosterImport.Status.READY and not roster_import.error
    accept(official, roster_import)
    assert Household.objects.count() == 3


def test_a_csv_in_utf8_with_a_bom_groups_people_by_household_number(official, world):
    upload(official, world.kp1, roster_csv().encode("utf-8-sig"), name="ds.csv")
    accept(official, latest_import())

    tuyet = Household.objects.get(head_name="Lê Thị Ánh Tuyết")
    assert tuyet.house_number == "14A"
    assert list(tuyet.residents.values_list("full_name", "birth_year", "sex")) == [
        ("Lê Thị Ánh Tuyết", 1955, "female"),
        ("Võ Minh Khôi", 2012, "male"),
    ]
    assert Household.objects.get(head_name="Nguyễn Văn Hùng").residents.count() == 2


def test_a_csv_saved_by_excel_on_vietnamese_windows_reads_in_nfc(official, world):
    data = cp1258(roster_csv())
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")

    upload(official, world.kp1, data, name="ds.csv")
    accept(official, latest_import())

    names = set(Resident.objects.values_list("full_name", flat=True))
    assert names == {
        "Nguyễn Văn Hùng",
        "Trần Thị Hoà",
        "Lê Thị Ánh Tuyết",
        "Võ Minh Khôi",
    }
    assert all(unicodedata.is_normalized("NFC", name) for name in names)


def test_the_uploaded_file_is_kept_outside_the_media_and_deleted_once_saved(
    official, world, django_capture_on_commit_callbacks
):
    upload(official, world.kp1, roster_xlsx())
    roster_import = latest_import()
    stored = Path(roster_import.file.path)
    assert stored.exists()
    assert Path(settings.PRIVATE_ROOT) in stored.parents
    assert Path(settings.MEDIA_ROOT) not in stored.parents

    with django_capture_on_commit_callbacks(execute=True):
        accept(official, roster_import)

    roster_import.refresh_from_db()
    assert not roster_import.file
    assert not stored.exists()


def test_an_import_not_accepted_within_a_day_loses_its_file_and_preview(
    official, world
):
    upload(official, world.kp1, roster_xlsx())
    roster_import = latest_import()
    stored = Path(roster_import.file.path)

    assert imports.roster_imports_expire() == 0
    expired = imports.roster_imports_expire(
        now=timezone.now() + datetime.timedelta(days=1, minutes=1)
    )

    roster_import.refresh_from_db()
    assert expired == 1
    assert roster_import.status == RosterImport.Status.EXPIRED
    assert not stored.exists() and not roster_import.rows.exists()
    page = official.get(detail_url(roster_import)).content.decode()
    assert "was not accepted within a day" in page
    assert accept(official, roster_import).status_code == 302
    assert not Household.objects.exists()


def test_progress_is_answered_as_json_and_the_page_polls_it_from_a_static_file(
    official, world
):
    upload(official, world.kp1, roster_xlsx())
    roster_import = latest_import()
    progress = official.get(
        reverse("households:import_progress", args=[roster_import.pk])
    ).json()
    assert progress["status"] == "ready" and progress["finished"]
    assert progress["percent"] == 100

    # While the file is being read the page shows the bar and loads the script.
    RosterImport.objects.filter(pk=roster_import.pk).update(
        status=RosterImport.Status.READING, rows_read=4000, rows_total=10000
    )
    page = official.get(detail_url(roster_import)).content.decode()
    assert 'id="roster-progress"' in page
    assert 'value="40"' in page
    assert "community_teams/roster_progress.js" in page
    assert '<meta http-equiv="refresh"' in page
    assert "<script>" not in page.split("roster-progress", 1)[1]


def test_the_preview_pages_through_a_large_file_in_few_queries(
    official, world, django_assert_max_num_queries
):
    people = [
        (f"Nguyễn Văn Số {n}", 1980, None, "Chủ hộ", str(n), "", "") for n in range(120)
    ]
    upload(official, world.kp1, roster_xlsx(people))
    roster_import = latest_import()
    assert roster_import.to_create == 120

    with django_assert_max_num_queries(14):
        page = official.get(detail_url(roster_import, page=2)).content.decode()
    assert "Nguyễn Văn Số 50" in page and "Nguyễn Văn Số 49" not in page


# Bad files: a clear message, never a 500, nothing saved.


def failure(client, world, data: bytes, name="roster.xlsx") -> str:
    response = upload(client, world.kp1, data, name=name)
    if response.status_code == 200:
        return response.content.decode()
    assert response.status_code == 302
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert latest_import().status == RosterImport.Status.FAILED
    assert not latest_import().file
    return page.content.decode()


def test_a_file_that_is_not_a_spreadsheet_is_refused(official, world):
    png = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4
    assert "This file is not a spreadsheet" in failure(official, world, png, "a.png")
    assert not Household.objects.exists()


def test_a_damaged_excel_file_is_refused(official, world):
    page = failure(official, world, b"PK\x03\x04" + b"\x00" * 300)
    assert "This Excel file cannot be read" in page


def test_an_excel_file_whose_sheet_is_cut_short_is_refused(official, world):
    good = zipfile.ZipFile(io.BytesIO(roster_xlsx()))
    damaged = io.BytesIO()
    with zipfile.ZipFile(damaged, "w") as archive:
        for item in good.infolist():
            content = good.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                content = content[: len(content) // 2]
            archive.writestr(item, content)

    page = failure(official, world, damaged.getvalue())

    assert "This Excel file cannot be read" in page
    assert not Household.objects.exists()


def test_an_old_xls_workbook_is_refused_with_how_to_save_it(official, world):
    page = failure(official, world, b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 500)
    assert "old Excel workbook (.xls)" in page


def test_an_empty_file_is_refused(official, world):
    assert "The file is empty." in failure(official, world, b"")
    assert not RosterImport.objects.exists()


def test_a_file_over_five_megabytes_is_refused_before_it_is_kept(official, world):
    data = roster_csv().encode() + b"x" * MAX_BYTES
    page = failure(official, world, data, "big.csv")
    assert "larger than 5 MB" in page
    assert not RosterImport.objects.exists()


def test_fifty_thousand_rows_are_refused(official, world):
    rows = [f"{n};{n};Nguyễn Văn {n};1980;Nam;Chủ hộ;{n};" for n in range(50_000)]
    data = roster_csv(rows).encode("utf-8")
    assert len(data) < MAX_BYTES
    page = failure(official, world, data, "big.csv")
    assert "more than 20,000 rows" in page
    assert not Household.objects.exists()


def test_a_file_without_the_roster_columns_is_refused(official, world):
    data = "Tên sản phẩm;Giá;Số lượng\r\nGạo;20000;3\r\n".encode()
    page = failure(official, world, data, "hang.csv")
    assert "needs a header row" in page


def test_a_header_with_names_but_no_way_to_tell_households_is_refused(official, world):
    data = "Họ và tên;Năm sinh;Địa chỉ\r\nNguyễn Văn A;1980;12\r\n".encode()
    assert "needs a header row" in failure(official, world, data, "ds.csv")


def test_a_header_with_no_rows_under_it_is_refused(official, world):
    page = failure(official, world, (CSV_HEADER + "\r\n").encode(), "ds.csv")
    assert "no households under it" in page


def test_the_errors_are_written_in_vietnamese(world):
    data = (CSV_HEADER + "\r\n" + CSV_ROWS[0].replace("1968", "abc") + "\r\n").encode()
    with translation.override("vi"):
        roster_import = imports.roster_import_create(
            by=world.commune_official, hamlet=world.kp1, name="ds.csv", data=data
        )
        (row,) = roster_import.rows.all()
        assert row.errors[0]["message"] == (
            "Không đọc được năm sinh ở đây; hãy ghi năm, ví dụ 1985."
        )
        with pytest.raises(Exception) as refused:
            imports.roster_import_create(
                by=world.commune_official, hamlet=world.kp1, name="x", data=b""
            )
        assert "Tệp trống." in str(refused.value)


def test_the_template_download_is_a_roster_the_import_reads(official, world):
    response = official.get(reverse("households:import_template"))

    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('.xlsx"')
    book = load_workbook(io.BytesIO(response.content))
    sheet = book.worksheets[0]
    sheet.append([1, 1, "Đinh Thị Mai", 1990, "Nữ", "Chủ hộ", "3", "0912 000 111"])
    buffer = io.BytesIO()
    book.save(buffer)
    upload(official, world.kp1, buffer.getvalue())
    assert latest_import().to_create == 1
    page = official.get(UPLOAD).content.decode()
    assert "Quan hệ với chủ hộ" in page and "Số CCCD" in page


def test_an_import_whose_worker_stopped_can_be_started_again(official, world):
    upload(official, world.kp1, roster_xlsx())
    roster_import = latest_import()
    long_ago = timezone.now() - datetime.timedelta(minutes=11)
    resume = reverse("households:import_action", args=[roster_import.pk, "resume"])
    # Accepted, then the worker died: nothing was saved, the status stayed.
    RosterImport.objects.filter(pk=roster_import.pk).update(
        status=RosterImport.Status.SAVING, moved_at=long_ago
    )

    page = official.get(detail_url(roster_import)).content.decode()
    official.post(resume)

    assert "the background worker may have stopped" in page
    roster_import.refresh_from_db()
    assert roster_import.status == RosterImport.Status.DONE
    assert Household.objects.count() == 3
    # A second task for the same save (the first was only slow) finds it saved.
    imports.roster_import_save(roster_import_id=roster_import.pk)
    roster_import.refresh_from_db()
    assert roster_import.status == RosterImport.Status.DONE
    assert Household.objects.count() == 3


def test_an_import_still_moving_is_not_started_again(official, world):
    upload(official, world.kp1, roster_xlsx())
    roster_import = latest_import()
    RosterImport.objects.filter(pk=roster_import.pk).update(
        status=RosterImport.Status.READING
    )

    official.post(
        reverse("households:import_action", args=[roster_import.pk, "resume"])
    )

    roster_import.refresh_from_db()
    assert roster_import.status == RosterImport.Status.READING
    page = official.get(detail_url(roster_import)).content.decode()
    assert "the background worker may have stopped" not in page


def test_a_person_erased_after_the_preview_is_not_written_back(official, world):
    home = household(world.kp1, head="Nguyễn Văn Hùng", number="12")
    wife = Resident.objects.create(household=home, full_name="Trần Thị Hoà")
    upload(official, world.kp1, roster_xlsx())
    roster_import = latest_import()
    # Her erasure, as the data-subject request does it: what identifies her goes.
    Resident.objects.filter(pk=wife.pk).update(
        full_name="", search_key="", erased_at=timezone.now()
    )

    accept(official, roster_import)

    roster_import.refresh_from_db()
    assert "were erased after the preview" in roster_import.error
    wife.refresh_from_db()
    assert (wife.full_name, wife.birth_year) == ("", None)
    assert Household.objects.count() == 1
