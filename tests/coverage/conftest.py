import pytest

from coverage.models import Agency
from tests.staff import staff_world


@pytest.fixture
def world(db):
    """Two provinces with a person in every role (``tests.staff``), the Home
    Affairs department of Hồ Chí Minh City with one of its offices, and Hà Nội's."""
    world = staff_world()
    world.so_noi_vu = Agency.objects.create(
        name="Sở Nội vụ", kind=Agency.Kind.DEPARTMENT, province=world.hcm
    )
    world.phong = Agency.objects.create(
        name="Phòng Công chức, viên chức",
        kind=Agency.Kind.SUB_UNIT,
        province=world.hcm,
        parent=world.so_noi_vu,
    )
    world.so_hn = Agency.objects.create(
        name="Sở Nội vụ Hà Nội", kind=Agency.Kind.DEPARTMENT, province=world.hanoi
    )
    return world


@pytest.fixture
def official(client, world):
    """The province official of Hồ Chí Minh City, signed in."""
    client.force_login(world.province_official)
    return client
