"""A province official imports an agency's staff roster: preview, accept, accounts."""

import datetime
import io
import unicodedata
import zipfile
from pathlib import Path

import pytest
from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from coverage import imports, signals
from coverage.models import AgencyFigures, StaffImport, StaffImportRow, StaffMember
from lms.models import AuditEvent, RoleAssignment, RoleChange, User
from lms.models.users import Role
from lms.spreadsheets import MAX_BYTES
from tests.coverage.spreadsheets import (
    STAFF,
    STAFF_HEADER,
    csv_text,
    staff_csv,
    staff_rows,
    staff_xlsx,
    xlsx,
    zip_bomb_xlsx,
)
from tests.factories import StaffMemberFactory, UserFactory
from tests.lms.accounts.conftest import last_email_code, last_sms_code
from tests.privacy.builders import notice_publish

pytestmark = pytest.mark.django_db

UPLOAD = reverse("coverage_staff_import")
# Every problem of one row at once: no name, a category that is none of the
# three, a number that is no mobile number and an address that is no address.
BAD_ROW = [9, "", "Hợp đồng", "Bảo vệ", "12345", "bao-ve@"]


def upload(client, agency, data: bytes, name="danh-sach.xlsx"):
    return client.post(
        UPLOAD, {"agency": agency.pk, "file": SimpleUploadedFile(name, data)}
    )


def latest() -> StaffImport:
    return StaffImport.objects.latest("pk")


def detail_url(item, **query) -> str:
    url = reverse("coverage_staff_import_detail", args=[item.pk])
    if query:
        url += "?" + "&".join(f"{key}={value}" for key, value in query.items())
    return url


def act(client, item, action="accept"):
    return client.post(reverse("coverage_staff_import_action", args=[item.pk, action]))


def test_the_preview_shows_new_people_and_every_problem_of_a_wrong_row(official, world):
    response = upload(official, world.so_noi_vu, staff_xlsx(extra_rows=[BAD_ROW]))

    item = latest()
    assert response.status_code == 302
    assert response["Location"] == detail_url(item)
    page = official.get(detail_url(item)).content.decode()
    assert "3 new staff members" in page
    assert "1 row with errors (not saved)" in page
    for name in ("Nguyễn Thị Lan", "Trần Văn Bình", "Lê Hoàng Minh"):
        assert name in page
    assert "0912 345 678" in page and "binh@sonoivu.vn" in page
    # The wrong row: four problems, each with its line, column and value.
    (bad,) = item.rows.filter(action=StaffImportRow.Action.INVALID)
    assert [error["column"] for error in bad.errors] == [
        "B (Họ và tên)",
        "C (Phân loại (CB/CC/VC))",
        "E (Số điện thoại)",
        "F (Email)",
    ]
    assert "Line 7, column B (Họ và tên): The full name is missing." in page
    assert "column C (Phân loại (CB/CC/VC)) “Hợp đồng”: Write the category as CB" in (
        page
    )
    assert "“12345”: Not a Vietnamese mobile number" in page
    assert "“bao-ve@”: Not an email address" in page
    # The column the import does not read is named.
    assert "G “Ghi chú”: Not read by this import." in page
    # Nothing is saved before the preview is accepted.
    assert not StaffMember.objects.exists()
    assert not User.objects.filter(full_name="Nguyễn Thị Lan").exists()


@pytest.mark.parametrize(
    ("written", "category"),
    [
        ("CB", "CB"),
        ("cb", "CB"),
        ("Cán bộ", "CB"),
        ("CAN BO", "CB"),
        ("CC", "CC"),
        ("Công chức", "CC"),
        ("cong chuc", "CC"),
        ("VC", "VC"),
        ("Viên chức", "VC"),
        ("VIÊN CHỨC", "VC"),
    ],
)
def test_the_category_is_read_as_the_law_names_it(official, world, written, category):
    upload(
        official,
        world.so_noi_vu,
        staff_xlsx([("Đỗ An", written, "", "0912000111", "")]),
    )

    (row,) = latest().rows.all()
    assert (row.action, row.category) == ("create", category)


