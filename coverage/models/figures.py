"""Summary tables the coverage dashboards read, kept by :mod:`coverage.figures`.

A dashboard never counts raw rows: it sums these, which are brought up to date by
a task queued in the same transaction as the change that moves them. They hold
counts only, never a person: ``summary_table`` lets a read replica serve them
(``lms.db_router``).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class AgencyFigures(models.Model):
    """An agency's own staff (not its sub-units') against one year's assignments."""

    summary_table = True

    agency = models.ForeignKey(
        "coverage.Agency", on_delete=models.CASCADE, related_name="figures"
    )
    year = models.PositiveSmallIntegerField()
    # Denormalised from the agency so that a subtree, a commune or a province sums
    # in one scan.
    path = models.CharField(max_length=255)
    province = models.ForeignKey(
        "lms.Province", on_delete=models.CASCADE, related_name="+"
    )
    commune = models.ForeignKey(
        "lms.Commune", on_delete=models.CASCADE, null=True, related_name="+"
    )
    staff = models.PositiveIntegerField(default=0)
    assigned = models.PositiveIntegerField(default=0)
    finished = models.PositiveIntegerField(default=0)
    overdue = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("agency figures")
        verbose_name_plural = _("agency figures")
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "year"], name="one_agency_figures_a_year"
            )
        ]
        indexes = [
            models.Index(fields=["year", "path"], name="agency_figures_tree"),
            models.Index(
                fields=["year", "province", "commune"], name="agency_figures_place"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.agency_id} {self.year}"


class AgencyMonthFigures(models.Model):
    """Assigned courses an agency's own staff finished in one month."""

    summary_table = True

    agency = models.ForeignKey(
        "coverage.Agency", on_delete=models.CASCADE, related_name="month_figures"
    )
    month = models.DateField()
    path = models.CharField(max_length=255)
    province = models.ForeignKey(
        "lms.Province", on_delete=models.CASCADE, related_name="+"
    )
    commune = models.ForeignKey(
        "lms.Commune", on_delete=models.CASCADE, null=True, related_name="+"
    )
    finished_courses = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("agency figures by month")
        verbose_name_plural = _("agency figures by month")
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "month"], name="one_agency_figures_a_month"
            )
        ]
        indexes = [
            models.Index(fields=["month", "path"], name="agency_month_figures_tree")
        ]

    def __str__(self) -> str:
        return f"{self.agency_id} {self.month}"


class CommuneFigures(models.Model):
    """What residents of a commune did online: courses finished and certificates."""

    summary_table = True

    commune = models.OneToOneField(
        "lms.Commune", on_delete=models.CASCADE, related_name="online_figures"
    )
    province = models.ForeignKey("lms.Province", on_delete=models.CASCADE)
    learners_finished = models.PositiveIntegerField(default=0)
    courses_finished = models.PositiveIntegerField(default=0)
    certificates = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("commune figures")
        verbose_name_plural = _("commune figures")

    def __str__(self) -> str:
        return str(self.commune_id)


class CommuneMonthFigures(models.Model):
    """Courses residents of a commune finished, and certificates issued, in a month."""

    summary_table = True

    commune = models.ForeignKey(
        "lms.Commune", on_delete=models.CASCADE, related_name="+"
    )
    province = models.ForeignKey("lms.Province", on_delete=models.CASCADE)
    month = models.DateField(db_index=True)
    courses_finished = models.PositiveIntegerField(default=0)
    certificates = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("commune figures by month")
        verbose_name_plural = _("commune figures by month")
        constraints = [
            models.UniqueConstraint(
                fields=["commune", "month"], name="one_commune_figures_a_month"
            )
        ]

    def __str__(self) -> str:
        return f"{self.commune_id} {self.month}"
