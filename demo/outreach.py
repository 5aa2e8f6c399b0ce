"""The community team's work in the demo: households, residents and visits.

Everything goes through what a team member's phone goes through: each household
and visit is read and checked by :mod:`community_teams.sync` and written by
:mod:`community_teams.services`, so the consent ledger and the hamlets' summary
tables are kept as they are for real visits. Problems the services find (a minor
without a guardian, a skill the teams do not guide) stop the load, named by the
file and line of the household or visit.

Identifiers are made from the data (:func:`demo_uuid`), so a household or visit is
the same on every load: one already stored is left as it is, even on a later day
when its date, counted back from today, would come out different.
"""

import datetime
import re
import uuid
from collections import Counter
from itertools import groupby

from django.utils import timezone

from community_teams import selectors
from community_teams import services as team_services
from community_teams.models import Household, Visit
from community_teams.sync import (
    Invalid,
    SyncContext,
    household_read,
    visit_read,
)
from demo.data import DemoContent, DemoContentError, HamletSpec, VisitSpec
from lms.models import Commune, Hamlet, User

# The demo's own namespace: identifiers made in it never meet a phone's.
NAMESPACE = uuid.UUID("6f1f5a52-3c1e-4d59-9d3b-5a0f0c6e2b71")


def demo_uuid(*parts: str | int) -> uuid.UUID:
    return uuid.uuid5(NAMESPACE, "/".join(str(part) for part in parts))


def household_uuid(key: str) -> uuid.UUID:
    return demo_uuid("household", key)


def resident_uuid(key: str, name: str) -> uuid.UUID:
    return demo_uuid("resident", key, name)


def visit_uuid(spec: VisitSpec) -> uuid.UUID:
    return demo_uuid("visit", spec.household, spec.by, spec.days_ago)


# What the phone's fields are called in outreach.yaml.
FILE_FIELDS = {
    "skills": "guided",
    "full_name": "name",
    "head_name": "residents[1].name",
    "visited_on": "days_ago",
}


def _file_field(field: str) -> str:
    """A field the services name (``attendees[0].skills``) as the file names it
    (``attendees[1].guided``): lists count from 1 there."""
    field = re.sub(r"\[(\d+)\]", lambda m: f"[{int(m.group(1)) + 1}]", field)
    return ".".join(FILE_FIELDS.get(part, part) for part in field.split("."))


def _refused(where: str, errors: dict[str, list[str]]) -> DemoContentError:
    """The services' answer about one household or visit, as a content problem."""
    return DemoContentError(
        [
            f"{where}{'.' + _file_field(field) if field else ''}: "
            + " ".join(str(message) for message in messages)
            for field, messages in errors.items()
        ]
    )


def _households_add(
    hamlet: Hamlet, spec: HamletSpec, by: User, created: Counter
) -> None:
    """The hamlet's households not stored yet, as a phone sends them."""
    stored = set(
        Household.objects.filter(
            client_uuid__in=[household_uuid(h.key) for h in spec.households]
        ).values_list("client_uuid", flat=True)
    )
    new = [h for h in spec.households if household_uuid(h.key) not in stored]
    items = [
        {
            "uuid": str(household_uuid(household.key)),
            "hamlet": hamlet.pk,
            "house_number": household.house_number,
            "head_name": household.head_name,
            "phone": household.phone,
            "residents": [
                {
                    "uuid": str(resident_uuid(household.key, resident.full_name)),
                    "full_name": resident.full_name,
                    "birth_year": resident.birth_year,
                    "sex": resident.sex,
                }
                for resident in household.residents
            ],
        }
        for household in new
    ]
    if not items:
        return
    context = SyncContext.load(by, {"households": items})
    problems = []
    for household, item in zip(new, items, strict=True):
        try:
            data = household_read(item, context)
        except Invalid as error:
            problems += _refused(household.where, error.errors).problems
            continue
        answer = team_services.household_add(by=by, data=data)
        if answer.status != 201:
            problems += _refused(household.where, {"": [answer.body["error"]]}).problems
        created["households"] += 1
        created["residents"] += len(household.residents)
    if problems:
        raise DemoContentError(problems)


