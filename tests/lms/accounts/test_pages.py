"""What the account pages look like to a resident on a 360 px phone."""

import re

import pytest
from django.core.checks import run_checks
from django.test import Client

from .conftest import PASSWORD, last_sms_code

# Strings from allauth's own templates: none may reach a resident, since allauth has
# no Vietnamese catalogue.
ALLAUTH_WORDING = [
    "Sign In",
    "Sign Up",
    "Sign Out",
    "Menu:",
    "Messages:",
    "Remember Me",
    "Enter Phone Verification Code",
    "Request new code",
    "Successfully signed in",
]


def labelled_inputs(html: str) -> tuple[set[str], set[str]]:
    """The ids of visible inputs, and the ids that a <label for> points at."""
    inputs = set()
    for tag in re.findall(r"<(?:input|select|textarea)\b[^>]*>", html):
        if 'type="hidden"' in tag or 'type="radio"' in tag:
            continue
        found = re.search(r'id="([^"]+)"', tag)
        inputs.add(found.group(1) if found else tag)
    labels = set(re.findall(r'<label for="([^"]+)"', html))
    return inputs, labels


def assert_our_page(html: str) -> None:
    # Tests run in English (see lms/settings/test.py); the site's default is vi.
    assert '<html lang="en">' in html
    assert "/static/lms/site.css" in html
    assert (
        '<meta name="viewport" content="width=device-width, initial-scale=1">' in html
    )
    for wording in ALLAUTH_WORDING:
        assert wording not in html, wording
    inputs, labels = labelled_inputs(html)
    assert inputs <= labels, f"inputs without a label: {inputs - labels}"


@pytest.mark.parametrize(
    "url",
    [
        "/accounts/login/",
        "/accounts/signup/",
        "/accounts/login/code/",
        "/accounts/password/reset/",
        "/accounts/password/reset/done/",
        "/accounts/password/reset/key/1-bad-key/",
        "/accounts/inactive/",
    ],
)
def test_entrance_pages_are_ours_with_labelled_inputs(client, db, url):
    response = client.get(url)

    assert response.status_code == 200
    assert_our_page(response.content.decode())


@pytest.mark.parametrize(
    "url",
    [
        "/accounts/logout/",
        "/accounts/email/",
        "/accounts/phone/change/",
        "/accounts/password/set/",
        "/learning/profile/",
    ],
)
def test_account_pages_are_ours_with_labelled_inputs(client, phone_user, url):
    client.force_login(phone_user)

    response = client.get(url)

    assert response.status_code == 200
    assert_our_page(response.content.decode())


@pytest.mark.parametrize(
    "url", ["/accounts/password/change/", "/accounts/reauthenticate/"]
)
def test_password_pages_are_ours(client, email_user, url):
    client.force_login(email_user)

    response = client.get(url)

    assert response.status_code == 200
    assert_our_page(response.content.decode())


def test_code_pages_are_ours(client, email_user):
    client.post("/accounts/login/code/", {"email": email_user.email})
    assert_our_page(client.get("/accounts/login/code/confirm/").content.decode())
    Client().post(
        "/accounts/signup/",
        {
            "full_name": "A",
            "email": "moi@example.vn",
            "password1": PASSWORD,
            "privacy_consent": "on",
        },
    )
    other = Client()
    other.post(
        "/accounts/signup/",
        {
            "full_name": "B",
            "email": "khac@example.vn",
            "password1": PASSWORD,
            "privacy_consent": "on",
        },
    )
    assert_our_page(other.get("/accounts/confirm-email/").content.decode())


def test_phone_fields_open_the_phone_keypad(client, db):
    for url in ["/accounts/signup/", "/accounts/login/", "/accounts/login/code/"]:
        html = client.get(url).content.decode()
        phone = re.search(r'<input[^>]*name="phone"[^>]*>', html).group()
        assert 'type="tel"' in phone
        assert 'autocomplete="tel"' in phone


def test_code_field_opens_the_numeric_keypad_and_accepts_sms_autofill(client, db):
    client.post(
        "/accounts/signup/",
        {"full_name": "Lò Văn A", "phone": "0912345678", "privacy_consent": "on"},
    )

    html = client.get("/accounts/phone/verify/").content.decode()
    assert_our_page(html)
    code = re.search(r'<input[^>]*name="code"[^>]*>', html).group()
    assert 'inputmode="numeric"' in code
    assert 'autocomplete="one-time-code"' in code
    assert '<label for="id_code">6-digit code' in html
    assert last_sms_code()


def test_signup_form_structure(client, db):
    html = client.get("/accounts/signup/").content.decode()

    names = re.findall(r'<input[^>]*name="([^"]+)"', html)
    assert names.index("full_name") < names.index("phone") < names.index("email")
    assert "password1" in names
    assert 'autocomplete="name"' in html
    assert 'autocomplete="new-password"' in html
    assert "<details" in html and "<summary>" in html


def test_wait_page_is_ours(client, db):
    Client().post(
        "/accounts/signup/",
        {"full_name": "Lò Văn A", "phone": "0912345678", "privacy_consent": "on"},
    )
    response = client.post(
        "/accounts/signup/",
        {"full_name": "Lò Văn A", "phone": "0912345678", "privacy_consent": "on"},
    )

    assert response.status_code == 429
    assert_our_page(response.content.decode())
    assert 'href="/accounts/signup/"' in response.content.decode()


def test_no_system_check_warnings():
    assert run_checks(include_deployment_checks=False) == []
