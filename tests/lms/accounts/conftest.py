import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail

from lms.accounts import sms
from tests.factories import UserFactory

PASSWORD = "correct horse battery"


def last_sms_code(phone: str = "+84912345678") -> str:
    """The 6-digit code in the newest SMS sent to ``phone``."""
    texts = [message.text for message in sms.outbox if message.phone == phone]
    assert texts, f"no SMS was sent to {phone}"
    return re.search(r"\b\d{6}\b", texts[-1]).group()


def last_email_code(address: str) -> str:
    """The 6-digit code in the newest email sent to ``address``."""
    bodies = [message.body for message in mail.outbox if address in message.to]
    assert bodies, f"no email was sent to {address}"
    return re.search(r"^\d{6}$", bodies[-1], re.MULTILINE).group()


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


@pytest.fixture
def phone_user(db):
    """A resident who signed up with a mobile number and has no password."""
    user = UserFactory(email="", phone="+84912345678", phone_verified=True)
    user.set_unusable_password()
    user.save()
    return user


@pytest.fixture
def email_user(db):
    """Someone who signed up with a confirmed email address and a password."""
    user = UserFactory(email="lan@example.vn")
    EmailAddress.objects.create(
        user=user, email=user.email, primary=True, verified=True
    )
    return user
