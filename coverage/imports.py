"""Importing an agency's staff roster and training finished on other platforms:
upload, preview, accept, save, expire.

The work runs as tasks on the ``coverage`` queue (``coverage.import_tasks``), as the
household roster import does, so ten thousand rows neither hold a web worker nor
time out:

1. ``*_import_create`` keeps the uploaded file in the private storage and queues
   its reading;
2. ``*_import_preview`` (a task) reads it and writes one row per line of the file:
   what saving will do with it, or what is wrong and why;
3. ``*_import_accept`` queues ``*_import_save`` (a task), which writes every row
   to save in one transaction: all of it or none. What the preview decided is
   decided again inside that transaction; if anything moved since (a staff member
   changed, an account appeared, a record was added) nothing is saved and the
   import says which rows to look at;
4. the file is deleted when saved, and every import's file and preview a day after
   upload (:func:`coverage_imports_expire`).

A staff roster adds and corrects staff members of one agency and never removes
anyone. Each person saved gets an account: the one they already have (found by
phone number or email address) or a new one they sign in to with that phone
number (a code by SMS) or email address (a code by email).

Completion records name people by phone number or email address; only people the
official may see count (staff of the province's agencies and residents of its
communes): anyone else is "unknown", as is a number with no account at all, so
the preview tells nothing about accounts elsewhere.
"""

import datetime
import logging
import uuid
from collections import defaultdict
from dataclasses import dataclass

from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import make_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from community_teams.models import Skill
from courses.models import CoursePage
from coverage import signals
from coverage.completion_records import (
    COURSE,
    SKILL,
    CompletionRead,
    completion_records_read,
)
from coverage.models import (
    Agency,
    CompletionImport,
    CompletionImportRow,
    ExternalCompletion,
    ImportStatus,
    StaffImport,
    StaffImportRow,
    StaffMember,
)
from coverage.permissions import may_keep_agency, provinces_kept_by
from coverage.staff_roster import StaffRead, staff_roster_read
from lms.audit import audit_record
from lms.models import AuditEvent, Province, RoleChange, User
from lms.models.users import Role
from lms.services import role_grant_many
from lms.spreadsheets import cell_error, check_size
from lms.text import fold

logger = logging.getLogger(__name__)

QUEUE = "coverage"
# An upload, its preview and its file are kept this long at most.
KEEP_FOR = datetime.timedelta(days=1)
BATCH_SIZE = 1000
# Reading 10,000 rows takes seconds: a task silent this long lost its worker.
STALLED_AFTER = datetime.timedelta(minutes=10)

Status = ImportStatus
StaffAction = StaffImportRow.Action
Account = StaffImportRow.Account
CompletionAction = CompletionImportRow.Action


def _batches(values):
    values = list(values)
    for start in range(0, len(values), BATCH_SIZE):
        yield values[start : start + BATCH_SIZE]


# Stages both imports share ----------------------------------------------------


def _keep(item, data: bytes, read_task) -> None:
    """Store the upload with ``item`` and queue its reading, in one transaction."""
    check_size(data)
    coverage_imports_expire()
    with transaction.atomic():
        # The stored name says nothing of the agency or the people in it.
        item.file.save("upload", ContentFile(data), save=False)
        item.save()
        # The database task backend stores the task in this same transaction: no
        # worker reads the import before it is committed.
        _enqueue(read_task, item.pk)
        from coverage.import_tasks import coverage_imports_expire_run

        expire = coverage_imports_expire_run.using(queue_name=QUEUE)
        # A backend that cannot wait a day (the tests' immediate one) has nothing
        # to expire yet; every upload also expires what is due.
        if expire.get_backend().supports_defer:
            expire.using(run_after=timezone.now() + KEEP_FOR).enqueue()


def _enqueue(name: str, pk: int) -> None:
    from coverage import import_tasks

    getattr(import_tasks, name).using(queue_name=QUEUE).enqueue(pk)


def _delete_file(item) -> None:
    if item.file:
        item.file.delete(save=False)


def _claim(model, pk: int):
    """Move an uploaded import to "reading"; ``None`` if another task has it."""
    claimed = model.objects.filter(pk=pk, status=Status.UPLOADED).update(
        status=Status.READING, rows_read=0, error="", moved_at=timezone.now()
    )
    if not claimed:
        return None
    return model.objects.get(pk=pk)


