"""Officials download the agencies' training coverage as Excel and as a PDF report.

Every test reads the real file back: the workbook with openpyxl, the PDF with
poppler's pdftotext.
"""

import io
import subprocess
from types import SimpleNamespace

import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from coverage import exports
from coverage.figures import agency_figures_refresh
from coverage.models import Agency, Indicator, StaffMember, Target
from lms.models import AuditEvent
from tests.certificates.helpers import tool
from tests.coverage.world import assign, coverage_world, finish, member

pytestmark = pytest.mark.django_db

XLSX = reverse("coverage_export_agencies_xlsx")
PDF = reverse("coverage_export_agencies_pdf")
YEAR = timezone.localdate().year
TODAY = timezone.localdate().strftime("%d/%m/%Y")
FIGURES_HEADER = [
    "Staff",
    "With assigned courses",
    "Trained",
    "Trained (%)",
    "Overdue",
    "Target (%)",
]


@pytest.fixture
def world():
    """Hồ Chí Minh: the department (2 staff, 1 trained) with its office (3 staff,
    1 trained) and the office's team (1 staff); Bến Thành's committee (2 staff).
    Everyone has this year's course; the province's target is 80%."""
    world = coverage_world()
    world.team = Agency.objects.create(
        name="Tổ Ứng dụng & Dữ liệu",
        kind=Agency.Kind.SUB_UNIT,
        province=world.people.hcm,
        parent=world.office,
    )
    trained = [
        member(world.department, "Nguyễn Thị Lan"),
        member(world.office, "Trần Văn Minh"),
    ]
    member(world.department, "Đỗ Thị Mai")
    member(world.office, "Phạm Văn Nam")
    member(world.office, "Vũ Thị Oanh")
    member(world.team, "Hoàng Văn Phúc")
    member(world.committee, "Lê Văn Hùng")
    member(world.committee, "Bùi Thị Quyên")
    member(world.hanoi_department, "Ngô Văn Hà")
    assign(world)
    for person in trained:
        finish(person.user, world.course)
    Target.objects.create(
        province=world.people.hcm,
        indicator=Indicator.CIVIL_SERVANTS_TRAINED,
        year=YEAR,
        percent=80,
    )
    return world


def signed_in(client, user):
    client.force_login(user)
    return client


def workbook(response):
    assert response.status_code == 200
    assert response["Content-Type"] == exports.XLSX_CONTENT_TYPE
    return load_workbook(io.BytesIO(response.getvalue()))


def pdf_pages(response) -> list[str]:
    """The text of each page, in the order it was drawn, words single-spaced."""
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = subprocess.run(
        [tool("pdftotext"), "-raw", "-enc", "UTF-8", "-", "-"],
        input=response.getvalue(),
        capture_output=True,
        check=True,
    ).stdout.decode("utf-8")
    return [" ".join(page.split()) for page in text.split("\f") if page.strip()]


def table(sheet, header_row=5):
    """The sheet's header and its data rows (up to the first empty row)."""
    rows = list(sheet.iter_rows(min_row=header_row, values_only=True))
    width = len([value for value in rows[0] if value is not None])
    data = []
    for row in rows[1:]:
        if all(value in (None, "") for value in row):
            break
        data.append(list(row[:width]))
    return list(rows[0][:width]), data


# The workbook ---------------------------------------------------------------------


def test_the_workbook_has_a_sheet_per_level_and_the_months(client, world):
    official = signed_in(client, world.people.province_official)

    response = official.get(XLSX, {"year": YEAR})

    assert response["Content-Disposition"] == (
        f'attachment; filename="bao-cao-boi-duong-thanh-pho-ho-chi-minh-{YEAR}.xlsx"'
    )
    book = workbook(response)
    assert book.sheetnames == ["Level 1", "Level 2", "Level 3", "By month"]
    first = book["Level 1"]
    assert first["A1"].value.startswith("Digital skills training")
    assert first["A1"].font.b
    assert first["A2"].value == f"Thành phố Hồ Chí Minh · Year {YEAR} · Made on {TODAY}"
    assert "2 of 8 civil servants trained (25.0%)" in first["A3"].value
    assert "Target 80%: 55.0 percentage points to go, 5 more" in first["A3"].value
    header, rows = table(first)
    assert header == ["Agency", "Kind", "Commune", *FIGURES_HEADER]
    assert all(cell.font.b for cell in first[5])
    assert [row[:8] for row in rows] == [
        ["Sở Khoa học và Công nghệ", "Department or board", None, 6, 6, 2, 1 / 3, 0],
        [
            "UBND phường Bến Thành",
            "Commune people's committee",
            "Phường Bến Thành",
            2,
            2,
            0,
            0,
            0,
        ],
    ]
    share = first["G6"]
    assert isinstance(share.value, float) and share.number_format == "0.0%"
    assert first["I6"].value == 0.8 and first["I6"].number_format == "0.0%"
    assert first["D6"].data_type == "n"
    assert first.freeze_panes == "A6"
    assert first.auto_filter.ref == "A5:I7"
    assert first.column_dimensions["A"].width == 44
    assert first.column_dimensions["D"].width == 10
    total = first["A9"]
    assert (total.value, total.font.b, first["D9"].value) == ("Total", True, 8)
    assert first["A11"].value.startswith("Staff: civil servants on the agencies'")
    assert first.max_row == 11


