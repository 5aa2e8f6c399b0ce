from django.db import models
from django.utils.translation import gettext_lazy as _

from lms.text import fold, nfc


class Team(models.Model):
    """A community digital-technology team (Tổ CNTS), usually one per hamlet."""

    name = models.CharField(_("name"), max_length=150)
    commune = models.ForeignKey(
        "lms.Commune", on_delete=models.PROTECT, related_name="teams"
    )
    hamlet = models.ForeignKey(
        "lms.Hamlet",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="teams",
    )
    founding_decision = models.CharField(
        _("founding decision"),
        max_length=120,
        blank=True,
        help_text=_("Number and date of the commune chairman's decision."),
    )
    search_key = models.CharField(max_length=200, editable=False, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["commune", "name"]
        verbose_name = _("community digital-technology team")
        verbose_name_plural = _("community digital-technology teams")

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.name = nfc(self.name)
        self.search_key = fold(self.name)
        super().save(*args, **kwargs)
