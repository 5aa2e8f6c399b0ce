"""Writes about personal data: a person's consent and account, the requests staff
enter for people, and the register of breaches."""

from datetime import timedelta

from allauth.account.models import EmailAddress
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from certificates.models import Certificate
from certificates.services import certificate_revoke
from community_teams.models import Consent, Resident
from lms.audit import audit_record
from lms.models import AuditEvent
from lms.privacy_notice import notice_version_current
from lms.text import nfc
from privacy.calendar import working_days_add
from privacy.models import Breach, DataRequest
from privacy.permissions import (
    breaches_visible_to,
    communes_for_requests,
    data_requests_visible_to,
    provinces_for_breaches,
)

# Law 91/2025/QH15: a data subject's request is answered within 2 working days.
ANSWER_WORKING_DAYS = 2


def account_consent_record(*, user, given: bool, method: str, request=None) -> Consent:
    """Add an entry to the consent ledger for ``user``'s own account.

    The entry names the notice version in force; it is the person's own answer,
    so they are the one who recorded it.
    """
    with transaction.atomic():
        consent = Consent.objects.create(
            user=user,
            purpose=Consent.Purpose.ACCOUNT,
            policy_version=notice_version_current(),
            action=Consent.Action.GIVEN if given else Consent.Action.WITHDRAWN,
            method=method,
            recorded_by=user,
        )
        audit_record(
            actor=user,
            action=AuditEvent.Action.CREATE,
            subject="consent",
            subject_ids=[consent.pk],
            commune_id=user.commune_id,
            detail=consent.get_action_display(),
            request=request,
        )
    return consent


CERTIFICATES_KEEP = "keep"
CERTIFICATES_REVOKE = "revoke"


def account_delete(*, user, certificates: str, request=None) -> None:
    """Delete ``user``'s account by anonymising it; nobody can log in to it again.

    Name, phone, email and birth year are removed, the password made unusable and
    the account closed. Learning records stay, pointing at the anonymous account,
    so coverage figures stay right; a resident record the teams keep is no longer
    linked to it. Certificates lose the name and their PDF (which prints it):
    with ``certificates="keep"`` they stay verifiable as issued, with
    ``"revoke"`` they are revoked. The account consent is withdrawn.
    """
    if certificates not in (CERTIFICATES_KEEP, CERTIFICATES_REVOKE):
        raise ValidationError(
            _("Choose what happens to your certificates."), code="certificates"
        )
    with transaction.atomic():
        held = list(
            Certificate.objects.filter(user=user).prefetch_related("superseded_pdfs")
        )
        for certificate in held:
            if certificates == CERTIFICATES_REVOKE and certificate.revoked_at is None:
                certificate = certificate_revoke(
                    certificate=certificate,
                    revoked_by=user,
                    reason=_(
                        "Revoked at the holder's request when the account was deleted."
                    ),
                )
            for old in certificate.superseded_pdfs.all():
                old.pdf.delete(save=False)
            certificate.pdf.delete(save=False)
        Certificate.objects.filter(user=user).update(recipient_name="", pdf="")
        Resident.objects.filter(user=user).update(user=None)
        account_consent_record(
            user=user, given=False, method=Consent.Method.ONLINE, request=request
        )
        EmailAddress.objects.filter(user=user).delete()
        user.full_name = ""
        user.phone = None
        user.phone_verified = False
        user.email = ""
        user.birth_year = None
        user.is_active = False
        user.set_unusable_password()
        user.save()
        audit_record(
            actor=user,
            action=AuditEvent.Action.ERASE,
            subject="account",
            subject_ids=[user.pk],
            commune_id=user.commune_id,
            detail=certificates,
            request=request,
        )


def data_request_create(
    *,
    by,
    commune,
    kind: str,
    person_name: str,
    identity_check: str,
    contact: str = "",
    details: str = "",
    request=None,
) -> DataRequest:
    """Enter a request on a person's behalf; it is due in 2 working days.

    Raises ``ValidationError`` when ``by`` may not enter requests for ``commune``.
    """
    if not communes_for_requests(by).filter(pk=commune.pk).exists():
        raise ValidationError(
            _("You can enter requests only for the communes you work for."),
            code="commune",
        )
    received_on = timezone.localdate()
    data_request = DataRequest.objects.create(
        kind=kind,
        commune=commune,
        person_name=nfc(person_name).strip(),
        contact=nfc(contact).strip(),
        identity_check=identity_check,
        details=nfc(details).strip(),
        received_on=received_on,
        due_on=working_days_add(received_on, ANSWER_WORKING_DAYS),
        received_by=by,
    )
    audit_record(
        actor=by,
        action=AuditEvent.Action.CREATE,
        subject="data request",
        subject_ids=[data_request.pk],
        commune_id=commune.pk,
        request=request,
    )
    return data_request


