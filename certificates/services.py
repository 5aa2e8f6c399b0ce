"""Issuing and revoking certificates, one at a time or in bulk.

:func:`certificate_issue` is how a certificate comes to exist: completing a course
online, a learner asking for a missed one and the ``issue_certificate`` command
call it; bulk issues (officials, team leaders) go through the same rendering and
saving, a batch at a time. Issuing is idempotent: a person has at most one
certificate per course (a database constraint), and issuing again returns the one
they have, revoked or not.

Bulk issues run in the background on the ``certificates`` task queue. Each person
is a :class:`~certificates.models.BulkIssueItem`; a task claims a batch of pending
items (rows locked with SKIP LOCKED, so several workers share the work), issues
them and commits, then enqueues itself again while items remain. A worker that
dies mid-batch rolls its batch back: the items stay pending for the next task, and
the constraint means nobody ever gets two certificates.
"""

import hashlib
from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone, translation
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from certificates import permissions
from certificates.codes import code_generate
from certificates.design import (
    BAD_IMAGE_MESSAGE,
    CERTIFICATE_LANGUAGE,
    Design,
    design_for,
    design_render,
)
from certificates.models import (
    BulkIssue,
    BulkIssueItem,
    Certificate,
    CertificateTemplate,
    SupersededPdf,
)
from community_teams.models import Resident
from lms.models import User
from lms.text import nfc

CERTIFICATE_QUEUE = "certificates"
# Items per transaction: large enough to amortise the task overhead, small enough
# that a batch commits within a second or two and progress moves visibly.
BATCH_SIZE = 50
# Tasks working on one bulk issue at once; more only helps with more workers.
PARALLEL_TASKS = 2
MAX_PEOPLE_PER_BULK_ISSUE = 20_000
# A running bulk issue whose last batch is older than this lost its workers.
STALLED_AFTER = timedelta(minutes=2)
_CODE_ATTEMPTS = 3


def certificate_issue_or_get(
    *,
    course,
    source: str,
    user: User | None = None,
    resident: Resident | None = None,
    issued_by: User | None = None,
    reason: str = "",
    issued_on: date | None = None,
) -> tuple[Certificate, bool]:
    """Issue ``course``'s certificate to ``user``; return it and whether it is new.

    The holder is ``user``, or ``resident``: someone a community team trained in
    person, who gets it in their account if they have one, and otherwise holds it
    as a resident until they sign up (the certificate is printed, verifiable and
    joins their account then). The PDF is rendered in Vietnamese from the course's
    published design, stored in media storage with its SHA-256, and never rendered
    again. ``issued_on`` is the date printed (today by default).

    Raises ``ValidationError`` when the course does not award certificates, the
    person has no full name to print, or the design's images cannot be read.
    """
    if user is None and resident is not None:
        user = resident.user
    if user is None and resident is None:
        raise TypeError("certificate_issue needs a user or a resident.")
    existing = _held(user=user, resident=resident, course_id=course.pk)
    if existing is not None:
        return existing, False
    _check_awards(course)
    with translation.override(CERTIFICATE_LANGUAGE):
        design = design_for(course=course)
    for _attempt in range(_CODE_ATTEMPTS):
        certificate = _certificate_build(
            user=user,
            resident=resident,
            course=course,
            design=design,
            source=source,
            issued_by=issued_by,
            reason=reason,
            issued_on=issued_on or timezone.localdate(),
        )
        saved, created = _certificate_save(certificate)
        if saved is not None:
            return saved, created
    raise RuntimeError("No free certificate code after several attempts.")


def _held(*, user, resident, course_id) -> Certificate | None:
    """The certificate of ``course_id`` the person holds already, as either."""
    holder = Q(pk__in=[])
    if user is not None:
        holder |= Q(user_id=user.pk)
    if resident is not None:
        holder |= Q(resident_id=resident.pk)
    return Certificate.objects.filter(holder, course_id=course_id).first()


