"""Writes of the community teams' work: visits, households, consent, review.

Everything a phone sends is accepted or refused item by item
(:func:`sync_batch`): an identical resend gets the answer the first send got, the
same identifier with other content is a conflict, and two members who log the same
household on the same day both keep their visit.
"""

from dataclasses import dataclass

from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from community_teams import permissions, selectors
from community_teams.figures import figures_kept, hamlets_changed
from community_teams.models import (
    Consent,
    Guidance,
    Household,
    HouseholdChange,
    Resident,
    SignupReferral,
    Team,
    Visit,
    VisitAttendee,
)
from community_teams.signals import resident_linked
from community_teams.sync import (
    MAX_ITEMS,
    HouseholdChangeData,
    HouseholdData,
    Invalid,
    SyncContext,
    VisitData,
    household_change_read,
    household_read,
    visit_read,
)
from lms.audit import audit_record
from lms.models import AuditEvent
from lms.privacy_notice import notice_version_current
from lms.text import fold


@dataclass(frozen=True)
class Answer:
    """What the phone is told about one item: an HTTP status and a JSON body."""

    status: int
    body: dict


def _accepted(kind: str, record, uuid) -> Answer:
    return Answer(201, {"uuid": str(uuid), "status": 201, kind: record.pk})


def _conflict(uuid, message) -> Answer:
    return Answer(409, {"uuid": str(uuid), "status": 409, "error": str(message)})


def _invalid(item, errors) -> Answer:
    uuid = item.get("uuid") if isinstance(item, dict) else None
    return Answer(
        400,
        {
            "uuid": uuid if isinstance(uuid, str) else None,
            "status": 400,
            "errors": errors,
        },
    )


def _consent_entries(*, visit: Visit, data: VisitData, member, context) -> list:
    """Ledger entries for what each person said at this visit.

    Agreeing adds "given"; refusing after having agreed adds "withdrawn". A person
    who never agreed and refuses again adds nothing: there is nothing to withdraw.
    """
    entries = []
    for attendee in data.attendees:
        current = context.consent.get(attendee.resident.pk)
        if attendee.consent:
            action = Consent.Action.GIVEN
        elif current == Consent.Action.GIVEN:
            action = Consent.Action.WITHDRAWN
        else:
            continue
        entries.append(
            Consent(
                resident=attendee.resident,
                purpose=Consent.Purpose.OUTREACH,
                policy_version=notice_version_current(),
                action=action,
                method=data.method,
                guardian_name=attendee.guardian,
                recorded_by=member,
                visit=visit,
            )
        )
    return entries


def _write_attendees(visits: list[tuple[Visit, VisitData]], member, context) -> None:
    """The people, skills and consent of ``visits``, in three inserts whatever
    their number. Consent is read in order, so a person who agreed at one visit
    of the batch and refused at a later one has both entries."""
    pairs = [
        (VisitAttendee(visit=visit, resident=a.resident), a)
        for visit, data in visits
        for a in data.attendees
    ]
    VisitAttendee.objects.bulk_create([row for row, _a in pairs])
    Guidance.objects.bulk_create(
        [
            Guidance(attendee=row, skill=skill, by_themselves=by_themselves)
            for row, attendee in pairs
            for skill, by_themselves in attendee.skills
        ]
    )
    entries = []
    for visit, data in visits:
        found = _consent_entries(visit=visit, data=data, member=member, context=context)
        context.consent.update({e.resident_id: e.action for e in found})
        entries.extend(found)
    if entries:
        Consent.objects.bulk_create(entries)


def _answer_existing(existing: Visit, data: VisitData, digest: str, member, context):
    if existing.member_id != member.pk:
        return _conflict(
            data.uuid,
            _("Another member already sent a visit with this identifier."),
        )
    if existing.content_hash == digest:
        return _accepted("visit", existing, data.uuid)
    if existing.status != Visit.Status.NEEDS_CORRECTION:
        return _conflict(
            data.uuid,
            _(
                "This visit was already received with other content. It is kept as "
                "first sent; record a new visit for anything that changed."
            ),
        )
    # A correction the leader asked for: the visit is replaced and reviewed again,
    # the household too if the member chose another one.
    with figures_kept():
        hamlets_changed(data.household.hamlet_id)
        if existing.household_id != data.household.pk:
            hamlets_changed(existing.household.hamlet_id)
            existing.household = data.household
            existing.team = context.team_for(data.household.hamlet)
        existing.attendees.all().delete()
        existing.visited_on = data.visited_on
        existing.note = data.note
        existing.content_hash = digest
        existing.status = Visit.Status.RECEIVED
        existing.save(
            update_fields=[
                "household",
                "team",
                "visited_on",
                "note",
                "content_hash",
                "status",
            ]
        )
        _write_attendees([(existing, data)], member, context)
    return _accepted("visit", existing, data.uuid)


