"""Reminding civil servants of a course's deadline: 7 days and 1 day before, once each.

:func:`reminders_send` runs once a day (``manage.py coverage_reminders``, from the
``lms-reminders`` timer in production). A person gets the 7-day reminder when
the deadline is at most a week away and the 1-day reminder on its last day (so
a day the timer missed is made up the next day), by SMS when their account has a
phone number, else by email, and only while the course is not finished. Each
reminder sent is recorded (:class:`~coverage.models.ReminderSent`) before it
goes, in the same transaction, so a second run sends nothing twice.
"""

import datetime
import logging

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from courses.models import Enrollment
from coverage.models import (
    CourseAssignment,
    ExternalCompletion,
    ReminderSent,
    StaffMember,
)
from lms.accounts.sms import get_sms_sender
from lms.middleware import public_base_url

logger = logging.getLogger(__name__)

# The reminders, by how many days before the deadline they are for.
REMINDERS = (7, 1)


def _due(assignment: CourseAssignment, days_before: int):
    """The staff the assignment applies to who have not finished it and have not
    had this reminder."""
    staff = StaffMember.objects.filter(
        active=True, user__isnull=False, agency__province=assignment.province_id
    )
    if assignment.agency_id is not None:
        staff = staff.filter(agency__path__startswith=assignment.agency.path)
    if assignment.category:
        staff = staff.filter(category=assignment.category)
    finished = Exists(
        Enrollment.objects.filter(
            user=OuterRef("user"),
            course=assignment.course_id,
            completed_at__isnull=False,
        )
    ) | Exists(
        ExternalCompletion.objects.filter(
            user=OuterRef("user"), course=assignment.course_id
        )
    )
    reminded = Exists(
        ReminderSent.objects.filter(
            assignment=assignment, staff=OuterRef("pk"), days_before=days_before
        )
    )
    return (
        staff.exclude(finished)
        .exclude(reminded)
        .filter(Q(user__phone__isnull=False) | ~Q(user__email=""))
        .select_related("user")
        .order_by("pk")
    )


def _text(assignment: CourseAssignment, days_left: int) -> str:
    return _(
        "Reminder: finish the course “%(course)s” by %(date)s (%(days)s days "
        "left): %(url)s"
    ) % {
        "course": assignment.course.title,
        "date": date_format(assignment.deadline, "SHORT_DATE_FORMAT"),
        "days": days_left,
        "url": public_base_url() + assignment.course.url,
    }


def _send(member: StaffMember, text: str) -> str:
    if member.user.phone:
        get_sms_sender().send(phone=member.user.phone, text=text)
        return "sms"
    send_mail(
        _("A course deadline is near"),
        text,
        settings.DEFAULT_FROM_EMAIL,
        [member.user.email],
    )
    return "email"


def _remind(assignment: CourseAssignment, member: StaffMember, days_before, text):
    """Record and send one reminder; ``False`` when it was sent before or failed."""
    try:
        with transaction.atomic():
            record = ReminderSent.objects.create(
                assignment=assignment, staff=member, days_before=days_before
            )
            record.channel = _send(member, text)
            record.save(update_fields=["channel"])
    except IntegrityError:
        return False  # another run sent it meanwhile
    except Exception:
        # One gateway failure must not stop everyone else's reminder; nothing
        # was recorded, so the next run tries again.
        logger.exception("Reminder to staff member %s failed", member.pk)
        return False
    return True


def reminders_send(*, today: datetime.date | None = None) -> int:
    """Send the reminders due today; returns how many went."""
    today = today or timezone.localdate()
    sent = 0
    with translation.override(settings.LANGUAGE_CODE):
        assignments = CourseAssignment.objects.filter(
            deadline__gte=today, deadline__lte=today + datetime.timedelta(days=7)
        ).select_related("agency", "course")
        for assignment in assignments:
            days_left = (assignment.deadline - today).days
            for days_before in REMINDERS:
                # The week's reminder goes until the last day's takes over.
                if days_left > days_before or (days_before == 7 and days_left <= 1):
                    continue
                text = _text(assignment, days_left)
                for member in _due(assignment, days_before).iterator(chunk_size=500):
                    sent += _remind(assignment, member, days_before, text)
    return sent