def _read(model, item, reader):
    """What ``reader`` makes of the stored file, or ``None`` once the import is
    marked failed with the reason and its file deleted."""

    def progress(read, expected):
        model.objects.filter(pk=item.pk).update(
            rows_read=read, rows_total=expected, moved_at=timezone.now()
        )

    try:
        with item.file.open("rb") as stored:
            data = stored.read()
        return reader(data, on_progress=progress)
    except ValidationError as error:
        message = " ".join(error.messages)
    except FileNotFoundError:
        message = _("The uploaded file is no longer kept; upload it again.")
    except Exception:
        # A file the reader does not foresee: the person is told, the site logs it.
        logger.exception("%s %s could not be read", model.__name__, item.pk)
        message = _(
            "This file could not be read. Save it again as .xlsx or CSV UTF-8 and "
            "upload it; if it still fails, tell the site's administrators."
        )
    _delete_file(item)
    model.objects.filter(pk=item.pk).update(
        status=Status.FAILED, error=message, file=""
    )
    return None


def _reread(model, item, read_task: str) -> None:
    with transaction.atomic():
        moved = model.objects.filter(pk=item.pk, status=Status.READY).update(
            status=Status.UPLOADED, error="", moved_at=timezone.now()
        )
        if not moved or not item.file:
            raise ValidationError(
                _("This file can no longer be read again; upload it again."),
                code="not_ready",
            )
        _enqueue(read_task, item.pk)


def _accept(model, item, save_task: str) -> None:
    with transaction.atomic():
        moved = model.objects.filter(pk=item.pk, status=Status.READY).update(
            status=Status.SAVING, error="", moved_at=timezone.now()
        )
        if not moved:
            raise ValidationError(
                _("This import is not waiting to be accepted any more."),
                code="not_ready",
            )
        _enqueue(save_task, item.pk)


def _done(model, item, **counts) -> None:
    """Mark ``item`` saved; its file goes once the transaction commits."""
    model.objects.filter(pk=item.pk).update(
        status=Status.DONE, saved_at=timezone.now(), file="", **counts
    )
    name, storage = item.file.name, item.file.storage
    transaction.on_commit(lambda: storage.delete(name) if name else None)


def _save(model, pk: int, write) -> None:
    """Run ``write(item)`` on a saving import in one transaction, or put the
    import back to its preview with why nothing was saved."""
    try:
        with transaction.atomic():
            # Locked: a second task for the same import (one started again after
            # a stall, or a second accept that slipped through) waits here, then
            # finds it saved and does nothing.
            item = (
                model.objects.select_for_update(of=("self",))
                .select_related("created_by")
                .filter(pk=pk, status=Status.SAVING)
                .first()
            )
            if item is None:
                return
            write(item)
    except ValidationError as error:
        model.objects.filter(pk=pk).update(
            status=Status.READY, error=" ".join(error.messages)
        )
    except Exception:
        logger.exception("%s %s could not be saved", model.__name__, pk)
        model.objects.filter(pk=pk).update(
            status=Status.READY,
            error=_("Saving stopped on an error; nothing was saved. Try again."),
        )
        raise


def import_is_stalled(item) -> bool:
    """Has a reading or saving task not moved for ``STALLED_AFTER``?"""
    return (
        item.status in (Status.READING, Status.SAVING)
        and item.moved_at < timezone.now() - STALLED_AFTER
    )


def _resume(model, item, read_task: str, save_task: str) -> None:
    if not import_is_stalled(item):
        raise ValidationError(
            _("This import is still moving; wait a little."), code="not_stalled"
        )
    with transaction.atomic():
        model.objects.filter(pk=item.pk).update(moved_at=timezone.now())
        if item.status == Status.SAVING:
            _enqueue(save_task, item.pk)
        else:
            model.objects.filter(pk=item.pk, status=Status.READING).update(
                status=Status.UPLOADED
            )
            _enqueue(read_task, item.pk)


def _discard(item) -> None:
    if item.status in (Status.SAVING, Status.DONE):
        raise ValidationError(
            _("This import is being saved or was saved; it cannot be dropped."),
            code="saved",
        )
    _delete_file(item)
    item.delete()


def _stale(message: str, names: list[str]) -> ValidationError:
    shown = ", ".join(names[:5]) + ("…" if len(names) > 5 else "")
    return ValidationError(
        _("Nothing was saved: %(reason)s (%(names)s). Read the file again.")
        % {"reason": message, "names": shown},
        code="stale",
    )


def coverage_imports_expire(*, now=None) -> int:
    """Delete the files and previews of imports uploaded more than a day ago.

    Run by a task queued a day after each upload, and at every upload. An import
    being saved is left alone. Returns how many imports expired.
    """
    cutoff = (now or timezone.now()) - KEEP_FOR
    expired = 0
    for model in (StaffImport, CompletionImport):
        old = model.objects.filter(created_at__lt=cutoff).exclude(status=Status.SAVING)
        for item in old.filter(~Q(file="") | Q(rows__isnull=False)).distinct():
            _delete_file(item)
            item.rows.all().delete()
            if item.status != Status.DONE:
                item.status = Status.EXPIRED
            item.save(update_fields=["file", "status"])
            expired += 1
    return expired


