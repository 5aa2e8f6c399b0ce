"""What a national instance keeps of each province: the counts its site exported."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ProvinceRollup(models.Model):
    """One province's figures for one year, fetched from the province's own site.

    Each province runs its own deployment; the national one fetches every
    province's export (``manage.py coverage_rollup``, see :mod:`coverage.rollup`)
    and keeps the latest here, one row per province and year. ``figures`` holds
    counts only — the province's totals, per commune and per top agency — never
    a person.
    """

    summary_table = True

    province = models.ForeignKey(
        "lms.Province",
        on_delete=models.PROTECT,
        related_name="rollups",
        verbose_name=_("province"),
    )
    year = models.PositiveSmallIntegerField(_("year"))
    source = models.CharField(
        _("source"),
        max_length=40,
        help_text=_("The name the province's site was given in the command."),
    )
    source_url = models.URLField(_("address"), max_length=300)
    schema = models.PositiveSmallIntegerField(_("export version"))
    generated_at = models.DateTimeField(_("counted at"))
    fetched_at = models.DateTimeField(_("fetched at"))
    figures = models.JSONField(_("figures"))

    class Meta:
        verbose_name = _("province roll-up")
        verbose_name_plural = _("province roll-ups")
        ordering = ["year", "province"]
        constraints = [
            models.UniqueConstraint(
                fields=["province", "year"], name="one_rollup_per_province_year"
            )
        ]

    def __str__(self) -> str:
        return f"{self.province_id} {self.year}"
