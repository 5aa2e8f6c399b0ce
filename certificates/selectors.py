"""Reads of certificates and bulk issues, for pages, the API and the ZIP export."""

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from certificates import permissions
from certificates.codes import code_normalize
from certificates.design import verification_url
from certificates.models import BulkIssue, BulkIssueItem, Certificate
from courses.models import Enrollment
from lms.models import User
from lms.text import fold


def name_mask(name: str) -> str:
    """Show a name without giving it away, e.g. "Nguyễn T. Á. Tuyết".

    The family name and the given name stay; the names between become initials.
    """
    words = name.split()
    if len(words) <= 2:
        return " ".join(words)
    return " ".join([words[0], *(f"{word[0]}." for word in words[1:-1]), words[-1]])


@dataclass(frozen=True)
class PublicCertificate:
    """What anyone who checks a code may learn about a certificate."""

    code: str
    revoked: bool
    recipient: str
    course_title: str
    issued_on: date
    issuer_name: str
    signer_name: str
    signer_title: str
    revoked_on: date | None
    revocation_reason: str

    @property
    def url(self) -> str:
        return verification_url(self.code)

    def as_json(self) -> dict:
        return {
            "code": self.code,
            "status": "revoked" if self.revoked else "valid",
            "recipient": self.recipient,
            "course": self.course_title,
            "issued_on": self.issued_on.isoformat(),
            "issuer": self.issuer_name,
            "signer": {"name": self.signer_name, "title": self.signer_title},
            "revoked_on": self.revoked_on.isoformat() if self.revoked_on else None,
            "revocation_reason": self.revocation_reason or None,
            "verification_url": self.url,
        }


_PUBLIC_FIELDS = (
    "code",
    "recipient_name",
    "course_title",
    "issued_on",
    "issuer_name",
    "signer_name",
    "signer_title",
    "revoked_at",
    "revocation_reason",
)


def verification_namespace(code: str) -> str:
    """What the cached verification page of ``code`` is versioned by."""
    return f"certificate:{code}"


def certificate_public_get(*, code: str) -> PublicCertificate | None:
    """The public facts of the certificate with this display-form code, or None."""
    row = Certificate.objects.filter(code=code).values(*_PUBLIC_FIELDS).first()
    if row is None:
        return None
    revoked_at = row["revoked_at"]
    return PublicCertificate(
        code=row["code"],
        revoked=revoked_at is not None,
        # A holder who deleted their account keeps a certificate without a name.
        recipient=name_mask(row["recipient_name"])
        or _("(name removed at the holder's request)"),
        course_title=row["course_title"],
        issued_on=row["issued_on"],
        issuer_name=row["issuer_name"],
        signer_name=row["signer_name"],
        signer_title=row["signer_title"],
        revoked_on=timezone.localdate(revoked_at) if revoked_at else None,
        revocation_reason=row["revocation_reason"],
    )


def _search_people(qs: QuerySet, query: str, path: str = "") -> QuerySet:
    for word in fold(query).split():
        qs = qs.filter(**{f"{path}search_key__contains": word})
    return qs


def people_list(*, viewer, query: str = "") -> QuerySet[User]:
    """People ``viewer`` may certify, matching every folded word of ``query``.

    Sorted by the folded name ("Đỗ" with "Do"), which an index gives in order.
    """
    return (
        _search_people(permissions.people_visible_to(viewer), query)
        .select_related("commune")
        .order_by("search_key", "pk")
    )


def certificate_list(
    *, viewer, query: str = "", course_id: int | None = None
) -> QuerySet[Certificate]:
    """Certificates of ``viewer``'s people; ``query`` is a code or name words.

    Sorted by the holder as the list of people is: newest first would make a
    commune that has issued nothing lately read through every certificate the
    province issued since.
    """
    qs = permissions.certificates_visible_to(viewer)
    if course_id:
        qs = qs.filter(course_id=course_id)
    code = code_normalize(query) if query.strip() else None
    if code:
        qs = qs.filter(code=code)
    else:
        qs = _search_people(qs, query, "user__")
    return qs.select_related("user").order_by("user__search_key", "user_id", "pk")


