"""A resident agrees to the notice at sign-up, answers a changed notice once,
downloads their data and deletes their account, on a phone."""

import json
import re

import pytest
from playwright.sync_api import expect

from community_teams.models import Consent
from lms.accounts import sms
from lms.models import User
from tests.privacy.builders import notice_publish

pytestmark = pytest.mark.browser


def test_consent_my_data_and_deletion_on_a_phone(browser_page, demo_courses, tmp_path):
    page = browser_page
    notice_publish(
        summary="Chúng tôi lưu họ tên và kết quả học tập của bạn.",
        needs_new_consent=True,
    )

    page.goto("/accounts/signup/")
    signup = page.locator("form:has(input[name=phone])")
    expect(signup).to_contain_text("Chúng tôi lưu họ tên và kết quả học tập của bạn.")
    expect(signup.locator("input[name=privacy_consent]")).not_to_be_checked()
    signup.locator("input[name=full_name]").fill("Nguyễn Thị Lan")
    signup.locator("input[name=phone]").fill("0912 345 678")
    signup.locator("button[type=submit]").click()
    expect(page.locator("main")).to_contain_text("không thể tạo tài khoản nếu chưa")
    assert not User.objects.exists()
    signup = page.locator("form:has(input[name=phone])")
    signup.locator("input[name=privacy_consent]").check()
    signup.locator("button[type=submit]").click()
    page.wait_for_url("**/accounts/phone/verify/**")
    code = re.search(r"\b(\d{6})\b", sms.outbox[-1].text).group(1)
    code_form = page.locator("form:has(input[name=code])").first
    code_form.locator("input[name=code]").fill(code)
    code_form.locator("button[type=submit]").first.click()
    expect(page.locator("header form[action='/accounts/logout/']")).to_be_visible()
    lan = User.objects.get(phone="+84912345678")
    assert Consent.objects.get(user=lan).method == Consent.Method.ONLINE_SIGNUP

    notice_publish(summary="Nay chúng tôi lưu thêm xã/phường.", needs_new_consent=True)
    page.goto("/learning/")
    page.wait_for_url("**/privacy/consent/**")
    expect(page.locator("main")).to_contain_text("Nay chúng tôi lưu thêm xã/phường.")
    page.get_by_role("button", name="Tôi đồng ý").click()
    page.wait_for_url("**/learning/")

    page.goto("/learning/profile/")
    page.locator("a[href='/learning/my-data/']").click()
    expect(page.locator("h1")).to_have_text("Dữ liệu của tôi")
    expect(page.locator("main")).to_contain_text("Trực tuyến, khi đăng ký")
    with page.expect_download() as download:
        page.get_by_role("link", name="Tải về (JSON)").click()
    saved = tmp_path / "data.json"
    download.value.save_as(saved)
    data = json.loads(saved.read_text(encoding="utf-8"))
    assert data["profile"]["full_name"] == "Nguyễn Thị Lan"
    assert [c["notice_version"] for c in data["consents"]] == ["2", "1"]

    page.get_by_role("link", name="Xoá tài khoản của tôi").click()
    page.get_by_role("button", name="Xoá tài khoản của tôi").click()
    expect(page.locator("main")).to_contain_text("Hãy đánh dấu vào ô để xác nhận")
    page.locator("input[name=confirm]").check()
    page.get_by_role("button", name="Xoá tài khoản của tôi").click()
    expect(page.locator("main")).to_contain_text("Tài khoản của bạn đã được xoá.")
    lan.refresh_from_db()
    assert not lan.is_active
    assert lan.full_name == ""
    page.goto("/learning/my-data/")
    page.wait_for_url("**/accounts/login/**")
