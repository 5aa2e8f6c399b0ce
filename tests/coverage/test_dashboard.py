"""Officials read coverage level by level; names only inside their scope, audited."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from coverage.models import Agency, StaffCategory, Target
from lms.models import AuditEvent
from tests.coverage.world import assign, coverage_world, finish, member

pytestmark = pytest.mark.django_db

AGENCIES = reverse("coverage_agencies")


@pytest.fixture
def world():
    world = coverage_world()
    world.lan = member(world.department, "Nguyễn Thị Lan")
    world.minh = member(world.office, "Trần Văn Minh")
    world.hung = member(world.committee, "Lê Văn Hùng")
    world.hoa = member(world.committee, "Phạm Thị Hoa", category=StaffCategory.VC)
    world.assignment = assign(world)
    finish(world.minh.user, world.course)
    finish(world.hung.user, world.course)
    Target.objects.create(
        province=world.people.hcm,
        indicator="civil_servants_trained",
        year=world.assignment.year,
        percent=80,
    )
    return world


def page(client, user, url, **params):
    client.force_login(user)
    return client.get(url, params)


def test_the_province_sees_each_top_agency_against_the_target(client, world):
    response = page(
        client, world.people.province_official, AGENCIES, year=world.assignment.year
    )

    text = response.content.decode()
    assert response.status_code == 200
    assert "2 of 4 civil servants trained (50.0%)" in text
    assert "target 80%" in text
    assert "Sở Khoa học và Công nghệ" in text and "UBND phường Bến Thành" in text
    assert "Sở Nội vụ Hà Nội" not in text
    # Figures only on this level: no person is named.
    assert "Nguyễn Thị Lan" not in text
    assert "<svg" in text and 'aria-label="Civil servants trained, by agency' in text


def test_an_agency_without_sub_units_shows_its_own_staff(client, world):
    url = reverse("coverage_agency", args=[world.office.pk])

    response = page(
        client, world.people.province_official, url, year=world.assignment.year
    )

    assert response.status_code == 200
    assert "1 of 1 civil servants trained (100.0%)" in response.content.decode()


def test_each_row_leads_one_level_down(client, world):
    url = reverse("coverage_agency", args=[world.department.pk])

    response = page(
        client, world.people.province_official, url, year=world.assignment.year
    )

    text = response.content.decode()
    assert "1 of 2 civil servants trained (50.0%)" in text
    assert "Phòng Chuyển đổi số" in text
    assert "Its own staff" in text
    assert reverse("coverage_agency", args=[world.office.pk]) in text


def test_a_commune_official_sees_only_the_agencies_of_their_commune(client, world):
    response = page(client, world.people.commune_official, AGENCIES)

    text = response.content.decode()
    assert "UBND phường Bến Thành" in text
    assert "Sở Khoa học và Công nghệ" not in text
    department = reverse("coverage_agency", args=[world.department.pk])
    assert page(client, world.people.commune_official, department).status_code == 404


@pytest.mark.parametrize(
    "key", ["resident", "civil_servant", "team_member", "team_leader", "editor"]
)
def test_people_who_are_not_officials_see_no_coverage(client, world, key):
    for url in (
        reverse("coverage_home"),
        AGENCIES,
        reverse("coverage_agency_people", args=[world.committee.pk]),
    ):
        assert page(client, world.people.people[key], url).status_code == 403


def test_an_agency_of_another_province_is_not_found(client, world):
    url = reverse("coverage_agency_people", args=[world.hanoi_department.pk])

    assert page(client, world.people.province_official, url).status_code == 404


@pytest.mark.parametrize("raw", ["99999999999999999999", "0"])
def test_absurd_agency_ids_are_not_found(client, world, raw):
    client.force_login(world.people.province_official)

    assert client.get(f"/coverage/agencies/{raw}/").status_code == 404


@pytest.mark.parametrize("year", ["abc", "99999", "1900", "-1", "2024.5"])
def test_an_absurd_year_shows_this_year(client, world, year):
    response = page(client, world.people.province_official, AGENCIES, year=year)

    assert response.status_code == 200


def test_the_people_behind_a_figure_are_named_and_the_reading_is_audited(client, world):
    url = reverse("coverage_agency_people", args=[world.committee.pk])

    response = page(
        client,
        world.people.commune_official,
        url,
        year=world.assignment.year,
        status="unfinished",
    )

    text = response.content.decode()
    assert "Phạm Thị Hoa" in text and "Lê Văn Hùng" not in text
    event = AuditEvent.objects.get(subject="civil servants")
    assert event.actor == world.people.commune_official
    assert event.subject_ids == [str(world.hoa.pk)]
    assert event.commune_id == world.people.ben_thanh.pk


def test_the_finished_filter_lists_who_finished(client, world):
    url = reverse("coverage_agency_people", args=[world.department.pk])

    text = page(
        client,
        world.people.province_official,
        url,
        year=world.assignment.year,
        status="finished",
    ).content.decode()

    assert "Trần Văn Minh" in text and "Nguyễn Thị Lan" not in text


def test_the_overdue_filter_lists_who_is_past_a_deadline(client, world):
    assign(world, agency=world.committee, course=world.other_course, days=-1)
    url = reverse("coverage_agency_people", args=[world.committee.pk])

    text = page(
        client, world.people.commune_official, url, status="overdue"
    ).content.decode()

    assert "Lê Văn Hùng" in text and "Phạm Thị Hoa" in text


def test_a_dashboard_level_costs_the_same_queries_with_more_agencies(client, world):
    client.force_login(world.people.province_official)
    url = reverse("coverage_agency", args=[world.department.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for number in range(15):
        unit = Agency.objects.create(
            name=f"Phòng {number}",
            kind=Agency.Kind.SUB_UNIT,
            province=world.people.hcm,
            parent=world.department,
        )
        member(unit, f"Cán bộ {number}")

    with CaptureQueriesContext(connection) as many:
        response = client.get(url)

    assert "Phòng 14" in response.content.decode()
    assert len(many) == len(few)


def test_a_civil_servant_sees_their_assigned_course_first_with_its_deadline(
    client, world
):
    client.force_login(world.hoa.user)

    text = client.get(reverse("my_learning")).content.decode()

    assert "Courses your agency requires" in text
    assert text.index("Kỹ năng số cho công chức") < text.index("In progress")
    assert "Finish by" in text


def test_a_finished_assignment_shows_as_finished(client, world):
    client.force_login(world.hung.user)

    text = client.get(reverse("my_learning")).content.decode()

    assert "Finished ✓" in text


def test_the_province_official_finds_the_imports_from_the_dashboard(client, world):
    url = reverse("coverage_agency", args=[world.committee.pk])

    text = page(client, world.people.province_official, url).content.decode()

    assert f"{reverse('coverage_staff_import')}?agency={world.committee.pk}" in text
    assert reverse("coverage_completion_import") in text
    commune_view = page(client, world.people.commune_official, url).content.decode()
    assert reverse("coverage_staff_import") not in commune_view
