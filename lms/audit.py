"""The audit log of personal data: every read, export and change is written here.

Views that show or export residents, households or civil servants call
:func:`audit_record` once per response (a list page is one event naming the rows on
it), so the log grows with what people look at, not with the size of the data.
"""

from collections.abc import Iterable

from django.core.cache import cache
from django.db import connection
from django.db.models import QuerySet, TextField
from django.db.models.functions import Cast
from django.utils.translation import gettext_lazy as _

from lms.models import AuditEvent, Commune

# What the log's rows are about, as staff read it: a name for each kind of row,
# and the subjects the code writes for it.
SUBJECT_GROUPS = {
    "residents": (_("Residents"), ("resident",)),
    "households": (_("Households"), ("household",)),
    "civil-servants": (_("Civil servants"), ("civil servants", "staff_member")),
    "accounts": (_("Accounts"), ("user", "account", "my data", "consent")),
    "certificates": (_("Certificates"), ("certificate",)),
    "results": (_("Learners' results"), ("learner results", "external_completion")),
    "requests": (_("Personal-data requests"), ("data request",)),
    "breaches": (_("Personal-data breaches"), ("breach",)),
    "retention": (_("Retention of visits"), ("visit retention",)),
    "audit-log": (_("Audit log"), ("audit log",)),
}
_LABELS = {
    subject: label
    for label, subjects in SUBJECT_GROUPS.values()
    for subject in subjects
}


def _client_address(request) -> str | None:
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


def _province_of(commune_id) -> str | None:
    """The province of a commune, read once a day at most: communes do not move."""
    if commune_id is None:
        return None
    return cache.get_or_set(
        f"lms:commune-province:{commune_id}",
        lambda: (
            Commune.objects.filter(pk=commune_id)
            .values_list("province_id", flat=True)
            .first()
        ),
        timeout=24 * 3600,
    )


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
        province_id=_province_of(commune_id),
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


def subject_label(subject: str) -> str:
    return str(_LABELS.get(subject, subject))


def subject_choices() -> list[tuple[str, str]]:
    return [(key, label) for key, (label, _subjects) in SUBJECT_GROUPS.items()]


def events_about(events: QuerySet, group: str) -> QuerySet:
    """The events about one kind of row (a key of :data:`SUBJECT_GROUPS`)."""
    return events.filter(subject__in=SUBJECT_GROUPS[group][1])


def events_naming(events: QuerySet, record_id: int) -> QuerySet:
    """The events among ``events`` that name the row ``record_id``.

    On PostgreSQL this is JSON containment, which the GIN index on
    ``subject_ids`` answers (migration 0008); elsewhere the ids are matched in
    the column's text, which SQLite reads row by row.
    """
    key = str(record_id)
    if connection.vendor == "postgresql":
        return events.filter(subject_ids__contains=[key])
    return events.alias(ids_text=Cast("subject_ids", TextField())).filter(
        ids_text__contains=f'"{key}"'
    )