def _new_visit(member, data: VisitData, context: SyncContext) -> Visit:
    return Visit(
        uuid=data.uuid,
        household=data.household,
        team=context.team_for(data.household.hamlet),
        member=member,
        visited_on=data.visited_on,
        note=data.note,
        content_hash=data.digest(),
    )


def visits_record(*, member, visits: list[VisitData], context) -> list[Answer]:
    """Store a batch's visits, answering each as :func:`visit_record` does.

    The new ones are written together, in a handful of inserts; if another
    request stored one of them meanwhile, each is written on its own instead.
    """
    fresh = {}
    for data in visits:
        if data.uuid not in context.visits:
            fresh.setdefault(data.uuid, data)
    if len(fresh) > 1:
        try:
            with figures_kept():
                hamlets_changed(*{data.household.hamlet_id for data in fresh.values()})
                rows = Visit.objects.bulk_create(
                    [_new_visit(member, data, context) for data in fresh.values()]
                )
                _write_attendees(
                    list(zip(rows, fresh.values(), strict=True)), member, context
                )
        except IntegrityError:
            pass
        else:
            context.visits.update({row.uuid: row for row in rows})
    return [visit_record(member=member, data=data, context=context) for data in visits]


def visit_record(*, member, data: VisitData, context: SyncContext) -> Answer:
    """Store one visit that ``member`` recorded, or answer why not.

    Idempotent on ``data.uuid``: a resend with the same content is answered as the
    first send was; other content under the same identifier is a conflict (409),
    unless the visit came back needing correction, when it replaces the visit.
    """
    digest = data.digest()
    existing = context.visits.get(data.uuid)
    if existing is not None:
        return _answer_existing(existing, data, digest, member, context)
    try:
        with figures_kept():
            hamlets_changed(data.household.hamlet_id)
            visit = _new_visit(member, data, context)
            visit.save()
            _write_attendees([(visit, data)], member, context)
    except IntegrityError:
        # The same visit sent twice at once: the other request stored it first.
        existing = Visit.objects.get(uuid=data.uuid)
        context.visits[data.uuid] = existing
        return _answer_existing(existing, data, digest, member, context)
    context.visits[data.uuid] = visit
    return _accepted("visit", visit, data.uuid)


def _household_existing(existing: Household, data: HouseholdData) -> Answer:
    if existing.content_hash:
        same = existing.content_hash == data.digest()
    else:
        # Received before digests were kept: only its hamlet and head tell.
        same = (
            existing.hamlet_id == data.hamlet.pk
            and existing.head_name == data.head_name
        )
    if same:
        return _accepted("household", existing, data.uuid)
    return _conflict(
        data.uuid,
        _(
            "This household was already received with other content. It is kept "
            "as first sent; correct it on the household's page."
        ),
    )


def household_add(*, by, data: HouseholdData) -> Answer:
    """Add a household (and its residents) that a member entered on the phone.

    Idempotent on ``data.uuid``, like :func:`visit_record`: the same content again
    gets the first answer, other content under the same identifier (another
    house number, other residents) a conflict (409) that changes nothing. A
    possible duplicate of a household already on the roster is kept and flagged
    for review, never merged.
    """
    existing = Household.objects.filter(client_uuid=data.uuid).first()
    if existing is not None:
        return _household_existing(existing, data)
    try:
        with figures_kept():
            hamlets_changed(data.hamlet.pk)
            household = Household.objects.create(
                hamlet=data.hamlet,
                house_number=data.house_number,
                head_name=data.head_name,
                phone=data.phone,
                client_uuid=data.uuid,
                content_hash=data.digest(),
                created_by=by,
            )
            residents = [
                Resident(
                    household=household,
                    full_name=r.full_name,
                    birth_year=r.birth_year,
                    sex=r.sex,
                    client_uuid=r.uuid,
                )
                for r in data.residents
            ]
            # bulk_create skips save(): the same keys are made here.
            for resident in residents:
                resident.normalise()
            Resident.objects.bulk_create(residents)
    except IntegrityError:
        existing = Household.objects.filter(client_uuid=data.uuid).first()
        if existing is None:
            return _conflict(
                data.uuid, _("A resident's identifier was already used elsewhere.")
            )
        return _household_existing(existing, data)
    audit_record(
        actor=by,
        action=AuditEvent.Action.CREATE,
        subject="household",
        subject_ids=[household.pk],
        commune_id=data.hamlet.commune_id,
    )
    return _accepted("household", household, data.uuid)


