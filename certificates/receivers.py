"""Certificates given automatically when a course is completed online."""

import logging

from django.core.exceptions import ValidationError
from django.utils import timezone

from certificates import selectors, services
from certificates.models import Certificate
from lms import pagecache

logger = logging.getLogger(__name__)


def issue_on_completion(sender, enrollment, **kwargs) -> None:
    """Issue the course's certificate the moment the course is completed.

    Runs after the completing transaction commits. A person without a full name
    gets nothing yet; "My learning" then offers to issue it once they add one.
    Issuing never makes completing a course fail.
    """
    course = enrollment.course
    if not course.awards_certificate:
        return
    try:
        services.certificate_issue(
            user=enrollment.user,
            course=course,
            source=Certificate.Source.COMPLETION,
            issued_on=timezone.localdate(enrollment.completed_at),
        )
    except ValidationError as error:
        logger.info(
            "No certificate for enrolment %s yet: %s", enrollment.pk, error.messages
        )
    except Exception:
        logger.exception("Certificate for enrolment %s failed", enrollment.pk)


def certificate_changed(sender, instance, **kwargs) -> None:
    """A revoked (or reissued, or deleted) certificate shows so at once."""
    pagecache.version_bump(selectors.verification_namespace(instance.code))


def certificates_join_account(sender, resident, user, **kwargs) -> None:
    """A resident who signed up finds the certificates the team issued them.

    A course whose certificate the account holds already (completed online
    meanwhile) keeps the account's; the resident's stays verifiable as it is.
    """
    held = Certificate.objects.filter(user=user, course__isnull=False).values(
        "course_id"
    )
    Certificate.objects.filter(resident=resident, user=None).exclude(
        course_id__in=held
    ).update(user=user)
