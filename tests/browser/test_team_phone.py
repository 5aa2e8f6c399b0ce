"""A team member's phone in a village: the household list kept on the phone, a
visit recorded without signal, the phone closed and opened again, the visit sent
exactly once when the signal returns; a refused resend and a leader's request for
a correction both reach the member."""

import json

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from playwright.sync_api import expect

from community_teams.models import HouseholdChange, Visit
from community_teams.services import visit_review
from tests.browser.test_offline_learning import _phone
from tests.community_teams.outreach import household, send, skills_ensure, visit_item
from tests.factories import build_site
from tests.staff import staff_world

pytestmark = pytest.mark.browser


def test_a_visit_recorded_offline_arrives_once(
    playwright, transactional_db, live_server, tmp_path
):
    build_site()
    skills_ensure()
    world = staff_world()
    home = household(
        world.kp1, head="Nguyễn Văn Đức", number="12", members=[("Lê Thị Hoa", 1990)]
    )
    household(world.kp1, head="Trần Thị Mai", number="5")
    # A visit the server already has: the phone will try its identifier again.
    taken = visit_item(home)
    client = Client()
    client.force_login(world.team_member)
    send(client, visits=[taken])
    session = {
        "name": settings.SESSION_COOKIE_NAME,
        "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
        "url": live_server.url,
        "expires": 2_000_000_000,
    }
    phone_url = f"{live_server.url}/teams/hamlets/{world.kp1.pk}/phone/"

    phone = _phone(playwright, str(tmp_path / "phone"))
    phone.add_cookies([session])
    page = phone.new_page()
    page.goto(phone_url)
    assert (
        page.evaluate(
            """() => Promise.race([
          navigator.serviceWorker.ready.then(() => "ready"),
          new Promise((done) => setTimeout(() => done("not ready"), 10000)),
        ])"""
        )
        == "ready"
    )
    box = page.locator("[data-offline-course]")
    box.locator(".offline-course-download").click()
    expect(box.locator(".offline-course-status")).to_contain_text(
        "Danh sách hộ đã được lưu"
    )
    page.reload()

    phone.set_offline(True)
    page.reload()
    expect(page.locator("h1")).to_have_text("Lượt thăm tại Khu phố 1")
    page.locator("#team-search").fill("nguyen van duc")
    households = page.locator("#team-households li")
    expect(households).to_have_count(1)
    households.first.locator("button").click()
    form = page.locator("#team-visit")
    head = home.residents.get(full_name="Nguyễn Văn Đức")
    form.locator(f"[name=present-{head.pk}]").check()
    form.locator(f"[name=skill-{head.pk}][value=vneid]").check()
    form.locator("button[type=submit]").click()
    expect(page.locator("#team-visit-errors")).to_contain_text(
        "Hãy hỏi người dân có đồng ý không"
    )
    form.locator(f"[name=consent-{head.pk}][value=yes]").check()
    form.locator("button[type=submit]").click()
    expect(page.locator("#team-notice")).to_contain_text("Đã lưu trên điện thoại")
    # The same identifier with other content, as a phone that reused one would send.
    page.evaluate(
        """([url, body]) =>
          lmsOutbox.add({ kind: "visit", url, json: true, body, id: body.uuid })""",
        [f"/teams/api/visits/{taken['uuid']}/", {**taken, "note": "khác"}],
    )
    assert Visit.objects.count() == 1
    phone.close()

    phone = _phone(playwright, str(tmp_path / "phone"))
    phone.set_offline(True)
    page = phone.new_page()
    page.goto(phone_url)
    expect(page.locator("#team-log")).to_contain_text("Đang chờ gửi")
    expect(page.locator("#team-households li")).to_have_count(2)
    phone.set_offline(False)
    page.evaluate("() => window.dispatchEvent(new Event('online'))")
    expect(page.locator("#outbox-status")).to_contain_text(
        "đã được nhận với nội dung khác"
    )
    expect(page.locator("#team-log")).to_contain_text("12 · Nguyễn Văn Đức: Đã nhận")
    assert Visit.objects.count() == 2
    recorded = Visit.objects.exclude(uuid=taken["uuid"]).get()
    assert [a.resident for a in recorded.attendees.all()] == [head]
    page.reload()
    expect(page.locator("#outbox-status")).to_be_hidden()
    assert Visit.objects.count() == 2

    visit_review(
        by=world.team_leader, visit=recorded, approve=False, comment="Thiếu ngày sinh"
    )
    page.goto(f"{live_server.url}/teams/my-visits/")
    expect(page.locator("main")).to_contain_text("Cần sửa: Thiếu ngày sinh")
    phone.close()