def test_accepting_saves_the_staff_each_with_an_account_and_the_role(
    official, world, django_capture_on_commit_callbacks
):
    upload(official, world.so_noi_vu, staff_xlsx(extra_rows=[BAD_ROW]))
    item = latest()

    with django_capture_on_commit_callbacks(execute=True):
        response = act(official, item)

    assert response.status_code == 302
    staff = {m.full_name: m for m in StaffMember.objects.filter(agency=world.so_noi_vu)}
    assert set(staff) == {"Nguyễn Thị Lan", "Trần Văn Bình", "Lê Hoàng Minh"}
    lan, binh, minh = (
        staff["Nguyễn Thị Lan"],
        staff["Trần Văn Bình"],
        staff["Lê Hoàng Minh"],
    )
    assert (lan.category, lan.position, lan.phone, lan.email) == (
        "CC",
        "Chuyên viên",
        "+84912345678",
        "",
    )
    assert (binh.category, binh.email, binh.phone) == ("CB", "binh@sonoivu.vn", "")
    assert minh.category == "VC"
    assert all(unicodedata.is_normalized("NFC", name) for name in staff)
    # Each one is joined to a new account they sign in to without a password.
    assert lan.user.phone == "+84912345678" and lan.user.full_name == "Nguyễn Thị Lan"
    assert not lan.user.has_usable_password()
    assert binh.user.email == "binh@sonoivu.vn" and binh.user.phone is None
    assert EmailAddress.objects.filter(user=binh.user, email="binh@sonoivu.vn").exists()
    for member in staff.values():
        assert RoleAssignment.objects.filter(
            user=member.user, role=Role.CIVIL_SERVANT, province=None
        ).exists()
        assert RoleChange.objects.filter(
            user=member.user, role=Role.CIVIL_SERVANT, action="granted"
        ).exists()
    item.refresh_from_db()
    assert item.status == StaffImport.Status.DONE
    assert (item.accounts_created, item.accounts_linked) == (3, 0)
    # Who imported whom is on the record.
    created = AuditEvent.objects.get(
        action=AuditEvent.Action.CREATE, subject="staff_member"
    )
    assert created.actor == world.province_official
    assert sorted(created.subject_ids) == sorted(str(m.pk) for m in staff.values())
    accounts = AuditEvent.objects.get(action=AuditEvent.Action.CREATE, subject="user")
    assert sorted(accounts.subject_ids) == sorted(
        str(m.user_id) for m in staff.values()
    )
    page = official.get(detail_url(item)).content.decode()
    assert "3 new staff members, 0 updated" in page
    assert "3 accounts made, 0 joined to the account the person had" in page
    assert not item.file


def test_people_who_have_an_account_are_joined_to_it_not_given_a_second(
    official, world
):
    # Lan signed up with her number; Bình with his address, in other capitals.
    lan = UserFactory(phone="+84912345678", email="", full_name="Nguyễn Thị Lan")
    binh = UserFactory(email="binh@sonoivu.vn", phone=None)
    EmailAddress.objects.create(user=binh, email="binh@sonoivu.vn", primary=True)
    accounts = User.objects.count()

    upload(official, world.so_noi_vu, staff_xlsx())
    item = latest()
    page = official.get(detail_url(item)).content.decode()
    act(official, item)

    assert page.count("joined to the account they have") == 2
    assert User.objects.count() == accounts + 1
    assert StaffMember.objects.get(full_name="Nguyễn Thị Lan").user == lan
    assert StaffMember.objects.get(full_name="Trần Văn Bình").user == binh
    assert binh.roles.filter(role=Role.CIVIL_SERVANT).exists()
    item.refresh_from_db()
    assert (item.accounts_created, item.accounts_linked) == (1, 2)


def test_an_account_already_on_another_staff_is_a_wrong_row(official, world):
    lan = UserFactory(phone="+84912345678", email="")
    StaffMemberFactory(agency=world.phong, user=lan, phone="+84903999888")

    upload(official, world.so_noi_vu, staff_xlsx())

    (row,) = latest().rows.filter(line=4)
    assert row.action == StaffImportRow.Action.INVALID
    assert row.errors[-1]["message"] == (
        "The account with this phone number or email address is already joined to "
        "another staff member."
    )