# Staff rosters ------------------------------------------------------------------


def _check_staff_owner(by, staff_import: StaffImport) -> None:
    if staff_import.created_by_id != by.pk or not may_keep_agency(
        by, staff_import.agency
    ):
        raise PermissionDenied


def staff_import_create(*, by, agency: Agency, name: str, data: bytes) -> StaffImport:
    """Keep an uploaded staff roster for ``agency`` and queue its reading.

    Raises ``PermissionDenied`` unless ``by`` keeps the agency, and
    ``ValidationError`` for an empty file or one too large.
    """
    if not may_keep_agency(by, agency):
        raise PermissionDenied
    staff_import = StaffImport(agency=agency, created_by=by, file_name=name[-255:])
    _keep(staff_import, data, "staff_import_read")
    return staff_import


@dataclass
class _Known:
    """What the database holds about the people of a roster, read in batches."""

    agency: Agency
    by_phone: dict[str, StaffMember]
    by_email: dict[str, StaffMember]
    by_name: dict[str, list[StaffMember]]
    elsewhere_by_phone: dict[str, StaffMember]
    elsewhere_by_email: dict[str, StaffMember]
    users_by_phone: dict[str, dict]
    users_by_email: dict[str, dict]


def _known(agency: Agency, people: list[StaffRead]) -> _Known:
    phones = {person.phone for person in people if person.phone}
    emails = {person.email for person in people if person.email}
    staff = list(StaffMember.objects.filter(agency=agency).order_by("pk"))
    by_name = defaultdict(list)
    for member in staff:
        by_name[fold(member.full_name)].append(member)
    elsewhere_by_phone, elsewhere_by_email = {}, {}
    users_by_phone, users_by_email = {}, {}
    others = StaffMember.objects.exclude(agency=agency).select_related("agency")
    accounts = User.objects.values("pk", "phone", "email", "staff_member__pk")
    for batch in _batches(phones):
        for member in others.filter(phone__in=batch):
            elsewhere_by_phone.setdefault(member.phone, member)
        for account in accounts.filter(phone__in=batch):
            users_by_phone[account["phone"]] = account
    for batch in _batches(emails):
        for member in others.filter(email__in=batch):
            elsewhere_by_email.setdefault(member.email, member)
        for account in accounts.filter(email__in=batch).order_by("pk"):
            users_by_email.setdefault(account["email"], account)
        # An address added to an account later is kept by allauth alone.
        for address in (
            EmailAddress.objects.filter(email__in=batch)
            .exclude(user__email__in=batch)
            .values("email", "user_id")
            .order_by("pk")
        ):
            if address["email"] not in users_by_email:
                users_by_email[address["email"]] = accounts.get(pk=address["user_id"])
    return _Known(
        agency=agency,
        by_phone={m.phone: m for m in staff if m.phone},
        by_email={m.email: m for m in staff if m.email},
        by_name=by_name,
        elsewhere_by_phone=elsewhere_by_phone,
        elsewhere_by_email=elsewhere_by_email,
        users_by_phone=users_by_phone,
        users_by_email=users_by_email,
    )


def _elsewhere(known: _Known, member: StaffMember) -> str:
    """Where another staff member works, named only inside the same province."""
    if member.agency.province_id == known.agency.province_id:
        return member.agency.name
    return _("an agency of another province")


def _staff_changes(person: StaffRead, member: StaffMember) -> list[dict]:
    changes = [
        {"field": name, "old": getattr(member, name), "new": value}
        for name, value in (
            ("full_name", person.full_name),
            ("category", person.category),
            ("position", person.position),
            ("phone", person.phone),
            ("email", person.email),
        )
        # An empty cell keeps what is there: the import corrects, never erases.
        if value and value != getattr(member, name)
    ]
    if not member.active:
        changes.append({"field": "active", "old": False, "new": True})
    return changes