def test_households_corrected_offline_are_applied_or_kept_for_the_leader(
    playwright, transactional_db, live_server, tmp_path
):
    build_site()
    skills_ensure()
    world = staff_world()
    home = household(world.kp1, head="Nguyễn Văn Đức", number="12")
    mai = household(world.kp1, head="Trần Thị Mai", number="5")
    client = Client()
    client.force_login(world.team_member)
    session = {
        "name": settings.SESSION_COOKIE_NAME,
        "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
        "url": live_server.url,
        "expires": 2_000_000_000,
    }
    phone = _phone(playwright, str(tmp_path / "phone"))
    phone.add_cookies([session])
    page = phone.new_page()
    page.goto(f"{live_server.url}/teams/hamlets/{world.kp1.pk}/phone/")
    page.evaluate("() => navigator.serviceWorker.ready")
    box = page.locator("[data-offline-course]")
    box.locator(".offline-course-download").click()
    expect(box.locator(".offline-course-status")).to_contain_text(
        "Danh sách hộ đã được lưu"
    )

    phone.set_offline(True)
    page.reload()
    page.locator("#team-search").fill("nguyen van duc")
    page.locator("#team-households li button").first.click()
    page.get_by_role("button", name="Sửa thông tin của hộ này").click()
    edit = page.locator("#team-edit")
    edit.get_by_label("Số nhà").fill("12A")
    edit.get_by_label("Chủ hộ").fill("")
    edit.locator("button[type=submit]").click()
    expect(page.locator("#team-edit-errors")).to_contain_text("tên chủ hộ")
    edit.get_by_label("Chủ hộ").fill("Nguyễn Văn Đức")
    page.screenshot(path=str(tmp_path / "team-phone-correction-360.png"))
    edit.locator("button[type=submit]").click()
    expect(page.locator("#team-notice")).to_contain_text("Đã lưu trên điện thoại")
    page.locator("#team-search").fill("12a")
    expect(page.locator("#team-households li")).to_have_text(
        "12A · Nguyễn Văn Đức (đã sửa trên điện thoại này)"
    )
    # Meanwhile the leader corrects Mai's household from the site.
    leader = Client()
    leader.force_login(world.team_leader)
    correction = "6f1c2a54-8d1e-4a57-9d0b-1b9c9f3a7c01"
    answer = leader.put(
        reverse("team_household_change_put", args=[correction]),
        json.dumps({"household": mai.pk, "base_version": 1, "house_number": "5B"}),
        content_type="application/json",
    )
    assert answer.status_code == 201
    page.locator("#team-search").fill("tran thi mai")
    page.locator("#team-households li button").first.click()
    page.get_by_role("button", name="Sửa thông tin của hộ này").click()
    edit.get_by_label("Số điện thoại mới").fill("0912 345 678")
    edit.locator("button[type=submit]").click()
    # Kept on the phone before the signal returns.
    expect(page.locator("#team-log")).to_contain_text("5 · Trần Thị Mai: Đang chờ gửi")

    phone.set_offline(False)
    page.evaluate("() => window.dispatchEvent(new Event('online'))")
    expect(page.locator("#team-log")).to_contain_text("12A · Nguyễn Văn Đức: Đã nhận")
    expect(page.locator("#team-log")).to_contain_text("tổ trưởng quyết định")
    home.refresh_from_db()
    mai.refresh_from_db()
    assert (home.house_number, home.version) == ("12A", 2)
    assert (mai.house_number, mai.phone, mai.version) == ("5B", "", 2)
    kept = HouseholdChange.objects.get(household=mai, by=world.team_member)
    assert kept.status == HouseholdChange.Status.CONFLICT
    assert kept.proposed == {"phone": "+84912345678"}
    phone.close()
