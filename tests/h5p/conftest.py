import pytest
from django.contrib.auth.models import Permission
from django.utils import translation
from wagtail.users.models import UserProfile

from tests.factories import UserFactory


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Each test stores packages in its own empty media folder."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture(autouse=True)
def english():
    """Messages are asserted in the English they are written in."""
    with translation.override("en"):
        yield


def _admin_user(*codenames: str):
    user = UserFactory()
    user.user_permissions.add(
        Permission.objects.get(
            content_type__app_label="wagtailadmin", codename="access_admin"
        ),
        *Permission.objects.filter(
            content_type__app_label="h5p", codename__in=codenames
        ),
    )
    profile = UserProfile.get_for_user(user)
    profile.preferred_language = "en"
    profile.save()
    return user


@pytest.fixture
def admin_user(admin_user):
    """A superuser whose admin speaks English."""
    profile = UserProfile.get_for_user(admin_user)
    profile.preferred_language = "en"
    profile.save()
    return admin_user


@pytest.fixture
def uploader(db):
    """A content editor allowed to upload H5P packages."""
    return _admin_user("upload_h5ppackage")


@pytest.fixture
def viewer(db):
    """An editor who may see packages but not upload them."""
    return _admin_user("view_h5ppackage")


@pytest.fixture
def editor_without_h5p(db):
    """An editor of the admin with no H5P permission at all."""
    return _admin_user()
