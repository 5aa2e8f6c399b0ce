import pytest
from django.db import transaction
from django.test import Client, override_settings

from demo.loader import demo_data_load
from lms.models import User


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(scope="module")
def loaded(django_db_setup, django_db_blocker, tmp_path_factory):
    """The demo loaded once for a module's read-only tests, rolled back afterwards."""
    media_root = tmp_path_factory.mktemp("demo-media")
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=media_root):
        with transaction.atomic():
            yield demo_data_load(with_passwords=True)
            transaction.set_rollback(True)


@pytest.fixture
def client_as(loaded, db):
    def make(username: str) -> Client:
        client = Client()
        client.force_login(User.objects.get(username=username))
        return client

    return make
