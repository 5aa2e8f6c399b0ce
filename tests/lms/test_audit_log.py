"""The audit log: officials read who saw personal data in their places."""

import csv
import io

import openpyxl
import pytest
from django.urls import reverse

from lms.audit import audit_record
from lms.models import AuditEvent
from tests.staff import NO_ACCESS, staff_world

pytestmark = pytest.mark.django_db

INDEX = reverse("audit_log:index")


@pytest.fixture
def world():
    world = staff_world()
    audit_record(
        actor=world.team_member,
        action=AuditEvent.Action.VIEW,
        subject="household",
        subject_ids=[1],
        commune_id=world.ben_thanh.code,
    )
    audit_record(
        actor=world.other_commune_official,
        action=AuditEvent.Action.LIST,
        subject="household",
        subject_ids=[2, 3],
        commune_id=world.sai_gon.code,
    )
    return world


def as_(client, person):
    client.force_login(person)
    return client


def test_a_commune_official_reads_the_events_of_the_commune_only(client, world):
    text = as_(client, world.commune_official).get(INDEX).content.decode()

    assert "Ngô Thị Viên" in text
    assert "Võ Thị Sài" not in text


def test_a_province_official_reads_the_events_of_the_province(client, world):
    text = as_(client, world.province_official).get(INDEX).content.decode()

    assert "Ngô Thị Viên" in text and "Võ Thị Sài" in text
    other = as_(client, world.other_province_official).get(INDEX).content.decode()
    assert "Ngô Thị Viên" not in other


@pytest.mark.parametrize("key", NO_ACCESS)
def test_people_without_an_official_role_cannot_read_the_log(client, world, key):
    response = as_(client, world.people[key]).get(INDEX)

    assert response.status_code in (302, 403)


def test_exporting_the_log_is_itself_logged(client, world):
    official = as_(client, world.commune_official)

    spreadsheet = official.get(INDEX, {"export": "csv"})
    workbook = official.get(INDEX, {"export": "xlsx"})

    text = b"".join(spreadsheet.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][:2] == ["When", "By"]
    assert any("Ngô Thị Viên" in row for row in rows)
    data = b"".join(workbook.streaming_content)
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    assert sheet.cell(row=2, column=2).value in ("Ngô Thị Viên", "Phạm Văn Phường")
    assert (
        AuditEvent.objects.filter(
            actor=world.commune_official, action=AuditEvent.Action.EXPORT
        ).count()
        == 2
    )


def test_the_log_has_no_screen_to_change_or_delete_it(client, world):
    event = AuditEvent.objects.first()
    official = as_(client, world.superuser)

    for url in (
        f"/admin/audit_log/edit/{event.pk}/",
        f"/admin/audit_log/delete/{event.pk}/",
    ):
        assert official.get(url).status_code == 404
    with pytest.raises(TypeError):
        event.delete()
    with pytest.raises(TypeError):
        AuditEvent.objects.all().update(detail="")


def test_the_log_is_filtered_by_action_and_searched_by_name(client, world):
    official = as_(client, world.province_official)

    listed = official.get(INDEX, {"action": "list"}).content.decode()
    found = official.get(INDEX, {"q": "ngo thi vien"}).content.decode()

    assert "Võ Thị Sài" in listed and "Ngô Thị Viên" not in listed
    assert "Ngô Thị Viên" in found and "Võ Thị Sài" not in found
