"""Administrative units of the 2025 two-level structure, and hamlets below communes."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lms.text import fold, nfc


class Province(models.Model):
    """One of the 34 provinces and centrally-run cities."""

    class Kind(models.TextChoices):
        PROVINCE = "tinh", _("Province")
        CITY = "thanh-pho", _("Centrally-run city")

    code = models.CharField(_("code"), max_length=2, primary_key=True)
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("type"), max_length=12, choices=Kind.choices)
    search_key = models.CharField(max_length=120, editable=False, db_index=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("province")
        verbose_name_plural = _("provinces")

    def __str__(self) -> str:
        return self.full_name

    def save(self, *args, **kwargs):
        self.name = nfc(self.name)
        self.search_key = fold(self.full_name)
        super().save(*args, **kwargs)

    @property
    def full_name(self) -> str:
        return f"{PROVINCE_PREFIX[self.kind]} {self.name}"


class CommuneQuerySet(models.QuerySet):
    def search(self, query: str) -> "CommuneQuerySet":
        """Accent-insensitive match on every word: "phuong ben thanh"."""
        qs = self
        for word in fold(query).split():
            qs = qs.filter(search_key__contains=word)
        return qs


class Commune(models.Model):
    """A commune-level unit (xã, phường, đặc khu) identified by its 5-digit code.

    The unit's type can change (a commune upgraded to a ward), so the type lives in
    :class:`CommuneKind` rows with the date each took effect; ``kind`` and
    ``search_key`` cache the type in force today for listing and search.
    """

    class Kind(models.TextChoices):
        COMMUNE = "xa", _("Commune")
        WARD = "phuong", _("Ward")
        SPECIAL_ZONE = "dac-khu", _("Special zone")

    code = models.CharField(_("code"), max_length=5, primary_key=True)
    province = models.ForeignKey(
        Province, on_delete=models.PROTECT, related_name="communes"
    )
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("type"), max_length=10, choices=Kind.choices)
    search_key = models.CharField(max_length=250, editable=False, db_index=True)

    objects = CommuneQuerySet.as_manager()

    class Meta:
        ordering = ["province__name", "name"]
        verbose_name = _("commune")
        verbose_name_plural = _("communes")

    def __str__(self) -> str:
        return self.full_name

    def save(self, *args, **kwargs):
        self.name = nfc(self.name)
        self.search_key = fold(
            f"{self.full_name} {self.province_id and self.province.name}"
        )
        super().save(*args, **kwargs)

    @property
    def full_name(self) -> str:
        return f"{KIND_PREFIX[self.kind]} {self.name}"


# Parts of official names, not interface text: they stay Vietnamese in every language.
PROVINCE_PREFIX = {"tinh": "Tỉnh", "thanh-pho": "Thành phố"}
KIND_PREFIX = {"xa": "Xã", "phuong": "Phường", "dac-khu": "Đặc khu"}


class CommuneKind(models.Model):
    """The type of a commune-level unit from a given date (e.g. upgraded to a ward)."""

    commune = models.ForeignKey(Commune, on_delete=models.CASCADE, related_name="kinds")
    kind = models.CharField(_("type"), max_length=10, choices=Commune.Kind.choices)
    effective_from = models.DateField(_("effective from"))
    legal_basis = models.CharField(_("legal basis"), max_length=255, blank=True)

    class Meta:
        ordering = ["commune", "effective_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["commune", "effective_from"], name="unique_commune_kind_date"
            )
        ]
        verbose_name = _("commune type period")
        verbose_name_plural = _("commune type periods")

    def __str__(self) -> str:
        return f"{self.commune_id} {self.kind} {self.effective_from:%d/%m/%Y}"


class Hamlet(models.Model):
    """A hamlet or residential group below a commune; communes create their own."""

    class Kind(models.TextChoices):
        THON = "thon", _("Hamlet (thôn)")
        AP = "ap", _("Hamlet (ấp)")
        BAN = "ban", _("Village (bản)")
        TO_DAN_PHO = "to-dan-pho", _("Residential group (tổ dân phố)")
        KHU_PHO = "khu-pho", _("Quarter (khu phố)")

    commune = models.ForeignKey(
        Commune,
        on_delete=models.PROTECT,
        related_name="hamlets",
        verbose_name=_("commune"),
    )
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("type"), max_length=12, choices=Kind.choices)
    search_key = models.CharField(max_length=250, editable=False, db_index=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["commune", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["commune", "name"], name="unique_hamlet_name"
            )
        ]
        verbose_name = _("hamlet")
        verbose_name_plural = _("hamlets")

    def __str__(self) -> str:
        return f"{self.name}, {self.commune.full_name}"

    def save(self, *args, **kwargs):
        self.name = nfc(self.name)
        self.search_key = fold(self.name)
        super().save(*args, **kwargs)