def _check_awards(course) -> None:
    if not course.awards_certificate:
        raise ValidationError(
            _("The course “%(course)s” does not award certificates.")
            % {"course": course.title},
            code="no_certificate",
        )


def _certificate_build(
    *,
    user: User | None,
    resident: Resident | None,
    course,
    design: Design,
    source: str,
    issued_by: User | None,
    reason: str,
    issued_on: date,
) -> Certificate:
    """Render a new certificate and store its PDF; the row is not saved yet."""
    name = nfc((user.full_name if user else "") or (resident and resident.full_name))
    if not name:
        raise ValidationError(
            _(
                "%(person)s has no full name yet. The name is printed on the "
                "certificate: add it to the profile, then issue again."
            )
            % {"person": user.display_name if user else str(resident)},
            code="missing_name",
        )
    code = code_generate()
    course_title = nfc(course.title)
    try:
        with translation.override(CERTIFICATE_LANGUAGE):
            pdf = design_render(
                design=design,
                recipient_name=name,
                course_title=course_title,
                issued_on=issued_on,
                code=code,
            )
    except ValueError as error:
        # Lazy: read in the language of whoever sees it, not Vietnamese.
        raise ValidationError(BAD_IMAGE_MESSAGE, code="bad_design") from error
    certificate = Certificate(
        code=code,
        user=user,
        resident=resident,
        course_id=course.pk,
        recipient_name=name,
        course_title=course_title,
        issuer_name=design.issuer_name,
        signer_name=design.signer_name,
        signer_title=design.signer_title,
        issued_on=issued_on,
        issued_by=issued_by,
        source=source,
        reason=nfc(reason)[:255],
        language=CERTIFICATE_LANGUAGE,
        pdf_sha256=hashlib.sha256(pdf).hexdigest(),
    )
    certificate.pdf.save(f"{code}.pdf", ContentFile(pdf), save=False)
    return certificate


def _certificate_save(certificate: Certificate) -> tuple[Certificate | None, bool]:
    """Save a built certificate: (it, True), or (the one they had, False).

    (None, False) when its code was taken (once in billions): build another.
    """
    try:
        with transaction.atomic():
            certificate.save()
    except IntegrityError:
        certificate.pdf.delete(save=False)
        existing = _held(
            user=certificate.user,
            resident=certificate.resident,
            course_id=certificate.course_id,
        )
        return existing, False
    return certificate, True


def certificate_issue(
    *,
    course,
    source: str,
    user: User | None = None,
    resident: Resident | None = None,
    issued_by: User | None = None,
    reason: str = "",
    issued_on: date | None = None,
) -> Certificate:
    """Issue ``course``'s certificate to ``user`` (or ``resident``), or return theirs.

    See :func:`certificate_issue_or_get`, which also says whether it is new.
    """
    certificate, _created = certificate_issue_or_get(
        user=user,
        resident=resident,
        course=course,
        source=source,
        issued_by=issued_by,
        reason=reason,
        issued_on=issued_on,
    )
    return certificate


@transaction.atomic
def certificate_revoke(
    *, certificate: Certificate, revoked_by: User, reason: str
) -> Certificate:
    """Revoke a certificate; its verification page then says so, with the reason.

    Raises ``ValidationError`` without a reason or when it was already revoked.
    """
    reason = nfc(reason)
    if not reason:
        raise ValidationError(
            _("Say why the certificate is revoked; anyone who checks it sees this."),
            code="reason_required",
        )
    locked = Certificate.objects.select_for_update().get(pk=certificate.pk)
    if locked.revoked_at is not None:
        raise ValidationError(
            _("This certificate was already revoked on %(date)s.")
            % {"date": timezone.localtime(locked.revoked_at).strftime("%d/%m/%Y")},
            code="already_revoked",
        )
    locked.revoked_at = timezone.now()
    locked.revoked_by = revoked_by
    locked.revocation_reason = reason[:500]
    locked.save(update_fields=["revoked_at", "revoked_by", "revocation_reason"])
    return locked


