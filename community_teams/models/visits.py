"""Door-to-door visits: who was there, which skills each person was guided on.

A visit is written on a member's phone, often without signal, and sent later: its
``uuid`` is made on the phone, so a resend is recognised and accepted once.
``content_hash`` is the digest of what was sent, to tell a resend from a different
visit that reuses the identifier.
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Visit(models.Model):
    # Written often, never referenced by content: no reference-index work.
    wagtail_reference_index_ignore = True

    class Status(models.TextChoices):
        RECEIVED = "received", _("Waiting for review")
        APPROVED = "approved", _("Approved")
        NEEDS_CORRECTION = "needs_correction", _("Needs correction")

    uuid = models.UUIDField(unique=True, default=uuid.uuid4, editable=False)
    household = models.ForeignKey(
        "community_teams.Household",
        on_delete=models.PROTECT,
        related_name="visits",
        verbose_name=_("household"),
    )
    team = models.ForeignKey(
        "community_teams.Team",
        on_delete=models.PROTECT,
        related_name="visits",
        verbose_name=_("team"),
    )
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="team_visits",
        verbose_name=_("team member"),
    )
    visited_on = models.DateField(_("visit date"))
    note = models.TextField(_("note"), blank=True, max_length=2000)
    content_hash = models.CharField(max_length=64, editable=False)
    status = models.CharField(
        _("review"), max_length=16, choices=Status.choices, default=Status.RECEIVED
    )
    review_comment = models.CharField(
        _("reviewer's comment"), max_length=500, blank=True
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reviewed by"),
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    received_at = models.DateTimeField(_("received at"), default=timezone.now)

    class Meta:
        ordering = ["-visited_on", "-received_at", "-pk"]
        indexes = [
            models.Index(fields=["team", "status", "-visited_on"], name="visit_review"),
            models.Index(fields=["household", "-visited_on"], name="visit_household"),
            models.Index(fields=["member", "-received_at"], name="visit_member"),
        ]
        verbose_name = _("visit")
        verbose_name_plural = _("visits")

    def __str__(self) -> str:
        return f"{self.household} · {self.visited_on:%d/%m/%Y}"


class VisitAttendee(models.Model):
    """A resident who was present at a visit."""

    # Written often, never referenced by content: no reference-index work.
    wagtail_reference_index_ignore = True

    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="attendees")
    resident = models.ForeignKey(
        "community_teams.Resident",
        on_delete=models.PROTECT,
        related_name="attendances",
        verbose_name=_("resident"),
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["visit", "resident"], name="unique_attendee_per_visit"
            )
        ]
        verbose_name = _("person present")
        verbose_name_plural = _("people present")

    def __str__(self) -> str:
        return str(self.resident)


class Guidance(models.Model):
    """A skill a person present was guided on, and whether they did it themselves."""

    # Written often, never referenced by content: no reference-index work.
    wagtail_reference_index_ignore = True

    attendee = models.ForeignKey(
        VisitAttendee, on_delete=models.CASCADE, related_name="guidance"
    )
    skill = models.ForeignKey(
        "community_teams.Skill",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("skill"),
    )
    by_themselves = models.BooleanField(_("did it themselves"), default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["attendee", "skill"], name="unique_skill_per_attendee"
            )
        ]
        verbose_name = _("guidance")
        verbose_name_plural = _("guidance")

    def __str__(self) -> str:
        return str(self.skill)
