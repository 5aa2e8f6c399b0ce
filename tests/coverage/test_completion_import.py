"""A province official imports training finished on OneTouch or "Bình dân học vụ số"."""

import datetime
import io

import pytest
from allauth.account.models import EmailAddress
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from community_teams.models import Skill
from coverage import imports, signals
from coverage.models import (
    AgencyFigures,
    CompletionImport,
    CourseAssignment,
    ExternalCompletion,
)
from tests.coverage.spreadsheets import completion_csv, csv_text, xlsx
from tests.factories import StaffMemberFactory, UserFactory, add_course

pytestmark = pytest.mark.django_db

UPLOAD = reverse("coverage_completion_import")
ONETOUCH = ExternalCompletion.Source.ONETOUCH
TOMORROW = (timezone.localdate() + datetime.timedelta(days=1)).strftime("%d/%m/%Y")


@pytest.fixture
def people(world):
    """Lan works at the province's Home Affairs department; Tuyết lives in one of
    its wards; Xa lives in Hà Nội."""
    lan = UserFactory(full_name="Nguyễn Thị Lan", phone="+84912345678", email="")
    StaffMemberFactory(agency=world.so_noi_vu, full_name=lan.full_name, user=lan)
    return {"lan": lan, "tuyet": world.candidate, "xa": world.far_away}


@pytest.fixture
def courses(catalogue):
    return {
        "public": add_course(catalogue, title="Dịch vụ công trực tuyến", lessons=1),
        "safety": add_course(catalogue, title="An toàn thông tin", lessons=1),
    }


# (name, phone, email, course, date, evidence)
ROWS = [
    [
        "Nguyễn Thị Lan",
        "0912 345 678",
        "",
        "DICH VU CONG TRUC TUYEN",
        "15/03/2025",
        "OT-1",
    ],
    [
        "Nguyễn Thị Ánh Tuyết",
        "",
        "Tuyet@Example.vn",
        "an-toan-thong-tin",
        "2025-04-01",
        "",
    ],
    [
        "Nguyễn Thị Ánh Tuyết",
        "0987654321",
        "",
        "Dịch vụ công trực tuyến",
        "01/02/2024",
        "",
    ],
    ["Nguyễn Thị Lan", "0912345678", "", "Dịch vụ công trực tuyến", "16/03/2025", ""],
    ["Trịnh Văn Xa", "0977 000 111", "", "Dịch vụ công trực tuyến", "01/05/2025", ""],
    ["Người Lạ", "0900 000 999", "", "Dịch vụ công trực tuyến", "01/05/2025", ""],
    ["Nguyễn Thị Lan", "0912345678", "", "Tin học văn phòng", "01/05/2025", ""],
    ["Nguyễn Thị Lan", "0912345678", "", "An toàn thông tin", "01/01/2019", ""],
    ["Nguyễn Thị Lan", "0912345678", "", "An toàn thông tin", TOMORROW, ""],
    ["Nguyễn Thị Lan", "0912345678", "", "An toàn thông tin", "31/02/2025", ""],
]


def upload(client, world, data: bytes, name="onetouch.csv", source=ONETOUCH):
    return client.post(
        UPLOAD,
        {
            "province": world.hcm.pk,
            "source": source,
            "file": SimpleUploadedFile(name, data),
        },
    )


def latest() -> CompletionImport:
    return CompletionImport.objects.latest("pk")


def detail_url(item, **query) -> str:
    url = reverse("coverage_completion_import_detail", args=[item.pk])
    if query:
        url += "?" + "&".join(f"{key}={value}" for key, value in query.items())
    return url


def act(client, item, action="accept"):
    return client.post(
        reverse("coverage_completion_import_action", args=[item.pk, action])
    )


@pytest.fixture
def recorded_before(people, courses, world):
    """Tuyết's public-services course, already imported from OneTouch."""
    return ExternalCompletion.objects.create(
        user=people["tuyet"],
        course=courses["public"],
        completed_on=datetime.date(2024, 1, 20),
        source=ONETOUCH,
        imported_by=world.province_official,
    )