def _staff_row(person: StaffRead, known: _Known, matched: dict) -> StaffImportRow:
    errors = list(person.errors)

    def fail(value, message):
        errors.append(cell_error(person.line, None, value, message))

    by_phone = known.by_phone.get(person.phone) if person.phone else None
    by_email = known.by_email.get(person.email) if person.email else None
    member = by_phone or by_email
    if by_phone and by_email and by_phone.pk != by_email.pk:
        fail(
            person.email,
            _(
                "The phone number is that of %(phone_name)s and the email address "
                "that of %(email_name)s: two different people of this agency's "
                "staff."
            )
            % {"phone_name": by_phone.full_name, "email_name": by_email.full_name},
        )
    if member is None and person.full_name:
        namesakes = known.by_name.get(person.name_key, [])
        if len(namesakes) == 1:
            member = namesakes[0]
        elif namesakes:
            fail(
                person.full_name,
                _(
                    "%(count)s staff members of this agency have this name and none "
                    "has this phone number or email address; give the one they have."
                )
                % {"count": len(namesakes)},
            )
    if member is not None:
        if member.pk in matched:
            fail(
                person.full_name,
                _("Line %(line)s already matches this staff member (%(name)s).")
                % {"line": matched[member.pk], "name": member.full_name},
            )
        else:
            matched[member.pk] = person.line
    for value, other in (
        (person.phone, known.elsewhere_by_phone.get(person.phone)),
        (person.email, known.elsewhere_by_email.get(person.email)),
    ):
        if value and other is not None:
            fail(
                value,
                _("This belongs to %(name)s, on the staff of %(agency)s.")
                % {"name": other.full_name, "agency": _elsewhere(known, other)},
            )
    phone_account = known.users_by_phone.get(person.phone) if person.phone else None
    email_account = known.users_by_email.get(person.email) if person.email else None
    if phone_account and email_account and phone_account["pk"] != email_account["pk"]:
        fail(
            person.email,
            _(
                "The phone number and the email address belong to two different "
                "accounts."
            ),
        )
    account = phone_account or email_account
    user_id, how = None, Account.NEW
    if member is not None and member.user_id:
        user_id, how = member.user_id, Account.KEEP
        if account and account["pk"] != member.user_id:
            fail(
                person.phone or person.email,
                _(
                    "This phone number or email address belongs to another "
                    "account than the one this staff member has."
                ),
            )
    elif account is not None:
        user_id, how = account["pk"], Account.LINK
        linked = account["staff_member__pk"]
        if linked and (member is None or linked != member.pk):
            fail(
                person.phone or person.email,
                _(
                    "The account with this phone number or email address is already "
                    "joined to another staff member."
                ),
            )
    row = StaffImportRow(
        line=person.line,
        full_name=person.full_name,
        category=person.category,
        position=person.position,
        phone=person.phone,
        email=person.email,
        errors=errors,
        account=how,
        staff=member,
        user_id=user_id,
    )
    if errors:
        row.action = StaffAction.INVALID
        row.account = ""
    elif member is None:
        row.action = StaffAction.CREATE
    else:
        row.changes = _staff_changes(person, member)
        changed = row.changes or how != Account.KEEP
        row.action = StaffAction.UPDATE if changed else StaffAction.UNCHANGED
    return row


def _staff_rows(agency: Agency, people: list[StaffRead]) -> list[StaffImportRow]:
    """What saving would do with each person: one rule for the preview and the
    save, which decides again before it writes."""
    known = _known(agency, people)
    matched: dict[int, int] = {}
    return [_staff_row(person, known, matched) for person in people]


def staff_import_preview(*, staff_import_id: int) -> None:
    """Read an uploaded staff roster into its preview (the reading task's work).

    Changes no staff member. A file that cannot be used leaves the import failed
    with the reason, and its file deleted.
    """
    staff_import = _claim(StaffImport, staff_import_id)
    if staff_import is None:
        return
    roster = _read(StaffImport, staff_import, staff_roster_read)
    if roster is None:
        return
    rows = _staff_rows(staff_import.agency, roster.people)
    for row in rows:
        row.staff_import = staff_import
    counts = defaultdict(int)
    for row in rows:
        counts[row.action] += 1
    with transaction.atomic():
        StaffImportRow.objects.filter(staff_import=staff_import).delete()
        StaffImportRow.objects.bulk_create(rows, batch_size=BATCH_SIZE)
        StaffImport.objects.filter(pk=staff_import_id).update(
            status=Status.READY,
            rows_read=len(roster.people),
            rows_total=len(roster.people),
            lines=len(roster.people),
            ignored_columns=roster.ignored,
            to_create=counts[StaffAction.CREATE],
            to_update=counts[StaffAction.UPDATE],
            unchanged=counts[StaffAction.UNCHANGED],
            invalid=counts[StaffAction.INVALID],
        )


def staff_import_reread(*, by, staff_import: StaffImport) -> None:
    """Read the same file again, for a fresh preview (the staff changed since)."""
    _check_staff_owner(by, staff_import)
    _reread(StaffImport, staff_import, "staff_import_read")


