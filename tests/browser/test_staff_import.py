"""A province official imports an agency's staff roster on a phone, in a real
browser: upload, the preview, accept, the outcome, all on a 360 px wide screen.

The page is found by its structure and the people's names, not by its wording,
so the test holds in Vietnamese and English alike.
"""

import pytest
from playwright.sync_api import expect

from coverage.models import Agency, StaffMember
from lms.models.users import Role
from tests.browser.helpers import (
    horizontal_overflow,
    small_tap_targets,
    unlabelled_fields,
)
from tests.coverage.spreadsheets import staff_xlsx
from tests.factories import wagtail_roots
from tests.staff import staff_world

pytestmark = pytest.mark.browser

BAD_ROW = [9, "Hồ Văn Sai", "Hợp đồng", "Bảo vệ", "12345", ""]


@pytest.fixture
def world(transactional_db):
    wagtail_roots()
    world = staff_world()
    world.agency = Agency.objects.create(
        name="Sở Nội vụ", kind=Agency.Kind.DEPARTMENT, province=world.hcm
    )
    return world


def test_an_official_uploads_a_roster_checks_the_preview_and_accepts_it_on_a_phone(
    browser_page, log_in, world, tmp_path
):
    roster = tmp_path / "danh-sach-so-noi-vu.xlsx"
    roster.write_bytes(staff_xlsx(extra_rows=[BAD_ROW]))
    log_in(world.province_official)
    browser = browser_page

    browser.goto(f"/coverage/imports/staff/?agency={world.agency.pk}")
    expect(browser.locator("#id_agency")).to_have_value(str(world.agency.pk))
    assert unlabelled_fields(browser) == []
    assert horizontal_overflow(browser) == 0
    assert small_tap_targets(browser) == []
    browser.screenshot(path=tmp_path / "upload.png", full_page=True)
    browser.locator("#id_file").set_input_files(roster)
    browser.locator("form[enctype] button[type=submit]").click()

    new = browser.locator("tbody.import-create")
    expect(new).to_have_count(3)
    expect(new.first).to_contain_text("Nguyễn Thị Lan")
    expect(new.first).to_contain_text("0912 345 678")
    wrong = browser.locator("tbody.import-invalid")
    expect(wrong).to_contain_text("Hồ Văn Sai")
    expect(wrong).to_contain_text("“Hợp đồng”")
    expect(wrong).to_contain_text("“12345”")
    assert horizontal_overflow(browser) == 0
    assert small_tap_targets(browser) == []
    browser.screenshot(path=tmp_path / "preview.png", full_page=True)
    assert not StaffMember.objects.exists()

    browser.locator("form[action$='/accept/'] button").click()

    expect(browser.locator(".import-done")).to_be_visible()
    expect(browser.locator("tbody.import-create")).to_have_count(3)
    assert horizontal_overflow(browser) == 0
    browser.screenshot(path=tmp_path / "saved.png", full_page=True)
    staff = StaffMember.objects.filter(agency=world.agency).select_related("user")
    assert sorted(m.full_name for m in staff) == [
        "Lê Hoàng Minh",
        "Nguyễn Thị Lan",
        "Trần Văn Bình",
    ]
    assert all(m.user.roles.filter(role=Role.CIVIL_SERVANT).exists() for m in staff)