def _visit_item(spec: VisitSpec, today: datetime.date) -> dict:
    return {
        "uuid": str(visit_uuid(spec)),
        "household": str(household_uuid(spec.household)),
        "visited_on": (today - datetime.timedelta(days=spec.days_ago)).isoformat(),
        "note": spec.note,
        "consent_method": spec.consent_method,
        "attendees": [
            {
                "resident": str(resident_uuid(spec.household, attendee.resident)),
                "skills": [
                    {"skill": code, "by_themselves": code in attendee.themselves}
                    for code in attendee.guided
                ],
                "consent": attendee.consent,
                "guardian": attendee.guardian,
            }
            for attendee in spec.attendees
        ],
    }


def _visits_record(
    content: DemoContent, people: dict[str, User], created: Counter
) -> None:
    """The visits not stored yet, oldest first, each member's run as one batch.

    In date order, so that a person who refused at one visit and agreed at a
    later one has the ledger entries in that order.
    """
    specs = content.outreach.visits
    stored = set(
        Visit.objects.filter(uuid__in=[visit_uuid(v) for v in specs]).values_list(
            "uuid", flat=True
        )
    )
    # A household deleted in the admin since an earlier load is not visited again.
    households = set(
        Household.objects.filter(
            client_uuid__in=[household_uuid(v.household) for v in specs]
        ).values_list("client_uuid", flat=True)
    )
    new = sorted(
        (
            spec
            for spec in specs
            if visit_uuid(spec) not in stored
            and household_uuid(spec.household) in households
        ),
        key=lambda spec: -spec.days_ago,
    )
    today = timezone.localdate()
    problems = []
    for username, run in groupby(new, key=lambda spec: spec.by):
        run = list(run)
        member = people[username]
        items = [_visit_item(spec, today) for spec in run]
        context = SyncContext.load(member, {"visits": items})
        read, refused = [], []
        for spec, item in zip(run, items, strict=True):
            try:
                read.append(visit_read(item, context))
            except Invalid as error:
                refused += _refused(spec.where, error.errors).problems
        if refused:
            # The later visits are still read: every problem is told at once.
            problems += refused
            continue
        answers = team_services.visits_record(
            member=member, visits=read, context=context
        )
        for spec, answer in zip(run, answers, strict=True):
            if answer.status != 201:
                problems += _refused(spec.where, {"": [answer.body["error"]]}).problems
        created["visits"] += len(run)
    if problems:
        raise DemoContentError(problems)


def _visits_approve(
    content: DemoContent, people: dict[str, User], created: Counter
) -> None:
    """Visits the data says a leader checked, approved once they arrive."""
    for spec in content.outreach.visits:
        if not spec.approved_by:
            continue
        visit = Visit.objects.filter(
            uuid=visit_uuid(spec), status=Visit.Status.RECEIVED
        ).first()
        if visit is not None:
            team_services.visit_review(
                by=people[spec.approved_by], visit=visit, approve=True
            )
            created["visits approved"] += 1


def demo_outreach_build(
    content: DemoContent,
    *,
    commune: Commune,
    people: dict[str, User],
    created: Counter,
) -> list[Hamlet]:
    """The hamlets of ``outreach.yaml`` in the demo's ward, their households and
    the team's visits (idempotent)."""
    hamlets = []
    for spec in content.outreach.hamlets:
        hamlet, new = Hamlet.objects.get_or_create(
            commune=commune, name=spec.name, defaults={"kind": spec.kind}
        )
        created["hamlets"] += new
        _households_add(hamlet, spec, people[spec.added_by], created)
        hamlets.append(hamlet)
    _visits_record(content, people, created)
    _visits_approve(content, people, created)
    selectors.hamlet_figures_forget(*[hamlet.pk for hamlet in hamlets])
    return hamlets