def test_a_number_or_address_of_another_agencys_staff_is_a_wrong_row(official, world):
    StaffMemberFactory(
        agency=world.phong, full_name="Phan Thị Lan", phone="+84912345678"
    )
    StaffMemberFactory(agency=world.so_hn, full_name="Võ Bình", email="binh@sonoivu.vn")

    upload(official, world.so_noi_vu, staff_xlsx())

    item = latest()
    assert (item.to_create, item.invalid) == (1, 2)
    page = official.get(detail_url(item)).content.decode()
    assert (
        "“+84912345678”: This belongs to Phan Thị Lan, on the staff of Phòng Công "
        "chức, viên chức."
    ) in page
    # An agency of another province is not named.
    assert "on the staff of an agency of another province" in page
    assert "Sở Nội vụ Hà Nội" not in page


def test_the_same_number_or_address_twice_in_the_file_is_wrong_on_the_later_row(
    official, world
):
    people = [
        *STAFF,
        ("Nguyễn Thị Lan Anh", "CC", "", "0912-345-678", ""),
        ("Trần Bình", "CC", "", "", "binh@sonoivu.vn"),
    ]
    upload(official, world.so_noi_vu, staff_xlsx(people))

    rows = {row.line: row for row in latest().rows.all()}
    assert [rows[line].action for line in (4, 5, 6, 7, 8)] == [
        "create",
        "create",
        "create",
        "invalid",
        "invalid",
    ]
    assert rows[7].errors[0]["message"] == "The same phone number is already on line 4."
    assert rows[8].errors[0]["message"] == (
        "The same email address is already on line 5."
    )


def test_staff_on_the_list_are_matched_by_number_address_or_name_and_updated(
    official, world
):
    by_phone = StaffMemberFactory(
        agency=world.so_noi_vu, full_name="Nguyễn Thị Lan", phone="+84912345678"
    )
    by_email = StaffMemberFactory(
        agency=world.so_noi_vu,
        full_name="Trần Văn Bình",
        phone="",
        email="binh@sonoivu.vn",
        category="CC",
        active=False,
    )
    by_name = StaffMemberFactory(
        agency=world.so_noi_vu, full_name="LE HOANG MINH", phone="", category="VC"
    )

    upload(official, world.so_noi_vu, staff_xlsx())
    item = latest()
    assert (item.to_create, item.to_update) == (0, 3)
    page = official.get(detail_url(item, show="update")).content.decode()
    assert "position: — → Chuyên viên" in page
    assert "category: CC → CB" in page and "back on the staff" in page
    assert "phone number: — → 0987 111 222" in page
    # The preview names staff already kept: that read is on the record.
    read = AuditEvent.objects.get(action=AuditEvent.Action.LIST)
    assert sorted(read.subject_ids) == sorted(
        str(m.pk) for m in (by_phone, by_email, by_name)
    )
    act(official, item)

    by_phone.refresh_from_db()
    by_email.refresh_from_db()
    by_name.refresh_from_db()
    assert by_phone.position == "Chuyên viên"
    assert (by_email.category, by_email.active) == ("CB", True)
    assert (by_name.full_name, by_name.phone) == ("Lê Hoàng Minh", "+84987111222")
    assert all(m.user_id for m in (by_phone, by_email, by_name))
    assert StaffMember.objects.count() == 3


def test_importing_the_same_file_again_changes_nothing(official, world):
    data = staff_xlsx()
    upload(official, world.so_noi_vu, data)
    act(official, latest())
    counts = (
        StaffMember.objects.count(),
        User.objects.count(),
        RoleChange.objects.count(),
    )

    upload(official, world.so_noi_vu, data)
    again = latest()
    page = official.get(detail_url(again)).content.decode()
    response = act(official, again)

    assert (again.to_create, again.to_update, again.unchanged) == (0, 0, 3)
    assert "Nothing to save" in page
    assert "Nothing to save" in official.get(response["Location"]).content.decode()
    assert (
        StaffMember.objects.count(),
        User.objects.count(),
        RoleChange.objects.count(),
    ) == counts


