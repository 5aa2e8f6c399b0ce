"""The accent colour of a certificate design is picked, not typed."""

import re

import pytest
from django.urls import reverse
from wagtail.users.models import UserProfile

from certificates.models import CertificateTemplate
from lms.models.users import Role
from lms.services import role_grant
from tests.factories import UserFactory

from .test_admin import form_data

pytestmark = pytest.mark.django_db
ADD = "wagtailsnippets_certificates_certificatetemplate:add"


@pytest.fixture
def vietnamese_editor(client):
    editor = UserFactory()
    role_grant(user=editor, role=Role.CONTENT_EDITOR, by=None)
    profile = UserProfile.get_for_user(editor)
    profile.preferred_language = "vi"
    profile.save()
    client.force_login(editor)
    return client


def test_accent_colour_is_a_colour_picker(vietnamese_editor):
    page = vietnamese_editor.get(reverse(ADD)).content.decode()

    field = re.search(r'<input [^>]*name="accent_colour"[^>]*>', page).group()
    assert 'type="color"' in field


def test_a_colour_that_is_not_hex_is_refused(vietnamese_editor, course):
    response = vietnamese_editor.post(
        reverse(ADD), form_data(course, accent_colour="xanh")
    )

    assert response.status_code == 200
    assert not CertificateTemplate.objects.exists()
    assert 'name="accent_colour"' in response.content.decode()
