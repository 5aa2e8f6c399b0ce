"""Who signed up through a team: the poster's link says which team and hamlet."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class SignupReferral(models.Model):
    """A person who made their account from a team's sign-up poster."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="signup_referral",
        verbose_name=_("account"),
    )
    team = models.ForeignKey(
        "community_teams.Team",
        on_delete=models.PROTECT,
        related_name="referrals",
        verbose_name=_("team"),
    )
    hamlet = models.ForeignKey(
        "lms.Hamlet",
        on_delete=models.PROTECT,
        related_name="referrals",
        verbose_name=_("hamlet"),
    )
    signed_up_at = models.DateTimeField(_("signed up at"), default=timezone.now)

    class Meta:
        ordering = ["-signed_up_at", "-pk"]
        verbose_name = _("sign-up through a team")
        verbose_name_plural = _("sign-ups through the teams")

    def __str__(self) -> str:
        return f"{self.team} · {self.hamlet}"