def holders_among(*, course_id: int, user_ids) -> set[int]:
    """Which of ``user_ids`` already hold ``course_id``'s certificate."""
    return set(
        Certificate.objects.filter(
            course_id=course_id, user_id__in=list(user_ids)
        ).values_list("user_id", flat=True)
    )


@dataclass(frozen=True)
class BulkIssueProgress:
    status: str
    total: int
    pending: int
    issued: int
    existing: int
    failed: int

    @property
    def processed(self) -> int:
        return self.total - self.pending

    @property
    def percent(self) -> int:
        return 100 if not self.total else (100 * self.processed) // self.total

    def as_json(self) -> dict:
        return {
            "status": self.status,
            "total": self.total,
            "processed": self.processed,
            "pending": self.pending,
            "issued": self.issued,
            "existing": self.existing,
            "failed": self.failed,
            "percent": self.percent,
        }


def bulk_issue_progress(*, bulk_issue: BulkIssue) -> BulkIssueProgress:
    counts = dict(
        BulkIssueItem.objects.filter(bulk_issue=bulk_issue)
        .values_list("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )
    status = (
        BulkIssue.objects.filter(pk=bulk_issue.pk)
        .values_list("status", flat=True)
        .first()
    )
    return BulkIssueProgress(
        status=status or bulk_issue.status,
        total=sum(counts.values()),
        pending=counts.get(BulkIssueItem.Status.PENDING, 0),
        issued=counts.get(BulkIssueItem.Status.ISSUED, 0),
        existing=counts.get(BulkIssueItem.Status.EXISTING, 0),
        failed=counts.get(BulkIssueItem.Status.FAILED, 0),
    )


def bulk_issue_items(
    *, bulk_issue: BulkIssue, status: str | None = None
) -> QuerySet[BulkIssueItem]:
    qs = BulkIssueItem.objects.filter(bulk_issue=bulk_issue)
    if status:
        qs = qs.filter(status=status)
    return qs.select_related("user", "user__commune", "certificate").order_by("pk")


def bulk_issue_holders_count(*, bulk_issue: BulkIssue) -> int:
    """How many people of a prepared bulk issue already hold the certificate."""
    return Certificate.objects.filter(
        course_id=bulk_issue.course_id,
        user_id__in=BulkIssueItem.objects.filter(bulk_issue=bulk_issue).values(
            "user_id"
        ),
    ).count()


def bulk_issue_list(*, viewer) -> QuerySet[BulkIssue]:
    return (
        permissions.bulk_issues_visible_to(viewer)
        .select_related("course")
        .annotate(people=Count("items"))
        .order_by("-created_at", "-pk")
    )


def learning_certificates(*, user, enrollments) -> dict[int, Certificate | bool]:
    """What "My learning" shows for each completed enrolment, by enrolment id.

    The certificate ``user`` holds for the course, or True where the course awards
    one that has not been issued yet; one query.
    """
    completed = {e.course_id: e for e in enrollments if e.completed_at}
    if not completed:
        return {}
    held = {
        certificate.course_id: certificate
        for certificate in Certificate.objects.filter(
            user=user, course_id__in=list(completed)
        ).only("code", "course_id", "revoked_at", "revocation_reason")
    }
    shown: dict[int, Certificate | bool] = {}
    for course_id, enrollment in completed.items():
        if course_id in held:
            shown[enrollment.pk] = held[course_id]
        elif enrollment.course.awards_certificate:
            shown[enrollment.pk] = True
    return shown


def certificates_beyond_learning(*, user) -> list[Certificate]:
    """``user``'s certificates "My learning" shows no course for: those given for
    training in person (or whose course is gone); one query."""
    completed = Enrollment.objects.filter(user=user, completed_at__isnull=False)
    return list(
        Certificate.objects.filter(user=user)
        .exclude(course_id__in=completed.values("course_id"))
        .only(
            "code",
            "course_title",
            "issued_on",
            "revoked_at",
            "revocation_reason",
            "recipient_name",
        )
        .order_by("-issued_on", "-pk")
    )
