"""The breach register: an incident on the record, the 72-hour clock to notify the
authority, the notification as a PDF, each official for their place only."""

import datetime
import subprocess

import pytest
from django.test import Client
from django.utils import timezone

from lms.models import AuditEvent
from privacy.models import Breach
from tests.staff import staff_world

BREACHES = "/privacy/breaches/"


def browser(user, language="en") -> Client:
    client = Client(headers={"accept-language": language})
    client.force_login(user)
    return client


@pytest.fixture
def world(db):
    return staff_world()


def local(moment: datetime.datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def form(world, **changes) -> dict:
    data = {
        "summary": "Mất điện thoại có danh sách hộ của khu phố 1",
        "discovered_at": local(timezone.now() - datetime.timedelta(hours=2)),
        "province": world.hcm.pk,
        "commune": world.ben_thanh.pk,
        "data_concerned": "Họ tên, năm sinh, số điện thoại",
        "people_concerned": "Các hộ khu phố 1",
        "people_count": "1250",
        "measures": "Đã khoá tài khoản của thành viên",
    }
    data.update(changes)
    return data


def recorded(world, *, hours_ago=2, commune="ben_thanh", notified=False):
    now = timezone.now()
    return Breach.objects.create(
        province=world.hcm,
        commune=getattr(world, commune) if commune else None,
        summary=f"Sự cố {hours_ago} giờ trước",
        data_concerned="Số điện thoại",
        people_concerned="Cư dân",
        people_count=10,
        discovered_at=now - datetime.timedelta(hours=hours_ago),
        recorded_by=world.commune_official,
        notified_at=now if notified else None,
        authority="A05" if notified else "",
    )


def test_a_commune_official_records_a_breach_with_its_72_hour_clock(world):
    client = browser(world.commune_official)

    response = client.post(BREACHES, form(world), follow=True)

    breach = Breach.objects.get()
    assert (breach.commune, breach.province, breach.people_count) == (
        world.ben_thanh,
        world.hcm,
        1250,
    )
    assert breach.notify_by == breach.discovered_at + datetime.timedelta(hours=72)
    page = response.content.decode()
    assert "The breach is on the register. Notify the authority before" in page
    assert "69 hours left to notify" in page or "70 hours left to notify" in page
    # The draft of the notification is ready to correct.
    assert "discovered an incident affecting personal data" in page
    assert "about 1.250 people" in page
    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.CREATE, subject="breach"
    ).exists()


def test_the_register_lists_what_is_late_first_then_what_is_due(world):
    notified = recorded(world, hours_ago=100, notified=True)
    late = recorded(world, hours_ago=80)
    due = recorded(world, hours_ago=5)

    page = browser(world.commune_official).get(BREACHES).content.decode()

    assert page.index(late.summary) < page.index(due.summary)
    assert page.index(due.summary) < page.index(notified.summary)
    assert "Notification late by 8 hours" in page
    assert "Notified" in page


def test_the_clock_reads_in_vietnamese(world):
    recorded(world, hours_ago=60)
    page = browser(world.commune_official, "vi").get(BREACHES).content.decode()
    assert "Sự cố vi phạm dữ liệu cá nhân" in page
    assert "giờ để thông báo" in page


def test_recording_the_notification_once_gives_a_vietnamese_pdf(world, tmp_path):
    breach = recorded(world, hours_ago=30)
    client = browser(world.commune_official)
    url = f"{BREACHES}{breach.pk}/"
    data = {
        "authority": "Cục A05, Bộ Công an",
        "notified_at": local(timezone.now()),
        "notification_text": "Kính gửi Cục A05,\nXã báo cáo sự cố mất điện thoại.",
        "informed": "Các hộ khu phố 1 qua loa phát thanh",
    }

    assert client.post(url, data).status_code == 302
    again = client.post(url, {**data, "authority": "Khác"})

    breach.refresh_from_db()
    assert breach.authority == "Cục A05, Bộ Công an"
    assert breach.notified_by == world.commune_official
    # A second notification is not a form any more: the record stays.
    assert again.status_code == 200
    assert "Download the notification (PDF)" in again.content.decode()
    pdf = client.get(f"{url}notification.pdf")
    assert pdf["Content-Type"] == "application/pdf"
    path = tmp_path / "notification.pdf"
    path.write_bytes(pdf.content)
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    assert "Độc lập - Tự do - Hạnh phúc" in text
    assert "Kính gửi Cục A05" in text
    assert "NOTIFICATION OF A PERSONAL-DATA BREACH" in text
    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.EXPORT, subject="breach"
    ).exists()


