"""Learning records: who enrolled in which course and how far they got."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Enrollment(models.Model):
    """A person's enrolment in a course, with the resume point and completion time."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="enrollments"
    )
    course = models.ForeignKey(
        "courses.CoursePage", on_delete=models.CASCADE, related_name="enrollments"
    )
    enrolled_at = models.DateTimeField(_("enrolled at"), default=timezone.now)
    last_lesson = models.ForeignKey(
        "courses.LessonPage",
        verbose_name=_("resume at"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    last_activity_at = models.DateTimeField(_("last activity"), default=timezone.now)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        constraints = [
            models.UniqueConstraint(fields=["user", "course"], name="unique_enrollment")
        ]
        indexes = [models.Index(fields=["course", "completed_at"])]

    def __str__(self) -> str:
        return f"{self.user} → {self.course}"


class LessonProgress(models.Model):
    """Whether a person has opened and completed one lesson."""

    class Status(models.TextChoices):
        OPENED = "opened", _("Opened")
        COMPLETED = "completed", _("Completed")

    enrollment = models.ForeignKey(
        Enrollment, on_delete=models.CASCADE, related_name="lesson_progress"
    )
    lesson = models.ForeignKey(
        "courses.LessonPage", on_delete=models.CASCADE, related_name="progress"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPENED
    )
    opened_at = models.DateTimeField(_("opened at"), default=timezone.now)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("lesson progress")
        verbose_name_plural = _("lesson progress")
        constraints = [
            models.UniqueConstraint(
                fields=["enrollment", "lesson"], name="unique_lesson_progress"
            )
        ]

    def __str__(self) -> str:
        return f"{self.enrollment} / {self.lesson}: {self.status}"


class OutboxReceipt(models.Model):
    """The answer given to one write a phone queued while it had no signal.

    The phone gives each queued write a key of its own (a UUID kept with it in the
    phone's outbox). When the same write arrives again (the answer was lost on a
    weak signal, the phone restarted before it heard back), the answer recorded
    here is given again and nothing is done twice; ``fingerprint`` tells the same
    write from a different one sent under a key already used.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    key = models.UUIDField(_("key"))
    kind = models.CharField(_("kind"), max_length=40)
    fingerprint = models.CharField(_("fingerprint"), max_length=64)
    status = models.PositiveSmallIntegerField(_("status"), default=0)
    answer = models.JSONField(_("answer"), default=dict)
    received_at = models.DateTimeField(_("received at"), default=timezone.now)

    class Meta:
        verbose_name = _("offline write received")
        verbose_name_plural = _("offline writes received")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "key"], name="one_receipt_per_outbox_key"
            )
        ]
        # For the daily pruning of old answers (courses.services.outbox_receipts_prune).
        indexes = [models.Index(fields=["received_at"], name="outbox_receipt_received")]

    def __str__(self) -> str:
        return f"{self.user} / {self.kind} / {self.key}"
