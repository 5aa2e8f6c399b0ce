"""A commune official imports a hamlet's roster in the admin, in a real browser.

The browser asks for Vietnamese, so the admin speaks it.
"""

import re

import pytest
from playwright.sync_api import expect

from community_teams.models import Household, RosterImport
from tests.community_teams.rosters import roster_xlsx
from tests.factories import wagtail_roots
from tests.staff import staff_world

BAD_ROW = (7, "Hồ Văn Sai", 1890, None, "Chủ hộ", "20", "12345", "", "")


@pytest.fixture
def world(transactional_db):
    wagtail_roots()
    return staff_world()


@pytest.fixture
def official_page(browser_page, log_in, world):
    browser_page.set_viewport_size({"width": 1280, "height": 900})
    log_in(world.commune_official)
    return browser_page


def test_an_official_uploads_checks_the_preview_and_accepts_it(
    official_page, world, tmp_path
):
    roster = tmp_path / "danh-sach-kp1.xlsx"
    roster.write_bytes(roster_xlsx(extra_rows=[BAD_ROW]))
    browser = official_page

    browser.goto("/admin/hamlets/")
    row = browser.locator("tr", has_text="Khu phố 1")
    row.locator("[data-w-dropdown-target='toggle']").click()
    row.get_by_role("link", name="Nhập danh sách hộ").click()
    expect(browser.get_by_label("Thôn, tổ dân phố")).to_have_value(str(world.kp1.pk))
    browser.get_by_label("Tệp danh sách hộ (.xlsx hoặc .csv)").set_input_files(roster)
    browser.get_by_role("button", name="Tải lên và xem trước").click()

    expect(browser.get_by_text("3 hộ mới", exact=True)).to_be_visible()
    bad = browser.locator("tr.roster-invalid")
    expect(bad).to_contain_text("Hồ Văn Sai")
    expect(bad).to_contain_text("Dòng 12, cột C (Năm sinh – Nam) “1890”")
    expect(bad).to_contain_text("Năm sinh phải từ 1900 đến")
    expect(
        browser.get_by_text(re.compile("Số định danh cá nhân không"))
    ).to_be_visible()
    assert not Household.objects.exists()

    browser.get_by_role("button", name=re.compile("Xác nhận: lưu 3 hộ mới")).click()

    expect(
        browser.get_by_text(re.compile("3 hộ mới, 0 hộ được cập nhật"))
    ).to_be_visible()
    assert Household.objects.filter(hamlet=world.kp1).count() == 3


def test_the_progress_page_follows_the_work_and_shows_the_preview_when_ready(
    official_page, world
):
    browser = official_page
    roster_import = RosterImport.objects.create(
        hamlet=world.kp1,
        created_by=world.commune_official,
        file_name="danh-sach.xlsx",
        status=RosterImport.Status.READING,
        rows_read=2000,
        rows_total=10000,
    )
    browser.goto(f"/admin/households/import/{roster_import.pk}/")
    bar = browser.locator("#roster-progress-bar")
    expect(bar).to_have_attribute("value", "20")

    RosterImport.objects.filter(pk=roster_import.pk).update(rows_read=6000)
    expect(bar).to_have_attribute("value", "60")
    RosterImport.objects.filter(pk=roster_import.pk).update(
        status=RosterImport.Status.READY, people=0
    )

    # The script reloads the page once the preview is ready.
    expect(browser.get_by_text("Các hộ trong tệp")).to_be_visible()
    expect(browser.locator("#roster-progress")).to_have_count(0)
