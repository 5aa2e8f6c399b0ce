"""Consent at sign-up, and asked again once when the notice needs it."""

import re

import pytest
from django.db import IntegrityError, transaction
from django.test import Client

from community_teams.models import Consent
from lms.models import AuditEvent, User
from tests.factories import UserFactory

from .builders import notice_publish

pytestmark = pytest.mark.django_db

SIGNUP = "/accounts/signup/"
CONSENT = "/privacy/consent/"


def vi_client() -> Client:
    return Client(headers={"accept-language": "vi"})


def signed_in(user) -> Client:
    client = vi_client()
    client.force_login(user)
    return client


def agreed(user, version: str) -> Consent:
    return Consent.objects.create(
        user=user,
        purpose=Consent.Purpose.ACCOUNT,
        policy_version=version,
        action=Consent.Action.GIVEN,
        method=Consent.Method.ONLINE_SIGNUP,
        recorded_by=user,
    )


def test_signup_shows_the_short_notice_and_an_unticked_required_box():
    notice_publish(summary="Chúng tôi lưu họ tên của bạn để cấp chứng nhận.")

    html = vi_client().get(SIGNUP).content.decode()

    assert "Chúng tôi lưu họ tên của bạn để cấp chứng nhận." in html
    assert 'href="/privacy/"' in html
    box = re.search(r'<input[^>]*name="privacy_consent"[^>]*>', html).group()
    assert 'type="checkbox"' in box
    assert "checked" not in box
    assert "required" in box


def test_signup_without_consent_stores_nothing_and_says_why():
    notice_publish()

    response = vi_client().post(
        SIGNUP, {"full_name": "Nguyễn Thị Lan", "phone": "0912 345 678"}
    )

    assert response.status_code == 200
    assert "không thể tạo tài khoản nếu chưa đồng ý" in response.content.decode()
    assert not User.objects.exists()
    assert not Consent.objects.exists()


def test_signup_with_consent_records_purpose_version_time_and_how():
    notice_publish()
    notice_publish(needs_new_consent=True)

    response = vi_client().post(
        SIGNUP,
        {
            "full_name": "Nguyễn Thị Lan",
            "phone": "0912 345 678",
            "privacy_consent": "on",
        },
    )

    assert response.status_code == 302
    user = User.objects.get(phone="+84912345678")
    consent = Consent.objects.get()
    assert consent.user == user
    assert consent.resident is None
    assert consent.purpose == Consent.Purpose.ACCOUNT
    assert consent.policy_version == "2"
    assert consent.action == Consent.Action.GIVEN
    assert consent.method == Consent.Method.ONLINE_SIGNUP
    assert consent.get_method_display() == "Trực tuyến, khi đăng ký"
    assert consent.recorded_by == user
    assert consent.at is not None
    assert AuditEvent.objects.filter(actor=user, subject="consent").count() == 1


def test_signup_before_any_notice_records_the_configured_version(settings):
    settings.LMS_PRIVACY_NOTICE_VERSION = "2026-01"

    vi_client().post(
        SIGNUP,
        {
            "full_name": "Nguyễn Thị Lan",
            "phone": "0912 345 678",
            "privacy_consent": "on",
        },
    )

    assert Consent.objects.get().policy_version == "2026-01"


def test_a_ledger_entry_is_about_a_resident_or_an_account_never_both_nor_neither():
    user = UserFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Consent.objects.create(
            purpose=Consent.Purpose.ACCOUNT,
            policy_version="1",
            action=Consent.Action.GIVEN,
            method=Consent.Method.ONLINE,
        )
    assert agreed(user, "1").pk


def test_nobody_is_asked_before_a_notice_is_published():
    response = signed_in(UserFactory()).get("/learning/")

    assert response.status_code == 200


def test_a_change_that_needs_consent_is_asked_once_at_next_sign_in():
    notice_publish(needs_new_consent=True)
    user = UserFactory()
    agreed(user, "1")
    client = signed_in(user)
    assert client.get("/learning/").status_code == 200

    notice_publish(summary="Chúng tôi nay lưu thêm xã/phường.", needs_new_consent=True)
    client = signed_in(user)
    asked = client.get("/learning/")

    assert asked.status_code == 302
    assert asked["Location"] == "/privacy/consent/?next=%2Flearning%2F"
    page = client.get(asked["Location"]).content.decode()
    assert "Chúng tôi nay lưu thêm xã/phường." in page
    assert "phiên bản 2" in page
    answered = client.post(CONSENT, {"answer": "agree", "next": "/learning/"})
    assert answered["Location"] == "/learning/"
    assert client.get("/learning/").status_code == 200
    latest = Consent.objects.filter(user=user).order_by("-pk").first()
    assert (latest.policy_version, latest.action, latest.method) == (
        "2",
        Consent.Action.GIVEN,
        Consent.Method.ONLINE,
    )

    notice_publish(summary="Sửa lỗi chính tả.", needs_new_consent=False)
    assert signed_in(user).get("/learning/").status_code == 200


def test_refusing_withdraws_and_keeps_learning_closed_but_not_the_notice():
    notice_publish(needs_new_consent=True)
    user = UserFactory()
    client = signed_in(user)

    response = client.post(CONSENT, {"answer": "refuse"}, follow=True)

    assert "Sự đồng ý của bạn đã được rút lại" in response.content.decode()
    latest = Consent.objects.get(user=user)
    assert latest.action == Consent.Action.WITHDRAWN
    assert client.get("/learning/").status_code == 302
    assert client.get("/privacy/").status_code == 200
    assert client.get("/learning/profile/").status_code == 200


def test_a_wrong_answer_is_a_clear_error():
    notice_publish(needs_new_consent=True)
    client = signed_in(UserFactory())

    response = client.post(CONSENT, {"answer": "maybe"})

    assert response.status_code == 200
    assert not Consent.objects.exists()


def test_agreeing_never_sends_the_person_to_another_site():
    notice_publish(needs_new_consent=True)
    client = signed_in(UserFactory())

    response = client.post(
        CONSENT, {"answer": "agree", "next": "https://lua-dao.example/"}
    )

    assert response["Location"] == "/learning/"


def test_the_consent_page_needs_a_signed_in_person():
    notice_publish(needs_new_consent=True)

    response = vi_client().post(CONSENT, {"answer": "agree"})

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert not Consent.objects.exists()


def test_writes_from_phones_are_never_redirected():
    notice_publish(needs_new_consent=True)
    client = signed_in(UserFactory())

    response = client.get("/learning/", headers={"accept": "application/json"})

    assert response.status_code == 200
