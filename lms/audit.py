"""The audit log of personal data: every read, export and change is written here.

Views that show or export residents, households or civil servants call
:func:`audit_record` once per response (a list page is one event naming the rows on
it), so the log grows with what people look at, not with the size of the data.
"""

from collections.abc import Iterable

from lms.models import AuditEvent


def _client_address(request) -> str | None:
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


def audit_record(
    *,
    actor,
    action: str,
    subject: str,
    subject_ids: Iterable = (),
    commune_id: str | None = None,
    detail: str = "",
    request=None,
) -> AuditEvent:
    """Write one event: ``actor`` did ``action`` on ``subject`` rows ``subject_ids``.

    ``action`` is an :class:`~lms.models.AuditEvent.Action`; ``commune_id`` is where
    the data lives (``None`` when it spans communes).
    """
    return AuditEvent.objects.create(
        actor=actor if actor is not None and actor.is_authenticated else None,
        actor_name=(
            (actor.full_name or actor.get_username())
            if actor is not None and actor.is_authenticated
            else ""
        ),
        action=action,
        subject=subject,
        subject_ids=[str(pk) for pk in subject_ids],
        commune_id=commune_id,
        detail=detail[:300],
        ip_address=_client_address(request),
    )