def staff_import_accept(*, by, staff_import: StaffImport) -> None:
    """Accept a preview: queue the saving of every new and changed staff member.

    Only the person who uploaded the file accepts it, while they still keep the
    agency. Raises ``ValidationError`` when the preview is not ready (a second
    accept, say) or has nothing to save.
    """
    _check_staff_owner(by, staff_import)
    if staff_import.status == Status.READY and not (
        staff_import.to_create or staff_import.to_update
    ):
        raise ValidationError(
            _("Nothing to save: everyone is already on the staff as the file says."),
            code="nothing",
        )
    _accept(StaffImport, staff_import, "staff_import_save_run")


def _same_decision(stored: StaffImportRow, fresh: StaffImportRow) -> bool:
    return (
        fresh.action == stored.action
        and fresh.staff_id == stored.staff_id
        and fresh.user_id == stored.user_id
        and fresh.account == stored.account
        and fresh.changes == stored.changes
    )


def _new_account(row: StaffImportRow) -> User:
    """An account for someone who has none: signed in to by a code sent to the
    phone or the email address, never by a password."""
    return User(
        # People never see or type ``username``; it only has to be unique.
        username=f"u{uuid.uuid4().hex[:20]}",
        password=make_password(None),
        full_name=row.full_name,
        phone=row.phone or None,
        email=row.email,
        search_key=User.search_key_for(
            full_name=row.full_name, email=row.email, phone=row.phone
        ),
    )


def _write_staff(staff_import: StaffImport) -> None:
    agency = Agency.objects.select_for_update().get(pk=staff_import.agency_id)
    stored = list(
        staff_import.rows.filter(
            action__in=[StaffAction.CREATE, StaffAction.UPDATE]
        ).order_by("line")
    )
    people = [
        StaffRead(
            line=row.line,
            full_name=row.full_name,
            category=row.category,
            position=row.position,
            phone=row.phone,
            email=row.email,
        )
        for row in stored
    ]
    # Staff members of the agency are locked, then everything decided again.
    list(StaffMember.objects.select_for_update().filter(agency=agency).values("pk"))
    fresh = _staff_rows(agency, people)
    moved = [
        row.full_name
        for row, again in zip(stored, fresh, strict=True)
        if not _same_decision(row, again)
    ]
    if moved:
        raise _stale(_("these people changed on the platform after the preview"), moved)
    accounts = [_new_account(row) for row in fresh if row.account == Account.NEW]
    User.objects.bulk_create(accounts, batch_size=BATCH_SIZE)
    EmailAddress.objects.bulk_create(
        [
            EmailAddress(user=account, email=account.email, primary=True)
            for account in accounts
            if account.email
        ],
        batch_size=BATCH_SIZE,
    )
    new_accounts = iter(accounts)
    created, changed, joined = [], [], []
    for row in fresh:
        user_id = row.user_id
        if row.account == Account.NEW:
            user_id = next(new_accounts).pk
        if row.account != Account.KEEP:
            joined.append(user_id)
        if row.action == StaffAction.CREATE:
            member = StaffMember(
                agency=agency,
                full_name=row.full_name,
                category=row.category,
                position=row.position,
                phone=row.phone,
                email=row.email,
                user_id=user_id,
            )
            created.append(member)
        else:
            member = row.staff
            for change in row.changes:
                setattr(member, change["field"], change["new"])
            member.user_id = user_id
            changed.append(member)
        member.normalise()
    StaffMember.objects.bulk_create(created, batch_size=BATCH_SIZE)
    StaffMember.objects.bulk_update(
        changed,
        ["full_name", "category", "position", "phone", "email", "active", "user"]
        + ["search_key"],
        batch_size=BATCH_SIZE,
    )
    linked = set(joined) - {account.pk for account in accounts}
    people = list(accounts)
    for batch in _batches(linked):
        people.extend(User.objects.filter(pk__in=batch))
    # The server grants it (by=None): a province official gives no unscoped role
    # by hand; the audit event below names who imported the roster.
    role_grant_many(
        users=people, role=Role.CIVIL_SERVANT, by=None, via=RoleChange.Via.ADMIN
    )
    detail = f"staff import {staff_import.pk}"
    for action, subject, ids in (
        (AuditEvent.Action.CREATE, "staff_member", [m.pk for m in created]),
        (AuditEvent.Action.CHANGE, "staff_member", [m.pk for m in changed]),
        (AuditEvent.Action.CREATE, "user", [a.pk for a in accounts]),
    ):
        if ids:
            audit_record(
                actor=staff_import.created_by,
                action=action,
                subject=subject,
                subject_ids=ids,
                commune_id=agency.commune_id,
                detail=detail,
            )
    signals.staff_roster_imported.send(
        sender=StaffMember,
        agency_id=agency.pk,
        staff_ids=[m.pk for m in created + changed],
    )
    _done(
        StaffImport,
        staff_import,
        accounts_created=len(accounts),
        accounts_linked=len(joined) - len(accounts),
    )


