"""People and what they may do."""

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lms.models.records import Record
from lms.phone import phone_display
from lms.text import fold, nfc


class User(AbstractUser):
    """A person using the platform.

    ``username`` is an internal handle generated at sign-up; people log in with their
    phone number (E.164 in ``phone``) or their email address. The profile fields
    live here because nearly every page that names a person needs them.
    """

    phone = models.CharField(
        _("phone number"), max_length=16, unique=True, null=True, blank=True
    )
    phone_verified = models.BooleanField(_("phone number verified"), default=False)
    full_name = models.CharField(_("full name"), max_length=150, blank=True)
    birth_year = models.PositiveSmallIntegerField(
        _("birth year"), null=True, blank=True
    )
    commune = models.ForeignKey(
        "lms.Commune",
        verbose_name=_("commune of residence"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="residents",
    )
    search_key = models.CharField(max_length=300, editable=False, blank=True)

    objects = UserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        # Lists of people are sorted by the folded name and paged from a key, in a
        # province or in one commune. Searches use a trigram index on search_key
        # that only PostgreSQL has: migration 0003 adds it outside the model state.
        indexes = [
            models.Index(fields=["search_key", "id"], name="lms_user_by_name"),
            models.Index(
                fields=["commune", "search_key", "id"], name="lms_user_commune_by_name"
            ),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return (
            self.full_name or self.email or phone_display(self.phone) or self.username
        )

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.full_name.split()[-1] if self.full_name else self.display_name

    def save(self, *args, **kwargs):
        self.full_name = nfc(self.full_name)
        if self.email:
            self.email = self.email.strip().lower()
        self.search_key = self.search_key_for(
            full_name=self.full_name, email=self.email, phone=self.phone
        )
        super().save(*args, **kwargs)

    @staticmethod
    def search_key_for(*, full_name: str, email: str | None, phone: str | None) -> str:
        """What people lists match a search against (bulk loads compute it too)."""
        return fold(f"{full_name} {email or ''} {phone or ''}")


class Role(models.TextChoices):
    RESIDENT = "resident", _("Resident")
    CIVIL_SERVANT = "civil_servant", _("Civil servant")
    TEAM_MEMBER = "team_member", _("Team member")
    TEAM_LEADER = "team_leader", _("Team leader")
    COMMUNE_OFFICIAL = "commune_official", _("Commune official")
    PROVINCE_OFFICIAL = "province_official", _("Province official")
    CONTENT_EDITOR = "content_editor", _("Content editor")


TEAM_ROLES = {Role.TEAM_MEMBER, Role.TEAM_LEADER}


class Organisation(models.TextChoices):
    """Where a community team's member comes from (the commune's decision lists it)."""

    HAMLET_HEAD = "hamlet_head", _("Hamlet head")
    YOUTH_UNION = "youth_union", _("Youth union")
    WOMENS_UNION = "womens_union", _("Women's union")
    VETERANS = "veterans", _("Veterans' association")
    POLICE = "police", _("Police")
    TELECOM = "telecom", _("Telecom staff")
    OTHER = "other", _("Other")


class RoleAssignment(models.Model):
    """A role a person holds, with the scope it applies to.

    Team roles are scoped to a team, a commune official to a commune, a province
    official to a province; other roles are not scoped. A civil servant will also
    belong to an agency once agencies exist.

    Grant and withdraw only through ``lms.services.role_grant`` / ``role_withdraw``,
    which keep the :class:`RoleChange` record. A team or place with role holders
    cannot be deleted (``PROTECT``): their roles are withdrawn first, on the record.
    """

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="roles", verbose_name=_("person")
    )
    role = models.CharField(_("role"), max_length=24, choices=Role.choices)
    team = models.ForeignKey(
        "community_teams.Team",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="role_assignments",
        verbose_name=_("team"),
    )
    commune = models.ForeignKey(
        "lms.Commune",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        verbose_name=_("commune"),
    )
    province = models.ForeignKey(
        "lms.Province",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        verbose_name=_("province"),
    )
    organisation = models.CharField(
        _("organisation"),
        max_length=16,
        choices=Organisation.choices,
        blank=True,
        help_text=_("For a team leader or member: where they come from."),
    )
    granted_at = models.DateTimeField(_("granted at"), auto_now_add=True)

    class Meta:
        verbose_name = _("role assignment")
        verbose_name_plural = _("role assignments")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "role", "team"],
                condition=Q(team__isnull=False),
                name="unique_team_role",
            ),
            models.UniqueConstraint(
                fields=["user", "role", "commune"],
                condition=Q(commune__isnull=False),
                name="unique_commune_role",
            ),
            models.UniqueConstraint(
                fields=["user", "role", "province"],
                condition=Q(province__isnull=False),
                name="unique_province_role",
            ),
            models.UniqueConstraint(
                fields=["user", "role"],
                condition=Q(
                    team__isnull=True, commune__isnull=True, province__isnull=True
                ),
                name="unique_unscoped_role",
            ),
            models.CheckConstraint(
                name="role_scope_matches_role",
                violation_error_message=_(
                    "Team roles need a team, a commune official a commune, a province "
                    "official a province; other roles take no scope."
                ),
                condition=(
                    Q(
                        role__in=[Role.TEAM_MEMBER, Role.TEAM_LEADER],
                        team__isnull=False,
                        commune__isnull=True,
                        province__isnull=True,
                    )
                    | Q(
                        role=Role.COMMUNE_OFFICIAL,
                        team__isnull=True,
                        commune__isnull=False,
                        province__isnull=True,
                    )
                    | Q(
                        role=Role.PROVINCE_OFFICIAL,
                        team__isnull=True,
                        commune__isnull=True,
                        province__isnull=False,
                    )
                    | Q(
                        role__in=[
                            Role.RESIDENT,
                            Role.CIVIL_SERVANT,
                            Role.CONTENT_EDITOR,
                        ],
                        team__isnull=True,
                        commune__isnull=True,
                        province__isnull=True,
                    )
                ),
            ),
        ]

    def __str__(self) -> str:
        scope = self.place_label
        label = self.get_role_display()
        return f"{label} ({scope})" if scope else str(label)

    @property
    def place_label(self) -> str:
        """Where the role applies: a team and its commune, a commune or a province."""
        if self.team_id:
            return f"{self.team.name}, {self.team.commune.full_name}"
        if self.commune_id:
            return self.commune.full_name
        if self.province_id:
            return self.province.full_name
        return ""


