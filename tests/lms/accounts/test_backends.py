"""Loading the signed-in user: the same user, refused as Django does."""

import pytest
from django.contrib.auth import SESSION_KEY
from django.urls import reverse

from lms.accounts.backends import AuthenticationBackend, ModelBackend
from lms.models import User
from tests.factories import CommuneFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("backend", [ModelBackend, AuthenticationBackend])
def test_the_user_is_loaded_with_every_field_in_one_query(
    backend, django_assert_num_queries
):
    user = UserFactory(phone="+84912345678", birth_year=1961, commune=CommuneFactory())
    expected = User.objects.get(pk=user.pk)

    with django_assert_num_queries(1):
        loaded = backend().get_user(str(user.pk))

    assert isinstance(loaded, User)
    for field in User._meta.concrete_fields:
        assert getattr(loaded, field.attname) == getattr(expected, field.attname)
    assert loaded.date_joined.tzinfo is not None


@pytest.mark.parametrize("user_id", ["999999", "not-a-number", ""])
def test_an_unknown_or_malformed_id_loads_nobody(user_id):
    assert ModelBackend().get_user(user_id) is None


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
