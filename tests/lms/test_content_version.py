"""A request reads the content version once; outside a request every read is
fresh (lms/content_version.py)."""

import pytest
from django.core.cache import cache
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started

from lms.content_version import KEY, content_version, content_version_bump

pytestmark = pytest.mark.django_db


def _another_process_publishes():
    cache.incr(KEY)


def test_outside_a_request_each_read_sees_a_change_made_elsewhere():
    first = content_version()

    _another_process_publishes()

    assert content_version() == first + 1


def test_a_request_keeps_the_version_it_read_but_sees_its_own_change():
    request_started.send(sender=WSGIHandler)
    try:
        first = content_version()
        _another_process_publishes()
        assert content_version() == first

        content_version_bump()
        assert content_version() == first + 2
    finally:
        request_finished.send(sender=WSGIHandler)
    _another_process_publishes()

    assert content_version() == first + 3


def test_a_lesson_asks_the_cache_for_the_version_once_and_for_no_site_paths(
    learner, lessons, monkeypatch
):
    lesson = lessons[0]
    assert learner.get(lesson.url).status_code == 200
    keys = []
    real_get = cache.get

    def get(key, *args, **kwargs):
        keys.append(key)
        return real_get(key, *args, **kwargs)

    monkeypatch.setattr(cache, "get", get)
    page = learner.get(lesson.url).content.decode()

    assert keys.count(KEY) == 1
    assert not [key for key in keys if "site_root_paths" in key]
    # Links made from the remembered root paths still lead to their pages.
    assert f'data-offline-next="{lessons[1].url}"' in page
    assert f'href="{lesson.get_parent().url}"' in page