def staff_import_save(*, staff_import_id: int) -> None:
    """Save an accepted staff preview in one transaction (the saving task's work).

    New staff members are added, those matched corrected, and everyone saved is
    joined to an account with the civil servant role. If anything the preview
    decided no longer holds, nothing is saved and the import says why.
    """
    _save(StaffImport, staff_import_id, _write_staff)


def staff_import_resume(*, by, staff_import: StaffImport) -> None:
    """Start a stalled import's task again (its worker stopped).

    Reading starts over; saving is one transaction, so a save that stopped left
    nothing behind and runs again whole. Raises ``ValidationError`` when the
    import is not stalled.
    """
    _check_staff_owner(by, staff_import)
    _resume(StaffImport, staff_import, "staff_import_read", "staff_import_save_run")


def staff_import_discard(*, by, staff_import: StaffImport) -> None:
    """Drop an import that was not saved: its preview and its file."""
    _check_staff_owner(by, staff_import)
    _discard(staff_import)


# Training finished elsewhere ----------------------------------------------------


def _check_completion_owner(by, completion_import: CompletionImport) -> None:
    if (
        completion_import.created_by_id != by.pk
        or not provinces_kept_by(by).filter(pk=completion_import.province_id).exists()
    ):
        raise PermissionDenied


def completion_import_create(
    *, by, province: Province, source: str, name: str, data: bytes
) -> CompletionImport:
    """Keep an uploaded export of completions for ``province`` and queue its
    reading.

    Raises ``PermissionDenied`` unless ``by`` keeps the province, and
    ``ValidationError`` for an unknown platform, an empty file or one too large.
    """
    if not provinces_kept_by(by).filter(pk=province.pk).exists():
        raise PermissionDenied
    if source not in ExternalCompletion.Source.values:
        raise ValidationError(_("Choose the platform the file comes from."))
    completion_import = CompletionImport(
        province=province, source=source, created_by=by, file_name=name[-255:]
    )
    _keep(completion_import, data, "completion_import_read")
    return completion_import


def people_in_province(province_id: str):
    """Accounts an official of the province may name in a completion import: the
    staff of its agencies and the residents of its communes."""
    return User.objects.filter(
        Q(staff_member__agency__province_id=province_id)
        | Q(commune__province_id=province_id)
    )


@dataclass
class _Trainings:
    courses_by_title: dict[str, list[int]]
    courses_by_slug: dict[str, list[int]]
    skills_by_code: dict[str, int]
    skills_by_name: dict[str, list[int]]
    titles: dict[tuple[str, int], str]

    @classmethod
    def read(cls) -> "_Trainings":
        by_title, by_slug, by_name = (defaultdict(list) for _n in range(3))
        by_code, titles = {}, {}
        for pk, title, slug in CoursePage.objects.values_list("pk", "title", "slug"):
            by_title[fold(title)].append(pk)
            by_slug[slug.lower()].append(pk)
            titles[COURSE, pk] = title
        for pk, code, name in Skill.objects.values_list("pk", "code", "name"):
            by_code[code.lower()] = pk
            by_name[fold(name)].append(pk)
            titles[SKILL, pk] = name
        return cls(by_title, by_slug, by_code, by_name, titles)

    def course(self, text: str) -> list[int]:
        return self.courses_by_title.get(fold(text)) or self.courses_by_slug.get(
            text.strip().lower(), []
        )

    def skill(self, text: str) -> list[int]:
        code = self.skills_by_code.get(text.strip().lower())
        return [code] if code else self.skills_by_name.get(fold(text), [])

    def find(self, record: CompletionRead) -> tuple[str, list[int]]:
        """The kind ("course" or "skill") and the ids the record's text names."""
        lookups = [(COURSE, self.course), (SKILL, self.skill)]
        if record.training_field != COURSE:
            lookups.reverse()
        for kind, lookup in lookups:
            found = lookup(record.training)
            if found:
                return kind, found
        return "", []


def _completion_people(province_id: str, records) -> tuple[dict, dict]:
    phones = {record.phone for record in records if record.phone}
    emails = {record.email for record in records if record.email}
    in_scope = people_in_province(province_id)
    by_phone, by_email = {}, {}
    for batch in _batches(phones):
        for pk, phone in in_scope.filter(phone__in=batch).values_list("pk", "phone"):
            by_phone[phone] = pk
    for batch in _batches(emails):
        for pk, email in (
            in_scope.filter(email__in=batch).values_list("pk", "email").order_by("pk")
        ):
            by_email.setdefault(email, pk)
        for pk, email in (
            in_scope.filter(emailaddress__email__in=batch)
            .values_list("pk", "emailaddress__email")
            .order_by("pk")
        ):
            by_email.setdefault(email, pk)
    return by_phone, by_email


