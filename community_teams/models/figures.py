"""Summary tables of the teams' reach, one set of rows per hamlet.

Dashboards never count visits on a page view: they sum these rows, which
:mod:`community_teams.figures` recounts from the raw rows in a task queued in the
same transaction as each change that moves them. Every row carries its hamlet's
commune and province, so a commune or a province sums in one indexed scan. A row
whose figures all went to zero is deleted, so a hamlet without households has none.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class HamletFigures(models.Model):
    """A hamlet's households, residents and visits, and how many were reached."""

    # Written by a task, never referenced by content: no reference-index work.
    wagtail_reference_index_ignore = True
    # Counts kept by a task: a read replica may serve them (lms/db_router.py).
    summary_table = True

    hamlet = models.OneToOneField(
        "lms.Hamlet", on_delete=models.CASCADE, related_name="team_figures"
    )
    commune = models.ForeignKey(
        "lms.Commune", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    province = models.ForeignKey(
        "lms.Province", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    households = models.PositiveIntegerField(_("households"), default=0)
    households_reached = models.PositiveIntegerField(_("households reached"), default=0)
    residents = models.PositiveIntegerField(_("residents"), default=0)
    residents_guided = models.PositiveIntegerField(_("residents guided"), default=0)
    visits = models.PositiveIntegerField(_("visits"), default=0)

    class Meta:
        indexes = [
            models.Index(fields=["commune"], name="hamlet_figures_commune"),
            models.Index(
                fields=["province", "commune"], name="hamlet_figures_province"
            ),
        ]
        verbose_name = _("hamlet figures")
        verbose_name_plural = _("hamlet figures")

    def __str__(self) -> str:
        return f"{self.hamlet_id}: {self.households_reached}/{self.households}"


class HamletSkillFigures(models.Model):
    """Residents of a hamlet guided on one skill, and those who did it themselves."""

    # Written by a task, never referenced by content: no reference-index work.
    wagtail_reference_index_ignore = True
    # Counts kept by a task: a read replica may serve them (lms/db_router.py).
    summary_table = True

    hamlet = models.ForeignKey(
        "lms.Hamlet", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    skill = models.ForeignKey(
        "community_teams.Skill", on_delete=models.CASCADE, related_name="+"
    )
    commune = models.ForeignKey(
        "lms.Commune", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    province = models.ForeignKey(
        "lms.Province", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    residents_guided = models.PositiveIntegerField(_("residents guided"), default=0)
    # "Tự làm được": did it themselves at one visit at least.
    residents_self_capable = models.PositiveIntegerField(
        _("residents who did it themselves"), default=0
    )
    households_reached = models.PositiveIntegerField(_("households reached"), default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["hamlet", "skill"], name="one_skill_figures_a_hamlet"
            )
        ]
        indexes = [
            models.Index(fields=["commune", "skill"], name="skill_figures_commune"),
            models.Index(fields=["province", "skill"], name="skill_figures_province"),
        ]
        verbose_name = _("hamlet figures by skill")
        verbose_name_plural = _("hamlet figures by skill")

    def __str__(self) -> str:
        return f"{self.hamlet_id} · {self.skill_id}: {self.residents_guided}"


class HamletMonthFigures(models.Model):
    """A hamlet's visits in one month, and the households and people first reached."""

    # Written by a task, never referenced by content: no reference-index work.
    wagtail_reference_index_ignore = True
    # Counts kept by a task: a read replica may serve them (lms/db_router.py).
    summary_table = True

    hamlet = models.ForeignKey(
        "lms.Hamlet", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    # The first day of the month.
    month = models.DateField(_("month"))
    commune = models.ForeignKey(
        "lms.Commune", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    province = models.ForeignKey(
        "lms.Province", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    visits = models.PositiveIntegerField(_("visits"), default=0)
    households_first_reached = models.PositiveIntegerField(
        _("households reached for the first time"), default=0
    )
    residents_guided_first = models.PositiveIntegerField(
        _("residents guided for the first time"), default=0
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["hamlet", "month"], name="one_month_figures_a_hamlet"
            )
        ]
        indexes = [
            models.Index(fields=["commune", "month"], name="month_figures_commune"),
            models.Index(fields=["province", "month"], name="month_figures_province"),
        ]
        verbose_name = _("hamlet figures by month")
        verbose_name_plural = _("hamlet figures by month")

    def __str__(self) -> str:
        return f"{self.hamlet_id} · {self.month:%m/%Y}: {self.visits}"