def test_a_second_accept_is_harmless(official, world):
    upload(official, world.so_noi_vu, staff_xlsx())
    item = latest()
    act(official, item)
    saved = (StaffMember.objects.count(), User.objects.count())

    response = act(official, item)

    assert response.status_code == 302
    page = official.get(response["Location"]).content.decode()
    assert "This import is not waiting to be accepted any more." in page
    assert (StaffMember.objects.count(), User.objects.count()) == saved
    # A second saving task (one started again after a stall) finds it saved.
    imports.staff_import_save(staff_import_id=item.pk)
    assert (StaffMember.objects.count(), User.objects.count()) == saved


def test_something_that_changed_after_the_preview_stops_the_whole_save(official, world):
    upload(official, world.so_noi_vu, staff_xlsx())
    item = latest()
    # Before it is accepted, Minh signs up himself with the number in the file.
    UserFactory(phone="+84987111222", full_name="Lê Hoàng Minh")
    accounts = User.objects.count()

    act(official, item)

    item.refresh_from_db()
    assert item.status == StaffImport.Status.READY
    assert item.error.startswith("Nothing was saved: these people changed on the ")
    assert "(Lê Hoàng Minh)" in item.error
    # Neither the others nor their accounts: all or none.
    assert not StaffMember.objects.exists()
    assert User.objects.count() == accounts
    assert "Nothing was saved" in official.get(detail_url(item)).content.decode()

    act(official, item, "reread")
    item.refresh_from_db()
    assert item.status == StaffImport.Status.READY and not item.error
    act(official, item)
    assert StaffMember.objects.get(full_name="Lê Hoàng Minh").user.phone == (
        "+84987111222"
    )
    assert User.objects.count() == accounts + 2


def test_saving_sends_the_signal_the_figures_listen_to(official, world):
    heard = []

    def receiver(**kwargs):
        heard.append(kwargs)

    signals.staff_roster_imported.connect(receiver)
    try:
        upload(official, world.so_noi_vu, staff_xlsx())
        act(official, latest())
    finally:
        signals.staff_roster_imported.disconnect(receiver)

    (message,) = heard
    assert message["agency_id"] == world.so_noi_vu.pk
    assert sorted(message["staff_ids"]) == sorted(
        StaffMember.objects.values_list("pk", flat=True)
    )


def test_the_agencys_figures_count_the_imported_staff(official, world):
    upload(official, world.so_noi_vu, staff_xlsx())
    act(official, latest())

    row = AgencyFigures.objects.get(
        agency=world.so_noi_vu, year=timezone.localdate().year
    )
    assert row.staff == 3


def test_a_csv_in_utf8_with_a_bom_is_read(official, world):
    upload(official, world.phong, staff_csv().encode("utf-8-sig"), name="ds.csv")
    act(official, latest())

    assert set(
        StaffMember.objects.filter(agency=world.phong).values_list(
            "full_name", flat=True
        )
    ) == {"Nguyễn Thị Lan", "Trần Văn Bình", "Lê Hoàng Minh"}


# Signing in afterwards, through the real login pages.


def test_an_imported_person_signs_in_with_the_phone_number_and_lands_on_learning(
    client, world
):
    client.force_login(world.province_official)
    upload(client, world.so_noi_vu, staff_xlsx())
    act(client, latest())
    client.logout()

    client.post("/accounts/login/code/", {"phone": "0912 345 678"})
    response = client.post(
        "/accounts/login/code/confirm/", {"code": last_sms_code("+84912345678")}
    )

    assert response["Location"] == "/learning/"
    page = client.get("/learning/")
    assert page.status_code == 200
    assert (
        page.wsgi_request.user
        == StaffMember.objects.get(full_name="Nguyễn Thị Lan").user
    )
    assert User.objects.get(phone="+84912345678").phone_verified


def test_with_a_privacy_notice_in_force_they_agree_to_it_first_then_learn(
    client, world
):
    client.force_login(world.province_official)
    upload(client, world.so_noi_vu, staff_xlsx())
    act(client, latest())
    client.logout()
    notice_publish(needs_new_consent=True)

    client.post("/accounts/login/code/", {"phone": "0912345678"})
    client.post("/accounts/login/code/confirm/", {"code": last_sms_code()})
    asked = client.get("/learning/")
    answered = client.post(
        "/privacy/consent/", {"answer": "agree", "next": "/learning/"}
    )

    # Nobody agreed for them at the import: they are asked, unticked, themselves.
    assert asked["Location"] == "/privacy/consent/?next=%2Flearning%2F"
    assert answered["Location"] == "/learning/"
    page = client.get("/learning/")
    assert page.status_code == 200
    assert page.wsgi_request.user.phone == "+84912345678"


