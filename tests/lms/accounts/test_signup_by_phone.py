"""Signing up with a Vietnamese mobile number and confirming it with an SMS code."""

import pytest
from allauth.core import context
from allauth.core.exceptions import ImmediateHttpResponse
from django.contrib.auth.models import AnonymousUser
from django.contrib.sessions.backends.db import SessionStore
from django.core.cache import cache
from django.test import Client

from lms.accounts import sms
from lms.accounts.forms import SignupForm
from lms.accounts.sms import SmsError, SmsSender
from lms.models import User
from tests.factories import UserFactory

from .conftest import last_sms_code, messages_of

SIGNUP = "/accounts/signup/"
VERIFY = "/accounts/phone/verify/"


def sign_up(client, phone="0912 345 678", full_name="Nguyễn Thị Lan", **extra):
    data = {"full_name": full_name, "phone": phone, "privacy_consent": "on"}
    return client.post(SIGNUP, {**data, **extra})


def expire_pending_code(client, seconds: int) -> None:
    """Move the start of the pending phone verification ``seconds`` into the past.

    allauth keeps the pending login, with each stage's state, in the session.
    """
    session = client.session
    pending = session["account_login"]
    pending["state"]["stages"]["verify_phone"]["data"]["at"] -= seconds
    session["account_login"] = pending
    session.save()


def test_phone_signup_end_to_end(client, db, settings):
    response = sign_up(client)

    assert response.status_code == 302
    assert response["Location"] == VERIFY
    user = User.objects.get(phone="+84912345678")
    assert user.full_name == "Nguyễn Thị Lan"
    assert not user.phone_verified
    assert not user.has_usable_password()
    assert [m.phone for m in sms.outbox] == ["+84912345678"]

    page = client.get(VERIFY)
    assert "0912 345 678" in page.content.decode()

    response = client.post(VERIFY, {"action": "verify", "code": last_sms_code()})

    assert response.status_code == 302
    assert response["Location"] == "/learning/profile/"
    user.refresh_from_db()
    assert user.phone_verified
    profile = client.get(response["Location"])
    assert profile.wsgi_request.user == user
    assert "Your mobile number 0912 345 678 is confirmed." in messages_of(profile)


@pytest.mark.parametrize(
    "typed", ["0912 345 678", "0912345678", "+84 912 345 678", "0912.345.678"]
)
def test_numbers_typed_the_local_way_are_stored_as_e164(client, db, typed):
    sign_up(client, phone=typed)

    assert User.objects.filter(phone="+84912345678").exists()


@pytest.mark.parametrize(
    "typed",
    ["0123", "0212345678", "không có số", "09123456789", "+1 202 555 0143"],
)
def test_invalid_numbers_are_refused_with_an_example(client, db, typed):
    response = sign_up(client, phone=typed)

    assert response.status_code == 200
    assert response.context["form"].errors["phone"] == [
        "Enter a valid Vietnamese mobile number, for example 0912 345 678."
    ]
    assert 'id="id_phone_error"' in response.content.decode()
    assert not User.objects.exists()
    assert sms.outbox == []


def test_full_name_is_required_and_stored_in_nfc(client, db):
    decomposed = "Nguye\u0302\u0303n Thi\u0323 Lan"

    assert "full_name" in sign_up(client, full_name="").context["form"].errors
    sign_up(client, full_name=decomposed)

    assert User.objects.get().full_name == "Nguyễn Thị Lan"


def test_wrong_code_shows_an_error_and_the_right_one_still_works(client, db):
    sign_up(client)
    code = last_sms_code()
    wrong = "000000" if code != "000000" else "111111"

    response = client.post(VERIFY, {"action": "verify", "code": wrong})

    assert response.status_code == 200
    assert response.context["form"].errors["code"] == [
        "This code is not correct. Check the message we sent you and try again."
    ]
    response = client.post(VERIFY, {"action": "verify", "code": code})
    assert response.status_code == 302
    assert User.objects.get().phone_verified


def test_code_with_spaces_is_accepted(client, db):
    sign_up(client)
    code = last_sms_code()

    client.post(VERIFY, {"action": "verify", "code": f" {code[:3]} {code[3:]} "})

    assert User.objects.get().phone_verified


def test_too_many_wrong_codes_say_so_and_lead_to_a_new_code(client, db):
    sign_up(client)
    wrong = "000000" if last_sms_code() != "000000" else "111111"

    for _attempt in range(2):
        assert client.post(VERIFY, {"code": wrong}).status_code == 200
    response = client.post(VERIFY, {"code": wrong}, follow=True)

    assert response.redirect_chain[-1][0] == "/accounts/login/code/"
    assert (
        "Too many attempts. Wait a few minutes, then try again or ask for a new code."
    ) in messages_of(response)
    assert not User.objects.get().phone_verified
    assert client.get(VERIFY)["Location"] == "/accounts/login/"