def test_the_preview_sorts_every_row_and_says_why(
    official, world, people, courses, recorded_before
):
    response = upload(official, world, completion_csv(ROWS))

    item = latest()
    assert response["Location"] == detail_url(item)
    actions = list(item.rows.order_by("line").values_list("line", "action"))
    assert actions == [
        (2, "import"),
        (3, "import"),
        (4, "duplicate"),
        (5, "duplicate"),
        (6, "unknown_person"),
        (7, "unknown_person"),
        (8, "unknown_training"),
        (9, "bad_date"),
        (10, "bad_date"),
        (11, "bad_date"),
    ]
    assert (
        item.to_import,
        item.duplicates,
        item.unknown_people,
        item.unknown_trainings,
        item.bad_dates,
        item.invalid,
    ) == (2, 2, 2, 1, 3, 0)
    page = official.get(detail_url(item)).content.decode()
    assert "2 to import" in page and "2 already recorded" in page
    assert "Already recorded: finished on 20/01/2024 (OneTouch)." in page
    assert "The same person and training are already on line 2." in page
    assert "No course or skill on the platform has this name or code." in page
    assert "Training finished before 01/01/2020 is not imported." in page
    assert "This date is in the future." in page
    assert "Write the date as dd/mm/yyyy (15/03/2025) or yyyy-mm-dd." in page
    # The course is found by its title without accents, or by its slug.
    first, second = item.rows.order_by("line")[:2]
    assert (first.user, first.course) == (people["lan"], courses["public"])
    assert (second.user, second.course) == (people["tuyet"], courses["safety"])
    assert first.training == "Dịch vụ công trực tuyến"
    assert not ExternalCompletion.objects.exclude(pk=recorded_before.pk).exists()


def test_someone_outside_the_province_looks_like_someone_with_no_account(
    official, world, people, courses
):
    upload(official, world, completion_csv(ROWS[4:6]))

    elsewhere, nobody = latest().rows.order_by("line")
    assert elsewhere.user is None and nobody.user is None
    assert elsewhere.errors[-1]["message"] == nobody.errors[-1]["message"]
    page = official.get(detail_url(latest())).content.decode()
    # Only what the file itself says is shown: no name from the account.
    assert page.count("Trịnh Văn Xa") == 1
    assert people["xa"].email not in page


def test_accepting_records_the_training_with_who_imported_it_and_from_where(
    official, world, people, courses, recorded_before
):
    heard = []

    def receiver(**kwargs):
        heard.append(kwargs["user_ids"])

    upload(official, world, completion_csv(ROWS), source="bdhvs")
    item = latest()
    signals.external_completions_recorded.connect(receiver)
    try:
        act(official, item)
    finally:
        signals.external_completions_recorded.disconnect(receiver)

    saved = ExternalCompletion.objects.exclude(pk=recorded_before.pk).order_by("pk")
    assert [
        (r.user, r.course, r.completed_on, r.source, r.evidence, r.imported_by)
        for r in saved
    ] == [
        (
            people["lan"],
            courses["public"],
            datetime.date(2025, 3, 15),
            "bdhvs",
            "OT-1",
            world.province_official,
        ),
        (
            people["tuyet"],
            courses["safety"],
            datetime.date(2025, 4, 1),
            "bdhvs",
            "",
            world.province_official,
        ),
    ]
    assert heard == [sorted([people["lan"].pk, people["tuyet"].pk])]
    item.refresh_from_db()
    assert item.status == CompletionImport.Status.DONE and not item.file
    from lms.models import AuditEvent

    created = AuditEvent.objects.get(
        action=AuditEvent.Action.CREATE, subject="external_completion"
    )
    assert created.actor == world.province_official
    assert sorted(created.subject_ids) == sorted(str(r.pk) for r in saved)
    page = official.get(detail_url(item)).content.decode()
    assert "2 courses or skills finished." in page


def test_the_figures_count_training_finished_elsewhere(
    official, world, people, courses
):
    CourseAssignment.objects.create(
        province=world.hcm,
        course=courses["public"],
        agency=world.so_noi_vu,
        deadline=datetime.date(timezone.localdate().year, 12, 31),
    )
    year = timezone.localdate().year
    assert AgencyFigures.objects.get(agency=world.so_noi_vu, year=year).finished == 0

    upload(official, world, completion_csv(ROWS[:1]))
    act(official, latest())

    row = AgencyFigures.objects.get(agency=world.so_noi_vu, year=year)
    assert (row.staff, row.assigned, row.finished) == (1, 1, 1)


