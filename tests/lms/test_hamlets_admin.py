"""The "Hamlets" screens: officials keep the hamlets of the communes they cover."""

import pytest
from django.urls import reverse

from lms.models import Hamlet
from tests.staff import NO_ACCESS, staff_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return staff_world()


def signed_in(client, user):
    client.force_login(user)
    return client


def hamlet_data(commune, name="Ấp Mới", kind=Hamlet.Kind.AP) -> dict:
    return {"commune": commune.code if commune else "", "name": name, "kind": kind}


@pytest.mark.parametrize("key", [*NO_ACCESS, "other_province_official"])
def test_people_who_do_not_cover_ben_thanh_cannot_touch_its_hamlets(client, world, key):
    client = signed_in(client, world.people[key])
    edit = reverse("hamlets:edit", args=[world.kp1.pk])
    delete = reverse("hamlets:delete", args=[world.kp1.pk])

    listing = client.get(reverse("hamlets:index"))
    responses = [
        client.get(edit),
        client.post(edit, hamlet_data(world.ben_thanh, name="Đổi tên")),
        client.get(delete),
        client.post(delete),
    ]
    added = client.post(reverse("hamlets:add"), hamlet_data(world.ben_thanh))

    assert listing.status_code in (200, 302, 403)
    assert world.kp1.name not in listing.content.decode()
    assert all(response.status_code in (302, 403, 404) for response in responses)
    # Officials elsewhere get the form back with an error; others are sent away.
    assert added.status_code in (200, 302, 403)
    world.kp1.refresh_from_db()
    assert world.kp1.name == "Khu phố 1"
    assert not Hamlet.objects.filter(name="Ấp Mới").exists()


def test_commune_official_lists_only_their_communes_hamlets(client, world):
    page = (
        signed_in(client, world.commune_official)
        .get(reverse("hamlets:index"))
        .content.decode()
    )

    assert world.kp1.name in page
    assert world.kp_sg.name not in page
    assert world.thon_bd.name not in page


def test_province_official_lists_the_hamlets_of_the_province(client, world):
    page = (
        signed_in(client, world.province_official)
        .get(reverse("hamlets:index"))
        .content.decode()
    )

    assert world.kp1.name in page and world.kp_sg.name in page
    assert world.thon_bd.name not in page


def test_hamlets_are_searched_without_accents(client, world):
    page = (
        signed_in(client, world.province_official)
        .get(reverse("hamlets:index"), {"q": "khu pho 5"})
        .content.decode()
    )

    assert world.kp_sg.name in page
    assert world.kp1.name not in page


def test_commune_official_creates_a_hamlet_in_their_commune(client, world):
    response = signed_in(client, world.commune_official).post(
        reverse("hamlets:add"), hamlet_data(world.ben_thanh, name="Ấp Mới")
    )

    assert response.status_code == 302
    hamlet = Hamlet.objects.get(name="Ấp Mới")
    assert hamlet.commune == world.ben_thanh
    assert hamlet.created_by == world.commune_official


@pytest.mark.parametrize(
    ("key", "commune"),
    [
        ("commune_official", "sai_gon"),
        ("commune_official", "ba_dinh"),
        ("province_official", "ba_dinh"),
    ],
)
def test_a_hamlet_outside_ones_communes_is_a_form_error(client, world, key, commune):
    response = signed_in(client, world.people[key]).post(
        reverse("hamlets:add"), hamlet_data(getattr(world, commune))
    )

    assert response.status_code == 200
    assert "Choose a commune that you cover" in response.content.decode()
    assert not Hamlet.objects.filter(name="Ấp Mới").exists()


def test_commune_official_cannot_move_a_hamlet_to_another_commune(client, world):
    response = signed_in(client, world.commune_official).post(
        reverse("hamlets:edit", args=[world.kp1.pk]),
        hamlet_data(world.sai_gon, name="Khu phố 1"),
    )

    assert response.status_code == 200
    world.kp1.refresh_from_db()
    assert world.kp1.commune == world.ben_thanh


def test_a_second_hamlet_with_the_same_name_is_a_form_error(client, world):
    client = signed_in(client, world.commune_official)
    data = hamlet_data(world.ben_thanh, name="Ấp Mới")

    client.post(reverse("hamlets:add"), data)
    again = client.post(reverse("hamlets:add"), data)

    assert again.status_code == 200
    assert "already exists" in again.content.decode()
    assert Hamlet.objects.filter(name="Ấp Mới").count() == 1


@pytest.mark.parametrize(
    "data",
    [
        {"commune": "99999999999999999999", "name": "A", "kind": "ap"},
        {"commune": "26734", "name": "", "kind": "ap"},
        {"commune": "26734", "name": "x" * 500, "kind": "ap"},
        {"commune": "26734", "name": "A", "kind": "castle"},
        {},
    ],
)
def test_bad_hamlet_input_is_a_form_error(client, world, data):
    response = signed_in(client, world.commune_official).post(
        reverse("hamlets:add"), data
    )

    assert response.status_code == 200
    assert "error" in response.content.decode()


def test_a_hamlet_that_a_team_serves_cannot_be_deleted(client, world):
    response = signed_in(client, world.commune_official).post(
        reverse("hamlets:delete", args=[world.kp1.pk])
    )

    assert response.status_code == 302
    assert Hamlet.objects.filter(pk=world.kp1.pk).exists()
    page = signed_in(client, world.commune_official).get(response["Location"])
    assert "cannot be deleted" in page.content.decode()


def test_an_unused_hamlet_is_deleted(client, world):
    hamlet = Hamlet.objects.create(commune=world.ben_thanh, name="Ấp Cũ", kind="ap")

    response = signed_in(client, world.commune_official).post(
        reverse("hamlets:delete", args=[hamlet.pk])
    )

    assert response.status_code == 302
    assert not Hamlet.objects.filter(pk=hamlet.pk).exists()


def test_an_absurd_hamlet_id_is_a_404(client, world):
    client = signed_in(client, world.commune_official)

    assert client.get("/admin/hamlets/edit/99999999999999999999999/").status_code == 404
    assert client.get("/admin/hamlets/delete/0/").status_code == 404


def test_the_hamlet_chooser_narrows_to_a_commune(client, world):
    client = signed_in(client, world.province_official)

    body = client.get(
        reverse("hamlet_chooser:choose"), {"commune": world.sai_gon.code}
    ).json()["html"]

    assert world.kp_sg.name in body
    assert world.kp1.name not in body
