"""Signing up with an email address and a password, confirmed by a code by email."""

from allauth.account.models import EmailAddress
from django.core import mail
from django.core.cache import cache
from django.test import Client

from lms.accounts import sms
from lms.models import User

from .conftest import PASSWORD, last_email_code, messages_of

SIGNUP = "/accounts/signup/"
CONFIRM = "/accounts/confirm-email/"


def sign_up(client, email="Lan@Example.vn", password=PASSWORD, **extra):
    data = {
        "full_name": "Trần Văn Nam",
        "email": email,
        "password1": password,
        "privacy_consent": "on",
    }
    return client.post(SIGNUP, {**data, **extra})


def test_email_signup_end_to_end(client, db):
    response = sign_up(client)

    assert response.status_code == 302
    assert response["Location"] == CONFIRM
    user = User.objects.get()
    assert (user.email, user.phone, user.full_name) == (
        "lan@example.vn",
        None,
        "Trần Văn Nam",
    )
    assert user.check_password(PASSWORD)
    assert sms.outbox == []
    [message] = mail.outbox
    assert message.to == ["lan@example.vn"]
    assert message.subject == f"Your code: {last_email_code('lan@example.vn')}"
    assert "It is valid for 15 minutes." in message.body
    assert "lan@example.vn" in client.get(CONFIRM).content.decode()

    response = client.post(CONFIRM, {"code": last_email_code("lan@example.vn")})

    assert response["Location"] == "/learning/profile/"
    assert EmailAddress.objects.get(user=user).verified
    profile = client.get("/learning/profile/")
    assert profile.wsgi_request.user == user
    assert "Your email address lan@example.vn is confirmed." in messages_of(profile)


def test_email_signup_needs_a_password(client, db):
    response = sign_up(client, password="")

    assert response.context["form"].errors["password1"] == [
        "Choose a password to log in with your email address."
    ]
    assert '<details class="field" open>' in response.content.decode()
    assert not User.objects.exists()


def test_weak_passwords_are_refused(client, db):
    response = sign_up(client, password="12345678")

    assert response.context["form"].errors["password1"]
    assert not User.objects.exists()


def test_phone_or_email_but_not_both_nor_neither(client, db):
    both = sign_up(client, phone="0912 345 678")
    neither = client.post(SIGNUP, {"full_name": "Trần Văn Nam"})

    assert both.context["form"].errors["email"] == [
        "Enter either a mobile number or an email address, not both. You can add "
        "the other one later in your profile."
    ]
    assert neither.context["form"].errors["phone"] == [
        "Enter your mobile phone number, or sign up with an email address."
    ]
    assert not User.objects.exists()
    assert mail.outbox == sms.outbox == []


def test_wrong_email_code_shows_an_error(client, db):
    sign_up(client)
    code = last_email_code("lan@example.vn")
    wrong = "000000" if code != "000000" else "111111"

    response = client.post(CONFIRM, {"code": wrong})

    assert response.status_code == 200
    assert response.context["form"].errors["code"] == [
        "This code is not correct. Check the message we sent you and try again."
    ]
    assert client.post(CONFIRM, {"code": code}).status_code == 302
    assert EmailAddress.objects.get().verified


def test_unconfirmed_address_gets_a_new_code_at_the_next_login(client, db):
    sign_up(client)
    session = client.session
    pending = session["account_email_verification_code"]
    pending["at"] -= 16 * 60
    session["account_email_verification_code"] = pending
    session.save()
    mail.outbox.clear()
    cache.clear()  # rate-limit counters: a quarter of an hour has passed

    assert client.get(CONFIRM)["Location"] == "/accounts/login/"
    response = client.post(
        "/accounts/login/", {"login": "lan@example.vn", "password": PASSWORD}
    )

    assert response["Location"] == CONFIRM
    client.post(CONFIRM, {"code": last_email_code("lan@example.vn")})
    assert EmailAddress.objects.get().verified


def test_signing_up_with_a_taken_email_reveals_nothing(client, db, email_user):
    fresh = Client()
    response_new = sign_up(fresh, email="moi@example.vn")
    response_taken = sign_up(client, email="LAN@example.vn")

    assert response_taken.status_code == response_new.status_code == 302
    assert response_taken["Location"] == response_new["Location"] == CONFIRM
    page_taken = client.get(CONFIRM).content.decode()
    page_new = fresh.get(CONFIRM).content.decode()
    assert page_taken.replace("lan@example.vn", "moi@example.vn").count(
        "<input"
    ) == page_new.count("<input")
    assert User.objects.count() == 2
    [notice] = [m for m in mail.outbox if m.to == ["lan@example.vn"]]
    assert notice.subject == "You already have an account"
    assert client.post(CONFIRM, {"code": "123456"}).status_code == 200


def test_double_submit_shows_the_wait_page_not_an_error(client, db):
    second_tap = Client()
    first = sign_up(client)
    second = sign_up(second_tap)

    assert first.status_code == 302
    assert second.status_code == 429
    assert "Please wait a moment" in second.content.decode()
    assert User.objects.count() == 1
