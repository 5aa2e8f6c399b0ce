"""Whatever order and however often a phone sends, no visit is lost or doubled.

Hypothesis generates sequences of batches — new visits, resends, reordered
batches, visits edited and sent again, batches cut short by a lost signal, visits
the leader sends back for correction — against the real sync endpoint and
database, and checks each answer and the stored visits against the rules:
a new identifier is stored once (201); the same content again gets the first
answer; other content gets 409 unless the visit was sent back for correction,
when it replaces it; a wrong visit gets 400 and stores nothing.
"""

import uuid

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from community_teams.models import Visit
from community_teams.services import visit_review
from tests.community_teams.outreach import household, send, visit_item
from tests.staff import staff_world

pytestmark = pytest.mark.django_db

POOL = 4  # identifiers a phone reuses within one sequence

item_spec = st.tuples(
    st.integers(0, POOL - 1),  # which visit
    st.integers(0, 2),  # which version of its content
    st.booleans(),  # valid or not
)
step = st.one_of(
    st.tuples(st.just("send"), st.lists(item_spec, min_size=1, max_size=5)),
    st.tuples(st.just("cut"), st.lists(item_spec, min_size=2, max_size=5)),
    st.tuples(st.just("review"), st.integers(0, POOL - 1)),
)


@pytest.fixture
def world(client):
    world = staff_world()
    world.home = household(world.kp1)
    client.force_login(world.team_member)
    return world


def _item(world, uuids, index, version, valid):
    item = visit_item(world.home, uuid=uuids[index], note=f"lần {version}")
    if not valid:
        item["attendees"][0]["consent"] = "có lẽ"
    return item


@settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(steps=st.lists(step, min_size=1, max_size=6))
def test_no_visit_is_lost_or_doubled_whatever_the_phone_sends(client, world, steps):
    uuids = [str(uuid.uuid4()) for _ in range(POOL)]
    # What the server must hold: identifier -> [version, first answer, sent back]
    held: dict[str, list] = {}
    for kind, argument in steps:
        if kind == "review":
            key = uuids[argument]
            if key in held:
                visit_review(
                    by=world.team_leader,
                    visit=Visit.objects.get(uuid=key),
                    approve=False,
                    comment="Kiểm tra lại",
                )
                held[key][2] = True
            continue
        specs = argument[: len(argument) // 2] if kind == "cut" else argument
        items = [_item(world, uuids, *spec) for spec in specs]
        answers = send(client, visits=items).json()["visits"]
        assert len(answers) == len(items)
        for (index, version, valid), answer in zip(specs, answers, strict=True):
            key = uuids[index]
            if not valid:
                assert answer["status"] == 400
                assert "attendees[0].consent" in answer["errors"]
            elif key not in held:
                assert answer["status"] == 201
                held[key] = [version, answer, False]
            elif held[key][0] == version:
                assert answer == held[key][1]
            elif held[key][2]:
                assert answer == held[key][1]
                held[key] = [version, answer, False]
            else:
                assert answer["status"] == 409
        stored = dict(Visit.objects.filter(uuid__in=uuids).values_list("uuid", "note"))
        assert {str(key): note for key, note in stored.items()} == {
            key: f"lần {version}" for key, (version, _answer, _back) in held.items()
        }