def test_the_pdf_exists_only_once_notified(world):
    breach = recorded(world)
    response = browser(world.commune_official).get(
        f"{BREACHES}{breach.pk}/notification.pdf"
    )
    assert response.status_code == 404


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"summary": ""}, "Say what happened."),
        ({"discovered_at": "hôm qua"}, "Give the day and time as dd/mm/yyyy hh:mm."),
        ({"people_count": "-3"}, "The number of people cannot be negative."),
        ({"people_count": "10" * 30}, "That is more people than live in Viet Nam."),
        ({"people_count": "nhiều"}, "Give a whole number."),
        ({"commune": "00004"}, "Choose one of your communes."),
        ({"province": "01"}, "Choose one of your provinces."),
        ({"commune": ""}, "Choose the commune where it happened."),
    ],
)
def test_bad_input_is_refused_with_the_reason_and_nothing_is_recorded(
    world, changes, message
):
    response = browser(world.commune_official).post(BREACHES, form(world, **changes))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Breach.objects.exists()


def test_a_breach_cannot_be_discovered_in_the_future(world):
    later = local(timezone.now() + datetime.timedelta(days=1))
    response = browser(world.commune_official).post(
        BREACHES, form(world, discovered_at=later)
    )
    assert "cannot be in the future" in response.content.decode()
    assert not Breach.objects.exists()


def test_a_notification_before_the_discovery_is_refused(world):
    breach = recorded(world, hours_ago=3)
    before = local(breach.discovered_at - datetime.timedelta(hours=1))
    response = browser(world.commune_official).post(
        f"{BREACHES}{breach.pk}/",
        {
            "authority": "A05",
            "notified_at": before,
            "notification_text": "Kính gửi",
        },
    )
    assert "cannot come before the breach was discovered" in response.content.decode()
    breach.refresh_from_db()
    assert breach.notified_at is None


def test_a_province_official_records_for_the_whole_province(world):
    client = browser(world.province_official)
    response = client.post(BREACHES, form(world, commune=""))
    assert response.status_code == 302
    breach = Breach.objects.get()
    assert breach.commune is None and breach.province == world.hcm


def test_each_official_sees_the_breaches_of_their_place_only(world):
    here = recorded(world)
    there = recorded(world, commune="sai_gon")
    province_wide = recorded(world, commune=None)

    own = browser(world.commune_official).get(BREACHES).content.decode()
    assert f"{BREACHES}{here.pk}/" in own
    assert f"{BREACHES}{there.pk}/" not in own
    assert f"{BREACHES}{province_wide.pk}/" not in own
    province = browser(world.province_official).get(BREACHES).content.decode()
    for breach in (here, there, province_wide):
        assert f"{BREACHES}{breach.pk}/" in province
    outsider = browser(world.other_commune_official)
    assert outsider.get(f"{BREACHES}{here.pk}/").status_code == 404
    assert outsider.get(f"{BREACHES}{province_wide.pk}/").status_code == 404
    assert (
        browser(world.other_province_official)
        .get(f"{BREACHES}{here.pk}/notification.pdf")
        .status_code
        == 404
    )


@pytest.mark.parametrize(
    "role", ["team_leader", "team_member", "resident", "civil_servant", "editor"]
)
def test_other_roles_are_refused(world, role):
    breach = recorded(world)
    client = browser(world.people[role])
    assert client.get(BREACHES).status_code == 403
    assert client.post(BREACHES, form(world)).status_code == 403
    assert client.get(f"{BREACHES}{breach.pk}/").status_code == 404
    assert Breach.objects.count() == 1


def test_an_absurd_id_is_not_found(world):
    client = browser(world.commune_official)
    assert client.get(f"{BREACHES}{2**70}/").status_code == 404


def test_the_register_is_linked_for_officials(world):
    page = browser(world.commune_official).get("/learning/").content.decode()
    assert 'href="/privacy/breaches/"' in page
