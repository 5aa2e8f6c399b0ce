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


def listed(response) -> str:
    """The rows of the log a page shows (the filters name staff members too)."""
    text = response.content.decode()
    assert response.status_code == 200
    if 'class="listing' not in text:
        return ""
    table = text.split('class="listing', 1)[1]
    return table.split("<tbody", 1)[1].split("</tbody>", 1)[0]


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

    lists = listed(official.get(INDEX, {"action": "list"}))
    found = listed(official.get(INDEX, {"q": "ngo thi vien"}))

    assert "Võ Thị Sài" in lists and "Ngô Thị Viên" not in lists
    assert "Ngô Thị Viên" in found and "Võ Thị Sài" not in found


def _read(world, person, subject, ids, commune=None):
    return audit_record(
        actor=person,
        action=AuditEvent.Action.VIEW,
        subject=subject,
        subject_ids=ids,
        commune_id=(commune or world.ben_thanh).code,
    )


def test_the_log_is_read_by_person_the_record_named_and_nothing_else(client, world):
    _read(world, world.team_leader, "household", [12, 40])
    _read(world, world.team_member, "household", [112])
    _read(world, world.commune_official, "resident", [12])
    official = as_(client, world.province_official)

    named = listed(official.get(INDEX, {"subject": "households", "record": "12"}))

    # Household 12, not household 112, nor resident 12.
    assert "Đỗ Văn Trưởng" in named
    assert "Ngô Thị Viên" not in named
    assert "Phạm Văn Phường" not in named
    residents = listed(official.get(INDEX, {"subject": "residents", "record": "12"}))
    assert "Phạm Văn Phường" in residents
    assert "Đỗ Văn Trưởng" not in residents


def test_the_log_is_read_by_staff_member(client, world):
    _read(world, world.team_leader, "household", [5])
    official = as_(client, world.commune_official)

    rows = listed(official.get(INDEX, {"actor": world.team_leader.pk}))

    assert "Đỗ Văn Trưởng" in rows
    assert "Ngô Thị Viên" not in rows


def test_the_staff_filter_offers_only_the_staff_of_the_viewers_places(client, world):
    text = as_(client, world.commune_official).get(INDEX).content.decode()
    options = text.split('name="actor"')[1].split("</select>")[0]
    assert "Ngô Thị Viên" in options  # a team member of Bến Thành
    assert "Võ Thị Sài" not in options  # an official of another commune


@pytest.mark.parametrize(
    ("record", "message"),
    [
        ("abc", "Give the record&#x27;s number, a whole number."),
        ("1.5", "Give the record&#x27;s number, a whole number."),
        ("-1", "No record has this number."),
        ("0", "No record has this number."),
        (str(2**70), "No record has this number."),
    ],
)
def test_an_absurd_record_number_is_refused_with_the_reason(
    client, world, record, message
):
    response = as_(client, world.province_official).get(INDEX, {"record": record})
    assert response.status_code == 200
    assert message in response.content.decode()


def test_the_log_says_what_the_rows_were_about_in_vietnamese(client, world):
    client.force_login(world.province_official)
    text = client.get(INDEX, HTTP_ACCEPT_LANGUAGE="vi").content.decode()
    assert "Hộ gia đình" in text


def test_a_long_log_is_counted_no_further_than_its_pages_reach(
    client, world, monkeypatch
):
    monkeypatch.setattr("lms.viewsets.CappedPaginator.limit", 2)
    for number in range(3):
        _read(world, world.team_leader, "household", [number])

    text = as_(client, world.province_official).get(INDEX).content.decode()

    assert "The newest 2 events (narrow the filters for others)" in text


def test_events_carry_their_communes_province(world):
    event = _read(world, world.team_leader, "household", [9], commune=world.sai_gon)
    assert event.province_id == world.hcm.pk