def test_each_level_below_names_the_agencies_above_it(client, world):
    official = signed_in(client, world.people.province_official)

    book = workbook(official.get(XLSX, {"year": YEAR}))

    header, rows = table(book["Level 2"])
    assert header == ["Level 1 agency", "Agency", "Kind", "Commune", *FIGURES_HEADER]
    assert [row[:2] + row[4:7] for row in rows] == [
        ["Sở Khoa học và Công nghệ", "Phòng Chuyển đổi số", 4, 4, 1]
    ]
    header, rows = table(book["Level 3"])
    assert header[:3] == ["Level 1 agency", "Level 2 agency", "Agency"]
    assert [row[:3] + [row[5]] for row in rows] == [
        ["Sở Khoa học và Công nghệ", "Phòng Chuyển đổi số", "Tổ Ứng dụng & Dữ liệu", 1]
    ]


def test_the_months_sheet_holds_real_dates_and_counts(client, world):
    official = signed_in(client, world.people.province_official)

    sheet = workbook(official.get(XLSX))["By month"]

    header, rows = table(sheet)
    assert header == ["Month", "Assigned courses finished"]
    assert len(rows) == 12
    this_month = timezone.localdate().replace(day=1)
    by_month = {month.date(): count for month, count in rows}
    assert by_month[this_month] == 2
    assert sheet["A6"].number_format == "mm/yyyy"


def test_one_agency_s_workbook_shows_its_sub_units_and_its_own_staff(client, world):
    official = signed_in(client, world.people.province_official)

    response = official.get(XLSX, {"agency": world.department.pk, "year": YEAR})

    assert response["Content-Disposition"].endswith(
        f'filename="bao-cao-boi-duong-so-khoa-hoc-va-cong-nghe-{YEAR}.xlsx"'
    )
    book = workbook(response)
    assert book.sheetnames == ["Level 1", "Level 2", "By month"]
    first = book["Level 1"]
    assert first["A2"].value.startswith(
        "Sở Khoa học và Công nghệ, Thành phố Hồ Chí Minh · "
    )
    _header, rows = table(first)
    assert [(row[0], row[3], row[5]) for row in rows] == [
        ("Phòng Chuyển đổi số", 4, 1),
        ("Sở Khoa học và Công nghệ: its own staff", 2, 1),
    ]
    _header, rows = table(book["Level 2"])
    assert [row[:2] for row in rows] == [
        ["Phòng Chuyển đổi số", "Tổ Ứng dụng & Dữ liệu"]
    ]


def test_agencies_are_in_vietnamese_alphabetical_order(client, world):
    Agency.objects.create(
        name="Đài Phát thanh và Truyền hình",
        kind=Agency.Kind.PUBLIC_SERVICE_UNIT,
        province=world.people.hcm,
    )
    Agency.objects.create(
        name="Ban Quản lý các khu công nghiệp",
        kind=Agency.Kind.DEPARTMENT,
        province=world.people.hcm,
    )
    official = signed_in(client, world.people.province_official)

    _header, rows = table(workbook(official.get(XLSX))["Level 1"])

    assert [row[0] for row in rows] == [
        "Ban Quản lý các khu công nghiệp",
        "Đài Phát thanh và Truyền hình",
        "Sở Khoa học và Công nghệ",
        "UBND phường Bến Thành",
    ]


def test_sheet_names_are_ones_excel_accepts():
    taken = set()

    assert exports.sheet_title("Cấp 1: [Sở]/Phòng*?", taken) == "Cấp 1- -Sở--Phòng--"
    long = exports.sheet_title("Trung tâm Phục vụ hành chính công tỉnh", taken)
    assert long == "Trung tâm Phục vụ hành chính cô"
    assert exports.sheet_title("trung tâm phục vụ hành chính công", taken) == (
        "trung tâm phục vụ hành chín (2)"
    )
    assert exports.sheet_title("'''", taken) == "Sheet"


