"""A team leader certifies residents trained in person, from a household's page."""

from urllib.parse import urlsplit

import pytest
from django.test import Client
from django.urls import reverse

from certificates.models import Certificate
from certificates.services import certificate_issue
from community_teams import services
from community_teams.models import Resident, Team
from lms.models import AuditEvent, User
from lms.models.users import Role
from lms.services import role_grant
from tests.certificates.helpers import pdf_text, qr_payload
from tests.community_teams.outreach import household, send, visit_item
from tests.factories import UserFactory, add_course
from tests.lms.accounts.conftest import last_sms_code
from tests.staff import staff_world

pytestmark = pytest.mark.django_db

QUERY_BUDGET = 12


@pytest.fixture
def world(catalogue):
    world = staff_world()
    world.course = add_course(catalogue, title="An toàn trên mạng")
    world.home = household(
        world.kp1, head="Nguyễn Văn Đức", number="12/3", members=[("Lê Thị Hoa", 1990)]
    )
    world.hoa = world.home.residents.get(full_name="Lê Thị Hoa")
    world.duc = world.home.residents.get(full_name="Nguyễn Văn Đức")
    return world


def issue_url(world):
    return reverse("certificates:household_issue", args=[world.home.pk])


def as_(person) -> Client:
    client = Client()
    client.force_login(person)
    return client


def post_issue(client, world, *residents, step="issue", **extra):
    return client.post(
        issue_url(world),
        {
            "course": world.course.pk,
            "residents": [resident.pk for resident in residents],
            "step": step,
            **extra,
        },
    )


def test_a_leader_certifies_a_resident_with_no_account_and_no_phone(world, tmp_path):
    leader = as_(world.team_leader)
    household_page = leader.get(reverse("team_household", args=[world.home.pk]))
    assert issue_url(world) in household_page.content.decode()

    form = leader.get(issue_url(world)).content.decode()
    assert "Lê Thị Hoa" in form and "An toàn trên mạng" in form

    preview = post_issue(leader, world, world.hoa, step="preview", reason="Buổi 12/08")
    text = preview.content.decode()
    assert "1 resident of this household will get the certificate" in text
    sample_url = reverse(
        "certificates:household_issue_sample", args=[world.home.pk, world.hoa.pk]
    )
    assert sample_url in text
    assert not Certificate.objects.exists()
    sample = leader.get(sample_url, {"course": world.course.pk})
    assert sample["Content-Type"] == "application/pdf"
    assert "Lê Thị Hoa" in pdf_text(sample.content)
    # The diagonal "MẪU" is read letter by letter; only it has a capital Ẫ.
    assert "Ẫ" in pdf_text(sample.content)

    response = post_issue(leader, world, world.hoa, reason="Buổi 12/08")

    assert response.status_code == 302
    certificate = Certificate.objects.get()
    assert certificate.resident == world.hoa and certificate.user is None
    assert certificate.recipient_name == "Lê Thị Hoa"
    assert certificate.source == Certificate.Source.IN_PERSON
    assert certificate.issued_by == world.team_leader
    page = leader.get(response["Location"]).content.decode()
    assert "1 certificate issued." in page
    assert certificate.code in page
    printed = leader.get(reverse("certificates:download", args=[certificate.code]))
    pdf = b"".join(printed.streaming_content) if printed.streaming else printed.content
    assert "Lê Thị Hoa" in pdf_text(pdf) and "Ẫ" not in pdf_text(pdf)
    url = qr_payload(pdf, tmp_path)
    assert url == f"http://testserver/certificates/verify/{certificate.code}/"
    verification = Client().get(urlsplit(url).path).content.decode()
    assert "This certificate is valid." in verification
    event = AuditEvent.objects.get(action=AuditEvent.Action.CREATE)
    assert event.actor == world.team_leader
    assert event.subject == "certificate"
    assert event.subject_ids == [str(certificate.pk)]
    assert event.commune_id == world.ben_thanh.code


def test_a_double_submit_issues_once(world):
    leader = as_(world.team_leader)

    post_issue(leader, world, world.hoa, world.duc)
    again = post_issue(leader, world, world.hoa, world.duc)

    assert Certificate.objects.count() == 2
    page = leader.get(again["Location"]).content.decode()
    assert "2 residents already had this certificate." in page


