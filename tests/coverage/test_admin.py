"""The admin screens where province officials keep agencies, rosters, assignments
and targets of their province, and nobody else's."""

import pytest
from django.urls import reverse

from coverage.models import Agency, CourseAssignment, Target
from lms.models import AuditEvent
from tests.coverage.world import coverage_world, member

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return coverage_world()


def test_a_province_official_adds_a_sub_unit_under_an_agency(client, world):
    client.force_login(world.people.province_official)

    response = client.post(
        reverse("agencies:add"),
        {
            "province": world.people.hcm.pk,
            "name": "Phòng Kế hoạch",
            "kind": Agency.Kind.SUB_UNIT,
            "parent": world.department.pk,
            "commune": "",
        },
    )

    assert response.status_code == 302
    unit = Agency.objects.get(name="Phòng Kế hoạch")
    assert unit.path.startswith(world.department.path) and unit.depth == 1


def test_an_agency_cannot_be_put_under_its_own_sub_unit(client, world):
    client.force_login(world.people.province_official)

    response = client.post(
        reverse("agencies:edit", args=[world.department.pk]),
        {
            "province": world.people.hcm.pk,
            "name": world.department.name,
            "kind": world.department.kind,
            "parent": world.office.pk,
            "commune": "",
        },
    )

    assert response.status_code == 200
    world.department.refresh_from_db()
    assert world.department.parent_id is None


def test_an_agency_of_another_province_is_out_of_reach(client, world):
    client.force_login(world.people.province_official)

    edit = reverse("agencies:edit", args=[world.hanoi_department.pk])
    assert client.get(edit).status_code == 404
    listing = client.get(reverse("agencies:index")).content.decode()
    assert "Sở Nội vụ Hà Nội" not in listing and "Sở Khoa học và Công nghệ" in listing


@pytest.mark.parametrize(
    "key", ["commune_official", "team_leader", "resident", "civil_servant"]
)
def test_only_province_officials_keep_agencies(client, world, key):
    client.force_login(world.people.people[key])

    for name in ("agencies:index", "staff:index", "assignments:index", "targets:index"):
        assert client.get(reverse(name)).status_code in (302, 403), name


def test_assigning_a_course_records_who_did_it(client, world):
    client.force_login(world.people.province_official)

    response = client.post(
        reverse("assignments:add"),
        {
            "province": world.people.hcm.pk,
            "course": world.course.pk,
            "agency": world.department.pk,
            "category": "",
            "deadline": "2026-12-31",
        },
    )

    assert response.status_code == 302
    assignment = CourseAssignment.objects.get()
    assert assignment.created_by == world.people.province_official


def test_an_agency_of_another_province_cannot_be_given_a_course(client, world):
    client.force_login(world.people.province_official)

    response = client.post(
        reverse("assignments:add"),
        {
            "province": world.people.hcm.pk,
            "course": world.course.pk,
            "agency": world.hanoi_department.pk,
            "category": "",
            "deadline": "2026-12-31",
        },
    )

    assert response.status_code == 200
    assert not CourseAssignment.objects.exists()


@pytest.mark.parametrize("percent", ["0", "101", "-5", "abc"])
def test_a_target_outside_1_to_100_is_a_form_error(client, world, percent):
    client.force_login(world.people.province_official)

    response = client.post(
        reverse("targets:add"),
        {
            "province": world.people.hcm.pk,
            "indicator": "civil_servants_trained",
            "year": "2026",
            "percent": percent,
        },
    )

    assert response.status_code == 200
    assert not Target.objects.exists()


def test_the_same_target_twice_is_a_form_error(client, world):
    client.force_login(world.people.province_official)
    data = {
        "province": world.people.hcm.pk,
        "indicator": "civil_servants_trained",
        "year": "2026",
        "percent": "80",
    }
    assert client.post(reverse("targets:add"), data).status_code == 302

    response = client.post(reverse("targets:add"), {**data, "percent": "90"})

    assert response.status_code == 200
    assert Target.objects.get().percent == 80


def test_the_roster_screen_is_audited_and_leads_to_the_import(client, world):
    lan = member(world.department, "Nguyễn Thị Lan")
    member(world.hanoi_department, "Lê Văn Hà Nội")
    client.force_login(world.people.province_official)

    text = client.get(reverse("staff:index")).content.decode()

    assert "Nguyễn Thị Lan" in text and "Lê Văn Hà Nội" not in text
    assert reverse("coverage_staff_import") in text
    event = AuditEvent.objects.get(subject="civil servants")
    assert event.subject_ids == [str(lan.pk)]
