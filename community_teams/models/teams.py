from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from lms.text import fold, nfc


class Team(models.Model):
    """A community digital-technology team (Tổ CNTS), usually one per hamlet.

    A team is set up by a decision of the commune chairman; its number and date are
    kept as they appear on the decision.
    """

    name = models.CharField(_("name"), max_length=150)
    commune = models.ForeignKey(
        "lms.Commune",
        on_delete=models.PROTECT,
        related_name="teams",
        verbose_name=_("commune"),
    )
    hamlet = models.ForeignKey(
        "lms.Hamlet",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="teams",
        verbose_name=_("hamlet"),
        help_text=_("The hamlet or residential group the team serves, if only one."),
    )
    decision_number = models.CharField(
        _("decision number"),
        max_length=120,
        blank=True,
        help_text=_("As written on the commune chairman's decision, e.g. 125/QĐ-UBND."),
    )
    decision_date = models.DateField(_("decision date"), null=True, blank=True)
    search_key = models.CharField(max_length=200, editable=False, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["commune", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["commune", "name"], name="unique_team_name_in_commune"
            )
        ]
        verbose_name = _("community digital-technology team")
        verbose_name_plural = _("community digital-technology teams")

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.name = nfc(self.name)
        self.search_key = fold(self.name)
        super().save(*args, **kwargs)

    def clean(self):
        super().clean()
        self.name = nfc(self.name)
        self.decision_number = nfc(self.decision_number)
        if (
            self.hamlet_id
            and self.commune_id
            and self.hamlet.commune_id != self.commune_id
        ):
            raise ValidationError(
                {"hamlet": _("This hamlet is not in the team's commune.")},
                code="hamlet_outside_commune",
            )
