"""A team's sign-up poster: the PDF read back, and its QR code followed to sign up."""

from urllib.parse import urlsplit

import pytest
from django.core import signing
from django.test import Client
from django.urls import reverse

from community_teams.models import SignupReferral
from lms.models import User
from tests.certificates.helpers import pdf_text, qr_payload
from tests.lms.accounts.conftest import last_sms_code, messages_of
from tests.staff import staff_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return staff_world()


def as_(person) -> Client:
    client = Client()
    client.force_login(person)
    return client


def poster_url(team, hamlet) -> str:
    return reverse("team_poster", args=[team.pk, hamlet.pk])


def sign_up_through(client, path, *, full_name="Lê Thị Hoa", phone="0912 345 678"):
    landing = client.get(path)
    assert landing.status_code == 302
    assert landing["Location"] == reverse("account_signup")
    client.post(
        landing["Location"],
        {"full_name": full_name, "phone": phone, "privacy_consent": "on"},
    )
    client.post(
        "/accounts/phone/verify/",
        {"action": "verify", "code": last_sms_code("+84912345678")},
    )
    return User.objects.get(phone="+84912345678")


def test_the_poster_names_the_team_and_hamlet_and_its_qr_code_signs_people_up(
    world, tmp_path
):
    response = as_(world.team_member).get(poster_url(world.team_bt, world.kp1))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    assert "Tổ CNTS khu phố 1" in text
    assert "Khu phố 1, Phường Bến Thành" in text
    assert "Học kỹ năng số miễn phí" in text
    assert "Quét mã QR bằng camera điện thoại" in text
    url = qr_payload(response.content, tmp_path)
    assert url.startswith("http://testserver/teams/join/")
    assert url in text.replace(" ", "")

    account = sign_up_through(Client(), urlsplit(url).path)

    referral = SignupReferral.objects.get()
    assert referral.user == account
    assert referral.team == world.team_bt
    assert referral.hamlet == world.kp1
    assert account.phone_verified


def test_a_hamlet_page_offers_the_poster_of_each_team_serving_it(world):
    text = as_(world.team_leader).get(reverse("team_hamlet", args=[world.kp1.pk]))

    assert poster_url(world.team_bt, world.kp1) in text.content.decode()


def test_a_commune_wide_team_prints_a_poster_per_hamlet_of_its_commune(world, tmp_path):
    response = as_(world.other_commune_official).get(
        poster_url(world.team_sg, world.kp_sg)
    )

    assert "Khu phố 5" in pdf_text(response.content)
    sign_up_through(Client(), urlsplit(qr_payload(response.content, tmp_path)).path)
    referral = SignupReferral.objects.get()
    assert (referral.team, referral.hamlet) == (world.team_sg, world.kp_sg)


@pytest.mark.parametrize(
    "key",
    [
        "resident",
        "civil_servant",
        "editor",
        "nobody",
        "province_official",
        "other_commune_official",
    ],
)
def test_people_outside_the_team_and_commune_get_no_poster(world, key):
    client = as_(world.people[key])

    assert client.get(poster_url(world.team_bt, world.kp1)).status_code == 404


def test_a_team_has_no_poster_for_a_hamlet_it_does_not_serve(world):
    superuser = as_(world.superuser)

    assert superuser.get(poster_url(world.team_bt, world.kp_sg)).status_code == 404
    assert superuser.get(poster_url(world.team_sg, world.kp1)).status_code == 404


@pytest.mark.parametrize(
    "token",
    [
        "not-a-token",
        signing.dumps([1, 2], salt="something else"),
        signing.dumps("text", salt="community_teams.referral"),
    ],
    # Signed at collection, so the tokens hold the second they were made: the
    # ids name them the same in every pytest worker.
    ids=["not signed", "signed for another use", "signed but not a pair"],
)
def test_a_damaged_link_still_leads_to_sign_up_without_a_referral(world, token):
    client = Client()
    path = reverse("team_join", args=[token])

    response = client.get(path, follow=True)

    assert response.redirect_chain[-1][0] == reverse("account_signup")
    assert (
        "This poster's link could not be read, but you can still sign up here."
        in messages_of(response)
    )
    sign_up_through(client, path)
    assert not SignupReferral.objects.exists()


def test_a_forged_team_in_the_token_is_refused(world):
    good = reverse(
        "team_join",
        args=[signing.dumps([world.team_bt.pk, world.kp1.pk], salt="wrong salt")],
    )

    sign_up_through(Client(), good)

    assert not SignupReferral.objects.exists()


def test_a_team_deleted_since_printing_records_nothing(world, tmp_path):
    response = as_(world.superuser).get(poster_url(world.team_bd, world.thon_bd))
    path = urlsplit(qr_payload(response.content, tmp_path)).path
    world.team_bd.delete()

    sign_up_through(Client(), path)

    assert not SignupReferral.objects.exists()
