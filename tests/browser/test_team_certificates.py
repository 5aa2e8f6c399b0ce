"""A team leader certifies a resident trained in person; the resident, who had no
account, scans the team's poster, signs up with the number the team recorded and
finds the certificate in "My learning"."""

from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from certificates.models import Certificate
from community_teams.models import Resident, SignupReferral
from lms.models import User
from tests.browser.helpers import horizontal_overflow, unlabelled_fields
from tests.browser.test_learner_journey import last_sms_code
from tests.certificates.helpers import qr_payload
from tests.community_teams.outreach import household
from tests.staff import staff_world

pytestmark = pytest.mark.browser


def test_leader_certifies_a_resident_who_later_signs_up_from_the_poster(
    browser, browser_context_args, browser_page, demo_courses, log_in, tmp_path
):
    page = browser_page
    course = demo_courses.courses[0]
    world = staff_world()
    home = household(world.kp1, head="Nguyễn Văn Đức", members=[("Lê Thị Hoa", 1990)])
    hoa = home.residents.get(full_name="Lê Thị Hoa")
    Resident.objects.filter(pk=hoa.pk).update(phone="+84912345678")
    log_in(world.team_leader)

    page.goto(f"/teams/households/{home.pk}/")
    page.get_by_role("link", name="Cấp giấy chứng nhận").click()
    expect(page.locator("h1")).to_have_text(
        "Giấy chứng nhận cho người dân được hướng dẫn trực tiếp"
    )
    assert horizontal_overflow(page) == 0
    assert unlabelled_fields(page) == []
    page.locator("select[name=course]").select_option(label=course.title)
    page.get_by_label("Lê Thị Hoa").check()
    page.get_by_role("button", name="Xem trước").click()
    expect(page.locator("h1")).to_have_text("Kiểm tra trước khi cấp")
    expect(page.get_by_role("link", name="Xem giấy chứng nhận (mẫu)")).to_be_visible()
    issue = page.get_by_role("button", name="Cấp 1 giấy chứng nhận")
    issue.click()
    expect(page.locator("main")).to_contain_text("Đã cấp 1 giấy chứng nhận.")
    certificate = Certificate.objects.get()
    assert certificate.resident_id == hoa.pk and certificate.user is None
    expect(page.get_by_role("link", name="In (PDF)")).to_be_visible()
    assert horizontal_overflow(page) == 0

    page.goto(f"/teams/hamlets/{world.kp1.pk}/")
    poster_link = page.get_by_role(
        "link", name="Áp phích đăng ký của Tổ CNTS khu phố 1"
    )
    poster = page.request.get(poster_link.get_attribute("href"))
    join_path = urlsplit(qr_payload(poster.body(), tmp_path)).path

    phone = browser.new_context(**browser_context_args)
    resident = phone.new_page()
    resident.set_default_timeout(15_000)
    resident.goto(join_path)
    resident.wait_for_url("**/accounts/signup/")
    signup = resident.locator("form:has(input[name=phone])")
    signup.locator("input[name=full_name]").fill("Lê Thị Hoa")
    signup.locator("input[name=phone]").fill("0912 345 678")
    signup.locator("input[name=privacy_consent]").check()
    signup.locator("button[type=submit]").click()
    resident.wait_for_url("**/accounts/phone/verify/**")
    code_form = resident.locator("form:has(input[name=code])").first
    code_form.locator("input[name=code]").fill(last_sms_code())
    code_form.locator("button[type=submit]").first.click()
    expect(resident.locator("header form[action='/accounts/logout/']")).to_be_visible()

    resident.goto("/learning/")
    expect(resident.locator("main")).to_contain_text("Giấy chứng nhận khác")
    card = resident.locator(".card", has_text=course.title)
    download = card.get_by_role("link", name="Tải giấy chứng nhận (PDF)")
    expect(download).to_be_visible()
    assert resident.request.get(download.get_attribute("href")).status == 200
    account = User.objects.get(phone="+84912345678")
    certificate.refresh_from_db()
    assert certificate.user == account
    referral = SignupReferral.objects.get()
    assert (referral.user, referral.team, referral.hamlet) == (
        account,
        world.team_bt,
        world.kp1,
    )
    phone.close()
