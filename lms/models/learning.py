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

    @property
    def is_complete(self) -> bool:
        return self.completed_at is not None


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