def bulk_issue_create(
    *,
    created_by: User,
    course,
    people: QuerySet[User],
    reason: str = "",
    unmatched: list[dict] | None = None,
) -> BulkIssue:
    """Prepare a bulk issue for confirmation: the people, not yet issued.

    Only people ``created_by`` may certify are kept (see
    :mod:`certificates.permissions`); ``unmatched`` lists lines of an uploaded
    file that matched nobody, for the preview.

    Raises ``ValidationError`` when the course awards no certificate, nobody
    remains, or there are more than ``MAX_PEOPLE_PER_BULK_ISSUE`` people.
    """
    if not permissions.can_issue(created_by):
        raise ValidationError(_("You may not issue certificates."), code="not_allowed")
    _check_awards(course)
    ids = list(
        permissions.people_visible_to(created_by)
        .filter(pk__in=people.values("pk"))
        .order_by("pk")
        .values_list("pk", flat=True)[: MAX_PEOPLE_PER_BULK_ISSUE + 1]
    )
    if not ids:
        raise ValidationError(
            _("Choose at least one person to issue certificates to."),
            code="nobody",
        )
    if len(ids) > MAX_PEOPLE_PER_BULK_ISSUE:
        raise ValidationError(
            _("At most %(count)s people at a time; split the list.")
            % {"count": number_format(MAX_PEOPLE_PER_BULK_ISSUE, force_grouping=True)},
            code="too_many",
        )
    with transaction.atomic():
        bulk_issue = BulkIssue.objects.create(
            course=course,
            created_by=created_by,
            reason=nfc(reason)[:255],
            unmatched=unmatched or [],
        )
        BulkIssueItem.objects.bulk_create(
            [BulkIssueItem(bulk_issue=bulk_issue, user_id=pk) for pk in ids],
            batch_size=1000,
        )
    return bulk_issue


def bulk_issue_start(*, bulk_issue: BulkIssue, user: User) -> BulkIssue:
    """Confirm a prepared bulk issue and start issuing in the background.

    Raises ``ValidationError`` if it was started already or ``user`` did not
    prepare it.
    """
    if bulk_issue.created_by_id != user.pk:
        raise ValidationError(
            _("Only the person who prepared this list can start it."),
            code="not_yours",
        )
    with transaction.atomic():
        started = BulkIssue.objects.filter(
            pk=bulk_issue.pk, status=BulkIssue.Status.DRAFT
        ).update(
            status=BulkIssue.Status.RUNNING,
            started_at=timezone.now(),
            heartbeat_at=timezone.now(),
        )
        if not started:
            raise ValidationError(
                _("These certificates are already being issued."),
                code="already_started",
            )
        # The database task backend stores the tasks in this same transaction,
        # so no worker can pick them up before the status change is committed.
        _enqueue(bulk_issue.pk, PARALLEL_TASKS)
    bulk_issue.refresh_from_db()
    return bulk_issue


def bulk_issue_is_stalled(bulk_issue: BulkIssue) -> bool:
    return (
        bulk_issue.status == BulkIssue.Status.RUNNING
        and bulk_issue.heartbeat_at is not None
        and bulk_issue.heartbeat_at < timezone.now() - STALLED_AFTER
    )


def bulk_issue_resume(*, bulk_issue: BulkIssue) -> None:
    """Start tasks again for a bulk issue whose workers stopped.

    Safe to call any time: extra tasks find nothing to claim and end.
    """
    if bulk_issue.status != BulkIssue.Status.RUNNING:
        return
    with transaction.atomic():
        BulkIssue.objects.filter(pk=bulk_issue.pk).update(heartbeat_at=timezone.now())
        _enqueue(bulk_issue.pk, PARALLEL_TASKS)


def bulk_issue_continue(*, bulk_issue_id: int) -> None:
    """Queue the next batch of a running bulk issue (called by its task)."""
    _enqueue(bulk_issue_id, 1)


