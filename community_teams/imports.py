"""Importing a hamlet's household roster: upload, preview, accept, save, expire.

The work runs as tasks on the ``community_teams`` queue (``community_teams.tasks``),
so a roster of ten thousand people neither holds a web worker nor times out:

1. :func:`roster_import_create` keeps the uploaded file in the private storage
   and queues the reading;
2. :func:`roster_import_preview` (a task) reads it with :mod:`community_teams.roster`
   and writes one :class:`~community_teams.models.RosterImportRow` per household:
   new, to update (matched to a household of the hamlet by its folded head's name
   and house number), already on the roster, or wrong and why;
3. :func:`roster_import_accept` queues :func:`roster_import_save` (a task), which
   writes every new and changed household in one transaction: all of it or none,
   with the refresh of the hamlet's figures (:mod:`community_teams.figures`);
4. the file is deleted when saved, and every import's file and preview a day after
   upload (:func:`roster_imports_expire`).

Residents are matched within their household by folded name; the import adds and
corrects people and phone numbers, never removes anyone.
"""

import datetime
import logging
from collections import defaultdict

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from community_teams import permissions
from community_teams.figures import figures_kept, hamlets_changed
from community_teams.models import (
    Household,
    Resident,
    RosterImport,
    RosterImportRow,
    household_key,
)
from community_teams.roster import HouseholdRead, roster_read
from lms.audit import audit_record
from lms.models import AuditEvent, Hamlet
from lms.spreadsheets import MAX_BYTES
from lms.text import fold

logger = logging.getLogger(__name__)

QUEUE = "community_teams"
# An upload, its preview and its file are kept this long at most.
KEEP_FOR = datetime.timedelta(days=1)
BATCH_SIZE = 1000
# Reading 10,000 rows takes seconds: a task silent this long lost its worker.
STALLED_AFTER = datetime.timedelta(minutes=10)

Action = RosterImportRow.Action


