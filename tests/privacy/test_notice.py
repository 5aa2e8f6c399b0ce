"""The privacy notice: each published version keeps its text and its number."""

import pytest
from django.test import Client
from wagtail.models import Page

from community_teams.views import notice_version_current as teams_version
from lms.privacy_notice import notice_version_current
from privacy.models import PrivacyNoticeVersion
from privacy.selectors import notice_current
from tests.factories import wagtail_roots
from tests.staff import staff_world

from .builders import notice_publish

pytestmark = pytest.mark.django_db


def test_a_site_without_a_notice_uses_the_configured_version(settings, client):
    settings.LMS_PRIVACY_NOTICE_VERSION = "2026-01"

    assert notice_version_current() == "2026-01"
    response = client.get("/privacy/", headers={"accept-language": "en"})
    assert response.status_code == 200
    assert "has not been published yet" in response.content.decode()


def test_each_publication_is_a_new_version_that_keeps_its_text():
    notice_publish(body="<p>Văn bản thứ nhất.</p>", needs_new_consent=True)
    notice_publish(body="<p>Văn bản thứ hai.</p>")

    assert notice_version_current() == "2"
    assert teams_version is notice_version_current
    client = Client(headers={"accept-language": "vi"})
    first = client.get("/privacy/versions/1/").content.decode()
    assert "Văn bản thứ nhất." in first
    assert "Văn bản thứ hai." not in first
    assert "Phiên bản 1" in first
    current = client.get("/privacy/").content.decode()
    assert "Văn bản thứ hai." in current
    assert "/privacy/versions/1/" in current


def test_the_version_that_needs_consent_is_remembered():
    notice_publish(needs_new_consent=True)
    notice_publish()
    assert notice_current() == {"number": 2, "required": 1}
    notice_publish(needs_new_consent=True)
    assert notice_current() == {"number": 3, "required": 3}


def test_the_first_version_always_needs_consent():
    notice_publish(needs_new_consent=False)

    assert notice_current() == {"number": 1, "required": 1}


def test_a_published_version_cannot_be_changed_or_deleted():
    notice_publish()
    version = PrivacyNoticeVersion.objects.get()

    with pytest.raises(TypeError):
        version.save()
    with pytest.raises(TypeError):
        version.delete()
    with pytest.raises(TypeError):
        PrivacyNoticeVersion.objects.update(body="")
    with pytest.raises(TypeError):
        PrivacyNoticeVersion.objects.all().delete()


def test_a_version_that_does_not_exist_is_a_clear_not_found(client):
    notice_publish()

    response = client.get("/privacy/versions/9/")

    assert response.status_code == 404


def test_a_version_number_that_is_not_a_number_is_not_found(client):
    assert client.get("/privacy/versions/abc/").status_code == 404


def test_an_editor_writes_the_notice_in_the_admin_and_others_cannot():
    world = staff_world()
    wagtail_roots()
    root = Page.get_first_root_node()
    url = f"/admin/pages/add/privacy/privacynoticepage/{root.pk}/"

    editor = Client(headers={"accept-language": "vi"})
    editor.force_login(world.editor)
    form = editor.get(url)
    assert form.status_code == 200
    assert "thay đổi này cần người dùng đồng ý lại" in form.content.decode().lower()
    for who in ("resident", "commune_official", "team_leader"):
        other = Client()
        other.force_login(getattr(world, who))
        assert other.get(url).status_code in (302, 403)
    notice_publish()
    assert editor.get(url).status_code in (302, 403)  # one notice only
