"""Mandatory courses given to agencies, the province's yearly targets, reminders,
and training people finished on other platforms."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .agencies import StaffCategory


class CourseAssignment(models.Model):
    """A course the staff of an agency (and its sub-units) or of a category must
    finish by a deadline.

    With no agency it applies to the whole province; with no category, to every
    category. A person's course counts as finished when they completed it on the
    platform or an imported record from another platform says so.
    """

    province = models.ForeignKey(
        "lms.Province",
        on_delete=models.PROTECT,
        related_name="course_assignments",
        verbose_name=_("province"),
    )
    course = models.ForeignKey(
        "courses.CoursePage",
        on_delete=models.PROTECT,
        related_name="assignments",
        verbose_name=_("course"),
    )
    agency = models.ForeignKey(
        "coverage.Agency",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assignments",
        verbose_name=_("agency"),
        help_text=_(
            "With its sub-units. Leave empty for every agency of the province."
        ),
    )
    category = models.CharField(
        _("category"),
        max_length=2,
        choices=StaffCategory.choices,
        blank=True,
        help_text=_("Leave empty for every category."),
    )
    deadline = models.DateField(_("deadline"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("assigned by"),
    )
    created_at = models.DateTimeField(_("assigned at"), default=timezone.now)

    class Meta:
        verbose_name = _("course assignment")
        verbose_name_plural = _("course assignments")
        ordering = ["deadline", "pk"]
        indexes = [models.Index(fields=["deadline"], name="assignment_by_deadline")]

    def __str__(self) -> str:
        return f"{self.course} → {self.agency or self.province} ({self.deadline})"

    @property
    def year(self) -> int:
        return self.deadline.year


class Indicator(models.TextChoices):
    """What a province's plan measures, each as a percentage."""

    CIVIL_SERVANTS_TRAINED = "civil_servants_trained", _("Civil servants trained")
    HOUSEHOLDS_REACHED = "households_reached", _("Households reached by the teams")
    RESIDENTS_GUIDED = "residents_guided", _("Residents guided by the teams")


class Target(models.Model):
    """A province's target for one indicator in one year, in per cent."""

    province = models.ForeignKey(
        "lms.Province",
        on_delete=models.CASCADE,
        related_name="targets",
        verbose_name=_("province"),
    )
    indicator = models.CharField(
        _("indicator"), max_length=32, choices=Indicator.choices
    )
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(2020), MaxValueValidator(2100)]
    )
    percent = models.PositiveSmallIntegerField(
        _("target (%)"), validators=[MinValueValidator(1), MaxValueValidator(100)]
    )

    class Meta:
        verbose_name = _("yearly target")
        verbose_name_plural = _("yearly targets")
        ordering = ["indicator", "year"]
        constraints = [
            models.UniqueConstraint(
                fields=["province", "indicator", "year"], name="one_target_a_year"
            ),
            models.CheckConstraint(
                condition=Q(percent__gte=1, percent__lte=100),
                name="target_is_a_percentage",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_indicator_display()} {self.year}: {self.percent}%"


class ReminderSent(models.Model):
    """One reminder of an assignment's deadline sent to one person, sent once."""

    assignment = models.ForeignKey(
        CourseAssignment, on_delete=models.CASCADE, related_name="reminders"
    )
    staff = models.ForeignKey(
        "coverage.StaffMember", on_delete=models.CASCADE, related_name="reminders"
    )
    days_before = models.PositiveSmallIntegerField()
    channel = models.CharField(max_length=8)
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("deadline reminder")
        verbose_name_plural = _("deadline reminders")
        constraints = [
            models.UniqueConstraint(
                fields=["assignment", "staff", "days_before"],
                name="one_reminder_each",
            )
        ]

    def __str__(self) -> str:
        return f"{self.staff} / {self.assignment} / {self.days_before}"


class ExternalCompletion(models.Model):
    """Training a person finished on another platform, imported from its export."""

    wagtail_reference_index_ignore = True

    class Source(models.TextChoices):
        ONETOUCH = "onetouch", _("OneTouch")
        BINH_DAN_HOC_VU_SO = "bdhvs", _("Bình dân học vụ số")
        OTHER = "other", _("Other platform")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="external_completions",
        verbose_name=_("person"),
    )
    course = models.ForeignKey(
        "courses.CoursePage",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="external_completions",
        verbose_name=_("course"),
    )
    skill = models.ForeignKey(
        "community_teams.Skill",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="external_completions",
        verbose_name=_("skill"),
    )
    completed_on = models.DateField(_("completed on"))
    source = models.CharField(_("platform"), max_length=12, choices=Source.choices)
    evidence = models.CharField(_("evidence reference"), max_length=200, blank=True)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("imported by"),
    )
    imported_at = models.DateTimeField(_("imported at"), default=timezone.now)

    class Meta:
        verbose_name = _("training finished elsewhere")
        verbose_name_plural = _("training finished elsewhere")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "course"],
                condition=Q(course__isnull=False),
                name="one_external_completion_per_course",
            ),
            models.UniqueConstraint(
                fields=["user", "skill"],
                condition=Q(skill__isnull=False),
                name="one_external_completion_per_skill",
            ),
            models.CheckConstraint(
                condition=Q(course__isnull=False) | Q(skill__isnull=False),
                name="external_completion_names_what",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} / {self.course or self.skill} ({self.completed_on})"