def test_expired_code_says_so_and_a_new_code_logs_in_and_confirms(client, db, settings):
    sign_up(client)
    old_code = last_sms_code()
    expire_pending_code(client, settings.ACCOUNT_PHONE_VERIFICATION_TIMEOUT + 1)

    response = client.post(VERIFY, {"code": old_code}, follow=True)

    assert response.redirect_chain[-1][0] == "/accounts/login/code/"
    assert (
        "Your code has expired. Enter your mobile number again and we will send "
        "you a new code."
    ) in messages_of(response)
    assert not User.objects.get().phone_verified

    sms.outbox.clear()
    response = client.post("/accounts/login/code/", {"phone": "0912345678"})
    assert response["Location"] == "/accounts/login/code/confirm/"
    response = client.post(
        "/accounts/login/code/confirm/", {"code": last_sms_code()}, follow=True
    )
    assert response.wsgi_request.user.is_authenticated
    assert User.objects.get().phone_verified


def test_a_code_just_before_expiry_still_works(client, db, settings):
    sign_up(client)
    expire_pending_code(client, settings.ACCOUNT_PHONE_VERIFICATION_TIMEOUT - 30)

    client.post(VERIFY, {"code": last_sms_code()})

    assert User.objects.get().phone_verified


def test_a_new_code_can_be_asked_for_once_30_seconds_have_passed(client, db):
    sign_up(client)

    too_soon = client.post(VERIFY, {"action": "resend"}, follow=True)
    assert "Please wait a little: you have asked for codes too often." in (
        messages_of(too_soon)
    )
    assert len(sms.outbox) == 1
    cache.clear()  # the rate-limit counters: stands for waiting 30 seconds
    response = client.post(VERIFY, {"action": "resend"})

    assert response["Location"] == VERIFY
    assert len(sms.outbox) == 2
    client.post(VERIFY, {"code": last_sms_code()})
    assert User.objects.get().phone_verified


def test_a_mistyped_number_is_fixed_by_starting_again(client, db):
    sign_up(client, phone="0912 345 679")

    response = client.post("/accounts/logout/", {"next": "/accounts/signup/"})

    assert response["Location"] == "/accounts/signup/"
    assert client.get(VERIFY)["Location"] == "/accounts/login/"
    sign_up(client, phone="0912 345 678")
    client.post(VERIFY, {"code": last_sms_code("+84912345678")})
    assert User.objects.get(phone="+84912345678").phone_verified


def test_signing_up_with_a_taken_number_reveals_nothing(client, db, phone_user):
    fresh = Client()
    response_new = sign_up(fresh, phone="0987 654 321")
    response_taken = sign_up(client, phone="0912 345 678", full_name="Kẻ Lạ")

    assert response_taken.status_code == response_new.status_code == 302
    assert response_taken["Location"] == response_new["Location"] == VERIFY
    page_taken = client.get(VERIFY).content.decode()
    page_new = fresh.get(VERIFY).content.decode()
    assert "already" not in page_taken
    assert page_taken.count("<input") == page_new.count("<input")
    assert User.objects.filter(phone="+84912345678").get() == phone_user
    assert User.objects.count() == 2
    # The owner of the number is told by SMS, and gets no code to steal the account.
    text = [m.text for m in sms.outbox if m.phone == "+84912345678"][-1]
    assert "already has an account" in text
    assert client.post(VERIFY, {"code": "123456"}).status_code == 200


def test_double_submit_shows_the_wait_page_not_an_error(client, db):
    """A double tap sends the form twice before the first answer arrives."""
    second_tap = Client()
    first = sign_up(client)
    second = sign_up(second_tap)

    assert first.status_code == 302
    assert second.status_code == 429
    assert "Please wait a moment" in second.content.decode()
    assert second.templates[0].name == "429.html"
    assert User.objects.count() == 1
    assert len(sms.outbox) == 1


def test_twin_submissions_racing_each_other_get_the_wait_page(rf, db):
    """Both taps pass validation before either has created the account."""
    request = rf.post(SIGNUP)
    request.user = AnonymousUser()
    request.session = SessionStore()
    with context.request_context(request):
        form = SignupForm(data={"full_name": "Lò Văn A", "phone": "0912 345 678"})
        assert form.is_valid()
        twin = UserFactory(phone="+84912345678")

        with pytest.raises(ImmediateHttpResponse) as raised:
            form.try_save(request)

    assert raised.value.response.status_code == 429
    assert "Please wait a moment" in raised.value.response.content.decode()
    assert list(User.objects.filter(phone="+84912345678")) == [twin]
    assert User.objects.count() == 1


class RefusingSmsSender(SmsSender):
    """A gateway that is down."""

    def send(self, *, phone: str, text: str) -> None:
        raise SmsError("gateway unavailable")


def test_a_refused_sms_says_so_and_keeps_the_account(client, db, settings):
    settings.LMS_SMS_SENDER = f"{__name__}.RefusingSmsSender"

    response = sign_up(client)

    assert response.status_code == 503
    assert "We could not send the SMS" in response.content.decode()
    assert 'href="/accounts/login/code/"' in response.content.decode()
    assert User.objects.filter(phone="+84912345678", phone_verified=False).exists()