def _enqueue(bulk_issue_id: int, count: int) -> None:
    from certificates.tasks import bulk_issue_run

    task = bulk_issue_run.using(queue_name=CERTIFICATE_QUEUE)
    for _number in range(count):
        task.enqueue(bulk_issue_id)


def bulk_issue_process(*, bulk_issue_id: int, batch_size: int = BATCH_SIZE) -> bool:
    """Issue one batch of a bulk issue's pending people.

    Returns True when pending people remain and the caller should run again;
    False when the issue is finished or every remaining item is being issued
    by another task right now (that task carries on).
    """
    bulk_issue = (
        BulkIssue.objects.select_related("course", "created_by")
        .filter(pk=bulk_issue_id)
        .first()
    )
    if bulk_issue is None or bulk_issue.status != BulkIssue.Status.RUNNING:
        return False
    with transaction.atomic():
        items = list(
            BulkIssueItem.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(bulk_issue=bulk_issue, status=BulkIssueItem.Status.PENDING)
            .select_related("user")
            .order_by("pk")[:batch_size]
        )
        if items:
            _issue_items(items, bulk_issue)
            _items_save(items)
            BulkIssue.objects.filter(pk=bulk_issue.pk).update(
                heartbeat_at=timezone.now()
            )
    remaining = BulkIssueItem.objects.filter(
        bulk_issue=bulk_issue, status=BulkIssueItem.Status.PENDING
    ).exists()
    if not remaining:
        BulkIssue.objects.filter(
            pk=bulk_issue.pk, status=BulkIssue.Status.RUNNING
        ).update(status=BulkIssue.Status.DONE, finished_at=timezone.now())
    return bool(items) and remaining


def _items_save(items: list[BulkIssueItem]) -> None:
    """Store the outcome of a batch of items in one statement."""
    BulkIssueItem.objects.bulk_update(items, ["status", "certificate", "error"])


def _issue_items(items: list[BulkIssueItem], bulk_issue: BulkIssue) -> None:
    """Issue a batch: render every missing certificate, then save them together."""
    course = bulk_issue.course
    # People who already hold it are most of a repeated list: one query for all.
    held = {
        certificate.user_id: certificate
        for certificate in Certificate.objects.filter(
            course_id=course.pk, user_id__in=[item.user_id for item in items]
        )
    }
    try:
        _check_awards(course)
        with translation.override(CERTIFICATE_LANGUAGE):
            design = design_for(course=course)
    except ValidationError as error:
        for item in items:
            _item_failed(item, error)
        return
    issued_on = timezone.localdate()
    built: list[tuple[BulkIssueItem, Certificate]] = []
    for item in items:
        item.error = ""
        if item.user_id in held:
            item.certificate = held[item.user_id]
            item.status = BulkIssueItem.Status.EXISTING
            continue
        try:
            certificate = _certificate_build(
                user=item.user,
                resident=None,
                course=course,
                design=design,
                source=Certificate.Source.BULK,
                issued_by=bulk_issue.created_by,
                reason=bulk_issue.reason,
                issued_on=issued_on,
            )
        except ValidationError as error:
            _item_failed(item, error)
            continue
        built.append((item, certificate))
    try:
        with transaction.atomic():
            Certificate.objects.bulk_create([certificate for _, certificate in built])
    except IntegrityError:
        # Someone was issued one of these meanwhile (on completing the course, in
        # another bulk issue): save one by one, keeping theirs.
        for item, certificate in built:
            saved, created = _certificate_save(certificate)
            if saved is None:
                saved, created = certificate_issue_or_get(
                    user=item.user,
                    course=course,
                    source=Certificate.Source.BULK,
                    issued_by=bulk_issue.created_by,
                    reason=bulk_issue.reason,
                )
            _item_done(item, saved, created)
    else:
        for item, certificate in built:
            _item_done(item, certificate, True)


def _item_done(item: BulkIssueItem, certificate: Certificate, created: bool) -> None:
    item.certificate = certificate
    item.status = (
        BulkIssueItem.Status.ISSUED if created else BulkIssueItem.Status.EXISTING
    )