def test_a_resident_with_an_account_gets_it_in_the_account(world):
    world.hoa.user = world.candidate
    world.hoa.save()

    post_issue(as_(world.team_leader), world, world.hoa)

    certificate = Certificate.objects.get()
    assert certificate.user == world.candidate
    assert certificate.resident == world.hoa
    download = as_(world.candidate).get(
        reverse("certificates:download", args=[certificate.code])
    )
    assert download.status_code == 200


def test_the_commune_official_certifies_residents_who_consented(world):
    send(as_(world.team_member), visits=[visit_item(world.home)])

    response = post_issue(as_(world.commune_official), world, world.hoa)

    assert response.status_code == 302
    assert Certificate.objects.get().resident == world.hoa


def test_without_consent_the_commune_official_cannot_pick_the_resident(world):
    official = as_(world.commune_official)

    form = official.get(issue_url(world)).content.decode()
    response = post_issue(official, world, world.hoa)

    assert "Lê Thị Hoa" not in form
    assert response.status_code == 200
    assert "the resident must have agreed to share it" in response.content.decode()
    assert not Certificate.objects.exists()


@pytest.mark.parametrize(
    ("key", "status"),
    [
        ("team_member", 403),
        ("other_commune_official", 404),
        ("province_official", 404),
        ("other_province_official", 404),
        ("resident", 404),
        ("civil_servant", 404),
        ("editor", 404),
        ("nobody", 404),
        ("candidate", 404),
        ("leader_elsewhere", 404),
    ],
)
def test_every_other_role_is_refused(world, key, status):
    if key == "leader_elsewhere":
        person = UserFactory(full_name="Tổ Trưởng Khác")
        role_grant(user=person, role=Role.TEAM_LEADER, team=world.team_sg, by=None)
    else:
        person = world.people[key]
    client = as_(person)

    assert client.get(issue_url(world)).status_code == status
    assert post_issue(client, world, world.hoa).status_code == status
    sample = reverse(
        "certificates:household_issue_sample", args=[world.home.pk, world.hoa.pk]
    )
    assert client.get(sample, {"course": world.course.pk}).status_code == status
    assert not Certificate.objects.exists()
    household_page = client.get(reverse("team_household", args=[world.home.pk]))
    assert issue_url(world) not in household_page.content.decode()


def test_anonymous_visitors_are_sent_to_log_in(world):
    response = Client().get(issue_url(world))

    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_a_leader_of_a_commune_wide_team_certifies_in_every_hamlet_of_it(world):
    leader = UserFactory(full_name="Tổ Trưởng Phường")
    team = Team.objects.create(name="Tổ CNTS phường", commune=world.ben_thanh)
    role_grant(user=leader, role=Role.TEAM_LEADER, team=team, by=None)

    assert post_issue(as_(leader), world, world.hoa).status_code == 302
    assert Certificate.objects.get().resident == world.hoa


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"course": "", "residents": ["HOA"]}, "Choose the course the residents"),
        ({"course": "99999999999999999999", "residents": ["HOA"]}, "Choose another."),
        ({"course": "abc", "residents": ["HOA"]}, "Choose another."),
        ({"course": "COURSE"}, "Tick at least one resident."),
        ({"course": "COURSE", "residents": ["x"]}, "Reload the page and tick them"),
        ({"course": "COURSE", "residents": ["FAR"]}, "Reload the page and tick them"),
    ],
)
def test_bad_input_is_answered_in_words(world, data, message):
    far = household(world.kp_sg, head="Phan Văn Xa").residents.get()
    names = {"HOA": world.hoa.pk, "FAR": far.pk, "COURSE": world.course.pk}
    data = {
        key: [names.get(v, v) for v in value]
        if isinstance(value, list)
        else names.get(value, value)
        for key, value in data.items()
    }

    response = as_(world.team_leader).post(issue_url(world), {**data, "step": "issue"})

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Certificate.objects.exists()


def test_a_course_without_certificates_is_not_offered(world, catalogue):
    closed = add_course(catalogue, title="Khoá không cấp", awards_certificate=False)

    response = as_(world.team_leader).post(
        issue_url(world),
        {"course": closed.pk, "residents": [world.hoa.pk], "step": "issue"},
    )

    assert "Choose another." in response.content.decode()
    assert not Certificate.objects.exists()


