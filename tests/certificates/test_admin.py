from django.contrib.auth.models import Group
from django.urls import reverse

from certificates.models import CertificateTemplate
from lms.models.users import Role
from lms.services import role_grant
from tests.certificates.helpers import pdf_text
from tests.factories import UserFactory


def editor_client(client):
    editor = UserFactory(is_staff=False)
    assert Group.objects.filter(name="Editors").exists()
    role_grant(user=editor, role=Role.CONTENT_EDITOR, by=None)
    client.force_login(editor)
    return client


def form_data(course, **changes) -> dict:
    data = {
        "course": course.pk,
        "title": "GIẤY CHỨNG NHẬN",
        "body": "Đã hoàn thành khóa học {course}\nNgày {date}",
        "hours": "",
        "issuer_name": "Ủy ban nhân dân xã Tân Phú",
        "signer_name": "Trần Văn Bình",
        "signer_title": "Chủ tịch",
        "accent_colour": "#0B5394",
        "layout": "administrative",
        "place": "Đắk Lắk",
    }
    data.update(changes)
    return data


def test_editor_saves_a_draft_and_previews_it_as_pdf(client, course):
    client = editor_client(client)
    add_url = reverse("wagtailsnippets_certificates_certificatetemplate:add")

    response = client.post(add_url, form_data(course))

    template = CertificateTemplate.objects.get()
    assert response.status_code == 302
    assert not template.live
    listing = client.get(
        reverse("wagtailsnippets_certificates_certificatetemplate:list")
    ).content.decode()
    preview_url = reverse(
        "wagtailsnippets_certificates_certificatetemplate:preview_pdf",
        args=[template.pk],
    )
    assert "Preview PDF" in listing and preview_url in listing
    preview = client.get(preview_url)
    assert preview["Content-Type"] == "application/pdf"
    text = pdf_text(preview.content)
    assert "GIẤY CHỨNG NHẬN" in text
    assert "Nguyễn Thị Ánh Tuyết" in text
    assert f"Đã hoàn thành khóa học {course.title}" in text


def test_preview_panel_shows_unsaved_changes_as_pdf(client, course):
    client = editor_client(client)
    preview_url = reverse(
        "wagtailsnippets_certificates_certificatetemplate:preview_on_add"
    )

    posted = client.post(preview_url, form_data(course, title="BẢN XEM THỬ"))
    shown = client.get(preview_url)

    assert posted.json()["is_valid"] is True
    assert shown["Content-Type"] == "application/pdf"
    assert "BẢN XEM THỬ" in pdf_text(shown.content)


def test_unknown_placeholders_are_refused_with_a_hint(client, course):
    client = editor_client(client)
    add_url = reverse("wagtailsnippets_certificates_certificatetemplate:add")

    response = client.post(add_url, form_data(course, body="Chúc mừng {ten}"))

    assert response.status_code == 200
    assert "Unknown placeholder {ten}" in response.content.decode()
    assert not CertificateTemplate.objects.exists()


def test_people_who_are_not_editors_cannot_preview(client, course):
    template = CertificateTemplate.objects.create(
        course=course,
        title="GIẤY CHỨNG NHẬN",
        body="{course}",
        issuer_name="UBND",
        signer_name="A",
        signer_title="B",
    )
    client.force_login(UserFactory())
    preview_url = reverse(
        "wagtailsnippets_certificates_certificatetemplate:preview_pdf",
        args=[template.pk],
    )

    response = client.get(preview_url)

    assert response.status_code in (302, 403)
    assert response.get("Content-Type") != "application/pdf"