def _change_answer(change: HouseholdChange) -> Answer:
    if change.status == HouseholdChange.Status.APPLIED:
        return Answer(201, {"uuid": str(change.uuid), "status": 201, "applied": True})
    return Answer(
        202,
        {
            "uuid": str(change.uuid),
            "status": 202,
            "applied": False,
            "message": str(
                _(
                    "The household changed since this phone last saw it: the "
                    "change is kept for the team leader to decide."
                )
            ),
        },
    )


def household_change_record(*, by, data: HouseholdChangeData) -> Answer:
    """Apply a change made on ``data.base_version``, or keep it as a conflict.

    Idempotent on ``data.uuid``. The answer to the first send is repeated for an
    identical resend, even after the leader resolved the conflict.
    """
    digest = data.digest()
    existing = HouseholdChange.objects.filter(uuid=data.uuid).first()
    if existing is None:
        try:
            with transaction.atomic():
                # NO KEY: visits to the household, in this batch or another one,
                # are not held up by the lock.
                household = Household.objects.select_for_update(no_key=True).get(
                    pk=data.household.pk
                )
                applies = household.version == data.base_version
                existing = HouseholdChange.objects.create(
                    uuid=data.uuid,
                    household=household,
                    base_version=data.base_version,
                    proposed=data.proposed,
                    content_hash=digest,
                    status=(
                        HouseholdChange.Status.APPLIED
                        if applies
                        else HouseholdChange.Status.CONFLICT
                    ),
                    by=by,
                )
                if applies:
                    _household_apply(household, data.proposed)
        except IntegrityError:
            existing = HouseholdChange.objects.get(uuid=data.uuid)
        else:
            audit_record(
                actor=by,
                action=AuditEvent.Action.CHANGE,
                subject="household",
                subject_ids=[data.household.pk],
                commune_id=data.household.hamlet.commune_id,
                detail=f"change={existing.status}",
            )
            return _change_answer(existing)
    if existing.content_hash != digest or existing.by_id != by.pk:
        return _conflict(
            data.uuid, _("This change was already received with other content.")
        )
    first = existing.status
    if first in (HouseholdChange.Status.TAKEN, HouseholdChange.Status.DISCARDED):
        first = HouseholdChange.Status.CONFLICT
    return _change_answer(HouseholdChange(uuid=existing.uuid, status=first))


def _household_apply(household: Household, values: dict) -> None:
    for key, value in values.items():
        setattr(household, key, value)
    household.version += 1
    household.save()


def household_change_resolve(*, by, change: HouseholdChange, take: bool) -> None:
    """The leader's decision on a conflict: take the change, or keep the household."""
    if change.status != HouseholdChange.Status.CONFLICT:
        raise ValidationError(_("This conflict was already resolved."))
    if (
        not permissions.households_managed_by(by)
        .filter(pk=change.household_id)
        .exists()
    ):
        raise PermissionDenied
    with transaction.atomic():
        household = Household.objects.select_for_update().get(pk=change.household_id)
        if take:
            _household_apply(household, change.proposed)
        change.status = (
            HouseholdChange.Status.TAKEN if take else HouseholdChange.Status.DISCARDED
        )
        change.resolved_by = by
        change.resolved_at = timezone.now()
        change.save(update_fields=["status", "resolved_by", "resolved_at"])
    audit_record(
        actor=by,
        action=AuditEvent.Action.CHANGE,
        subject="household",
        subject_ids=[household.pk],
        commune_id=household.hamlet.commune_id,
        detail=f"conflict={change.status}",
    )


def _each(item, *, context, read, record, by) -> dict:
    """Read one item, then record it, answering either way."""
    try:
        data = read(item, context)
    except Invalid as error:
        return _invalid(item, error.errors).body
    return record(by=by, data=data).body


