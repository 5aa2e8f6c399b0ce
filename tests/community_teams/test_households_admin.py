"""The admin's "Households" screens and the roster import, tried from every role."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from community_teams.models import Household, RosterImport
from lms.models import AuditEvent
from lms.models.users import Role
from lms.services import role_grant
from tests.community_teams.outreach import household
from tests.community_teams.rosters import roster_xlsx
from tests.factories import UserFactory
from tests.staff import staff_world

pytestmark = pytest.mark.django_db

INDEX = reverse("households:index")
UPLOAD = reverse("households:import")
# Everyone who must not see or change the households of Khu phố 1 (Bến Thành).
OUTSIDERS = [
    "nobody",
    "resident",
    "civil_servant",
    "team_member",
    "editor",
    "province_official",
    "other_province_official",
    "other_commune_official",
]


@pytest.fixture
def world():
    return staff_world()


@pytest.fixture
def homes(world):
    return {
        "hung": household(world.kp1, head="Nguyễn Văn Hùng", number="12"),
        "hoa": household(world.kp1, head="Trần Thị Hoà", number="14"),
        "far": household(world.kp_sg, head="Võ Văn Xa", number="3"),
    }


def signed_in(client, user):
    client.force_login(user)
    return client


def import_by(client, user, hamlet) -> RosterImport:
    signed_in(client, user).post(
        UPLOAD,
        {"hamlet": hamlet.pk, "file": SimpleUploadedFile("ds.xlsx", roster_xlsx())},
    )
    return RosterImport.objects.latest("pk")


@pytest.mark.parametrize("key", OUTSIDERS)
def test_outsiders_neither_see_nor_change_the_hamlets_households(
    client, world, homes, key
):
    client = signed_in(client, world.people[key])
    edit = reverse("households:edit", args=[homes["hung"].pk])

    listing = client.get(INDEX)
    responses = [
        client.get(edit),
        client.post(edit, {"head_name": "Đổi Tên", "house_number": "1", "phone": ""}),
    ]

    assert listing.status_code in (200, 302, 403)
    assert "Nguyễn Văn Hùng" not in listing.content.decode()
    assert all(response.status_code in (302, 403, 404) for response in responses)
    homes["hung"].refresh_from_db()
    assert (homes["hung"].head_name, homes["hung"].version) == ("Nguyễn Văn Hùng", 1)
    assert not [
        event
        for event in AuditEvent.objects.all()
        if str(homes["hung"].pk) in event.subject_ids
    ]


@pytest.mark.parametrize("key", OUTSIDERS)
def test_outsiders_cannot_import_into_the_hamlet(client, world, key):
    client = signed_in(client, world.people[key])

    form = client.get(f"{UPLOAD}?hamlet={world.kp1.pk}")
    posted = client.post(
        UPLOAD,
        {"hamlet": world.kp1.pk, "file": SimpleUploadedFile("d.xlsx", roster_xlsx())},
    )
    template = client.get(reverse("households:import_template"))

    assert form.status_code in (200, 302, 403)
    assert "Khu phố 1" not in form.content.decode()
    # An official elsewhere gets the form back saying to choose their own hamlet.
    assert posted.status_code in (200, 302, 403)
    assert template.status_code in (200, 302, 403)
    assert not RosterImport.objects.exists()
    assert not Household.objects.exists()


@pytest.mark.parametrize("key", [*OUTSIDERS, "team_leader", "commune_official"])
def test_an_import_is_seen_and_accepted_only_by_whoever_uploaded_it(client, world, key):
    roster_import = import_by(client, world.commune_official, world.kp1)
    if key == "commune_official":
        # Another official of the same commune: not theirs either.
        someone = UserFactory(full_name="Phan Văn Cùng", commune=world.ben_thanh)
        role_grant(
            user=someone, role=Role.COMMUNE_OFFICIAL, commune=world.ben_thanh, by=None
        )
    else:
        someone = world.people[key]
    client = signed_in(client, someone)
    pk = roster_import.pk

    responses = [
        client.get(reverse("households:import_detail", args=[pk])),
        client.get(reverse("households:import_progress", args=[pk])),
        client.post(reverse("households:import_action", args=[pk, "accept"])),
        client.post(reverse("households:import_action", args=[pk, "discard"])),
    ]

    assert all(response.status_code in (302, 403, 404) for response in responses)
    assert "Nguyễn Văn Hùng" not in "".join(r.content.decode() for r in responses)
    roster_import.refresh_from_db()
    assert roster_import.status == RosterImport.Status.READY
    assert not Household.objects.exists()


def test_the_commune_official_lists_the_communes_households_searched_without_accents(
    client, world, homes
):
    client = signed_in(client, world.commune_official)

    everything = client.get(INDEX).content.decode()
    found = client.get(INDEX, {"q": "tran thi hoa"}).content.decode()

    assert "Nguyễn Văn Hùng" in everything and "Trần Thị Hoà" in everything
    assert "Võ Văn Xa" not in everything
    assert "Trần Thị Hoà" in found and "Nguyễn Văn Hùng" not in found
    listed = AuditEvent.objects.filter(
        action=AuditEvent.Action.LIST, actor=world.commune_official
    ).order_by("pk")
    assert [sorted(event.subject_ids) for event in listed] == [
        sorted([str(homes["hung"].pk), str(homes["hoa"].pk)]),
        [str(homes["hoa"].pk)],
    ]


def test_the_household_list_is_paginated_in_a_fixed_number_of_queries(
    client, world, django_assert_max_num_queries
):
    for number in range(60):
        household(world.kp1, head=f"Lê Văn {number:02d}", number=str(number))
    client = signed_in(client, world.commune_official)
    client.get(INDEX)

    with django_assert_max_num_queries(22):
        first = client.get(INDEX).content.decode()
    with django_assert_max_num_queries(22):
        second = client.get(INDEX, {"p": 2}).content.decode()

    assert "Lê Văn 00" in first and "Lê Văn 59" not in first
    assert "Lê Văn 59" in second and "Lê Văn 00" not in second


def test_a_team_leader_keeps_the_households_of_the_teams_hamlet(client, world, homes):
    client = signed_in(client, world.team_leader)
    edit = reverse("households:edit", args=[homes["hung"].pk])

    listing = client.get(INDEX).content.decode()
    form = client.get(edit)
    saved = client.post(
        edit,
        {
            "head_name": "Nguyễn Văn Hùng",
            "house_number": "12B",
            "phone": "0912 345 678",
        },
    )
    far = client.get(reverse("households:edit", args=[homes["far"].pk]))

    assert "Nguyễn Văn Hùng" in listing and "Võ Văn Xa" not in listing
    assert form.status_code == 200
    assert saved.status_code == 302
    assert far.status_code == 404
    homes["hung"].refresh_from_db()
    assert (homes["hung"].house_number, homes["hung"].phone) == ("12B", "+84912345678")
    assert homes["hung"].version == 2
    assert homes["hung"].duplicate_key == "nguyen van hung|12b"
    actions = list(
        AuditEvent.objects.filter(subject_ids=[str(homes["hung"].pk)])
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions == [AuditEvent.Action.VIEW, AuditEvent.Action.CHANGE]


def test_a_wrong_phone_number_is_said_and_nothing_changes(client, world, homes):
    client = signed_in(client, world.commune_official)
    edit = reverse("households:edit", args=[homes["hung"].pk])

    response = client.post(
        edit, {"head_name": "Nguyễn Văn Hùng", "house_number": "12", "phone": "12345"}
    )

    assert response.status_code == 200
    assert "Enter a valid Vietnamese mobile number" in response.content.decode()
    homes["hung"].refresh_from_db()
    assert homes["hung"].version == 1


def test_a_team_leader_imports_the_roster_of_the_teams_hamlet(client, world):
    roster_import = import_by(client, world.team_leader, world.kp1)

    client.post(reverse("households:import_action", args=[roster_import.pk, "accept"]))

    assert Household.objects.filter(hamlet=world.kp1).count() == 3
    assert not Household.objects.exclude(hamlet=world.kp1).exists()


def test_a_team_leader_cannot_import_into_another_hamlet(client, world):
    client = signed_in(client, world.team_leader)

    response = client.post(
        UPLOAD,
        {"hamlet": world.kp_sg.pk, "file": SimpleUploadedFile("d.xlsx", roster_xlsx())},
    )

    assert response.status_code == 200
    assert "Choose a hamlet you keep." in response.content.decode()
    assert not RosterImport.objects.exists()


def test_the_hamlets_screen_offers_the_import_to_those_who_keep_the_households(
    client, world
):
    official = signed_in(client, world.commune_official).get(reverse("hamlets:index"))
    province = signed_in(client, world.province_official).get(reverse("hamlets:index"))

    link = f"{UPLOAD}?hamlet={world.kp1.pk}"
    assert link in official.content.decode()
    assert f"{INDEX}?hamlet={world.kp1.pk}" in official.content.decode()
    # A province official keeps the hamlets but never sees the names in them.
    assert "Khu phố 1" in province.content.decode()
    assert UPLOAD not in province.content.decode()
    assert signed_in(client, world.province_official).get(INDEX).status_code in (
        302,
        403,
    )
