"""The places' report: the teams' reach and residents online, as Excel and PDF."""

import pytest
from django.urls import reverse

from tests.community_teams.outreach import household, send, visit_item
from tests.coverage.test_exports import pdf_pages, table, workbook
from tests.coverage.world import coverage_world

pytestmark = pytest.mark.django_db

XLSX = reverse("coverage_export_places_xlsx")
PDF = reverse("coverage_export_places_pdf")


@pytest.fixture
def world():
    world = coverage_world()
    people = world.people
    world.home = household(people.kp1, head="Nguyễn Văn Đức")
    household(people.kp1, head="Trần Văn Bình", number="14")
    household(people.kp_sg, head="Trần Thị Mai")
    household(people.thon_bd, head="Đinh Văn Hà")
    return world


def reached(client, world):
    client.force_login(world.people.team_member)
    assert send(client, visits=[visit_item(world.home)]).status_code == 200


def test_the_workbook_has_the_communes_every_hamlet_the_skills_and_months(
    client, world
):
    reached(client, world)
    client.force_login(world.people.province_official)

    book = workbook(client.get(XLSX))

    assert book.sheetnames == ["Level 1", "Level 2", "By skill", "By month"]
    header, rows = table(book["Level 1"])
    assert header[:4] == [
        "Commune",
        "Households",
        "Households reached",
        "Households reached (%)",
    ]
    by_commune = {row[0]: row for row in rows}
    assert set(by_commune) == {"Phường Bến Thành", "Phường Sài Gòn"}
    assert by_commune["Phường Bến Thành"][1:4] == [2, 1, 0.5]
    _header, hamlets = table(book["Level 2"])
    assert ["Phường Bến Thành", "Khu phố 1"] == hamlets[0][:2]
    cell = book["Level 1"].cell(row=6, column=4)
    assert isinstance(cell.value, float) and "%" in cell.number_format
    _header, skills = table(book["By skill"])
    assert any(row[1] == 1 for row in skills)  # the one resident guided on VNeID


def test_a_commune_report_shows_its_hamlets(client, world):
    reached(client, world)
    client.force_login(world.people.commune_official)

    book = workbook(client.get(XLSX, {"commune": world.people.ben_thanh.pk}))

    header, rows = table(book["Level 1"])
    assert header[0] == "Hamlet"
    assert [row[0] for row in rows] == ["Khu phố 1"]
    assert "Level 2" not in book.sheetnames


def test_the_pdf_says_it_in_vietnamese_with_the_figures(client, world):
    reached(client, world)
    client.force_login(world.people.province_official)

    pages = pdf_pages(client.get(PDF, {"year": 2026}, HTTP_ACCEPT_LANGUAGE="vi"))

    text = " ".join(pages)
    assert "Phường Bến Thành" in text and "Khu phố 1" in text
    assert "Trang 1/" in text
    assert "Nguyễn Văn Đức" not in text


@pytest.mark.parametrize(
    "params", [{"commune": "26740"}, {"commune": "00004"}, {"commune": "x' OR 1"}]
)
def test_a_commune_outside_ones_own_is_not_found(client, world, params):
    client.force_login(world.people.commune_official)

    assert client.get(XLSX, params).status_code == 404
    assert client.get(PDF, params).status_code == 404


@pytest.mark.parametrize("key", ["resident", "team_member", "team_leader"])
def test_people_without_the_dashboards_get_no_report(client, world, key):
    client.force_login(world.people.people[key])

    assert client.get(XLSX).status_code == 403


def test_a_hamlet_has_its_own_report_with_its_skills(client, world):
    reached(client, world)
    client.force_login(world.people.commune_official)
    people = world.people
    params = {"commune": people.ben_thanh.pk, "hamlet": people.kp1.pk}

    book = workbook(client.get(XLSX, params))

    _header, rows = table(book["Level 1"])
    assert rows[0][:4] == ["Khu phố 1", 2, 1, 0.5]
    assert "By skill" in book.sheetnames
    page = client.get(
        reverse("coverage_hamlet", args=[people.ben_thanh.pk, people.kp1.pk])
    ).content.decode()
    assert f"hamlet={people.kp1.pk}" in page


@pytest.mark.parametrize("hamlet", ["99999999999999999999", "abc", "0"])
def test_an_unknown_hamlet_has_no_report(client, world, hamlet):
    client.force_login(world.people.commune_official)
    params = {"commune": world.people.ben_thanh.pk, "hamlet": hamlet}

    assert client.get(XLSX, params).status_code == 404


def test_a_hamlet_of_another_commune_has_no_report_here(client, world):
    client.force_login(world.people.province_official)
    params = {"commune": world.people.ben_thanh.pk, "hamlet": world.people.kp_sg.pk}

    assert client.get(PDF, params).status_code == 404