def sync_batch(*, member, payload) -> dict:
    """Accept or refuse each household, change and visit a phone sends, one by one.

    Households come first, so visits to a household added on the phone find it.
    """
    if not isinstance(payload, dict):
        raise ValidationError(_("Send an object with “households” and “visits”."))
    households = payload.get("households") or []
    changes = payload.get("household_changes") or []
    visits = payload.get("visits") or []
    if not all(isinstance(items, list) for items in (households, changes, visits)):
        raise ValidationError(
            _("“households”, “household_changes” and “visits” must be lists.")
        )
    if len(households) + len(changes) + len(visits) > MAX_ITEMS:
        raise ValidationError(
            _("Send at most %(limit)d records at a time.") % {"limit": MAX_ITEMS}
        )
    answers = {"households": [], "household_changes": [], "visits": []}
    touched = set()
    # One transaction for the batch, each item in its own savepoint: the batch
    # queues one refresh of the figures, committed with what it stored.
    with figures_kept():
        for name, items, read, record in (
            ("households", households, household_read, household_add),
            (
                "household_changes",
                changes,
                household_change_read,
                household_change_record,
            ),
        ):
            if items:
                context = SyncContext.load(member, {name: items})
                answers[name] = [
                    _each(item, context=context, read=read, record=record, by=member)
                    for item in items
                ]
                touched.update(context.hamlets)
        if visits:
            context = SyncContext.load(member, {"visits": visits})
            read = []
            for item in visits:
                try:
                    read.append(visit_read(item, context))
                except Invalid as error:
                    read.append(_invalid(item, error.errors))
            valid = [data for data in read if isinstance(data, VisitData)]
            recorded = iter(visits_record(member=member, visits=valid, context=context))
            answers["visits"] = [
                (next(recorded) if isinstance(data, VisitData) else data).body
                for data in read
            ]
            touched.update(data.household.hamlet_id for data in valid)
    selectors.hamlet_figures_forget(*touched)
    return answers


def household_update(
    *,
    by,
    household: Household,
    head_name: str,
    house_number: str,
    phone: str,
    request=None,
) -> Household:
    """Correct a household's head, house number or phone, on the record.

    The household's ``version`` goes up by one, so a roster preview made before
    the change will not overwrite it. Raises ``PermissionDenied`` unless ``by``
    keeps the household's hamlet.
    """
    if not permissions.households_managed_by(by).filter(pk=household.pk).exists():
        raise PermissionDenied
    household.head_name = head_name
    household.house_number = house_number
    household.phone = phone
    household.normalise()
    with transaction.atomic():
        Household.objects.filter(pk=household.pk).update(
            head_name=household.head_name,
            house_number=household.house_number,
            phone=household.phone,
            search_key=household.search_key,
            duplicate_key=household.duplicate_key,
            version=F("version") + 1,
            updated_at=timezone.now(),
        )
        audit_record(
            actor=by,
            action=AuditEvent.Action.CHANGE,
            subject="household",
            subject_ids=[household.pk],
            commune_id=household.hamlet.commune_id,
            request=request,
        )
    household.refresh_from_db()
    return household


def visit_review(*, by, visit: Visit, approve: bool, comment: str = "") -> Visit:
    """Approve a visit, or send it back to its member with a comment."""
    if not permissions.visits_reviewable_by(by).filter(pk=visit.pk).exists():
        raise PermissionDenied
    comment = (comment or "").strip()
    if not approve and not comment:
        raise ValidationError(
            {"comment": _("Say what the member should correct.")}, code="no_comment"
        )
    visit.status = Visit.Status.APPROVED if approve else Visit.Status.NEEDS_CORRECTION
    visit.review_comment = "" if approve else comment[:500]
    visit.reviewed_by = by
    visit.reviewed_at = timezone.now()
    visit.save(update_fields=["status", "review_comment", "reviewed_by", "reviewed_at"])
    return visit


def _check_manages(by, *households) -> None:
    managed = permissions.households_managed_by(by)
    if managed.filter(pk__in=[h.pk for h in households]).count() != len(households):
        raise PermissionDenied


def household_merge(*, by, keep: Household, other: Household) -> Household:
    """Merge ``other`` into ``keep``: its residents, visits and changes move over.

    Only a person decides that two rows are one household; nothing calls this on
    its own. Both must be in the same hamlet.
    """
    if keep.pk == other.pk:
        raise ValidationError(_("Choose two different households."))
    if keep.hamlet_id != other.hamlet_id:
        raise ValidationError(_("Only households of the same hamlet can be merged."))
    _check_manages(by, keep, other)
    with figures_kept():
        hamlets_changed(keep.hamlet_id)
        Resident.objects.filter(household=other).update(household=keep)
        Visit.objects.filter(household=other).update(household=keep)
        HouseholdChange.objects.filter(household=other).update(household=keep)
        if not keep.phone and other.phone:
            keep.phone = other.phone
        keep.version += 1
        keep.save()
        merged_id = other.pk
        other.delete()
    selectors.hamlet_figures_forget(keep.hamlet_id)
    audit_record(
        actor=by,
        action=AuditEvent.Action.CHANGE,
        subject="household",
        subject_ids=[keep.pk, merged_id],
        commune_id=keep.hamlet.commune_id,
        detail=f"merged {merged_id} into {keep.pk}",
    )
    return keep