# The PDF report -------------------------------------------------------------------


def test_the_pdf_report_is_in_vietnamese_with_the_figures(client, world):
    official = signed_in(client, world.people.province_official)

    response = official.get(PDF, {"year": YEAR}, HTTP_ACCEPT_LANGUAGE="vi")

    assert response["Content-Disposition"] == (
        f'attachment; filename="bao-cao-boi-duong-thanh-pho-ho-chi-minh-{YEAR}.pdf"'
    )
    (page,) = pdf_pages(response)
    assert "Thành phố Hồ Chí Minh" in page
    assert TODAY in page
    assert "25,0%" in page
    assert "1 Sở Khoa học và Công nghệ 6 6 2 33,3% 0" in page
    assert "2 UBND phường Bến Thành 2 2 0 0,0% 0" in page
    # The level below, with the agency above it.
    assert "1 Sở Khoa học và Công nghệ Phòng Chuyển đổi số 4 4 1 25,0% 0" in page
    assert "liệt kê thêm 1 đơn vị ở các cấp dưới" in page
    assert "Trang 1/1" in page


def test_a_long_pdf_repeats_its_header_and_numbers_its_pages(client, world):
    long_name = (
        "Trung tâm Phục vụ hành chính công và Chuyển đổi số, Hỗ trợ doanh nghiệp "
        "nhỏ và vừa, Ứng dụng công nghệ thông tin trong quản lý nhà nước"
    )
    Agency.objects.create(
        name=long_name,
        kind=Agency.Kind.PUBLIC_SERVICE_UNIT,
        province=world.people.hcm,
        parent=world.department,
    )
    for number in range(1, 120):
        Agency.objects.create(
            name=f"Phòng nghiệp vụ số {number:03d}",
            kind=Agency.Kind.SUB_UNIT,
            province=world.people.hcm,
            parent=world.department,
        )
    official = signed_in(client, world.people.province_official)

    pages = pdf_pages(
        official.get(PDF, {"agency": world.department.pk}, HTTP_ACCEPT_LANGUAGE="vi")
    )

    count = len(pages)
    assert count >= 3
    for number, page in enumerate(pages, start=1):
        assert f"Trang {number}/{count}" in page
    table_pages = [page for page in pages if "Phòng nghiệp vụ số" in page]
    assert len(table_pages) >= 2
    assert all("STT" in page for page in table_pages)
    assert long_name in " ".join(pages)
    assert "Phòng nghiệp vụ số 119" in " ".join(pages)


def test_a_province_without_agencies_gets_a_report_that_says_so(client, world):
    Target.objects.all().delete()
    official = signed_in(client, world.people.other_commune_official)

    pages = pdf_pages(official.get(PDF))
    book = workbook(official.get(XLSX))

    assert "Phường Sài Gòn" in pages[0]
    assert "The province has set no target for this year." in pages[0]
    assert book.sheetnames == ["Level 1", "By month"]
    assert book["Level 1"]["A6"].value == "There are no agencies in your province yet."


# Who gets which report ------------------------------------------------------------


@pytest.mark.parametrize("url", [XLSX, PDF])
@pytest.mark.parametrize("role", ["resident", "civil_servant", "team_leader"])
def test_people_without_the_dashboards_are_refused(client, world, url, role):
    response = signed_in(client, getattr(world.people, role)).get(url)

    assert response.status_code == 403


@pytest.mark.parametrize("url", [XLSX, PDF])
def test_a_visitor_is_asked_to_sign_in(client, url):
    response = client.get(url)

    assert response.status_code == 302
    assert "login" in response["Location"]


@pytest.mark.parametrize("url", [XLSX, PDF])
def test_another_province_s_agency_is_not_found(client, world, url):
    official = signed_in(client, world.people.province_official)

    response = official.get(url, {"agency": world.hanoi_department.pk})

    assert response.status_code == 404