def test_erased_residents_are_not_offered(world):
    Resident.objects.filter(pk=world.hoa.pk).update(
        full_name="", erased_at="2026-01-02T00:00Z"
    )

    response = post_issue(as_(world.team_leader), world, world.hoa)

    assert response.status_code == 200
    assert not Certificate.objects.exists()


def sign_up(client, *, phone="0912 345 678", full_name="Lê Thị Hoa"):
    return client.post(
        "/accounts/signup/",
        {"full_name": full_name, "phone": phone, "privacy_consent": "on"},
    )


def verify_phone(client, phone="+84912345678"):
    return client.post(
        "/accounts/phone/verify/", {"action": "verify", "code": last_sms_code(phone)}
    )


def test_the_certificate_joins_the_account_made_later_with_the_same_number(world):
    Resident.objects.filter(pk=world.hoa.pk).update(phone="+84912345678")
    post_issue(as_(world.team_leader), world, world.hoa)
    certificate = Certificate.objects.get()
    visitor = Client()

    sign_up(visitor)

    account = User.objects.get(phone="+84912345678")
    world.hoa.refresh_from_db()
    # The number is not proven yet: nothing joins.
    assert world.hoa.user is None
    certificate.refresh_from_db()
    assert certificate.user is None

    assert verify_phone(visitor).status_code == 302

    world.hoa.refresh_from_db()
    certificate.refresh_from_db()
    assert world.hoa.user == account
    assert certificate.user == account
    assert certificate.resident == world.hoa
    learning = visitor.get(reverse("my_learning")).content.decode()
    assert "Other certificates" in learning and "An toàn trên mạng" in learning
    download_url = reverse("certificates:download", args=[certificate.code])
    assert download_url in learning
    assert visitor.get(download_url).status_code == 200
    event = AuditEvent.objects.get(subject="resident", action=AuditEvent.Action.CHANGE)
    assert event.subject_ids == [str(world.hoa.pk)]
    # The leader still finds it among the household's certificates.
    assert (
        certificate.code
        in as_(world.team_leader).get(issue_url(world)).content.decode()
    )


def test_a_number_the_household_shares_joins_only_the_resident_of_that_name(world):
    Resident.objects.filter(household=world.home).update(phone="+84912345678")
    post_issue(as_(world.team_leader), world, world.hoa, world.duc)
    visitor = Client()

    sign_up(visitor, full_name="Nguyễn Văn Đức")
    verify_phone(visitor)

    account = User.objects.get(phone="+84912345678")
    assert list(Resident.objects.filter(user=account)) == [world.duc]
    assert list(Certificate.objects.filter(user=account)) == [
        Certificate.objects.get(resident=world.duc)
    ]
    assert Certificate.objects.get(resident=world.hoa).user is None


def test_a_course_completed_online_meanwhile_keeps_the_account_s_certificate(world):
    Resident.objects.filter(pk=world.hoa.pk).update(phone="+84912345678")
    post_issue(as_(world.team_leader), world, world.hoa)
    account = UserFactory(full_name="Lê Thị Hoa", phone="+84912345678")
    online = certificate_issue(
        user=account, course=world.course, source=Certificate.Source.COMPLETION
    )

    services.resident_account_link(user=account)

    assert Certificate.objects.get(user=account) == online
    assert Certificate.objects.get(resident=world.hoa).user is None


def test_the_household_s_page_costs_the_same_queries_with_more_certificates(
    world, catalogue, django_assert_max_num_queries
):
    leader = as_(world.team_leader)
    post_issue(leader, world, world.hoa)
    leader.get(issue_url(world))
    # Measured with one certificate; the same budget holds with seventeen.
    with django_assert_max_num_queries(QUERY_BUDGET):
        leader.get(issue_url(world))
    for number in range(8):
        resident = Resident.objects.create(
            household=world.home, full_name=f"Người Thứ {number}"
        )
        world.course = add_course(catalogue, title=f"Khoá {number}", lessons=1)
        post_issue(leader, world, resident, world.hoa)
    # New courses are new content: the first page after them reads again what
    # each process keeps until content changes (the catalogue, the notice).
    leader.get(issue_url(world))

    with django_assert_max_num_queries(QUERY_BUDGET):
        response = leader.get(issue_url(world))

    # Eight more residents to choose; sixteen more certificates, eight theirs.
    text = response.content.decode()
    assert text.count("Người Thứ") == 8 + 8
    assert text.count("Lê Thị Hoa") == 1 + 9
