import os
from collections import Counter

import pytest
from django.conf import settings
from django.core.cache import cache
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django_sendfile.utils import _get_sendfile
from wagtail.utils import sendfile as wagtail_sendfile

from courses.models import LessonPage
from lms.accounts import sms
from lms.content_version import content_version
from privacy.selectors import NOTICE_KEY, notices
from tests.factories import UserFactory, add_course, build_site

# Live-server tests drive the ORM from the test thread while Playwright runs.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def _flushes_the_database(item: pytest.Item) -> bool:
    """A transactional test (a live server's, say) empties every table when it ends,
    what the migrations put there included."""
    marker = item.get_closest_marker("django_db")
    if marker and (
        marker.kwargs.get("transaction") or marker.kwargs.get("reset_sequences")
    ):
        return True
    return bool(
        {"transactional_db", "live_server", "django_db_reset_sequences"}
        & set(item.fixturenames)
    )


def _runs_of_modules(nodeids: list[str]) -> dict[str, str]:
    """Each test's share of work for pytest-xdist: a run of its module's tests.

    A module's tests run together, so its module-scoped fixtures are built once;
    its tests that flush the database, sorted after all the others below, come
    back as a later run of it. The production stack's tests (tests/deploy/)
    bind fixed ports and one database, so they are all one share.
    """
    shares, runs, previous = {}, Counter(), None
    for nodeid in nodeids:
        module = nodeid.split("::", 1)[0]
        if module.startswith("tests/deploy/"):
            shares[nodeid] = "tests/deploy"
            continue
        if module != previous:
            runs[module] += 1
            previous = module
        shares[nodeid] = f"{module}#{runs[module]}"
    return shares


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config, log):
    """``pytest -n N`` hands each worker whole runs of a module's tests
    (:func:`_runs_of_modules`) in the order of the collection, so that in every
    worker, whose database is its own, the tests that flush it come last."""
    if config.getvalue("dist") != "load":
        return None
    from xdist.scheduler import LoadScopeScheduling

    class ModuleRuns(LoadScopeScheduling):
        shares: dict[str, str] | None = None

        def _split_scope(self, nodeid: str) -> str:
            if self.shares is None:
                self.shares = _runs_of_modules(self.collection)
            return self.shares[nodeid]

    config.option.loadscopereorder = False
    return ModuleRuns(config, log)


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Tests that flush the database run after all the others. pytest-django sorts
    them so, but pytest then groups the tests that share a session-scoped parameter
    (the browser's name) and may pull the browser tests forward again."""
    items.sort(key=_flushes_the_database)


@receiver(setting_changed)
def _protected_files_follow_the_settings(*, setting, value, **kwargs):
    """Protected files are sent from under SENDFILE_ROOT: tests that move the media
    root move it too. django-sendfile2 and Wagtail keep the backend they loaded
    first, so a test that names another one gets it."""
    if setting == "MEDIA_ROOT":
        settings.SENDFILE_ROOT = str(value)
    if setting == "SENDFILE_BACKEND":
        _get_sendfile.cache_clear()
        wagtail_sendfile._get_sendfile.clear()


@pytest.fixture(autouse=True)
def _fresh_cache_and_outbox():
    """allauth keeps rate-limit counters in the cache: no test may inherit them.

    A request in Vietnamese leaves Vietnamese active in the thread after its
    response (Django's locale middleware does not undo it): each test starts in
    the site's test language.
    """
    cache.clear()
    # A running site reads the privacy notice in force once per process (and
    # again after each publication); query budgets measure that steady state.
    # A test's database starts without a notice; a test that finds one published
    # by a module-scoped fixture moves the content version first.
    version = content_version()
    notices.get(version, NOTICE_KEY)
    notices.put(version, NOTICE_KEY, {"number": None, "required": None}, 1)
    sms.outbox.clear()
    yield
    cache.clear()
    translation.activate(settings.LANGUAGE_CODE)


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


@pytest.fixture
def lessons(course):
    return list(LessonPage.objects.child_of(course).live().order_by("path"))


@pytest.fixture
def learner(user, course):
    """An enrolled learner's browser, in English."""
    client = Client(headers={"accept-language": "en"})
    client.force_login(user)
    client.post(reverse("enroll", args=[course.pk]))
    return client


@pytest.fixture
def nginx_sends_files(settings):
    """Protected files handed to nginx, as production settings do."""
    settings.SENDFILE_BACKEND = "django_sendfile.backends.nginx"
    settings.SENDFILE_URL = settings.MEDIA_URL