def data_request_answer(*, by, data_request: DataRequest, answer: str, request=None):
    """Record the answer given to the person. Raises ``ValidationError`` when
    ``by`` may not work this request, the answer is empty or already given."""
    answer = nfc(answer).strip()
    if not data_requests_visible_to(by).filter(pk=data_request.pk).exists():
        raise ValidationError(_("This request is not one of yours."), code="scope")
    if not answer:
        raise ValidationError(_("Write the answer given to the person."), code="empty")
    with transaction.atomic():
        locked = DataRequest.objects.select_for_update().get(pk=data_request.pk)
        if locked.answered_on is not None:
            raise ValidationError(
                _("This request was already answered."), code="answered"
            )
        locked.answer = answer
        locked.answered_on = timezone.localdate()
        locked.answered_by = by
        locked.save(update_fields=["answer", "answered_on", "answered_by"])
    audit_record(
        actor=by,
        action=AuditEvent.Action.CHANGE,
        subject="data request",
        subject_ids=[locked.pk],
        commune_id=locked.commune_id,
        request=request,
    )
    return locked


# A clock a few minutes ahead of the server's is not "the future".
CLOCK_SLACK = timedelta(minutes=5)


def breach_record(
    *,
    by,
    province,
    commune,
    summary: str,
    data_concerned: str,
    people_concerned: str,
    people_count: int,
    discovered_at,
    measures: str = "",
    request=None,
) -> Breach:
    """Put an incident on the register; the authority is due a notification within
    72 hours of ``discovered_at``.

    ``commune`` is None for an incident of the whole province, which only a province
    official (or a superuser) may record. Raises ``ValidationError`` when ``by`` may
    not record for that place or ``discovered_at`` is still to come.
    """
    if commune is not None:
        allowed = communes_for_requests(by).filter(pk=commune.pk).exists()
        allowed = allowed and commune.province_id == province.pk
    else:
        allowed = provinces_for_breaches(by).filter(pk=province.pk).exists()
    if not allowed:
        raise ValidationError(
            _("You can record breaches only for the places you work for."),
            code="scope",
        )
    if discovered_at > timezone.now() + CLOCK_SLACK:
        raise ValidationError(
            _("The time it was discovered cannot be in the future."), code="future"
        )
    breach = Breach.objects.create(
        province=province,
        commune=commune,
        summary=nfc(summary).strip(),
        data_concerned=nfc(data_concerned).strip(),
        people_concerned=nfc(people_concerned).strip(),
        people_count=people_count,
        discovered_at=discovered_at,
        measures=nfc(measures).strip(),
        recorded_by=by,
    )
    audit_record(
        actor=by,
        action=AuditEvent.Action.CREATE,
        subject="breach",
        subject_ids=[breach.pk],
        commune_id=breach.commune_id,
        request=request,
    )
    return breach


def breach_notify(
    *,
    by,
    breach: Breach,
    authority: str,
    notification_text: str,
    informed: str,
    notified_at,
    request=None,
) -> Breach:
    """Record the notification sent to the authority, once. Raises
    ``ValidationError`` when ``by`` may not work this breach, it was already
    notified, or the time is before the discovery or still to come."""
    if not breaches_visible_to(by).filter(pk=breach.pk).exists():
        raise ValidationError(_("This breach is not one of yours."), code="scope")
    if notified_at > timezone.now() + CLOCK_SLACK:
        raise ValidationError(
            _("The time of the notification cannot be in the future."),
            code="future",
        )
    with transaction.atomic():
        locked = Breach.objects.select_for_update().get(pk=breach.pk)
        if locked.notified_at is not None:
            raise ValidationError(
                _("The notification of this breach is already recorded."),
                code="notified",
            )
        if notified_at < locked.discovered_at:
            raise ValidationError(
                _("The notification cannot come before the breach was discovered."),
                code="before",
            )
        locked.authority = nfc(authority).strip()
        locked.notification_text = nfc(notification_text).strip()
        locked.informed = nfc(informed).strip()
        locked.notified_at = notified_at
        locked.notified_by = by
        locked.save(
            update_fields=[
                "authority",
                "notification_text",
                "informed",
                "notified_at",
                "notified_by",
            ]
        )
    audit_record(
        actor=by,
        action=AuditEvent.Action.CHANGE,
        subject="breach",
        subject_ids=[locked.pk],
        commune_id=locked.commune_id,
        detail="notified",
        request=request,
    )
    return locked
