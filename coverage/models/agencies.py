"""The province's agencies and the civil servants who work in them."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import F, Q, Value
from django.db.models.functions import Concat, Substr
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lms.permissions import Scope
from lms.text import fold, nfc

# A path step is the agency's id, zero-padded so that paths sort as the tree does
# and a prefix match finds every sub-unit.
PATH_STEP = 10


class Agency(models.Model):
    """A department, a commune people's committee, a public service unit or one of
    their sub-units, each in a province and perhaps in one commune.

    ``path`` is the chain of ids from the top agency down to this one, so "this
    agency and its sub-units" is one indexed prefix match; it is kept by
    :func:`coverage.services.agency_save`, never written by hand.
    """

    class Kind(models.TextChoices):
        DEPARTMENT = "department", _("Department or board")
        COMMUNE_COMMITTEE = "commune_committee", _("Commune people's committee")
        PUBLIC_SERVICE_UNIT = "public_service_unit", _("Public service unit")
        SUB_UNIT = "sub_unit", _("Sub-unit (office, division)")
        OTHER = "other", _("Other agency")

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=24, choices=Kind.choices)
    province = models.ForeignKey(
        "lms.Province",
        on_delete=models.PROTECT,
        related_name="agencies",
        verbose_name=_("province"),
    )
    commune = models.ForeignKey(
        "lms.Commune",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="agencies",
        verbose_name=_("commune"),
        help_text=_("For an agency of a commune: the commune it serves."),
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("part of"),
    )
    path = models.CharField(max_length=255, editable=False, db_index=True)
    depth = models.PositiveSmallIntegerField(default=0, editable=False)
    search_key = models.CharField(max_length=200, editable=False, blank=True)

    class Meta:
        verbose_name = _("agency")
        verbose_name_plural = _("agencies")
        ordering = ["path"]
        constraints = [
            models.UniqueConstraint(
                fields=["parent", "name"], name="unique_agency_name_in_parent"
            ),
            models.UniqueConstraint(
                fields=["province", "name"],
                condition=Q(parent__isnull=True),
                name="unique_top_agency_name",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        """Save, keeping ``path`` and ``depth`` of this agency and its sub-units."""
        self.name = nfc(self.name).strip()
        self.search_key = fold(self.name)
        if self.parent_id and not self.commune_id:
            # A sub-unit of a commune's agency belongs to that commune too.
            self.commune_id = self.parent.commune_id
        with transaction.atomic():
            if self.pk is None:
                # The path names the id, which the first save gives.
                super().save(*args, **kwargs)
                self._path_set()
                Agency.objects.filter(pk=self.pk).update(
                    path=self.path, depth=self.depth
                )
                return
            old_path = (
                Agency.objects.filter(pk=self.pk).values_list("path", flat=True).first()
            )
            self._path_set()
            if old_path and old_path != self.path:
                # Moved: every sub-unit's path starts with the new chain, before
                # anything that hears of this save looks at them.
                Agency.objects.filter(path__startswith=old_path).exclude(
                    pk=self.pk
                ).update(
                    path=Concat(Value(self.path), Substr("path", len(old_path) + 1)),
                    depth=F("depth") + (self.depth - old_path.count("/") + 1),
                )
            super().save(*args, **kwargs)

    def _path_set(self) -> None:
        parent_path = self.parent.path if self.parent_id else ""
        self.path = parent_path + self.path_step(self.pk)
        self.depth = self.path.count("/") - 1

    def clean(self) -> None:
        if self.parent_id and self.pk:
            if self.parent.path.startswith(self.path):
                raise ValidationError(
                    {
                        "parent": _(
                            "An agency cannot be part of itself or its sub-units."
                        )
                    }
                )
        if self.parent_id and self.parent.province_id != self.province_id:
            raise ValidationError(
                {"parent": _("The agency it is part of is in another province.")}
            )
        if self.commune_id and self.commune.province_id != self.province_id:
            raise ValidationError({"commune": _("The commune is in another province.")})

    def scope(self) -> Scope:
        return Scope(province_id=self.province_id, commune_id=self.commune_id)

    def subtree(self):
        """This agency and every sub-unit under it."""
        return Agency.objects.filter(path__startswith=self.path)

    @staticmethod
    def path_step(pk: int) -> str:
        return f"{pk:0{PATH_STEP}d}/"


class StaffCategory(models.TextChoices):
    """The three kinds of public employee Vietnamese law names."""

    CB = "CB", _("Cadre (CB)")
    CC = "CC", _("Civil servant (CC)")
    VC = "VC", _("Public employee (VC)")


class StaffMember(models.Model):
    """A cadre, civil servant or public employee on an agency's staff roster.

    ``user`` is their account: made when the roster is imported, or the account the
    person already had (found by phone or email), so nobody has two.
    """

    # Written in bulk by imports, never referenced by content.
    wagtail_reference_index_ignore = True

    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="staff", verbose_name=_("agency")
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="staff_member",
        verbose_name=_("account"),
    )
    full_name = models.CharField(_("full name"), max_length=150)
    category = models.CharField(
        _("category"), max_length=2, choices=StaffCategory.choices
    )
    position = models.CharField(_("position"), max_length=150, blank=True)
    phone = models.CharField(_("phone number"), max_length=16, blank=True)
    email = models.EmailField(_("email address"), blank=True)
    active = models.BooleanField(
        _("on the staff"),
        default=True,
        help_text=_("People who left stay in past figures but not in this year's."),
    )
    search_key = models.CharField(max_length=300, editable=False, blank=True)
    added_at = models.DateTimeField(_("added at"), default=timezone.now)

    class Meta:
        verbose_name = _("staff member")
        verbose_name_plural = _("staff members")
        indexes = [
            models.Index(fields=["agency", "search_key", "id"], name="staff_by_name"),
        ]

    def __str__(self) -> str:
        return self.full_name

    def save(self, *args, **kwargs):
        self.normalise()
        super().save(*args, **kwargs)

    def normalise(self) -> None:
        """Text in NFC, the email in lower case, the search key: what saving does,
        for bulk writes that do not call :meth:`save`."""
        self.full_name = nfc(self.full_name).strip()
        self.position = nfc(self.position).strip()
        self.email = (self.email or "").strip().lower()
        self.search_key = fold(f"{self.full_name} {self.email} {self.phone}")

    def scope(self) -> Scope:
        return Scope(
            province_id=self.agency.province_id,
            commune_id=self.agency.commune_id,
            owner_id=self.user_id,
        )
