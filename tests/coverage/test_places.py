"""Officials read the teams' reach and residents' online learning, province →
commune → hamlet, from the summary tables; counts only, scoped."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from certificates.models import Certificate
from coverage.models import Target
from lms.models import Hamlet
from tests.community_teams.outreach import household, send, visit_item
from tests.coverage.world import coverage_world, finish
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PLACES = reverse("coverage_places")


@pytest.fixture
def world():
    world = coverage_world()
    people = world.people
    world.home = household(
        people.kp1, head="Nguyễn Văn Đức", members=[("Nguyễn Thị Hạnh", 1990)]
    )
    household(people.kp1, head="Trần Văn Bình", number="14")
    household(people.kp_sg, head="Trần Thị Mai")
    household(people.thon_bd, head="Đinh Văn Hà")
    world.client_member = people.team_member
    world.learner = UserFactory(full_name="Võ Thị Học", commune=people.ben_thanh)
    finish(world.learner, world.course)
    Target.objects.create(
        province=people.hcm, indicator="households_reached", year=2026, percent=70
    )
    return world


def reached(client, world):
    client.force_login(world.people.team_member)
    assert send(client, visits=[visit_item(world.home)]).status_code == 200


def test_the_province_sees_each_commune_without_a_name(client, world):
    reached(client, world)
    client.force_login(world.people.province_official)

    text = client.get(PLACES, {"year": 2026}).content.decode()

    assert "Households reached: 1 of 3 (33%)" in text
    assert "target 70%" in text
    assert "Phường Bến Thành" in text and "Phường Sài Gòn" in text
    assert "Ba Đình" not in text
    assert "1/2 (50%)" in text  # Bến Thành's households
    assert "Residents who finished a course online: 1 (1 courses)" in text
    assert "Nguyễn Văn Đức" not in text and "Võ Thị Học" not in text


def test_a_commune_shows_its_hamlets_and_a_hamlet_its_skills(client, world):
    reached(client, world)
    client.force_login(world.people.commune_official)
    commune = reverse("coverage_commune", args=[world.people.ben_thanh.pk])

    text = client.get(commune).content.decode()

    assert "Khu phố 1" in text
    hamlet = reverse(
        "coverage_hamlet", args=[world.people.ben_thanh.pk, world.people.kp1.pk]
    )
    assert hamlet in text
    text = client.get(hamlet).content.decode()
    assert "Residents guided, by skill" in text
    assert "VNeID" in text or "vneid" in text.lower()
    # A commune official keeps the hamlet's households: a link to them, by name.
    assert reverse("team_hamlet", args=[world.people.kp1.pk]) in text


def test_a_commune_official_sees_only_their_commune(client, world):
    client.force_login(world.people.commune_official)

    text = client.get(PLACES).content.decode()

    assert "Phường Bến Thành" in text and "Phường Sài Gòn" not in text
    other = reverse("coverage_commune", args=[world.people.sai_gon.pk])
    assert client.get(other).status_code == 404


def test_the_province_official_does_not_get_the_households_link(client, world):
    client.force_login(world.people.province_official)
    hamlet = reverse(
        "coverage_hamlet", args=[world.people.ben_thanh.pk, world.people.kp1.pk]
    )

    text = client.get(hamlet).content.decode()

    assert reverse("team_hamlet", args=[world.people.kp1.pk]) not in text


@pytest.mark.parametrize(
    "path",
    [
        "/coverage/places/abc/",
        "/coverage/places/123456789/",
        "/coverage/places/00004/",
        "/coverage/places/26734/99999999999999999999/",
    ],
)
def test_unknown_or_outside_places_are_not_found(client, world, path):
    client.force_login(world.people.province_official)

    assert client.get(path).status_code == 404


def test_a_hamlet_of_another_commune_is_not_found_under_this_one(client, world):
    client.force_login(world.people.province_official)
    wrong = reverse(
        "coverage_hamlet", args=[world.people.ben_thanh.pk, world.people.kp_sg.pk]
    )

    assert client.get(wrong).status_code == 404


@pytest.mark.parametrize("key", ["resident", "team_member", "team_leader", "editor"])
def test_others_see_no_places(client, world, key):
    client.force_login(world.people.people[key])

    assert client.get(PLACES).status_code == 403


def test_the_places_pages_cost_the_same_queries_with_more_hamlets(client, world):
    client.force_login(world.people.province_official)
    commune = reverse("coverage_commune", args=[world.people.ben_thanh.pk])
    for url in (PLACES, commune, reverse("coverage_home")):
        client.get(url)
        with CaptureQueriesContext(connection) as few:
            client.get(url)
        for number in range(10):
            hamlet = Hamlet.objects.create(
                commune=world.people.ben_thanh,
                name=f"Ấp {url[-8:]}{number}",
                kind=Hamlet.Kind.AP,
            )
            household(hamlet, head=f"Hộ {number}")
        with CaptureQueriesContext(connection) as many:
            client.get(url)
        assert len(many) == len(few), url


def test_the_home_page_sums_both_trees(client, world):
    reached(client, world)
    client.force_login(world.people.province_official)

    text = client.get(reverse("coverage_home")).content.decode()

    assert "Households reached: 1 of 3 (33%)" in text
    # Finishing the course issued the learner's certificate.
    assert Certificate.objects.filter(user=world.learner).count() == 1
    assert "Certificates issued: 1" in text
    assert reverse("coverage_places") in text and reverse("coverage_agencies") in text