def test_a_second_accept_is_harmless(official, world, people, courses):
    upload(official, world, completion_csv(ROWS[:2]))
    item = latest()
    act(official, item)

    response = act(official, item)

    page = official.get(response["Location"]).content.decode()
    assert "This import is not waiting to be accepted any more." in page
    assert ExternalCompletion.objects.count() == 2
    imports.completion_import_save(completion_import_id=item.pk)
    assert ExternalCompletion.objects.count() == 2


def test_the_same_file_again_finds_everything_recorded(
    official, world, people, courses
):
    data = completion_csv(ROWS[:2])
    upload(official, world, data)
    act(official, latest())

    upload(official, world, data)
    again = latest()
    response = act(official, again)

    assert (again.to_import, again.duplicates) == (0, 2)
    assert "Nothing to import" in official.get(response["Location"]).content.decode()
    assert ExternalCompletion.objects.count() == 2


def test_a_record_added_after_the_preview_stops_the_whole_save(
    official, world, people, courses
):
    upload(official, world, completion_csv(ROWS[:2]))
    item = latest()
    ExternalCompletion.objects.create(
        user=people["lan"],
        course=courses["public"],
        completed_on=datetime.date(2025, 3, 1),
        source=ExternalCompletion.Source.OTHER,
    )

    act(official, item)

    item.refresh_from_db()
    assert item.status == CompletionImport.Status.READY
    assert "Nothing was saved" in item.error and "Nguyễn Thị Lan" in item.error
    assert ExternalCompletion.objects.count() == 1
    act(official, item, "reread")
    item.refresh_from_db()
    assert (item.to_import, item.duplicates) == (1, 1)
    act(official, item)
    assert ExternalCompletion.objects.count() == 2


def test_skills_are_found_by_code_or_name_in_an_excel_file(official, world, people):
    header = ["Số điện thoại", "Email", "Kỹ năng", "Ngày hoàn thành", "Mã"]
    data = xlsx(
        [
            header,
            ["0912345678", "", "VNEID", datetime.datetime(2025, 6, 1), "BD-7"],
            [
                "",
                "tuyet@example.vn",
                "nop ho so dich vu cong truc tuyen",
                "2025-06-02 08:30:00",
                "",
            ],
            ["", "tuyet@example.vn", "Nấu ăn", "02/06/2025", ""],
        ]
    )

    upload(official, world, data, name="bdhvs.xlsx", source="bdhvs")
    item = latest()
    act(official, item)

    recorded = {
        (r.user_id, r.skill.code, r.completed_on, r.evidence)
        for r in ExternalCompletion.objects.select_related("skill")
    }
    assert recorded == {
        (people["lan"].pk, "vneid", datetime.date(2025, 6, 1), "BD-7"),
        (people["tuyet"].pk, "dich-vu-cong", datetime.date(2025, 6, 2), ""),
    }
    assert item.rows.get(line=4).action == "unknown_training"
    assert Skill.objects.count() == 7


def test_one_account_column_may_hold_a_number_or_an_address(
    official, world, people, courses
):
    data = csv_text(
        [
            ["Tài khoản", "Tên khóa học", "Thời gian hoàn thành"],
            ["0912345678", "An toàn thông tin", "10/10/2025"],
            ["tuyet@example.vn", "An toàn thông tin", "10/10/2025"],
            ["0912 34", "An toàn thông tin", "10/10/2025"],
        ],
        delimiter=",",
    ).encode()

    upload(official, world, data)

    rows = list(latest().rows.order_by("line"))
    assert [row.user for row in rows[:2]] == [people["lan"], people["tuyet"]]
    assert rows[2].action == "invalid"
    assert rows[2].errors[0]["column"] == "A (Tài khoản)"


def test_an_address_kept_only_by_the_account_pages_is_found(official, world, courses):
    resident = UserFactory(email="", phone=None, commune=world.sai_gon)
    EmailAddress.objects.create(user=resident, email="hoa@example.vn", primary=True)
    data = completion_csv(
        [["", "", "hoa@example.vn", "An toàn thông tin", "10/10/2025", ""]]
    )

    upload(official, world, data)

    assert latest().rows.get().user == resident


