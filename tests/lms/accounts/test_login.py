"""Logging in: by mobile number with a one-time code, by email with a password."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail

from lms.accounts import sms
from tests.factories import UserFactory

from .conftest import PASSWORD, last_email_code, last_sms_code, messages_of

LOGIN = "/accounts/login/"
REQUEST_CODE = "/accounts/login/code/"
CONFIRM_CODE = "/accounts/login/code/confirm/"


@pytest.mark.parametrize("typed", ["0912 345 678", "+84912345678", "0912-345-678"])
def test_login_by_phone_code(client, phone_user, typed):
    response = client.post(REQUEST_CODE, {"phone": typed})

    assert response["Location"] == CONFIRM_CODE
    page = client.get(CONFIRM_CODE)
    assert "We have sent a login code to 0912 345 678." in messages_of(page)
    response = client.post(CONFIRM_CODE, {"code": last_sms_code()})

    assert response["Location"] == "/learning/"
    assert client.get("/learning/").wsgi_request.user == phone_user


def test_login_page_form_for_codes_reaches_the_code_page(client, phone_user):
    page = client.get(LOGIN).content.decode()
    assert f'action="{REQUEST_CODE}"' in page

    response = client.post(REQUEST_CODE, {"phone": "0912345678"}, follow=True)

    assert response.redirect_chain == [(CONFIRM_CODE, 302)]
    assert 'autocomplete="one-time-code"' in response.content.decode()


def test_wrong_login_code_then_right_one(client, phone_user):
    client.post(REQUEST_CODE, {"phone": "0912345678"})
    code = last_sms_code()
    wrong = "000000" if code != "000000" else "111111"

    response = client.post(CONFIRM_CODE, {"code": wrong})

    assert response.context["form"].errors["code"] == [
        "This code is not correct. Check the message we sent you and try again."
    ]
    client.post(CONFIRM_CODE, {"code": code})
    assert client.get("/learning/").status_code == 200


def test_unknown_number_looks_the_same_and_gets_an_sms_saying_so(client, db):
    response = client.post(REQUEST_CODE, {"phone": "0987 654 321"})

    assert response["Location"] == CONFIRM_CODE
    assert client.get(CONFIRM_CODE).status_code == 200
    [message] = sms.outbox
    assert message.phone == "+84987654321"
    assert "No account uses this number yet" in message.text
    assert "http://testserver/accounts/signup/" in message.text


def test_request_code_needs_a_number_or_an_address(client, db):
    response = client.post(REQUEST_CODE, {"phone": "", "email": ""})

    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        "Enter your mobile phone number or your email address."
    ]


def test_request_code_refuses_an_invalid_number(client, db):
    response = client.post(REQUEST_CODE, {"phone": "0212345678"})

    assert response.context["form"].errors["phone"] == [
        "Enter a valid Vietnamese mobile number, for example 0912 345 678."
    ]
    assert sms.outbox == []


def test_login_by_email_and_password(client, email_user):
    response = client.post(LOGIN, {"login": "Lan@Example.vn", "password": PASSWORD})

    assert response["Location"] == "/learning/"
    page = client.get("/learning/")
    assert page.wsgi_request.user == email_user
    assert f"Welcome, {email_user.full_name}. You are logged in." in messages_of(page)


def test_login_by_email_with_a_wrong_password(client, email_user):
    response = client.post(LOGIN, {"login": "lan@example.vn", "password": "sai"})

    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        "The email address or the password is not correct."
    ]


def test_login_form_refuses_what_is_neither_email_nor_number(client, db):
    response = client.post(LOGIN, {"login": "lan", "password": PASSWORD})

    assert response.context["form"].errors["login"] == [
        "Enter a valid email address or mobile number."
    ]


def test_login_by_phone_and_password_accepts_the_local_format(client, phone_user):
    phone_user.set_password(PASSWORD)
    phone_user.save()

    response = client.post(LOGIN, {"login": "0912 345 678", "password": PASSWORD})

    assert response["Location"] == "/learning/"


def test_login_by_email_code(client, email_user):
    response = client.post(REQUEST_CODE, {"email": "lan@example.vn"})

    assert response["Location"] == CONFIRM_CODE
    [message] = mail.outbox
    assert message.subject.startswith("Your login code: ")
    assert "It is valid for 10 minutes." in message.body
    client.post(CONFIRM_CODE, {"code": last_email_code("lan@example.vn")})
    assert client.get("/learning/").wsgi_request.user == email_user


def test_login_code_keeps_the_page_asked_for(client, phone_user):
    client.post(f"{REQUEST_CODE}?next=/learning/profile/", {"phone": "0912345678"})

    response = client.post(
        f"{CONFIRM_CODE}?next=/learning/profile/", {"code": last_sms_code()}
    )

    assert response["Location"] == "/learning/profile/"


def test_expired_login_code_leads_back_to_asking_for_one(client, phone_user, settings):
    client.post(REQUEST_CODE, {"phone": "0912345678"})
    session = client.session
    pending = session["account_login"]
    pending["state"]["stages"]["login_by_code"]["data"]["at"] -= (
        settings.ACCOUNT_LOGIN_BY_CODE_TIMEOUT + 1
    )
    session["account_login"] = pending
    session.save()

    response = client.post(CONFIRM_CODE, {"code": last_sms_code()})

    assert response["Location"] == REQUEST_CODE
    assert client.get("/learning/")["Location"].startswith(LOGIN)


def test_logout_asks_first_then_logs_out(client, phone_user):
    client.force_login(phone_user)

    page = client.get("/accounts/logout/")
    response = client.post("/accounts/logout/", follow=True)

    assert "Do you want to log out of this device?" in page.content.decode()
    assert "You have logged out." in messages_of(response)
    assert not response.wsgi_request.user.is_authenticated


def test_forgotten_password_is_reset_by_an_emailed_link(client, email_user):
    response = client.post("/accounts/password/reset/", {"email": "lan@example.vn"})

    assert response["Location"] == "/accounts/password/reset/done/"
    [message] = mail.outbox
    assert message.subject == "Choose a new password"
    link = re.search(
        r"http://testserver(/accounts/password/reset/key/\S+)", message.body
    )
    form_page = client.get(link.group(1), follow=True)
    assert form_page.status_code == 200
    new = "mật khẩu mới rất dài"
    response = client.post(
        form_page.redirect_chain[-1][0], {"password1": new, "password2": new}
    )
    assert response["Location"] == "/accounts/password/reset/key/done/"
    client.post(LOGIN, {"login": "lan@example.vn", "password": new})
    assert client.get("/learning/").wsgi_request.user == email_user


def test_new_passwords_that_differ_are_refused_in_our_words(client, email_user):
    client.force_login(email_user)

    response = client.post(
        "/accounts/password/change/",
        {"oldpassword": PASSWORD, "password1": "mật khẩu mới một", "password2": "hai"},
    )

    assert response.context["form"].errors["password2"] == [
        "The two passwords are not the same."
    ]


def test_unknown_email_asking_for_a_code_is_told_by_email(client, db):
    response = client.post(REQUEST_CODE, {"email": "ai@example.vn"})

    assert response["Location"] == CONFIRM_CODE
    [message] = mail.outbox
    assert message.subject == "No account uses this email address"
    assert "http://testserver/accounts/signup/" in message.body


def test_an_unconfirmed_email_added_later_does_not_block_phone_login(
    client, phone_user
):
    EmailAddress.objects.create(user=phone_user, email="sai@example.vn", primary=True)

    client.post(REQUEST_CODE, {"phone": "0912345678"})
    response = client.post(CONFIRM_CODE, {"code": last_sms_code()})

    assert response["Location"] == "/learning/"
    assert mail.outbox == []


def test_an_unconfirmed_email_must_be_confirmed_to_log_in_with_it(client, db):
    user = UserFactory(email="moi@example.vn")
    EmailAddress.objects.create(user=user, email=user.email, primary=True)

    response = client.post(LOGIN, {"login": "moi@example.vn", "password": PASSWORD})

    assert response["Location"] == "/accounts/confirm-email/"
    client.post("/accounts/confirm-email/", {"code": last_email_code(user.email)})
    assert client.get("/learning/").wsgi_request.user == user