def test_a_commune_official_gets_only_their_commune_s_agencies(client, world):
    official = signed_in(client, world.people.commune_official)

    book = workbook(official.get(XLSX))
    pages = pdf_pages(official.get(PDF))

    assert book.sheetnames == ["Level 1", "By month"]
    first = book["Level 1"]
    assert first["A2"].value.startswith("Phường Bến Thành, Thành phố Hồ Chí Minh")
    _header, rows = table(first)
    assert [row[0] for row in rows] == ["UBND phường Bến Thành"]
    text = " ".join(pages)
    assert "UBND phường Bến Thành" in text
    assert "Sở Khoa học" not in text and "Phòng Chuyển đổi số" not in text
    assert official.get(PDF, {"agency": world.department.pk}).status_code == 404
    assert official.get(XLSX, {"agency": world.office.pk}).status_code == 404


@pytest.mark.parametrize("url", [XLSX, PDF])
@pytest.mark.parametrize(
    "agency", ["abc", "-1", "1.5", "0", " ", "9" * 30, "١٢", "12abc"]
)
def test_an_absurd_agency_is_not_found(client, world, url, agency):
    official = signed_in(client, world.people.province_official)

    assert official.get(url, {"agency": agency}).status_code == 404


@pytest.mark.parametrize(
    "year", ["20x6", "99999", "1900", "-2026", "", "0000", "2026.0"]
)
def test_an_absurd_year_gives_this_year(client, world, year):
    official = signed_in(client, world.people.province_official)

    book = workbook(official.get(XLSX, {"year": year}))

    assert f"· Year {YEAR} ·" in book["Level 1"]["A2"].value
    assert official.get(PDF, {"year": year}).status_code == 200


def test_a_report_of_counts_writes_nothing_in_the_audit_log(client, world):
    official = signed_in(client, world.people.province_official)
    before = AuditEvent.objects.count()

    workbook(official.get(XLSX))
    pdf_pages(official.get(PDF))

    assert AuditEvent.objects.count() == before


@pytest.mark.parametrize(
    "shown",
    [
        lambda world: {"level": SimpleNamespace(agency=world.department)},
        lambda world: {"agency": world.department, "level": None},
    ],
)
def test_the_dashboard_links_to_the_downloads_of_the_agency_it_shows(world, shown):
    links = render_to_string("coverage/_exports.html", {"year": YEAR, **shown(world)})

    assert f'href="{XLSX}?year={YEAR}&amp;agency={world.department.pk}"' in links
    assert f'href="{PDF}?year={YEAR}&amp;agency={world.department.pk}"' in links


def test_the_top_dashboard_links_to_the_downloads_of_every_agency(world):
    links = render_to_string(
        "coverage/_exports.html", {"year": YEAR, "level": SimpleNamespace(agency=None)}
    )

    assert f'href="{XLSX}?year={YEAR}"' in links
    assert f'href="{PDF}?year={YEAR}"' in links


# Cost -----------------------------------------------------------------------------


def grow(world, count: int) -> None:
    """``count`` more agencies under the department, two levels deep, with staff."""
    parents = []
    for number in range(count):
        parent = parents[number % 4] if number >= 4 else world.department
        agency = Agency.objects.create(
            name=f"Đơn vị {number:03d}",
            kind=Agency.Kind.SUB_UNIT,
            province=world.people.hcm,
            parent=parent,
        )
        if number < 4:
            parents.append(agency)
        StaffMember.objects.bulk_create(
            StaffMember(
                agency=agency, full_name=f"Cán bộ {number}-{seat}", category="CC"
            )
            for seat in range(3)
        )
    agency_figures_refresh(Agency.objects.values_list("pk", flat=True))


QUERY_BUDGET = 9


@pytest.mark.parametrize("url", [XLSX, PDF])
def test_an_export_costs_the_same_queries_for_more_agencies(
    client, world, url, django_assert_max_num_queries
):
    official = signed_in(client, world.people.province_official)
    official.get(url)  # the session and the user, as on any later request

    with django_assert_max_num_queries(QUERY_BUDGET):
        small = official.get(url)
    grow(world, 40)
    with django_assert_max_num_queries(QUERY_BUDGET):
        large = official.get(url)

    assert small.status_code == large.status_code == 200
    assert len(large.getvalue()) > len(small.getvalue())


def test_the_report_adds_up_as_the_dashboard_does(world):
    grow(world, 20)
    official = world.people.province_official

    report = exports.agencies_report(official, year=YEAR)

    first, second, third, _months = report.sections
    staff = {row[0]: row[3] for row in first.rows}
    assert staff["Sở Khoa học và Công nghệ"] == 6 + 20 * 3
    assert sum(row[4] for row in second.rows) + 2 == staff["Sở Khoa học và Công nghệ"]
    assert sum(row[5] for row in third.rows) == 16 * 3 + 1