def test_an_imported_person_signs_in_with_the_email_address(client, world):
    client.force_login(world.province_official)
    upload(client, world.so_noi_vu, staff_xlsx())
    act(client, latest())
    client.logout()

    client.post("/accounts/login/code/", {"email": "binh@sonoivu.vn"})
    response = client.post(
        "/accounts/login/code/confirm/", {"code": last_email_code("binh@sonoivu.vn")}
    )

    assert response["Location"] == "/learning/"
    binh = StaffMember.objects.get(full_name="Trần Văn Bình").user
    assert client.get("/learning/").wsgi_request.user == binh
    assert EmailAddress.objects.get(user=binh).verified


# The file: kept apart, deleted, expired; progress; the template.


def test_the_file_is_kept_outside_the_media_and_deleted_once_saved(
    official, world, django_capture_on_commit_callbacks
):
    upload(official, world.so_noi_vu, staff_xlsx())
    item = latest()
    stored = Path(item.file.path)
    assert stored.exists()
    assert Path(settings.PRIVATE_ROOT) in stored.parents

    with django_capture_on_commit_callbacks(execute=True):
        act(official, item)

    item.refresh_from_db()
    assert not item.file and not stored.exists()


def test_an_import_not_accepted_within_a_day_loses_its_file_and_preview(
    official, world
):
    upload(official, world.so_noi_vu, staff_xlsx())
    item = latest()
    stored = Path(item.file.path)

    assert imports.coverage_imports_expire() == 0
    expired = imports.coverage_imports_expire(
        now=timezone.now() + datetime.timedelta(days=1, minutes=1)
    )

    item.refresh_from_db()
    assert expired == 1
    assert item.status == StaffImport.Status.EXPIRED
    assert not stored.exists() and not item.rows.exists()
    assert (
        "was not accepted within a day"
        in official.get(detail_url(item)).content.decode()
    )
    act(official, item)
    assert not StaffMember.objects.exists()


def test_progress_is_answered_as_json_and_the_page_polls_it_from_a_static_file(
    official, world
):
    upload(official, world.so_noi_vu, staff_xlsx())
    item = latest()
    progress = official.get(
        reverse("coverage_staff_import_progress", args=[item.pk])
    ).json()
    assert progress["status"] == "ready" and progress["finished"]

    StaffImport.objects.filter(pk=item.pk).update(
        status=StaffImport.Status.READING, rows_read=4000, rows_total=10000
    )
    page = official.get(detail_url(item)).content.decode()
    assert 'id="roster-progress"' in page and 'value="40"' in page
    assert "community_teams/roster_progress.js" in page
    assert '<meta http-equiv="refresh"' in page
    assert "<script>" not in page


def test_a_stalled_save_can_be_started_again(official, world):
    upload(official, world.so_noi_vu, staff_xlsx())
    item = latest()
    StaffImport.objects.filter(pk=item.pk).update(
        status=StaffImport.Status.SAVING,
        moved_at=timezone.now() - datetime.timedelta(minutes=11),
    )

    assert "the background worker may have stopped" in (
        official.get(detail_url(item)).content.decode()
    )
    act(official, item, "resume")

    item.refresh_from_db()
    assert item.status == StaffImport.Status.DONE
    assert StaffMember.objects.count() == 3


def test_a_dropped_import_leaves_nothing(official, world):
    upload(official, world.so_noi_vu, staff_xlsx())
    item = latest()
    stored = Path(item.file.path)

    response = act(official, item, "discard")

    assert response["Location"] == UPLOAD
    assert not StaffImport.objects.exists() and not stored.exists()


