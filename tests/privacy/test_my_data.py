"""'My data': what a person sees, downloads, withdraws and deletes of their own."""

import json
import subprocess

import pytest
from django.test import Client
from django.utils import timezone

from certificates.models import Certificate
from community_teams.models import Consent, Guidance, Resident, Skill, Visit
from community_teams.models.visits import VisitAttendee
from courses.models import Enrollment
from lms.models import AuditEvent, User
from tests.certificates.helpers import complete, issue
from tests.community_teams.outreach import household
from tests.factories import UserFactory
from tests.staff import staff_world

from .builders import notice_publish

MY_DATA = "/learning/my-data/"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def browser(user) -> Client:
    client = Client(headers={"accept-language": "vi"})
    client.force_login(user)
    return client


@pytest.fixture
def lan(db, course):
    """A learner who completed a course, has a certificate, and was visited."""
    world = staff_world()
    user = UserFactory(
        full_name="Nguyễn Thị Lan",
        phone="+84912345678",
        email="lan@example.vn",
        birth_year=1990,
        commune=world.ben_thanh,
    )
    complete(user, course)
    issue(user, course)
    Consent.objects.create(
        user=user,
        purpose=Consent.Purpose.ACCOUNT,
        policy_version="1",
        action=Consent.Action.GIVEN,
        method=Consent.Method.ONLINE_SIGNUP,
        recorded_by=user,
    )
    home = household(world.kp1, head="Nguyễn Thị Lan")
    resident = home.residents.get()
    resident.user = user
    resident.save()
    visit = Visit.objects.create(
        household=home,
        team=world.team_bt,
        member=world.team_member,
        visited_on=timezone.localdate(),
        content_hash="x",
    )
    attendee = VisitAttendee.objects.create(visit=visit, resident=resident)
    Guidance.objects.create(attendee=attendee, skill=Skill.objects.get(code="vneid"))
    return user


def test_a_person_sees_everything_held_about_them(lan, django_assert_max_num_queries):
    client = browser(lan)

    with django_assert_max_num_queries(20):
        response = client.get(MY_DATA)

    html = response.content.decode()
    assert response.status_code == 200
    assert "Dữ liệu của tôi" in html
    for shown in (
        "Nguyễn Thị Lan",
        "lan@example.vn",
        "1990",
        Certificate.objects.get().code,
        "Tổ CNTS khu phố 1",
        "Cài VNeID và định danh điện tử mức 2",
        "Trực tuyến, khi đăng ký",
        'href="/learning/profile/"',
    ):
        assert shown in html, shown


def test_the_json_download_holds_every_section_and_is_audited(lan):
    response = browser(lan).get(MY_DATA + "download.json")

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    data = json.loads(response.content)
    assert data["profile"]["full_name"] == "Nguyễn Thị Lan"
    assert data["profile"]["phone"] == "+84912345678"
    assert len(data["enrolments"]) == 1
    assert data["certificates"][0]["name_on_certificate"] == "Nguyễn Thị Lan"
    assert data["visits"][0]["skills"][0]["skill"].startswith("Cài VNeID")
    assert [c["action_code"] for c in data["consents"]] == ["given"]
    event = AuditEvent.objects.get(action=AuditEvent.Action.EXPORT)
    assert (event.actor, event.subject, event.detail) == (lan, "my data", "json")
    assert event.subject_ids == [str(lan.pk)]


def test_the_pdf_download_is_readable_vietnamese_and_audited(lan, tmp_path):
    response = browser(lan).get(MY_DATA + "download.pdf")

    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")
    path = tmp_path / "data.pdf"
    path.write_bytes(response.content)
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "Dữ liệu của tôi" in text
    assert "Nguyễn Thị Lan" in text
    assert "Lịch sử đồng ý" in text
    assert AuditEvent.objects.filter(
        actor=lan, action=AuditEvent.Action.EXPORT, detail="pdf"
    ).exists()


def test_nobody_reaches_another_persons_data(lan):
    # Officials of Lan's commune and members of the team that visited her see
    # their own data here, never hers.
    others = [
        UserFactory(full_name="Trần Văn Nam"),
        *User.objects.filter(roles__role__in=["commune_official", "team_member"]),
    ]
    for other in others:
        client = browser(other)
        for url in (MY_DATA, MY_DATA + "download.json"):
            body = client.get(url).content.decode()
            assert "Nguyễn Thị Lan" not in body
            assert "lan@example.vn" not in body
        data = json.loads(client.get(MY_DATA + "download.json").content)
        assert data["visits"] == []
        assert data["certificates"] == []
    for url in (MY_DATA, MY_DATA + "download.json", MY_DATA + "download.pdf"):
        response = Client().get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")
    assert not AuditEvent.objects.filter(subject_ids=[str(lan.pk)]).exists()


def test_withdrawing_consent_adds_to_the_ledger_and_closes_learning(lan):
    notice_publish()
    client = browser(lan)
    assert client.get("/learning/").status_code == 200

    response = client.post(MY_DATA + "withdraw/", follow=True)

    assert "Sự đồng ý của bạn đã được rút lại" in response.content.decode()
    latest = Consent.objects.filter(user=lan).order_by("-pk").first()
    assert latest.action == Consent.Action.WITHDRAWN
    assert Consent.objects.filter(user=lan).count() == 2
    assert client.get("/learning/").status_code == 302
    assert client.get(MY_DATA).status_code == 200
    assert client.get(MY_DATA + "withdraw/").status_code == 405


def test_deleting_the_account_keeps_certificates_verifiable_without_the_name(lan):
    client = browser(lan)
    certificate = Certificate.objects.get()
    enrolments = Enrollment.objects.filter(completed_at__isnull=False).count()

    response = client.post(
        MY_DATA + "delete/", {"certificates": "keep", "confirm": "on"}
    )

    assert response.status_code == 302
    lan.refresh_from_db()
    assert (lan.full_name, lan.phone, lan.email, lan.birth_year) == ("", None, "", None)
    assert not lan.is_active
    assert not lan.has_usable_password()
    assert client.get(MY_DATA).status_code == 302
    certificate.refresh_from_db()
    assert certificate.recipient_name == ""
    assert certificate.revoked_at is None
    assert not certificate.pdf
    verify = Client(headers={"accept-language": "vi"}).get(
        f"/certificates/verify/{certificate.code}/"
    )
    page = verify.content.decode()
    assert "Nguyễn" not in page
    assert "đã xoá tên theo yêu cầu của người được cấp" in page
    assert Enrollment.objects.filter(completed_at__isnull=False).count() == enrolments
    assert Resident.objects.get().user is None
    assert Consent.objects.filter(user=lan).order_by("-pk").first().action == (
        Consent.Action.WITHDRAWN
    )
    assert AuditEvent.objects.filter(
        actor=lan, action=AuditEvent.Action.ERASE, subject="account"
    ).exists()


def test_deleting_the_account_can_revoke_the_certificates(lan):
    browser(lan).post(MY_DATA + "delete/", {"certificates": "revoke", "confirm": "on"})

    certificate = Certificate.objects.get()
    assert certificate.revoked_at is not None
    assert certificate.recipient_name == ""


def test_deleting_needs_a_choice_and_a_confirmation(lan):
    response = browser(lan).post(MY_DATA + "delete/", {"certificates": "burn"})

    assert response.status_code == 200
    html = response.content.decode()
    assert "Hãy đánh dấu vào ô để xác nhận" in html
    lan.refresh_from_db()
    assert lan.is_active
    assert lan.full_name == "Nguyễn Thị Lan"