class RoleChange(Record):
    """One grant or withdrawal of a role: who did it, when, to whom, where.

    Append-only: rows are added by ``role_grant`` / ``role_withdraw`` and never
    changed or deleted (saving an existing row or deleting raises ``TypeError``).
    Names are copied at the time of the change so the record reads the same after a
    person or team is renamed or removed. ``province`` and ``commune`` are the
    places the scope lies in (a team's commune and province too), so the record is
    shown to the officials who cover them.
    """

    class Action(models.TextChoices):
        GRANTED = "granted", _("Granted")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    class Via(models.TextChoices):
        ADMIN = "admin", _("Admin screens")
        COMMAND = "command", _("Server command line")
        ACCOUNT_DELETED = "account_deleted", _("Account deleted")

    at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    role = models.CharField(_("role"), max_length=24, choices=Role.choices)
    user = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        related_name="role_changes",
        verbose_name=_("person"),
    )
    user_name = models.CharField(_("person"), max_length=300)
    team = models.ForeignKey(
        "community_teams.Team",
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("team"),
    )
    team_name = models.CharField(_("team"), max_length=150, blank=True)
    commune = models.ForeignKey(
        "lms.Commune",
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=_("commune"),
    )
    province = models.ForeignKey(
        "lms.Province",
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=_("province"),
    )
    by = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("by"),
    )
    by_name = models.CharField(_("by"), max_length=300, blank=True)
    via = models.CharField(_("through"), max_length=16, choices=Via.choices)
    search_key = models.CharField(max_length=700, editable=False, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("role change")
        verbose_name_plural = _("role changes")

    def __str__(self) -> str:
        return (
            f"{self.get_action_display()}: {self.get_role_display()}, {self.user_name}"
        )

    def save(self, *args, **kwargs):
        self.normalise()
        super().save(*args, **kwargs)

    def normalise(self) -> None:
        """The search key, as saving sets it, for bulk writes that do not save."""
        self.search_key = fold(f"{self.user_name} {self.by_name} {self.team_name}")

    @property
    def place_label(self) -> str:
        if self.team_name:
            commune = self.commune.full_name if self.commune_id else ""
            return ", ".join(part for part in (self.team_name, commune) if part)
        if self.commune_id:
            return self.commune.full_name
        if self.province_id:
            return self.province.full_name
        return ""