def test_the_template_has_the_columns_in_vietnamese_and_imports_as_it_is_filled(
    official, world
):
    response = official.get(reverse("coverage_staff_import_template"))

    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('.xlsx"')
    book = load_workbook(io.BytesIO(response.content))
    sheet = book.worksheets[0]
    assert [cell.value for cell in sheet[1]] == [
        "Họ và tên",
        "Phân loại (CB/CC/VC)",
        "Chức vụ",
        "Số điện thoại",
        "Email",
    ]
    sheet.delete_rows(2)
    sheet.append(["Đinh Thị Mai", "VC", "Giáo viên", "0912 000 111", ""])
    buffer = io.BytesIO()
    book.save(buffer)
    upload(official, world.so_noi_vu, buffer.getvalue())
    assert latest().to_create == 1


def test_the_preview_pages_through_a_large_roster_in_few_queries(
    official, world, django_assert_max_num_queries
):
    people = [(f"Nguyễn Văn Số {n}", "CC", "", f"09120{n:05d}", "") for n in range(120)]
    upload(official, world.so_noi_vu, staff_xlsx(people))
    item = latest()
    assert item.to_create == 120

    with django_assert_max_num_queries(12):
        page = official.get(detail_url(item, page=2)).content.decode()
    assert "Nguyễn Văn Số 50" in page and "Nguyễn Văn Số 49" not in page


# Who may import.


@pytest.mark.parametrize(
    "who",
    ["commune_official", "team_leader", "team_member", "civil_servant", "resident"]
    + ["editor", "nobody"],
)
def test_people_who_keep_no_agency_are_refused(client, world, who):
    client.force_login(getattr(world, who))

    assert client.get(UPLOAD).status_code == 403
    assert upload(client, world.so_noi_vu, staff_xlsx()).status_code == 403
    assert client.get(reverse("coverage_staff_import_template")).status_code == 403
    assert not StaffImport.objects.exists()


def test_signing_in_comes_first(client, world):
    response = client.get(UPLOAD)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_an_official_of_another_province_cannot_import_into_or_see_this_one(
    client, world
):
    item = imports.staff_import_create(
        by=world.province_official,
        agency=world.so_noi_vu,
        name="ds.xlsx",
        data=staff_xlsx(),
    )
    client.force_login(world.other_province_official)

    response = upload(client, world.so_noi_vu, staff_xlsx())

    assert response.status_code == 200
    assert "Choose an agency you keep." in response.content.decode()
    assert "Sở Nội vụ Hà Nội" in client.get(UPLOAD).content.decode()
    assert "Phòng Công chức" not in client.get(UPLOAD).content.decode()
    assert client.get(detail_url(item)).status_code == 404
    assert act(client, item).status_code == 404
    assert (
        client.get(
            reverse("coverage_staff_import_progress", args=[item.pk])
        ).status_code
        == 404
    )
    with pytest.raises(PermissionDenied):
        imports.staff_import_create(
            by=world.other_province_official,
            agency=world.so_noi_vu,
            name="ds.xlsx",
            data=staff_xlsx(),
        )
    assert not StaffMember.objects.exists()


def test_another_official_of_the_same_province_does_not_see_ones_import(client, world):
    colleague = UserFactory()
    from lms.services import role_grant

    role_grant(user=colleague, role=Role.PROVINCE_OFFICIAL, province=world.hcm, by=None)
    item = imports.staff_import_create(
        by=world.province_official,
        agency=world.so_noi_vu,
        name="a.xlsx",
        data=staff_xlsx(),
    )
    client.force_login(colleague)

    assert client.get(detail_url(item)).status_code == 404
    assert act(client, item).status_code == 404


def test_absurd_ids_and_unknown_actions_answer_404_and_a_get_is_refused(
    official, world
):
    upload(official, world.so_noi_vu, staff_xlsx())
    item = latest()

    assert (
        official.get("/coverage/imports/staff/99999999999999999999/").status_code == 404
    )
    assert official.get("/coverage/imports/staff/123456/").status_code == 404
    assert act(official, item, "explode").status_code == 404
    accept = reverse("coverage_staff_import_action", args=[item.pk, "accept"])
    assert official.get(accept).status_code == 405
    assert not StaffMember.objects.exists()


# Bad files: a clear message, never a 500, nothing saved.


