import pytest

from community_teams.models import Team
from lms.models import Province
from lms.models.users import Role
from lms.services import role_grant
from tests.factories import CommuneFactory, ProvinceFactory, UserFactory


@pytest.fixture(autouse=True)
def _certificates_media(settings, tmp_path):
    """Each test stores its own PDFs."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def places(db):
    hcm = ProvinceFactory()
    hanoi = ProvinceFactory(code="01", name="Hà Nội", kind=Province.Kind.CITY)
    return {
        "hcm": hcm,
        "ben_thanh": CommuneFactory(province=hcm, name="Bến Thành"),
        "sai_gon": CommuneFactory(province=hcm, name="Sài Gòn"),
        "hoan_kiem": CommuneFactory(province=hanoi, name="Hoàn Kiếm"),
    }


@pytest.fixture
def person_in(places):
    def make(commune_key: str, **fields):
        return UserFactory(commune=places[commune_key], **fields)

    return make


@pytest.fixture
def official(places):
    """An official of a commune (by key) or, with province=True, of its province."""

    def make(commune_key: str = "ben_thanh", *, province: bool = False):
        user = UserFactory(full_name="Cán Bộ Xã")
        commune = places[commune_key]
        if province:
            role_grant(
                user=user,
                role=Role.PROVINCE_OFFICIAL,
                province=commune.province,
                by=None,
            )
        else:
            role_grant(user=user, role=Role.COMMUNE_OFFICIAL, commune=commune, by=None)
        return user

    return make


@pytest.fixture
def team_leader(places):
    user = UserFactory(full_name="Tổ Trưởng")
    team = Team.objects.create(name="Tổ CNTS ấp 1", commune=places["ben_thanh"])
    role_grant(user=user, role=Role.TEAM_LEADER, team=team, by=None)
    return user


@pytest.fixture
def resident(places):
    user = UserFactory(commune=places["ben_thanh"])
    role_grant(user=user, role=Role.RESIDENT, by=None)
    return user
