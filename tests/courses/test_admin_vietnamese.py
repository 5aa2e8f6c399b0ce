"""Names Wagtail creates in English, as a Vietnamese editor meets them."""

import pytest
from django.urls import reverse
from wagtail.models import Page
from wagtail.users.models import UserProfile

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def vietnamese_admin(client, db):
    admin = UserFactory(is_superuser=True, is_staff=True)
    profile = UserProfile.get_for_user(admin)
    profile.preferred_language = "vi"
    profile.save()
    client.force_login(admin)
    return client


def test_publish_menu_offers_review_in_vietnamese(vietnamese_admin, course):
    page = vietnamese_admin.get(
        reverse("wagtailadmin_pages:edit", args=[course.pk])
    ).content.decode()

    assert "Thực hiện Kiểm duyệt" in page
    assert "Moderators approval" not in page


def test_page_chooser_calls_the_root_in_vietnamese(vietnamese_admin, course):
    root = Page.get_first_root_node()
    response = vietnamese_admin.get(
        reverse("wagtailadmin_choose_page_child", args=[root.pk])
    )

    html = response.json()["html"]
    assert "Gốc" in html
    assert "Root" not in html


def test_required_tick_comes_after_the_quiz_and_activity_choosers(
    vietnamese_admin, lessons
):
    page = vietnamese_admin.get(
        reverse("wagtailadmin_pages:edit", args=[lessons[0].pk])
    ).content.decode()

    # The block definitions the editor's JavaScript builds the form from.
    definitions = page.replace("\\u0022", '"').replace("&quot;", '"')
    for chooser in ('["quiz", {"_type"', '["activity", {"_type"'):
        start = definitions.index(chooser)
        between = definitions[start : definitions.index('["required"', start)]
        # The tick found is the same block's, not the next block's.
        assert "wagtail.blocks.StructBlock" not in between
