"""Reads of the privacy notice's versions and of what the platform holds on a person."""

from django.db.models import F, Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from certificates.models import Certificate
from community_teams.models import Consent, Guidance, Resident
from courses.models import Enrollment, LessonProgress
from h5p.models import H5PResult
from lms.content_version import ContentMemo, content_version
from privacy.models import PrivacyNoticeVersion
from privacy.permissions import breaches_visible_to, data_requests_visible_to
from quizzes.models import Attempt

NOTICE_KEY = "current"

# The notice in force as this process last read it: a new version moves the
# content version (privacy/apps.py).
notices = ContentMemo()


def notice_current() -> dict:
    """``{"number": n, "required": m}``: the latest version, and the latest one that
    needed new consent (the first version always does); both ``None`` before any
    notice is published. Read on every page a signed-in person opens: each process
    reads it once per change of content."""
    version = content_version()
    current = notices.get(version, NOTICE_KEY)
    if current is None:
        figures = PrivacyNoticeVersion.objects.aggregate(
            latest=Max("number"),
            required=Max("number", filter=Q(needs_new_consent=True)),
        )
        number = figures["latest"]
        current = {
            "number": number,
            "required": figures["required"] or (1 if number else None),
        }
        notices.put(version, NOTICE_KEY, current, 1)
    return current


def notice_version_label() -> str | None:
    number = notice_current()["number"]
    return str(number) if number else None


def notice_version_list():
    return PrivacyNoticeVersion.objects.only(
        "number", "title", "needs_new_consent", "published_at"
    )


def notice_version_get(number: int) -> PrivacyNoticeVersion | None:
    return PrivacyNoticeVersion.objects.filter(number=number).first()


def notice_version_latest() -> PrivacyNoticeVersion | None:
    return PrivacyNoticeVersion.objects.first()


def _version_number(label: str) -> int:
    # Versions before the notice was a page were labels such as "2026-01".
    return int(label) if label.isdigit() else 0


def account_consent_latest(user) -> Consent | None:
    return (
        Consent.objects.filter(user=user, purpose=Consent.Purpose.ACCOUNT)
        .order_by("-at", "-pk")
        .first()
    )


def account_consent_needed(user) -> int | None:
    """The notice version ``user`` must answer before going on, or ``None``.

    Nobody is asked before a notice is published. A person whose latest answer is
    consent to that version (or a later one) is not asked again.
    """
    required = notice_current()["required"]
    if required is None:
        return None
    latest = account_consent_latest(user)
    if (
        latest is not None
        and latest.action == Consent.Action.GIVEN
        and _version_number(latest.policy_version) >= required
    ):
        return None
    return required


