import os

import pytest
from django.core.cache import cache

from lms.accounts import sms
from tests.factories import UserFactory, add_course, build_site

# Live-server tests drive the ORM from the test thread while Playwright runs.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(autouse=True)
def _fresh_cache_and_outbox():
    """allauth keeps rate-limit counters in the cache: no test may inherit them."""
    cache.clear()
    sms.outbox.clear()
    yield
    cache.clear()


@pytest.fixture
def site_tree(db):
    home, catalogue = build_site()
    return {"home": home, "catalogue": catalogue}


@pytest.fixture
def catalogue(site_tree):
    return site_tree["catalogue"]


@pytest.fixture
def course(catalogue):
    return add_course(catalogue)


@pytest.fixture
def user(db):
    return UserFactory()


@pytest.fixture
def learner_client(client, user):
    client.force_login(user)
    return client
