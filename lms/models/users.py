"""People and what they may do."""

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

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
        self.search_key = fold(
            f"{self.full_name} {self.email or ''} {self.phone or ''}"
        )
        super().save(*args, **kwargs)


class Role(models.TextChoices):
    RESIDENT = "resident", _("Resident")
    CIVIL_SERVANT = "civil_servant", _("Civil servant")
    TEAM_MEMBER = "team_member", _("Team member")
    TEAM_LEADER = "team_leader", _("Team leader")
    COMMUNE_OFFICIAL = "commune_official", _("Commune official")
    PROVINCE_OFFICIAL = "province_official", _("Province official")
    CONTENT_EDITOR = "content_editor", _("Content editor")


TEAM_ROLES = {Role.TEAM_MEMBER, Role.TEAM_LEADER}


class RoleAssignment(models.Model):
    """A role a person holds, with the scope it applies to.

    Team roles are scoped to a team, a commune official to a commune, a province
    official to a province; other roles are not scoped. A civil servant will also
    belong to an agency once agencies exist.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="roles")
    role = models.CharField(_("role"), max_length=24, choices=Role.choices)
    team = models.ForeignKey(
        "community_teams.Team",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="role_assignments",
    )
    commune = models.ForeignKey(
        "lms.Commune", on_delete=models.CASCADE, null=True, blank=True
    )
    province = models.ForeignKey(
        "lms.Province", on_delete=models.CASCADE, null=True, blank=True
    )
    granted_at = models.DateTimeField(auto_now_add=True)

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
        scope = self.team or self.commune or self.province
        label = self.get_role_display()
        return f"{label} ({scope})" if scope else str(label)
