"""Protected files: Django decides who gets them, then sends them itself in
development and hands them to nginx in production (``X-Accel-Redirect``)."""

import pytest
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.core.files.storage import Storage, default_storage
from django.http import Http404
from django.test import RequestFactory
from wagtail.documents.models import Document
from wagtail.models import Collection, CollectionViewRestriction

from lms.files import protected_file_response
from tests.factories import UserFactory


class RemoteStorage(Storage):
    """Like object storage: files have no path on this machine."""

    def __init__(self):
        self.files: dict[str, bytes] = {}

    def _save(self, name, content):
        self.files[name] = content.read()
        return name

    def _open(self, name, mode="rb"):
        if name not in self.files:
            raise FileNotFoundError(name)
        return ContentFile(self.files[name], name=name)

    def exists(self, name):
        return name in self.files


# A handout; lesson videos are served by their lesson (see test_lesson_video.py).
HANDOUT = b"%PDF-1.4\n" + bytes(range(256)) * 40


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def stored():
    return default_storage.save("certificates/2026/test.pdf", ContentFile(b"%PDF-1.7"))


def test_in_development_django_sends_the_bytes(rf: RequestFactory, stored):
    response = protected_file_response(
        rf.get("/"), stored, content_type="application/pdf", download_as="ABC.pdf"
    )

    assert b"".join(response.streaming_content) == b"%PDF-1.7"
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Length"] == "8"
    assert response["Content-Disposition"] == 'attachment; filename="ABC.pdf"'


def test_in_production_nginx_is_told_which_file_to_send(
    rf: RequestFactory, stored, nginx_sends_files
):
    response = protected_file_response(rf.get("/"), stored, content_type="text/plain")

    assert response["X-Accel-Redirect"] == f"/media/{stored}"
    assert response.content == b""
    assert response["Content-Type"] == "text/plain"
    assert response["Content-Disposition"] == "inline"


@pytest.mark.parametrize("name", ["certificates/none.pdf", "certificates", "a\x00b"])
def test_a_missing_file_or_a_folder_is_not_found(
    rf: RequestFactory, stored, nginx_sends_files, name
):
    with pytest.raises(Http404):
        protected_file_response(rf.get("/"), name, content_type="text/plain")


def test_a_storage_without_local_files_is_streamed_by_django(
    rf: RequestFactory, settings
):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "tests.lms.test_files.RemoteStorage"},
    }
    name = default_storage.save("h5p/content/a.js", ContentFile(b"var a = 1;"))

    response = protected_file_response(
        rf.get("/"), name, content_type="text/javascript"
    )

    assert b"".join(response.streaming_content) == b"var a = 1;"
    with pytest.raises(Http404):
        protected_file_response(rf.get("/"), "h5p/none.js", content_type="text/plain")


def _document(collection=None) -> Document:
    document = Document(
        title="Hướng dẫn cài VNeID",
        collection=collection or Collection.get_first_root_node(),
    )
    document.file.save("huong-dan.pdf", ContentFile(HANDOUT), save=False)
    document.save()
    return document


@pytest.mark.django_db
def test_documents_go_to_nginx_after_wagtails_checks(client, nginx_sends_files):
    document = _document()

    response = client.get(document.url)

    assert response.status_code == 200
    assert response["X-Accel-Redirect"] == f"/media/{document.file.name}"
    assert response.content == b""
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "default-src 'none'"


@pytest.mark.django_db
def test_documents_in_a_private_collection_are_refused_before_nginx(
    client, nginx_sends_files
):
    root = Collection.get_first_root_node()
    private = root.add_child(name="Chỉ cán bộ")
    restriction = CollectionViewRestriction.objects.create(
        collection=private, restriction_type=CollectionViewRestriction.GROUPS
    )
    staff = Group.objects.create(name="Cán bộ")
    restriction.groups.add(staff)
    document = _document(private)
    resident, official = UserFactory(), UserFactory()
    official.groups.add(staff)

    anonymous = client.get(document.url)
    client.force_login(resident)
    other_group = client.get(document.url)
    client.force_login(official)
    allowed = client.get(document.url)

    assert anonymous.status_code == 302
    assert "X-Accel-Redirect" not in anonymous
    assert "X-Accel-Redirect" not in other_group
    assert allowed["X-Accel-Redirect"] == f"/media/{document.file.name}"


@pytest.mark.django_db
def test_documents_are_still_served_by_django_in_development(client):
    document = _document()

    response = client.get(document.url)

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == HANDOUT
