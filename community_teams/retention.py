"""Retention: what visits hold about people is anonymised once it is old.

A visit older than ``LMS_VISIT_RETENTION_YEARS`` (5 by default) keeps what the
figures count (its household, member, day and the skills each person present was
guided on) and loses what identifies people:

- its note and its review comment are emptied;
- the people present are no longer the residents of the roster: each resident
  whose visits are all that old is replaced, in every one of them, by an
  anonymous stand-in of the same household (no name, birth year or phone, marked
  erased, so it never counts among the residents). One stand-in per resident
  keeps every count as it was: households reached, residents guided per skill and
  by themselves, first and repeat visits, months. The roster's row of the person
  is left as the commune keeps it.

A resident visited again within the period keeps their earlier visits until the
last of them is old too: moving only some would count them twice. The consent
ledger is kept whole, as the proof of consent the law asks for.
"""

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from community_teams.models import Resident, Visit, VisitAttendee
from lms.audit import audit_record
from lms.models import AuditEvent

BATCH_SIZE = 500


@dataclass
class RetentionResult:
    visits_cleared: int = 0
    residents_dissociated: int = 0


def retention_cutoff(years: int, today: datetime.date | None = None) -> datetime.date:
    """The day ``years`` before ``today``: visits before it are old."""
    today = today or timezone.localdate()
    try:
        return today.replace(year=today.year - years)
    except ValueError:  # 29 February, in a year that has none
        return today.replace(year=today.year - years, day=28)


def visits_anonymise(*, before: datetime.date) -> RetentionResult:
    """Anonymise the visits made before ``before`` (see the module); each batch in
    its own transaction, so a run stopped halfway leaves whole batches done and
    the next run does the rest."""
    result = RetentionResult()
    old = Visit.objects.filter(visited_on__lt=before)
    while True:
        batch = list(
            old.exclude(note="", review_comment="").values_list("pk", flat=True)[
                :BATCH_SIZE
            ]
        )
        if not batch:
            break
        result.visits_cleared += Visit.objects.filter(pk__in=batch).update(
            note="", review_comment=""
        )
    recent = VisitAttendee.objects.filter(
        resident=OuterRef("pk"), visit__visited_on__gte=before
    )
    due = (
        Resident.objects.filter(erased_at=None)
        .filter(Exists(VisitAttendee.objects.filter(resident=OuterRef("pk"))))
        .exclude(Exists(recent))
        .order_by("pk")
    )
    while True:
        with transaction.atomic():
            residents = list(
                due.select_for_update().values_list("pk", "household_id")[:BATCH_SIZE]
            )
            if not residents:
                break
            now = timezone.now()
            stand_ins = Resident.objects.bulk_create(
                Resident(household_id=household_id, erased_at=now)
                for _pk, household_id in residents
            )
            for (pk, _household_id), stand_in in zip(residents, stand_ins, strict=True):
                VisitAttendee.objects.filter(resident_id=pk).update(resident=stand_in)
            result.residents_dissociated += len(residents)
    if result.visits_cleared or result.residents_dissociated:
        audit_record(
            actor=None,
            action=AuditEvent.Action.ERASE,
            subject="visit retention",
            detail=(
                f"before {before.isoformat()}: {result.visits_cleared} notes, "
                f"{result.residents_dissociated} residents"
            ),
        )
    return result