def _recorded(user_ids) -> dict[tuple[int, str, int], ExternalCompletion]:
    found = {}
    for batch in _batches(set(user_ids)):
        for record in ExternalCompletion.objects.filter(user_id__in=batch):
            if record.course_id:
                found[record.user_id, COURSE, record.course_id] = record
            if record.skill_id:
                found[record.user_id, SKILL, record.skill_id] = record
    return found


# Of the kinds of row a record can be, the one the preview files it under.
_COMPLETION_PRIORITY = (
    CompletionAction.INVALID,
    CompletionAction.UNKNOWN_PERSON,
    CompletionAction.UNKNOWN_TRAINING,
    CompletionAction.BAD_DATE,
    CompletionAction.DUPLICATE,
)


def _completion_row(
    record: CompletionRead,
    user_id: int | None,
    email_user_id: int | None,
    trainings: _Trainings,
    recorded: dict,
    seen: dict,
) -> CompletionImportRow:
    errors = list(record.errors)
    kinds = set()

    def fail(value, message, kind):
        errors.append(cell_error(record.line, None, value, message))
        kinds.add(kind)

    if record.other_errors or record.person_errors or record.training_errors:
        kinds.add(CompletionAction.INVALID)
    if record.date_errors:
        kinds.add(CompletionAction.BAD_DATE)
    if record.person_errors:
        user_id = None
    elif user_id is None:
        fail(
            record.person,
            _(
                "No account of a staff member or resident of this province has "
                "this phone number or email address."
            ),
            CompletionAction.UNKNOWN_PERSON,
        )
    elif email_user_id and email_user_id != user_id:
        fail(
            record.person,
            _("The phone number and the email address belong to two different people."),
            CompletionAction.INVALID,
        )
    kind, found = "", []
    if not record.training_errors:
        kind, found = trainings.find(record)
        if not found:
            fail(
                record.training,
                _("No course or skill on the platform has this name or code."),
                CompletionAction.UNKNOWN_TRAINING,
            )
        elif len(found) > 1:
            fail(
                record.training,
                _(
                    "Several courses or skills have this name; write the course's "
                    "web address name (slug) or the skill's code."
                ),
                CompletionAction.UNKNOWN_TRAINING,
            )
    training_id = found[0] if len(found) == 1 else None
    if user_id and training_id and not kinds:
        key = (user_id, kind, training_id)
        earlier = recorded.get(key)
        if earlier is not None:
            fail(
                record.training,
                _("Already recorded: finished on %(date)s (%(source)s).")
                % {
                    "date": earlier.completed_on.strftime("%d/%m/%Y"),
                    "source": earlier.get_source_display(),
                },
                CompletionAction.DUPLICATE,
            )
        elif key in seen:
            fail(
                record.training,
                _("The same person and training are already on line %(line)s.")
                % {"line": seen[key]},
                CompletionAction.DUPLICATE,
            )
        else:
            seen[key] = record.line
    action = next(
        (kind for kind in _COMPLETION_PRIORITY if kind in kinds),
        CompletionAction.IMPORT,
    )
    return CompletionImportRow(
        line=record.line,
        action=action,
        person=record.person,
        name=record.name,
        training=(
            trainings.titles[kind, training_id] if training_id else record.training
        ),
        completed_on=record.completed_on,
        evidence=record.evidence,
        errors=errors,
        # Only an account the official may see is ever named.
        user_id=user_id,
        course_id=training_id if kind == COURSE else None,
        skill_id=training_id if kind == SKILL else None,
    )


def _completion_rows(province_id: str, records) -> list[CompletionImportRow]:
    """What saving would do with each record of the file."""
    by_phone, by_email = _completion_people(province_id, records)
    trainings = _Trainings.read()
    people = []
    for record in records:
        by_this_phone = by_phone.get(record.phone) if record.phone else None
        by_this_email = by_email.get(record.email) if record.email else None
        people.append((by_this_phone or by_this_email, by_this_email))
    recorded = _recorded(user_id for user_id, _email in people if user_id)
    seen: dict[tuple[int, str, int], int] = {}
    return [
        _completion_row(record, user_id, email_user_id, trainings, recorded, seen)
        for record, (user_id, email_user_id) in zip(records, people, strict=True)
    ]