def _item_failed(item: BulkIssueItem, error: ValidationError) -> None:
    item.status = BulkIssueItem.Status.FAILED
    item.error = " ".join(error.messages)[:500]


# Reissuing with a design published later

# Up to this many are reissued while the editor waits; more go to the queue.
REISSUE_INLINE = 20


def certificates_before_design(*, template: CertificateTemplate) -> QuerySet:
    """Valid certificates of the course issued before its design was published.

    They carry the built-in design; :func:`design_reissue_start` makes them again.
    """
    if not template.live or template.first_published_at is None:
        return Certificate.objects.none()
    return Certificate.objects.filter(
        course_id=template.course_id,
        revoked_at__isnull=True,
        reissued_at__isnull=True,
        issued_at__lt=template.first_published_at,
    )


@transaction.atomic
def certificate_reissue(*, certificate: Certificate, by: User | None) -> Certificate:
    """Render ``certificate`` again with its course's published design.

    The code, name, course title and date stay; the earlier file is kept as a
    :class:`~certificates.models.SupersededPdf`. Raises ``ValidationError`` for a
    revoked certificate or a design whose images cannot be read.
    """
    locked = Certificate.objects.select_for_update().get(pk=certificate.pk)
    if locked.is_revoked:
        raise ValidationError(
            _("A revoked certificate is not reissued."), code="revoked"
        )
    try:
        with translation.override(CERTIFICATE_LANGUAGE):
            design = design_for(course=locked.course)
            pdf = design_render(
                design=design,
                recipient_name=locked.recipient_name,
                course_title=locked.course_title,
                issued_on=locked.issued_on,
                code=locked.code,
            )
    except ValueError as error:
        raise ValidationError(BAD_IMAGE_MESSAGE, code="bad_design") from error
    SupersededPdf.objects.create(
        certificate=locked,
        pdf=locked.pdf.name,
        pdf_sha256=locked.pdf_sha256,
        issuer_name=locked.issuer_name,
        replaced_by=by,
    )
    locked.pdf.save(f"{locked.code}.pdf", ContentFile(pdf), save=False)
    locked.pdf_sha256 = hashlib.sha256(pdf).hexdigest()
    locked.issuer_name = design.issuer_name
    locked.signer_name = design.signer_name
    locked.signer_title = design.signer_title
    locked.reissued_at = timezone.now()
    locked.save(
        update_fields=[
            "pdf",
            "pdf_sha256",
            "issuer_name",
            "signer_name",
            "signer_title",
            "reissued_at",
        ]
    )
    return locked


def design_reissue_start(*, template: CertificateTemplate, by: User) -> int:
    """Reissue the certificates made before ``template`` was published.

    A few are done at once, more in the background on the certificates queue.
    Returns how many were waiting.
    """
    waiting = certificates_before_design(template=template).count()
    if waiting == 0:
        raise ValidationError(
            _("No certificate of this course waits to be reissued."),
            code="nothing_to_reissue",
        )
    if waiting <= REISSUE_INLINE:
        design_reissue_process(template_id=template.pk, by_id=by.pk)
    else:
        from certificates.tasks import design_reissue_run

        transaction.on_commit(
            lambda: design_reissue_run.using(queue_name=CERTIFICATE_QUEUE).enqueue(
                template.pk, by.pk
            )
        )
    return waiting


def design_reissue_process(
    *, template_id: int, by_id: int, batch_size: int = BATCH_SIZE
) -> bool:
    """Reissue one batch; True while more wait (the task then runs again)."""
    template = CertificateTemplate.objects.get(pk=template_id)
    by = User.objects.filter(pk=by_id).first()
    waiting = certificates_before_design(template=template).order_by("pk")
    for certificate in waiting[:batch_size]:
        certificate_reissue(certificate=certificate, by=by)
    return certificates_before_design(template=template).exists()
