"""Signed-in sessions, and who may no longer sign in."""

import pytest
from allauth.account.auth_backends import AuthenticationBackend
from django.contrib.auth import SESSION_KEY
from django.urls import reverse

from lms.models import User
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_an_unknown_id_loads_nobody():
    assert AuthenticationBackend().get_user("999999") is None


def test_a_deactivated_user_is_signed_out(client):
    user = UserFactory()
    client.force_login(user)
    assert client.get(reverse("my_learning")).status_code == 200

    User.objects.filter(pk=user.pk).update(is_active=False)
    response = client.get(reverse("my_learning"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_changing_the_password_signs_out_other_sessions(client):
    user = UserFactory()
    client.force_login(user)

    user.set_password("a new and longer passphrase")
    user.save()
    response = client.get(reverse("my_learning"))

    assert response.status_code == 302
    assert SESSION_KEY not in client.session