def failure(client, world, data: bytes, name="danh-sach.xlsx") -> str:
    response = upload(client, world.so_noi_vu, data, name=name)
    if response.status_code == 200:
        return response.content.decode()
    assert response.status_code == 302
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert latest().status == StaffImport.Status.FAILED
    assert not latest().file
    assert not StaffMember.objects.exists()
    return page.content.decode()


def test_a_file_that_is_not_a_spreadsheet_is_refused(official, world):
    png = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4
    assert "This file is not a spreadsheet" in failure(official, world, png, "a.png")


def test_a_damaged_excel_file_is_refused(official, world):
    page = failure(official, world, b"PK\x03\x04" + b"\x00" * 300)
    assert "This Excel file cannot be read" in page


def test_an_excel_file_cut_short_is_refused(official, world):
    good = zipfile.ZipFile(io.BytesIO(staff_xlsx()))
    damaged = io.BytesIO()
    with zipfile.ZipFile(damaged, "w") as archive:
        for member in good.infolist():
            content = good.read(member)
            if member.filename == "xl/worksheets/sheet1.xml":
                content = content[: len(content) // 2]
            archive.writestr(member, content)
    assert "This Excel file cannot be read" in failure(
        official, world, damaged.getvalue()
    )


def test_a_zip_bomb_is_refused_before_it_is_unpacked(official, world):
    data = zip_bomb_xlsx()
    assert len(data) < MAX_BYTES

    page = failure(official, world, data)

    assert "would unpack to more than 64 MB" in page


def test_an_old_xls_workbook_is_refused_with_how_to_save_it(official, world):
    page = failure(official, world, b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 500)
    assert "old Excel workbook (.xls)" in page


def test_an_empty_file_is_refused(official, world):
    assert "The file is empty." in failure(official, world, b"")
    assert not StaffImport.objects.exists()


def test_no_file_at_all_is_asked_for(official, world):
    response = official.post(UPLOAD, {"agency": world.so_noi_vu.pk})

    assert response.status_code == 200
    assert "Choose the file." in response.content.decode()


def test_a_file_over_five_megabytes_is_refused_before_it_is_kept(official, world):
    data = staff_csv().encode() + b"x" * MAX_BYTES
    page = failure(official, world, data, "big.csv")
    assert "larger than 5 MB" in page
    assert not StaffImport.objects.exists()


def test_more_than_twenty_thousand_rows_are_refused(official, world):
    rows = [[n, f"Nguyễn Văn {n}", "CC", "", "", f"nv{n}@x.vn"] for n in range(20_001)]
    data = csv_text([STAFF_HEADER[:6], *rows]).encode()
    assert len(data) < MAX_BYTES
    assert "more than 20,000 rows" in failure(official, world, data, "big.csv")


def test_a_file_without_the_roster_columns_is_refused(official, world):
    data = csv_text([["Tên sản phẩm", "Giá"], ["Gạo", "20000"]]).encode()
    assert "needs a header row with “Họ và tên”" in failure(
        official, world, data, "x.csv"
    )


def test_names_without_a_category_or_a_way_to_sign_in_are_refused(official, world):
    data = csv_text(
        [["Họ và tên", "Chức vụ"], ["Nguyễn Văn A", "Chuyên viên"]]
    ).encode()
    assert "“Phân loại (CB/CC/VC)”" in failure(official, world, data, "x.csv")


def test_a_header_with_nobody_under_it_is_refused(official, world):
    data = xlsx([STAFF_HEADER])
    assert "a header but nobody under it" in failure(official, world, data)


def test_a_row_without_phone_or_email_says_how_people_sign_in(official, world):
    upload(official, world.so_noi_vu, staff_xlsx([("Đỗ An", "CC", "", "", "")]))

    (row,) = latest().rows.all()
    assert row.action == "invalid"
    assert row.errors[0]["message"].startswith("Give a phone number or an email")


def test_rows_far_below_the_data_after_empty_rows_are_read(official, world):
    rows = [
        STAFF_HEADER,
        *staff_rows()[:1],
        *[[] for _n in range(50)],
        *staff_rows()[1:],
    ]
    upload(official, world.so_noi_vu, xlsx(rows))

    assert latest().to_create == 3