def completion_import_preview(*, completion_import_id: int) -> None:
    """Read an uploaded export into its preview (the reading task's work).

    Records nothing. A file that cannot be used leaves the import failed with the
    reason, and its file deleted.
    """
    completion_import = _claim(CompletionImport, completion_import_id)
    if completion_import is None:
        return
    read = _read(CompletionImport, completion_import, completion_records_read)
    if read is None:
        return
    rows = _completion_rows(completion_import.province_id, read.records)
    counts = defaultdict(int)
    for row in rows:
        row.completion_import = completion_import
        counts[row.action] += 1
    with transaction.atomic():
        CompletionImportRow.objects.filter(completion_import=completion_import).delete()
        CompletionImportRow.objects.bulk_create(rows, batch_size=BATCH_SIZE)
        CompletionImport.objects.filter(pk=completion_import_id).update(
            status=Status.READY,
            rows_read=len(rows),
            rows_total=len(rows),
            lines=len(rows),
            ignored_columns=read.ignored,
            to_import=counts[CompletionAction.IMPORT],
            duplicates=counts[CompletionAction.DUPLICATE],
            unknown_people=counts[CompletionAction.UNKNOWN_PERSON],
            unknown_trainings=counts[CompletionAction.UNKNOWN_TRAINING],
            bad_dates=counts[CompletionAction.BAD_DATE],
            invalid=counts[CompletionAction.INVALID],
        )


def completion_import_reread(*, by, completion_import: CompletionImport) -> None:
    """Read the same file again, for a fresh preview."""
    _check_completion_owner(by, completion_import)
    _reread(CompletionImport, completion_import, "completion_import_read")


def completion_import_accept(*, by, completion_import: CompletionImport) -> None:
    """Accept a preview: queue the recording of every row to import.

    Raises ``ValidationError`` when the preview is not ready (a second accept,
    say) or has nothing to import.
    """
    _check_completion_owner(by, completion_import)
    if completion_import.status == Status.READY and not completion_import.to_import:
        raise ValidationError(
            _("Nothing to import: no row of the file can be recorded."),
            code="nothing",
        )
    _accept(CompletionImport, completion_import, "completion_import_save_run")


def _write_completions(completion_import: CompletionImport) -> None:
    stored = list(
        completion_import.rows.filter(action=CompletionAction.IMPORT).order_by("line")
    )
    province_id = completion_import.province_id
    visible = set()
    for batch in _batches({row.user_id for row in stored if row.user_id}):
        visible.update(
            people_in_province(province_id)
            .filter(pk__in=batch)
            .values_list("pk", flat=True)
        )
    recorded = _recorded(visible)
    moved = []
    for row in stored:
        kind, training_id = (
            (COURSE, row.course_id) if row.course_id else (SKILL, row.skill_id)
        )
        if (
            row.user_id not in visible
            or training_id is None
            or (row.user_id, kind, training_id) in recorded
        ):
            moved.append(row.name or row.person)
    if moved:
        raise _stale(
            _("these records were added, or these people moved, after the preview"),
            moved,
        )
    now = timezone.now()
    records = [
        ExternalCompletion(
            user_id=row.user_id,
            course_id=row.course_id,
            skill_id=row.skill_id,
            completed_on=row.completed_on,
            source=completion_import.source,
            evidence=row.evidence,
            imported_by=completion_import.created_by,
            imported_at=now,
        )
        for row in stored
    ]
    ExternalCompletion.objects.bulk_create(records, batch_size=BATCH_SIZE)
    audit_record(
        actor=completion_import.created_by,
        action=AuditEvent.Action.CREATE,
        subject="external_completion",
        subject_ids=[record.pk for record in records],
        detail=f"completion import {completion_import.pk}",
    )
    signals.external_completions_recorded.send(
        sender=ExternalCompletion,
        user_ids=sorted({record.user_id for record in records}),
    )
    _done(CompletionImport, completion_import)


def completion_import_save(*, completion_import_id: int) -> None:
    """Record an accepted preview in one transaction (the saving task's work).

    If a record was added meanwhile, or a person left the province, nothing is
    recorded and the import says why.
    """
    _save(CompletionImport, completion_import_id, _write_completions)


def completion_import_resume(*, by, completion_import: CompletionImport) -> None:
    """Start a stalled import's task again (its worker stopped)."""
    _check_completion_owner(by, completion_import)
    _resume(
        CompletionImport,
        completion_import,
        "completion_import_read",
        "completion_import_save_run",
    )


def completion_import_discard(*, by, completion_import: CompletionImport) -> None:
    """Drop an import that was not saved: its preview and its file."""
    _check_completion_owner(by, completion_import)
    _discard(completion_import)
