"""A province official sees the teams' figures of each commune, never a name."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.community_teams.outreach import household, send, visit_item
from tests.staff import staff_world

pytestmark = pytest.mark.django_db

URL = reverse("team_province")


@pytest.fixture
def world():
    world = staff_world()
    world.home = household(world.kp1, head="Nguyễn Văn Đức")
    world.other = household(world.kp_sg, head="Trần Thị Mai")
    return world


def test_the_province_sees_households_reached_per_commune_without_names(client, world):
    client.force_login(world.team_member)
    send(client, visits=[visit_item(world.home)])
    client.force_login(world.province_official)

    text = client.get(URL).content.decode()

    assert "Phường Bến Thành" in text and "1/1 (100%)" in text
    assert "Phường Sài Gòn" in text and "0/1 (0%)" in text
    assert "Ba Đình" not in text
    assert "Nguyễn Văn Đức" not in text and "Trần Thị Mai" not in text


@pytest.mark.parametrize("key", ["team_member", "commune_official", "resident"])
def test_others_do_not_reach_the_province_figures(client, world, key):
    client.force_login(world.people[key])

    assert client.get(URL).status_code == 403


def test_the_province_figures_cost_the_same_queries_with_more_households(client, world):
    client.force_login(world.province_official)
    client.get(URL)
    cache.clear()
    with CaptureQueriesContext(connection) as few:
        client.get(URL)
    for number in range(30):
        household(world.kp_sg, head=f"Hộ {number}")
    cache.clear()

    with CaptureQueriesContext(connection) as many:
        client.get(URL)

    assert len(many) == len(few)
