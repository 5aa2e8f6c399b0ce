"""The "H5P" screens of the Wagtail admin, driven through the test client."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from h5p.models import H5PPackage
from h5p.services import h5p_package_import

from .builders import (
    MAIN,
    UTIL,
    symlink_member,
    tiny_package,
    tiny_package_files,
    zip_bytes,
)

pytestmark = pytest.mark.django_db

INDEX = "h5p_packages:index"
ADD = "h5p_packages:add"
INSPECT = "h5p_packages:inspect"


def assert_denied(client, method: str, url: str, data=None) -> None:
    """Wagtail answers a refused page with its home page and a message, and a
    script's request with 403."""
    send = getattr(client, method)
    response = send(url, data or {}, follow=True, headers={"accept-language": "en"})
    assert response.redirect_chain[-1][0] == reverse("wagtailadmin_home")
    assert "you do not have permission" in response.content.decode()
    script = send(url, data or {}, headers={"x-requested-with": "XMLHttpRequest"})
    assert script.status_code == 403


def post_package(client, data: bytes, name: str = "bai-1.h5p"):
    return client.post(
        reverse(ADD),
        {"file": SimpleUploadedFile(name, data, content_type="application/zip")},
        follow=True,
    )


def test_uploader_sees_the_upload_form(client, uploader):
    client.force_login(uploader)
    response = client.get(reverse(ADD))

    assert response.status_code == 200
    assert b'type="file"' in response.content
    assert b'enctype="multipart/form-data"' in response.content


def test_accepted_upload_shows_title_content_type_and_libraries(client, uploader):
    client.force_login(uploader)
    response = post_package(client, tiny_package())

    package = H5PPackage.objects.get()
    assert response.redirect_chain[-1][0] == reverse(INSPECT, args=[package.pk])
    page = response.content.decode()
    assert "Câu hỏi thử: mã OTP" in page
    assert "Tiny Question" in page
    assert f"{UTIL} 1.2.0" in page
    assert f"{MAIN} 1.0.3" in page
    assert page.index(f"{UTIL} 1.2.0") < page.index(f"<li>{MAIN} 1.0.3")
    assert package.uploaded_by == uploader


def test_rejected_upload_shows_every_reason(client, uploader):
    files = tiny_package_files()
    del files["content/content.json"]
    files["content/page.html"] = b"<script></script>"
    data = zip_bytes(files, extra=[symlink_member("content/x.txt", "/etc/passwd")])
    client.force_login(uploader)
    response = post_package(client, data)

    assert response.status_code == 200
    page = response.content.decode()
    assert "This H5P package was not accepted, for these reasons:" in page
    reasons = re.findall(r"<li>(.*?)</li>", page.split("data-h5p-rejection")[1])
    assert len(reasons) == 3
    assert any("content/content.json" in reason for reason in reasons)
    assert any("content/page.html" in reason for reason in reasons)
    assert any("content/x.txt is a symbolic link" in reason for reason in reasons)
    assert H5PPackage.objects.count() == 0


def test_file_that_is_not_h5p_is_rejected_with_a_reason(client, uploader):
    client.force_login(uploader)
    response = post_package(client, b"not a zip at all", name="bai-1.h5p")

    assert "not a ZIP archive" in response.content.decode()
    assert H5PPackage.objects.count() == 0


def test_editor_without_upload_permission_is_refused(client, viewer):
    client.force_login(viewer)

    assert_denied(client, "get", reverse(ADD))
    assert_denied(
        client,
        "post",
        reverse(ADD),
        {"file": SimpleUploadedFile("a.h5p", tiny_package())},
    )
    assert H5PPackage.objects.count() == 0
    index = client.get(reverse(INDEX)).content.decode()
    assert reverse(ADD) not in index


def test_editor_without_any_h5p_permission_has_no_menu_item_and_is_refused(
    client, editor_without_h5p
):
    client.force_login(editor_without_h5p)

    assert_denied(client, "get", reverse(INDEX))
    home = client.get(reverse("wagtailadmin_home"))
    assert home.status_code == 200
    assert reverse(INDEX) not in home.content.decode()


def test_uploader_has_the_menu_item(client, uploader):
    client.force_login(uploader)
    home = client.get(reverse("wagtailadmin_home"))
    assert reverse(INDEX) in home.content.decode()


def titles_on(page: str) -> set[int]:
    return {int(number) for number in re.findall(r"Bài số (\d+)", page)}


def test_listing_is_paginated_newest_first(client, viewer):
    for number in range(23):
        h5p_package_import(
            file=SimpleUploadedFile("x.h5p", tiny_package(title=f"Bài số {number}")),
            uploaded_by=None,
        )
    client.force_login(viewer)

    first = client.get(reverse(INDEX)).content.decode()
    second = client.get(reverse(INDEX), {"p": 2}).content.decode()
    assert titles_on(first) == set(range(3, 23))
    assert titles_on(second) == {0, 1, 2}
    assert "Tiny Question" in first


def test_inspect_shows_the_package_without_edit_or_delete(client, admin_user):
    package = h5p_package_import(
        file=SimpleUploadedFile("x.h5p", tiny_package()), uploaded_by=admin_user
    )
    client.force_login(admin_user)

    page = client.get(reverse(INSPECT, args=[package.pk])).content.decode()
    assert "Câu hỏi thử: mã OTP" in page
    assert f"{UTIL} 1.2.0" in page
    assert package.sha256 in page
    assert package.file.url in page
    assert reverse("h5p_packages:edit", args=[package.pk]) not in page
    assert reverse("h5p_packages:delete", args=[package.pk]) not in page


def test_nobody_edits_or_deletes_a_package(client, admin_user):
    package = h5p_package_import(
        file=SimpleUploadedFile("x.h5p", tiny_package()), uploaded_by=None
    )
    client.force_login(admin_user)

    assert_denied(client, "get", reverse("h5p_packages:edit", args=[package.pk]))
    assert_denied(client, "post", reverse("h5p_packages:delete", args=[package.pk]))
    assert H5PPackage.objects.filter(pk=package.pk).exists()
