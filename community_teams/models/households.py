"""Households and residents of a hamlet, the skills teams guide them in, consent.

This is personal data about people who mostly never signed up (Law 91/2025/QH15):
only what the teams need is kept — no citizen ID numbers, no ID-card images, no bank
data. Names are stored in NFC with a folded search key; erasing a resident blanks
what identifies them and keeps the row, so visit counts stay right.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lms.models.records import Record
from lms.text import fold, nfc

# Under the Civil Code a person is a minor until 18: a guardian gives consent.
AGE_OF_MAJORITY = 18


def household_key(head_name: str, house_number: str) -> str:
    """What tells two households of a hamlet apart: folded head's name and number."""
    return f"{fold(head_name)}|{fold(house_number)}"


class Skill(models.Model):
    """A digital skill the teams guide residents in; editors add more."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=150)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    active = models.BooleanField(
        _("offered"),
        default=True,
        help_text=_("Skills no longer offered stay in past visits and figures."),
    )

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("digital skill")
        verbose_name_plural = _("digital skills")

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.name = nfc(self.name)
        super().save(*args, **kwargs)


class Household(models.Model):
    """A household of a hamlet, as the commune's roster lists it."""

    # Written often, never referenced by content: no reference-index work.
    wagtail_reference_index_ignore = True

    hamlet = models.ForeignKey(
        "lms.Hamlet",
        on_delete=models.PROTECT,
        related_name="households",
        verbose_name=_("hamlet"),
    )
    house_number = models.CharField(_("house number"), max_length=40, blank=True)
    head_name = models.CharField(_("head of household"), max_length=150)
    phone = models.CharField(_("phone number"), max_length=16, blank=True)
    search_key = models.CharField(max_length=200, editable=False, blank=True)
    # Same hamlet, same folded head's name and house number: perhaps the same
    # household entered twice. People review and merge; nothing merges by itself.
    duplicate_key = models.CharField(max_length=200, editable=False, blank=True)
    version = models.PositiveIntegerField(_("version"), default=1)
    duplicate_reviewed = models.BooleanField(
        _("checked: not a duplicate"),
        default=False,
        help_text=_("A person checked that this is not the same household twice."),
    )
    client_uuid = models.UUIDField(null=True, blank=True, unique=True, editable=False)
    # The digest of what the phone sent under ``client_uuid``, to tell a resend
    # from other content under the same identifier; empty for the roster's own.
    content_hash = models.CharField(max_length=64, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["hamlet", "search_key", "pk"]
        indexes = [
            models.Index(fields=["hamlet", "search_key"], name="household_search"),
            models.Index(fields=["hamlet", "duplicate_key"], name="household_dup"),
        ]
        verbose_name = _("household")
        verbose_name_plural = _("households")

    def __str__(self) -> str:
        head = self.head_name or str(_("(name erased)"))
        if self.house_number:
            return f"{head} ({self.house_number})"
        return head

    def save(self, *args, **kwargs):
        self.normalise()
        super().save(*args, **kwargs)

    def normalise(self) -> None:
        """NFC text and search keys; ``save`` and ``bulk_create`` callers call it."""
        self.head_name = nfc(self.head_name)
        self.house_number = nfc(self.house_number)
        self.search_key = fold(f"{self.head_name} {self.house_number}")
        self.duplicate_key = household_key(self.head_name, self.house_number)


class Resident(models.Model):
    """A member of a household. ``user`` is their account, once they have one."""

    # Written often, never referenced by content: no reference-index work.
    wagtail_reference_index_ignore = True

    class Sex(models.TextChoices):
        FEMALE = "female", _("Female")
        MALE = "male", _("Male")

    household = models.ForeignKey(
        Household,
        on_delete=models.PROTECT,
        related_name="residents",
        verbose_name=_("household"),
    )
    full_name = models.CharField(_("full name"), max_length=150, blank=True)
    birth_year = models.PositiveSmallIntegerField(
        _("birth year"), null=True, blank=True
    )
    sex = models.CharField(_("sex"), max_length=6, choices=Sex.choices, blank=True)
    phone = models.CharField(_("phone number"), max_length=16, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="resident_records",
        verbose_name=_("account"),
    )
    search_key = models.CharField(max_length=200, editable=False, blank=True)
    client_uuid = models.UUIDField(null=True, blank=True, unique=True, editable=False)
    erased_at = models.DateTimeField(_("erased at"), null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["household", "pk"]
        verbose_name = _("resident")
        verbose_name_plural = _("residents")

    def __str__(self) -> str:
        return self.full_name or str(_("(name erased)"))

    def save(self, *args, **kwargs):
        self.normalise()
        super().save(*args, **kwargs)

    def normalise(self) -> None:
        """NFC name and search key; ``save`` calls it, so do ``bulk_create`` callers."""
        self.full_name = nfc(self.full_name)
        self.search_key = fold(self.full_name)

    def is_minor(self, on=None) -> bool:
        if self.birth_year is None:
            return False
        year = (on or timezone.localdate()).year
        return year - self.birth_year < AGE_OF_MAJORITY


class Consent(Record):
    """One entry of the consent ledger: given or withdrawn, for what, how, by whom.

    An entry is about a resident the teams guide or about a person's own account
    (``user``, given online at sign-up): exactly one of the two. A person's consent
    for a purpose is the latest entry for it; withdrawing adds an entry, it never
    removes one.
    """

    # Written often, never referenced by content: no reference-index work.
    wagtail_reference_index_ignore = True

    class Purpose(models.TextChoices):
        OUTREACH = "outreach", _("Guidance by the community team and its figures")
        ACCOUNT = "account", _("A learning account: courses, results, certificates")

    class Action(models.TextChoices):
        GIVEN = "given", _("Given")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    class Method(models.TextChoices):
        MEMBER_PHONE = "member_phone", _("On a team member's phone")
        PAPER = "paper", _("On paper")
        COMMUNE_OFFICE = "commune_office", _("At the commune office")
        ONLINE_SIGNUP = "online_signup", _("Online at sign-up")
        ONLINE = "online", _("Online, signed in")

    resident = models.ForeignKey(
        Resident,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="consents",
        verbose_name=_("resident"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="consents",
        verbose_name=_("account"),
    )
    purpose = models.CharField(_("purpose"), max_length=16, choices=Purpose.choices)
    policy_version = models.CharField(_("privacy notice version"), max_length=40)
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    method = models.CharField(_("how"), max_length=16, choices=Method.choices)
    guardian_name = models.CharField(
        _("guardian"),
        max_length=150,
        blank=True,
        help_text=_("Who consented for a minor."),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    visit = models.ForeignKey(
        "community_teams.Visit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="consents",
    )
    at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        ordering = ["resident", "-at", "-pk"]
        indexes = [
            models.Index(fields=["resident", "purpose", "-at"], name="consent_latest"),
            models.Index(fields=["user", "purpose", "-at"], name="consent_user_latest"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(resident__isnull=False, user__isnull=True)
                | models.Q(resident__isnull=True, user__isnull=False),
                name="consent_resident_or_account",
            )
        ]
        verbose_name = _("consent")
        verbose_name_plural = _("consent ledger")

    def __str__(self) -> str:
        return f"{self.get_action_display()}: {self.get_purpose_display()}"

    def save(self, *args, **kwargs):
        self.guardian_name = nfc(self.guardian_name)
        super().save(*args, **kwargs)


class HouseholdChange(models.Model):
    """A change to a household sent from a phone, with the version it was made from.

    Made on the current version, it is applied at once. Made on an older one (the
    household changed meanwhile), it is kept as a conflict for the team leader or
    the commune to resolve, never written over what changed since.
    """

    # Written often, never referenced by content: no reference-index work.
    wagtail_reference_index_ignore = True

    class Status(models.TextChoices):
        APPLIED = "applied", _("Applied")
        CONFLICT = "conflict", _("Conflict: waiting for a decision")
        TAKEN = "taken", _("Conflict resolved: change taken")
        DISCARDED = "discarded", _("Conflict resolved: change discarded")

    uuid = models.UUIDField(unique=True, editable=False)
    household = models.ForeignKey(
        Household,
        on_delete=models.CASCADE,
        related_name="changes",
        verbose_name=_("household"),
    )
    base_version = models.PositiveIntegerField(_("made from version"))
    proposed = models.JSONField(_("proposed values"))
    content_hash = models.CharField(max_length=64, editable=False)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("sent by"),
    )
    received_at = models.DateTimeField(_("received at"), default=timezone.now)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("resolved by"),
    )
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)

    class Meta:
        ordering = ["-received_at", "-pk"]
        indexes = [
            models.Index(fields=["status", "household"], name="household_change_status")
        ]
        verbose_name = _("household change")
        verbose_name_plural = _("household changes")

    def __str__(self) -> str:
        return f"{self.household} · {self.get_status_display()}"