def test_a_staff_member_of_the_province_who_lives_elsewhere_is_found(
    official, world, courses
):
    commuter = UserFactory(phone="+84988000111", commune=world.ba_dinh)
    StaffMemberFactory(agency=world.phong, user=commuter)
    outsider = UserFactory(phone="+84988000222", commune=world.ba_dinh)
    StaffMemberFactory(agency=world.so_hn, user=outsider)
    data = completion_csv(
        [
            ["", "0988000111", "", "An toàn thông tin", "10/10/2025", ""],
            ["", "0988000222", "", "An toàn thông tin", "10/10/2025", ""],
        ]
    )

    upload(official, world, data)

    found, unknown = latest().rows.order_by("line")
    assert (found.user, found.action) == (commuter, "import")
    assert (unknown.user, unknown.action) == (None, "unknown_person")


def test_the_template_reads_back_as_an_import(official, world, people, courses):
    response = official.get(reverse("coverage_completion_import_template"))

    book = load_workbook(io.BytesIO(response.content))
    sheet = book.worksheets[0]
    assert [cell.value for cell in sheet[1]] == [
        "Họ và tên",
        "Số điện thoại",
        "Email",
        "Khóa học",
        "Kỹ năng",
        "Ngày hoàn thành",
        "Mã chứng nhận",
    ]
    buffer = io.BytesIO()
    book.save(buffer)
    upload(official, world, buffer.getvalue(), name="mau.xlsx")
    assert latest().to_import == 1


def test_the_preview_pages_in_few_queries(
    official, world, people, courses, django_assert_max_num_queries
):
    rows = [
        ["", f"09120{n:05d}", "", "An toàn thông tin", "10/10/2025", ""]
        for n in range(120)
    ]
    upload(official, world, completion_csv(rows))
    item = latest()

    with django_assert_max_num_queries(12):
        page = official.get(detail_url(item, page=2)).content.decode()
    assert "0912000050" in page and "0912000049" not in page


# Who may import.


@pytest.mark.parametrize(
    "who",
    ["commune_official", "team_leader", "civil_servant", "resident", "nobody"],
)
def test_people_who_keep_no_province_are_refused(client, world, who):
    client.force_login(getattr(world, who))

    assert client.get(UPLOAD).status_code == 403
    assert upload(client, world, completion_csv(ROWS[:1])).status_code == 403
    assert client.get(reverse("coverage_completion_import_template")).status_code == 403
    assert not CompletionImport.objects.exists()


def test_an_official_of_another_province_neither_imports_here_nor_sees_the_import(
    client, world, people, courses
):
    item = imports.completion_import_create(
        by=world.province_official,
        province=world.hcm,
        source=ONETOUCH,
        name="a.csv",
        data=completion_csv(ROWS[:1]),
    )
    client.force_login(world.other_province_official)

    response = upload(client, world, completion_csv(ROWS[:1]))

    assert "Choose a province you keep." in response.content.decode()
    assert client.get(detail_url(item)).status_code == 404
    assert act(client, item).status_code == 404
    with pytest.raises(PermissionDenied):
        imports.completion_import_create(
            by=world.other_province_official,
            province=world.hcm,
            source=ONETOUCH,
            name="a.csv",
            data=completion_csv(ROWS[:1]),
        )
    assert not ExternalCompletion.objects.exists()


def test_the_platform_must_be_one_of_the_list(official, world):
    response = upload(official, world, completion_csv(ROWS[:1]), source="facebook")

    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not CompletionImport.objects.exists()


# Bad files.


def failure(client, world, data: bytes, name="onetouch.csv") -> str:
    response = upload(client, world, data, name=name)
    if response.status_code == 200:
        return response.content.decode()
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert latest().status == CompletionImport.Status.FAILED
    assert not latest().file
    return page.content.decode()


def test_a_file_that_is_not_a_spreadsheet_is_refused(official, world):
    pdf = b"%PDF-1.4\n" + bytes(range(256)) * 8
    assert "This file is not a spreadsheet" in failure(official, world, pdf, "a.pdf")


def test_a_file_without_the_columns_is_refused(official, world):
    data = csv_text([["Họ và tên", "Lớp"], ["Lan", "10A"]]).encode()
    assert "needs a header row with “Số điện thoại” or “Email”" in failure(
        official, world, data
    )


def test_a_file_without_a_date_column_is_refused(official, world):
    data = csv_text([["Số điện thoại", "Khóa học"], ["0912345678", "A"]]).encode()
    assert "“Ngày hoàn thành”" in failure(official, world, data)


def test_a_damaged_excel_file_is_refused(official, world):
    page = failure(official, world, b"PK\x03\x04" + b"\x00" * 300, name="x.xlsx")
    assert "This Excel file cannot be read" in page
