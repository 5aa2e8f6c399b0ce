"""Days without phones: the printed checklist and entering its ticks back."""

import unicodedata

import pytest
from django.urls import reverse

from community_teams.models import Consent, Guidance, Visit
from lms.models import AuditEvent
from tests.certificates.test_pdf import pdftotext
from tests.community_teams.outreach import household
from tests.staff import staff_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    world = staff_world()
    world.homes = [
        household(
            world.kp1,
            head=f"Nguyễn Văn Hộ {n:02d}",
            number=str(n),
            members=[(f"Lê Thị Con {n:02d}", 2001)],
        )
        for n in range(20)
    ]
    return world


def as_(client, person):
    client.force_login(person)
    return client


def test_the_checklist_lists_every_resident_in_vietnamese(client, world):
    response = as_(client, world.team_member).get(
        reverse("team_checklist", args=[world.kp1.pk])
    )

    assert response["Content-Type"] == "application/pdf"
    assert "danh-sach-khu-pho-1.pdf" in response["Content-Disposition"]
    text = " ".join(unicodedata.normalize("NFC", pdftotext(response.content)).split())
    assert "Nguyễn Văn Hộ 00" in text and "Lê Thị Con 19" in text
    assert "Cài VNeID và định danh điện tử mức 2" in text
    event = AuditEvent.objects.get(action=AuditEvent.Action.EXPORT)
    assert len(event.subject_ids) == 20


@pytest.mark.parametrize(
    "key", ["commune_official", "resident", "other_commune_official"]
)
def test_only_the_team_prints_and_enters_checklists(client, world, key):
    client = as_(client, world.people[key])

    assert client.get(reverse("team_checklist", args=[world.kp1.pk])).status_code in (
        403,
        404,
    )
    assert client.get(reverse("team_paper_entry", args=[world.kp1.pk])).status_code in (
        403,
        404,
    )


def test_ticks_entered_back_become_visits_with_paper_consent_once(client, world):
    member = as_(client, world.team_member)
    url = reverse("team_paper_entry", args=[world.kp1.pk])
    page = member.get(url)
    rows = page.context["rows"]
    assert [number for number, _home, _uuid in rows] == list(range(1, 16))
    number, home, visit_uuid = rows[0]
    head, child = home.residents.all()
    data = {
        "visited_on": page.context["today"],
        f"uuid_{home.pk}": str(visit_uuid),
        "tick": [f"{head.pk}:vneid", f"{head.pk}:thanh-toan", f"{child.pk}:vneid"],
        "themselves": [str(head.pk)],
        "agreed": [str(head.pk)],
    }
    for _number, other, other_uuid in rows[1:]:
        data[f"uuid_{other.pk}"] = str(other_uuid)

    saved = member.post(url, data)
    again = member.post(url, data)

    assert saved.status_code == 302 and saved["Location"].endswith("?page=2")
    assert again.status_code == 302
    visit = Visit.objects.get()
    assert visit.household == home
    assert sorted(
        Guidance.objects.values_list(
            "attendee__resident__full_name", "skill__code", "by_themselves"
        )
    ) == [
        (child.full_name, "vneid", False),
        (head.full_name, "thanh-toan", True),
        (head.full_name, "vneid", True),
    ]
    consent = Consent.objects.get()
    assert (consent.resident, consent.method) == (head, Consent.Method.PAPER)


def test_a_wrong_date_on_the_paper_page_saves_nothing_and_says_why(client, world):
    member = as_(client, world.team_member)
    url = reverse("team_paper_entry", args=[world.kp1.pk])
    page = member.get(url)
    _number, home, visit_uuid = page.context["rows"][0]
    head = home.residents.first()

    response = member.post(
        url,
        {
            "visited_on": "2999-01-01",
            f"uuid_{home.pk}": str(visit_uuid),
            "tick": [f"{head.pk}:vneid"],
        },
    )

    assert response.status_code == 200
    assert "The visit date cannot be in the future." in response.content.decode()
    assert not Visit.objects.exists()