def personal_data(user) -> dict:
    """Everything the platform holds about ``user``, as plain data.

    Read in a fixed number of queries whatever the size of the record, so the
    page, the JSON and the PDF are made from the same dictionary.
    """
    progress: dict[int, list] = {}
    for row in (
        LessonProgress.objects.filter(enrollment__user=user)
        .select_related("lesson")
        .order_by("enrollment_id", "lesson__path")
    ):
        progress.setdefault(row.enrollment_id, []).append(
            {
                "lesson": row.lesson.title,
                "status": row.get_status_display(),
                "opened_at": row.opened_at,
                "completed_at": row.completed_at,
            }
        )
    residents = list(
        Resident.objects.filter(user=user).select_related("household__hamlet")
    )
    guidance = (
        Guidance.objects.filter(attendee__resident__in=residents)
        .select_related("attendee__visit__team", "skill")
        .order_by("-attendee__visit__visited_on", "attendee__visit_id", "skill__order")
    )
    visits: dict[int, dict] = {}
    for row in guidance:
        visit = row.attendee.visit
        entry = visits.setdefault(
            visit.pk,
            {"visited_on": visit.visited_on, "team": visit.team.name, "skills": []},
        )
        entry["skills"].append(
            {"skill": row.skill.name, "did_it_themselves": row.by_themselves}
        )
    consents = Consent.objects.filter(Q(user=user) | Q(resident__in=residents))
    return {
        "profile": {
            "full_name": user.full_name,
            "phone": user.phone or "",
            "email": user.email,
            "birth_year": user.birth_year,
            "commune": user.commune.full_name if user.commune else "",
            "joined_at": user.date_joined,
            "last_login": user.last_login,
        },
        "residents": [
            {
                "full_name": resident.full_name,
                "birth_year": resident.birth_year,
                "hamlet": str(resident.household.hamlet),
            }
            for resident in residents
        ],
        "enrolments": [
            {
                "course": enrolment.course.title,
                "enrolled_at": enrolment.enrolled_at,
                "completed_at": enrolment.completed_at,
                "lessons": progress.get(enrolment.pk, []),
            }
            for enrolment in Enrollment.objects.filter(user=user)
            .select_related("course")
            .order_by("enrolled_at", "pk")
        ],
        "quiz_attempts": [
            {
                "quiz": attempt.quiz.title,
                "number": attempt.number,
                "started_at": attempt.started_at,
                "submitted_at": attempt.submitted_at,
                "score": attempt.score,
                "passed": attempt.passed,
            }
            for attempt in Attempt.objects.filter(user=user)
            .select_related("quiz")
            .order_by("started_at", "pk")
        ],
        "h5p_results": [
            {
                "activity": result.activity.title,
                "attempts": result.attempt_count,
                "grade": float(result.grade) if result.grade is not None else None,
                "passed": result.passed,
            }
            for result in H5PResult.objects.filter(user=user)
            .select_related("activity")
            .order_by("pk")
        ],
        "certificates": [
            {
                "code": certificate.code,
                "course": certificate.course_title,
                "name_on_certificate": certificate.recipient_name,
                "issued_on": certificate.issued_on,
                "revoked_at": certificate.revoked_at,
            }
            for certificate in Certificate.objects.filter(user=user)
            .only("code", "course_title", "recipient_name", "issued_on", "revoked_at")
            .order_by("issued_at", "pk")
        ],
        "visits": list(visits.values()),
        "consents": [
            {
                "purpose": consent.get_purpose_display(),
                "notice_version": consent.policy_version,
                "answer": consent.get_action_display(),
                "how": consent.get_method_display(),
                "guardian": consent.guardian_name,
                "at": consent.at,
                "purpose_code": consent.purpose,
                "action_code": consent.action,
            }
            for consent in consents.order_by("-at", "-pk")
        ],
    }


def data_request_queue(user):
    """The requests ``user`` works, open ones first, the most overdue at the top."""
    return (
        data_requests_visible_to(user)
        .select_related("commune", "received_by")
        .order_by(F("answered_on").asc(nulls_first=True), "due_on", "pk")
    )


def breach_register(user):
    """The breaches ``user`` works: those still to notify first, the nearest
    deadline at the top, then those notified, the latest first."""
    return (
        breaches_visible_to(user)
        .select_related("province", "commune")
        .order_by(F("notified_at").desc(nulls_first=True), "discovered_at", "-pk")
    )


def breach_notification_draft(breach) -> str:
    """A first text of the notification to the authority, from the register."""
    place = breach.commune.full_name if breach.commune else breach.province.full_name
    lines = [
        _(
            "On %(discovered)s, %(place)s discovered an incident affecting personal "
            "data: %(summary)s."
        )
        % {
            "discovered": timezone.localtime(breach.discovered_at).strftime(
                "%d/%m/%Y %H:%M"
            ),
            "place": place,
            "summary": breach.summary.rstrip("."),
        },
        _("Data concerned: %(data)s.") % {"data": breach.data_concerned.rstrip(".")},
        _("Whose data: %(people)s (about %(count)s people).")
        % {
            "people": breach.people_concerned.rstrip("."),
            "count": f"{breach.people_count:,}".replace(",", "."),
        },
    ]
    if breach.measures:
        lines.append(
            _("What was done: %(measures)s.")
            % {"measures": breach.measures.rstrip(".")}
        )
    return "\n".join(lines)
