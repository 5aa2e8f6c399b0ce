"""Two provinces with communes, hamlets, teams and a person in every role.

``staff_world()`` builds it; the roles, hamlets and teams tests use it to try each
screen from every role, inside and outside the places that role covers.
"""

from dataclasses import dataclass, field

from community_teams.models import Team
from lms.models import Commune, Hamlet, Province, User
from lms.models.users import Role
from lms.services import role_grant
from tests.factories import CommuneFactory, ProvinceFactory, UserFactory


@dataclass
class StaffWorld:
    hcm: Province
    hanoi: Province
    ben_thanh: Commune
    sai_gon: Commune
    ba_dinh: Commune
    kp1: Hamlet
    kp_sg: Hamlet
    thon_bd: Hamlet
    team_bt: Team
    team_sg: Team
    team_bd: Team
    people: dict[str, User] = field(default_factory=dict)

    def __getattr__(self, name: str) -> User:
        try:
            return self.__dict__["people"][name]
        except KeyError:
            raise AttributeError(name) from None


# Everyone who must not manage the roles of Bến Thành, with no access to the
# roles screens at all (the two officials elsewhere reach the screens but not
# Bến Thành: see OUTSIDERS).
NO_ACCESS = [
    "nobody",
    "resident",
    "civil_servant",
    "team_member",
    "team_leader",
    "editor",
]
OUTSIDERS = ["other_commune_official", "other_province_official"]


def staff_world() -> StaffWorld:
    hcm = ProvinceFactory(code="79", name="Hồ Chí Minh", kind=Province.Kind.CITY)
    hanoi = ProvinceFactory(code="01", name="Hà Nội", kind=Province.Kind.CITY)
    ben_thanh = CommuneFactory(code="26734", province=hcm, name="Bến Thành")
    sai_gon = CommuneFactory(code="26740", province=hcm, name="Sài Gòn")
    ba_dinh = CommuneFactory(code="00004", province=hanoi, name="Ba Đình")
    kp1 = Hamlet.objects.create(
        commune=ben_thanh, name="Khu phố 1", kind=Hamlet.Kind.KHU_PHO
    )
    kp_sg = Hamlet.objects.create(
        commune=sai_gon, name="Khu phố 5", kind=Hamlet.Kind.KHU_PHO
    )
    thon_bd = Hamlet.objects.create(
        commune=ba_dinh, name="Tổ dân phố 3", kind=Hamlet.Kind.TO_DAN_PHO
    )
    world = StaffWorld(
        hcm=hcm,
        hanoi=hanoi,
        ben_thanh=ben_thanh,
        sai_gon=sai_gon,
        ba_dinh=ba_dinh,
        kp1=kp1,
        kp_sg=kp_sg,
        thon_bd=thon_bd,
        team_bt=Team.objects.create(
            name="Tổ CNTS khu phố 1", commune=ben_thanh, hamlet=kp1
        ),
        team_sg=Team.objects.create(name="Tổ CNTS khu phố 5", commune=sai_gon),
        team_bd=Team.objects.create(name="Tổ CNTS tổ dân phố 3", commune=ba_dinh),
    )
    grants = {
        "province_official": (Role.PROVINCE_OFFICIAL, {"province": hcm}),
        "other_province_official": (Role.PROVINCE_OFFICIAL, {"province": hanoi}),
        "commune_official": (Role.COMMUNE_OFFICIAL, {"commune": ben_thanh}),
        "other_commune_official": (Role.COMMUNE_OFFICIAL, {"commune": sai_gon}),
        "team_leader": (Role.TEAM_LEADER, {"team": world.team_bt}),
        "team_member": (Role.TEAM_MEMBER, {"team": world.team_bt}),
        "resident": (Role.RESIDENT, {}),
        "civil_servant": (Role.CIVIL_SERVANT, {}),
        "editor": (Role.CONTENT_EDITOR, {}),
        "nobody": (None, {}),
    }
    names = {
        "province_official": "Trần Thị Tỉnh",
        "other_province_official": "Lê Văn Hà",
        "commune_official": "Phạm Văn Phường",
        "other_commune_official": "Võ Thị Sài",
        "team_leader": "Đỗ Văn Trưởng",
        "team_member": "Ngô Thị Viên",
        "resident": "Bùi Thị Dân",
        "civil_servant": "Hồ Văn Chức",
        "editor": "Đặng Thị Biên",
        "nobody": "Lý Văn Không",
    }
    for number, (key, (role, scope)) in enumerate(grants.items()):
        person = UserFactory(
            full_name=names[key],
            phone=f"+8491234{number:04d}",
            commune=ben_thanh,
        )
        if role:
            role_grant(user=person, role=role, **scope, by=None)
        world.people[key] = person
    world.people["superuser"] = UserFactory(
        full_name="Quản Trị Viên", is_superuser=True, is_staff=True
    )
    # People who hold no role yet: one living in Bến Thành, one in Ba Đình.
    world.people["candidate"] = UserFactory(
        full_name="Nguyễn Thị Ánh Tuyết",
        phone="+84987654321",
        email="tuyet@example.vn",
        commune=ben_thanh,
    )
    world.people["far_away"] = UserFactory(
        full_name="Trịnh Văn Xa",
        phone="+84977000111",
        email="xa@example.vn",
        commune=ba_dinh,
    )
    return world