def roster_import_create(*, by, hamlet: Hamlet, name: str, data: bytes) -> RosterImport:
    """Keep an uploaded roster for ``hamlet`` and queue its reading.

    Raises ``PermissionDenied`` unless ``by`` keeps the hamlet's households, and
    ``ValidationError`` for an empty file or one over ``MAX_BYTES``.
    """
    if not permissions.may_import_into(by, hamlet):
        raise PermissionDenied
    if not data:
        raise ValidationError(_("The file is empty."), code="empty")
    if len(data) > MAX_BYTES:
        raise ValidationError(
            _("The file is larger than %(size)s MB; split it by hamlet.")
            % {"size": MAX_BYTES // (1024 * 1024)},
            code="too_large",
        )
    roster_imports_expire()
    with transaction.atomic():
        roster_import = RosterImport(
            hamlet=hamlet, created_by=by, file_name=(name or "")[-255:]
        )
        # The stored name says nothing of the hamlet or the people in it.
        roster_import.file.save("roster", ContentFile(data), save=False)
        roster_import.save()
        # The database task backend stores the task in this same transaction: no
        # worker reads the import before it is committed.
        _enqueue_preview(roster_import.pk)
    return roster_import


def _enqueue_read(roster_import_id: int) -> None:
    from community_teams.tasks import roster_import_read

    roster_import_read.using(queue_name=QUEUE).enqueue(roster_import_id)


def _enqueue_preview(roster_import_id: int) -> None:
    from community_teams.tasks import roster_import_expire_run

    _enqueue_read(roster_import_id)
    expire = roster_import_expire_run.using(queue_name=QUEUE)
    # A backend that cannot wait a day (the tests' immediate one) has nothing to
    # expire yet; every upload also expires what is due.
    if expire.get_backend().supports_defer:
        expire.using(run_after=timezone.now() + KEEP_FOR).enqueue()


def _delete_file(roster_import: RosterImport) -> None:
    if roster_import.file:
        roster_import.file.delete(save=False)


# Preview -------------------------------------------------------------------------


def _existing(hamlet: Hamlet, keys) -> dict[str, list[Household]]:
    """Households of ``hamlet`` with these duplicate keys, residents read up front."""
    found = defaultdict(list)
    keys = list(keys)
    for start in range(0, len(keys), BATCH_SIZE):
        for home in Household.objects.filter(
            hamlet=hamlet, duplicate_key__in=keys[start : start + BATCH_SIZE]
        ).prefetch_related("residents"):
            found[home.duplicate_key].append(home)
    return found


def _member_entry(person, resident: Resident | None) -> dict:
    entry = {
        "line": person.line,
        "name": person.name,
        "birth_year": person.birth_year,
        "sex": person.sex,
        "phone": person.phone,
        "relation": person.relation,
        "resident": resident.pk if resident else None,
        "change": "new" if resident is None else "same",
        "fields": [],
    }
    if resident is not None:
        entry["fields"] = [
            name
            for name, value, current in (
                ("birth_year", person.birth_year, resident.birth_year),
                ("sex", person.sex, resident.sex),
                ("phone", person.phone, resident.phone),
            )
            if value and value != current
        ]
        if entry["fields"]:
            entry["change"] = "update"
    return entry


def _preview_row(roster_import, home: HouseholdRead, existing) -> RosterImportRow:
    errors = home.all_errors()
    row = RosterImportRow(
        roster_import=roster_import,
        line=home.line,
        last_line=max(home.last_line, home.line),
        house_number=home.house_number,
        head_name=home.head_name,
        phone=home.phone,
        errors=errors,
    )
    matches = existing.get(household_key(home.head_name, home.house_number), [])
    if len(matches) > 1 and not errors:
        errors.append(
            {
                "line": home.line,
                "column": "",
                "value": home.head_name,
                "message": _(
                    "%(count)s households of this hamlet have this head and house "
                    "number: merge them first."
                )
                % {"count": len(matches)},
            }
        )
    if errors:
        row.action = Action.INVALID
        row.members = [_member_entry(person, None) for person in home.members]
        return row
    current = matches[0] if matches else None
    residents = {}
    if current is not None:
        for resident in current.residents.all():
            if resident.full_name:
                residents.setdefault(resident.search_key, resident)
    row.members = [
        _member_entry(person, residents.get(fold(person.name)))
        for person in home.members
    ]
    if current is None:
        row.action = Action.CREATE
        return row
    row.household = current
    row.household_version = current.version
    if home.phone and home.phone != current.phone:
        row.changes = [{"field": "phone", "old": current.phone, "new": home.phone}]
    changed = row.changes or any(m["change"] != "same" for m in row.members)
    row.action = Action.UPDATE if changed else Action.UNCHANGED
    return row


def roster_import_preview(*, roster_import_id: int) -> None:
    """Read an uploaded roster into its preview (the reading task's work).

    Changes no household. A file that cannot be used leaves the import failed with
    the reason, in Vietnamese, and its file deleted.
    """
    claimed = RosterImport.objects.filter(
        pk=roster_import_id, status=RosterImport.Status.UPLOADED
    ).update(
        status=RosterImport.Status.READING,
        rows_read=0,
        error="",
        moved_at=timezone.now(),
    )
    if not claimed:
        return
    roster_import = RosterImport.objects.select_related("hamlet").get(
        pk=roster_import_id
    )

    def progress(read, expected):
        RosterImport.objects.filter(pk=roster_import_id).update(
            rows_read=read, rows_total=expected, moved_at=timezone.now()
        )

    try:
        with roster_import.file.open("rb") as stored:
            data = stored.read()
        roster = roster_read(data, on_progress=progress)
    except ValidationError as error:
        message = " ".join(error.messages)
    except FileNotFoundError:
        message = _("The uploaded file is no longer kept; upload it again.")
    except Exception:
        # A file the reader does not foresee: the person is told, the site logs it.
        logger.exception("Roster import %s could not be read", roster_import_id)
        message = _(
            "This file could not be read. Save it again as .xlsx or CSV UTF-8 and "
            "upload it; if it still fails, tell the site's administrators."
        )
    else:
        message = None
    if message is not None:
        _delete_file(roster_import)
        RosterImport.objects.filter(pk=roster_import_id).update(
            status=RosterImport.Status.FAILED, error=message, file=""
        )
        return
    progress(roster.people, roster.people)
    existing = _existing(
        roster_import.hamlet,
        {household_key(h.head_name, h.house_number) for h in roster.households},
    )
    rows = [_preview_row(roster_import, home, existing) for home in roster.households]
    RosterImportRow.objects.filter(roster_import=roster_import).delete()
    RosterImportRow.objects.bulk_create(rows, batch_size=BATCH_SIZE)
    counts = defaultdict(int)
    for row in rows:
        counts[row.action] += 1
    RosterImport.objects.filter(pk=roster_import_id).update(
        status=RosterImport.Status.READY,
        layout=roster.layout,
        ignored_columns=roster.ignored,
        people=roster.people,
        to_create=counts[Action.CREATE],
        to_update=counts[Action.UPDATE],
        unchanged=counts[Action.UNCHANGED],
        invalid=counts[Action.INVALID],
    )


def roster_import_reread(*, by, roster_import: RosterImport) -> None:
    """Read the same file again, for a fresh preview (the roster changed since)."""
    _check_owner(by, roster_import)
    with transaction.atomic():
        moved = RosterImport.objects.filter(
            pk=roster_import.pk, status=RosterImport.Status.READY
        ).update(status=RosterImport.Status.UPLOADED, error="", moved_at=timezone.now())
        if not moved or not roster_import.file:
            raise ValidationError(
                _("This file can no longer be read again; upload it again."),
                code="not_ready",
            )
        _enqueue_read(roster_import.pk)


# Saving --------------------------------------------------------------------------


def _check_owner(by, roster_import: RosterImport) -> None:
    if roster_import.created_by_id != by.pk or not permissions.may_import_into(
        by, roster_import.hamlet
    ):
        raise PermissionDenied


def roster_import_accept(*, by, roster_import: RosterImport) -> None:
    """Accept a preview: queue the saving of every new and changed household.

    Only the person who uploaded the file accepts it, while they still keep the
    hamlet. Raises ``ValidationError`` when the preview is not ready or has
    nothing to save.
    """
    _check_owner(by, roster_import)
    if not (roster_import.to_create or roster_import.to_update):
        raise ValidationError(
            _("Nothing to save: every household is already on the roster."),
            code="nothing",
        )
    with transaction.atomic():
        moved = RosterImport.objects.filter(
            pk=roster_import.pk, status=RosterImport.Status.READY
        ).update(status=RosterImport.Status.SAVING, error="", moved_at=timezone.now())
        if not moved:
            raise ValidationError(
                _("This import is not waiting to be accepted any more."),
                code="not_ready",
            )
        _enqueue_save(roster_import.pk)


def _enqueue_save(roster_import_id: int) -> None:
    from community_teams.tasks import roster_import_save_run

    roster_import_save_run.using(queue_name=QUEUE).enqueue(roster_import_id)


def _resident(member: dict, household: Household) -> Resident:
    resident = Resident(
        household=household,
        full_name=member["name"],
        birth_year=member["birth_year"],
        sex=member["sex"],
        phone=member["phone"],
    )
    resident.normalise()
    return resident


def _stale(message: str, names: list[str]) -> ValidationError:
    shown = ", ".join(names[:5]) + ("…" if len(names) > 5 else "")
    return ValidationError(
        _("Nothing was saved: %(reason)s (%(names)s). Read the file again.")
        % {"reason": message, "names": shown},
        code="stale",
    )


def _save(roster_import: RosterImport) -> tuple[list[int], list[int]]:
    """Write the accepted preview; returns the created and updated household ids."""
    hamlet = Hamlet.objects.select_for_update().get(pk=roster_import.hamlet_id)
    rows = roster_import.rows.filter(action__in=[Action.CREATE, Action.UPDATE])
    creates = list(rows.filter(action=Action.CREATE).order_by("line"))
    updates = list(rows.filter(action=Action.UPDATE).order_by("line"))
    households = {
        home.pk: home
        for home in Household.objects.select_for_update()
        .filter(pk__in=[row.household_id for row in updates])
        .prefetch_related("residents")
    }
    moved = [
        row.head_name
        for row in updates
        if row.household_id not in households
        or households[row.household_id].version != row.household_version
    ]
    if moved:
        raise _stale(_("these households changed after the preview"), moved)
    keys = {household_key(row.head_name, row.house_number): row for row in creates}
    added = list(
        Household.objects.filter(hamlet=hamlet, duplicate_key__in=list(keys))
        .values_list("head_name", flat=True)
        .order_by("pk")
    )
    if added:
        raise _stale(_("these households were added after the preview"), added)
    new_homes = []
    for row in creates:
        home = Household(
            hamlet=hamlet,
            house_number=row.house_number,
            head_name=row.head_name,
            phone=row.phone,
            created_by=roster_import.created_by,
        )
        home.normalise()
        new_homes.append(home)
    Household.objects.bulk_create(new_homes, batch_size=BATCH_SIZE)
    new_people = [
        _resident(member, home)
        for row, home in zip(creates, new_homes, strict=True)
        for member in row.members
    ]
    changed_homes, changed_people, gone = [], [], []
    for row in updates:
        home = households[row.household_id]
        for change in row.changes:
            setattr(home, change["field"], change["new"])
        home.version += 1
        home.updated_at = timezone.now()
        changed_homes.append(home)
        current = {resident.pk: resident for resident in home.residents.all()}
        for member in row.members:
            if member["change"] == "new":
                new_people.append(_resident(member, home))
            elif member["change"] == "update":
                resident = current.get(member["resident"])
                if resident is None or resident.erased_at is not None:
                    # Erased since the preview: never written back from a file.
                    gone.append(row.head_name)
                    continue
                for name in member["fields"]:
                    setattr(resident, name, member[name])
                changed_people.append(resident)
    if gone:
        raise _stale(
            _("people of these households were erased after the preview"), gone
        )
    Resident.objects.bulk_create(new_people, batch_size=BATCH_SIZE)
    Household.objects.bulk_update(
        changed_homes, ["phone", "version", "updated_at"], batch_size=BATCH_SIZE
    )
    Resident.objects.bulk_update(
        changed_people, ["birth_year", "sex", "phone"], batch_size=BATCH_SIZE
    )
    return [home.pk for home in new_homes], [home.pk for home in changed_homes]


def roster_import_save(*, roster_import_id: int) -> None:
    """Save an accepted preview in one transaction (the saving task's work).

    If any household to update changed since the preview, or a household to add
    appeared meanwhile, nothing is saved and the import says why.
    """
    try:
        with figures_kept():
            # Locked: a second task for the same import (one started again after
            # a stall) waits here, then finds it saved and does nothing.
            roster_import = (
                RosterImport.objects.select_for_update(of=("self",))
                .select_related("hamlet", "created_by")
                .filter(pk=roster_import_id, status=RosterImport.Status.SAVING)
                .first()
            )
            if roster_import is None:
                return
            now = timezone.now()
            created, updated = _save(roster_import)
            hamlets_changed(roster_import.hamlet_id)
            for action, ids in (
                (AuditEvent.Action.CREATE, created),
                (AuditEvent.Action.CHANGE, updated),
            ):
                if ids:
                    audit_record(
                        actor=roster_import.created_by,
                        action=action,
                        subject="household",
                        subject_ids=ids,
                        commune_id=roster_import.hamlet.commune_id,
                        detail=f"roster import {roster_import.pk}",
                    )
            RosterImport.objects.filter(pk=roster_import.pk).update(
                status=RosterImport.Status.DONE, saved_at=now, file=""
            )
            name = roster_import.file.name
            storage = roster_import.file.storage
            transaction.on_commit(lambda: storage.delete(name) if name else None)
    except ValidationError as error:
        RosterImport.objects.filter(pk=roster_import_id).update(
            status=RosterImport.Status.READY, error=" ".join(error.messages)
        )
    except Exception:
        logger.exception("Roster import %s could not be saved", roster_import_id)
        RosterImport.objects.filter(pk=roster_import_id).update(
            status=RosterImport.Status.READY,
            error=_("Saving stopped on an error; nothing was saved. Try again."),
        )
        raise


def roster_import_is_stalled(roster_import: RosterImport) -> bool:
    """Has a reading or saving task not moved for ``STALLED_AFTER``?"""
    return (
        roster_import.status
        in (RosterImport.Status.READING, RosterImport.Status.SAVING)
        and roster_import.moved_at < timezone.now() - STALLED_AFTER
    )


def roster_import_resume(*, by, roster_import: RosterImport) -> None:
    """Start a stalled import's task again (its worker stopped).

    Reading starts over; saving is one transaction, so a save that stopped left
    nothing behind and runs again whole. Raises ``ValidationError`` when the
    import is not stalled.
    """
    _check_owner(by, roster_import)
    if not roster_import_is_stalled(roster_import):
        raise ValidationError(
            _("This import is still moving; wait a little."), code="not_stalled"
        )
    with transaction.atomic():
        RosterImport.objects.filter(pk=roster_import.pk).update(moved_at=timezone.now())
        if roster_import.status == RosterImport.Status.SAVING:
            _enqueue_save(roster_import.pk)
        else:
            RosterImport.objects.filter(
                pk=roster_import.pk, status=RosterImport.Status.READING
            ).update(status=RosterImport.Status.UPLOADED)
            _enqueue_read(roster_import.pk)


def roster_import_discard(*, by, roster_import: RosterImport) -> None:
    """Drop an import that was not saved: its preview and its file."""
    _check_owner(by, roster_import)
    if roster_import.status in (RosterImport.Status.SAVING, RosterImport.Status.DONE):
        raise ValidationError(
            _("This import is being saved or was saved; it cannot be dropped."),
            code="saved",
        )
    _delete_file(roster_import)
    roster_import.delete()


def roster_imports_expire(*, now=None) -> int:
    """Delete the files and previews of imports uploaded more than a day ago.

    Run by a task queued a day after each upload, and at every upload. An import
    being saved is left alone. Returns how many imports expired.
    """
    cutoff = (now or timezone.now()) - KEEP_FOR
    old = RosterImport.objects.filter(created_at__lt=cutoff).exclude(
        status=RosterImport.Status.SAVING
    )
    expired = 0
    for roster_import in old.filter(~Q(file="") | Q(rows__isnull=False)).distinct():
        _delete_file(roster_import)
        RosterImportRow.objects.filter(roster_import=roster_import).delete()
        if roster_import.status != RosterImport.Status.DONE:
            roster_import.status = RosterImport.Status.EXPIRED
        roster_import.save(update_fields=["file", "status"])
        expired += 1
    return expired
