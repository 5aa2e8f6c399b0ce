"""The team's pages on a phone: hamlets, households, recording and reviewing visits."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from community_teams.models import Consent, Visit
from lms.models import AuditEvent
from tests.community_teams.outreach import household, send, visit_item
from tests.staff import staff_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    world = staff_world()
    world.home = household(
        world.kp1, head="Nguyễn Văn Đức", number="12/3", members=[("Lê Thị Hoa", 1990)]
    )
    world.other = household(world.kp1, head="Trần Thị Mai", number="5")
    world.far = household(world.kp_sg, head="Phan Văn Xa", number="9")
    return world


def as_(client, person):
    client.force_login(person)
    return client


def test_a_member_finds_a_household_by_name_typed_without_accents(client, world):
    response = as_(client, world.team_member).get(
        reverse("team_hamlet", args=[world.kp1.pk]), {"q": "nguyen van duc"}
    )

    text = response.content.decode()
    assert "Nguyễn Văn Đức" in text
    assert "Trần Thị Mai" not in text
    event = AuditEvent.objects.get()
    assert event.actor == world.team_member
    assert event.action == AuditEvent.Action.LIST
    assert event.subject_ids == [str(world.home.pk)]
    assert event.commune_id == world.ben_thanh.code


def test_the_hamlet_figures_count_households_reached_and_skills(client, world):
    member = as_(client, world.team_member)
    item = visit_item(world.home, skills=("vneid", "thanh-toan"))
    item["attendees"][0]["skills"][0]["by_themselves"] = True
    send(member, visits=[item])
    send(member, visits=[visit_item(world.home, skills=("vneid",))])

    text = member.get(reverse("team_hamlet", args=[world.kp1.pk])).content.decode()

    assert "1 of 2 households reached (50%)" in text
    assert "2 visits: 1 first visits, 1 repeat visits" in text
    assert "1 household not visited yet" in text
    # The figures kept between requests change as soon as a visit arrives.
    send(member, visits=[visit_item(world.other)])
    text = member.get(reverse("team_hamlet", args=[world.kp1.pk])).content.decode()
    assert "2 of 2 households reached (100%)" in text


@pytest.mark.parametrize(
    "key", ["resident", "civil_servant", "other_commune_official", "province_official"]
)
def test_people_outside_the_hamlet_see_none_of_its_households(client, world, key):
    client = as_(client, world.people[key])

    assert client.get(reverse("team_hamlet", args=[world.kp1.pk])).status_code == 404
    assert (
        client.get(reverse("team_household", args=[world.home.pk])).status_code == 404
    )
    assert (
        client.get(reverse("team_visit_new", args=[world.home.pk])).status_code == 404
    )
    assert "Nguyễn Văn Đức" not in client.get(reverse("team_home")).content.decode()


def test_a_member_sees_only_the_team_s_hamlets(client, world):
    text = as_(client, world.team_member).get(reverse("team_home")).content.decode()

    assert "Khu phố 1" in text
    assert "Khu phố 5" not in text
    assert client.get(reverse("team_household", args=[world.far.pk])).status_code == 404


def test_a_member_records_a_visit_with_the_form(client, world):
    member = as_(client, world.team_member)
    url = reverse("team_visit_new", args=[world.home.pk])
    form = member.get(url)
    head, daughter = world.home.residents.all()
    data = {
        "uuid": form.context["visit_uuid"],
        "visited_on": form.context["today"],
        f"present_{head.pk}": "on",
        f"skills_{head.pk}": ["vneid", "dich-vu-cong"],
        "themselves": [f"{head.pk}:vneid"],
        f"consent_{head.pk}": "yes",
        "note": "Hướng dẫn tại nhà",
    }

    saved = member.post(url, data)
    again = member.post(url, data)

    assert saved.status_code == 302
    assert again.status_code == 302
    visit = Visit.objects.get()
    assert visit.note == "Hướng dẫn tại nhà"
    assert [a.resident for a in visit.attendees.all()] == [head]
    assert Consent.objects.get().resident == head


def test_the_form_never_assumes_consent_and_says_so(client, world):
    member = as_(client, world.team_member)
    url = reverse("team_visit_new", args=[world.home.pk])
    form = member.get(url)
    head = world.home.residents.first()

    assert 'value="yes" checked' not in form.content.decode()
    response = member.post(
        url,
        {
            "uuid": form.context["visit_uuid"],
            "visited_on": form.context["today"],
            f"present_{head.pk}": "on",
            f"skills_{head.pk}": ["vneid"],
        },
    )

    assert response.status_code == 200
    assert "Ask the person whether they agree" in response.content.decode()
    assert not Visit.objects.exists()


def test_beyond_the_team_names_show_only_with_consent(client, world):
    member = as_(client, world.team_member)
    item = visit_item(world.home, consent=False)
    send(member, visits=[item])

    official = as_(client, world.commune_official)
    text = official.get(
        reverse("team_household", args=[world.home.pk])
    ).content.decode()

    assert "Lê Thị Hoa" not in text
    assert "no consent to share the name" in text
    assert AuditEvent.objects.filter(
        actor=world.commune_official, action=AuditEvent.Action.VIEW
    ).exists()


def test_the_leader_sends_a_visit_back_and_the_member_sees_the_comment(client, world):
    item = visit_item(world.home)
    item["attendees"] = item["attendees"][:1]
    send(as_(client, world.team_member), visits=[item])
    visit = Visit.objects.get()

    leader = as_(client, world.team_leader)
    assert "Nguyễn Văn Đức" in leader.get(reverse("team_review")).content.decode()
    refused = leader.post(
        reverse("team_review"), {"visit": visit.pk, "decision": "correct"}
    )
    leader.post(
        reverse("team_review"),
        {"visit": visit.pk, "decision": "correct", "comment": "Thiếu người"},
    )

    assert refused.status_code == 302
    visit.refresh_from_db()
    assert visit.status == Visit.Status.NEEDS_CORRECTION
    text = (
        as_(client, world.team_member).get(reverse("team_my_visits")).content.decode()
    )
    assert "Thiếu người" in text


@pytest.mark.parametrize("key", ["team_member", "resident", "other_commune_official"])
def test_only_the_leader_or_the_commune_reviews_a_team_s_visits(client, world, key):
    item = visit_item(world.home)
    item["attendees"] = item["attendees"][:1]
    send(as_(client, world.team_member), visits=[item])
    visit = Visit.objects.get()

    response = as_(client, world.people[key]).post(
        reverse("team_review"), {"visit": visit.pk, "decision": "approve"}
    )

    assert response.status_code in (403, 404)
    visit.refresh_from_db()
    assert visit.status == Visit.Status.RECEIVED


@pytest.mark.parametrize("value", ["abc", "99999999999999999999999", "-1", ""])
def test_absurd_visit_ids_in_a_review_are_a_404(client, world, value):
    response = as_(client, world.team_leader).post(
        reverse("team_review"), {"visit": value, "decision": "approve"}
    )

    assert response.status_code == 404


def test_the_household_list_costs_the_same_queries_with_more_households(client, world):
    member = as_(client, world.team_member)
    url = reverse("team_hamlet", args=[world.kp1.pk])
    send(member, visits=[visit_item(world.home)])
    member.get(url)
    # The figures are kept between requests: count them being worked out.
    cache.clear()
    with CaptureQueriesContext(connection) as few:
        member.get(url)
    for n in range(60):
        home = household(world.kp1, head=f"Hộ số {n}", number=str(n))
        send(member, visits=[visit_item(home)])

    cache.clear()
    with CaptureQueriesContext(connection) as many:
        response = member.get(url)

    assert len(many) == len(few) <= 20
    assert "Page 1 of 2" in response.content.decode()


def test_an_editor_adds_a_skill_and_members_can_record_it(client, world):
    admin = as_(client, world.superuser)
    response = admin.post(
        reverse("wagtailsnippets_community_teams_skill:add"),
        {"name": "Ứng dụng VssID", "code": "vssid", "order": 8, "active": "on"},
    )

    assert response.status_code == 302
    form = as_(client, world.team_member).get(
        reverse("team_visit_new", args=[world.home.pk])
    )
    assert "Ứng dụng VssID" in form.content.decode()


def test_a_member_cannot_change_the_skills(client, world):
    response = as_(client, world.team_member).get(
        reverse("wagtailsnippets_community_teams_skill:list")
    )

    assert response.status_code in (302, 403)
