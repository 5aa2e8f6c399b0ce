"""Certificates given automatically when a course is completed online."""

import logging

from django.core.exceptions import ValidationError
from django.utils import timezone

from certificates import services
from certificates.models import Certificate

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