def households_not_duplicates(*, by, households: list[Household]) -> None:
    """Record that a person checked these households are not the same one twice."""
    _check_manages(by, *households)
    Household.objects.filter(pk__in=[h.pk for h in households]).update(
        duplicate_reviewed=True
    )


def resident_erase(*, by, resident: Resident) -> Resident:
    """Erase what identifies a resident, keeping the row so figures stay right.

    Name, phone and birth year are removed and the account link is cut; visits,
    the skills counted and the consent ledger keep pointing at the erased row. A
    household whose head is erased loses the head's name too.
    """
    _check_manages(by, resident.household)
    if resident.erased_at is not None:
        return resident
    with figures_kept():
        household = resident.household
        hamlets_changed(household.hamlet_id)
        if resident.search_key and fold(household.head_name) == resident.search_key:
            household.head_name = ""
            household.phone = ""
            household.version += 1
            household.save()
        resident.full_name = ""
        resident.phone = ""
        resident.birth_year = None
        resident.user = None
        resident.erased_at = timezone.now()
        resident.save()
    audit_record(
        actor=by,
        action=AuditEvent.Action.ERASE,
        subject="resident",
        subject_ids=[resident.pk],
        commune_id=household.hamlet.commune_id,
    )
    return resident


def resident_account_link(*, user) -> Resident | None:
    """Join the resident the teams recorded with ``user``'s number to the account.

    Call only once the number is proven (an SMS code): the resident's records and
    certificates then belong to whoever holds it. A number several residents share
    (one phone for the household) joins only the one whose name is the account's;
    when that still leaves several, or none, nothing is joined.
    """
    if not user.phone:
        return None
    candidates = list(
        Resident.objects.filter(phone=user.phone, user=None, erased_at=None)
        .select_related("household__hamlet")
        .order_by("pk")
    )
    if len(candidates) > 1:
        name = fold(user.full_name)
        candidates = [
            person for person in candidates if name and person.search_key == name
        ]
    if len(candidates) != 1:
        return None
    (resident,) = candidates
    with transaction.atomic():
        if not Resident.objects.filter(pk=resident.pk, user=None).update(user=user):
            return None
        resident.user = user
        audit_record(
            actor=user,
            action=AuditEvent.Action.CHANGE,
            subject="resident",
            subject_ids=[resident.pk],
            commune_id=resident.household.hamlet.commune_id,
            detail="account joined by its verified mobile number",
        )
        resident_linked.send(sender=Resident, resident=resident, user=user)
    return resident


# Sign-ups through a team's poster -----------------------------------------------

REFERRAL_SESSION_KEY = "community_teams_referral"
_REFERRAL_SALT = "community_teams.referral"


def referral_token(*, team: Team, hamlet) -> str:
    """The signed part of a poster's link: which team, in which hamlet.

    Posters stay on walls for months, so the token does not expire; it is signed,
    so nobody can make one up for another team.
    """
    return signing.dumps([team.pk, hamlet.pk], salt=_REFERRAL_SALT, compress=False)


def referral_read(token: str) -> tuple[int, int] | None:
    """``(team id, hamlet id)`` of a poster's token, or ``None`` if it is not ours."""
    try:
        value = signing.loads(token, salt=_REFERRAL_SALT)
    except signing.BadSignature:
        return None
    if (
        not isinstance(value, list)
        or len(value) != 2
        or not all(isinstance(part, int) for part in value)
    ):
        return None
    team_id, hamlet_id = value
    return team_id, hamlet_id


def signup_referral_record(
    *, user, team_id: int, hamlet_id: int
) -> SignupReferral | None:
    """Record that ``user`` signed up through the team's poster in that hamlet.

    A team or hamlet deleted since the poster was printed records nothing; a
    second call for the same person keeps the first.
    """
    team = Team.objects.filter(pk=team_id).first()
    if team is None or not permissions.team_serves(team, hamlet_id):
        return None
    referral, _created = SignupReferral.objects.get_or_create(
        user=user, defaults={"team": team, "hamlet_id": hamlet_id}
    )
    selectors.hamlet_figures_forget(hamlet_id)
    return referral
