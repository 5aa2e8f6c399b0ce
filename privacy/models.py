"""The privacy notice, as a Wagtail page, and every version of it ever published.

Editors write the notice as a page; each time it is published the text is copied
into a :class:`PrivacyNoticeVersion`, numbered 1, 2, 3… Consents record that
number. The copies never change and do not depend on Wagtail's revisions, which
an administrator may purge: what a person agreed to can always be shown again.
"""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page


class PrivacyNoticePage(Page):
    """The site's privacy notice: what is collected, why, for how long, who sees it."""

    summary = models.TextField(
        _("short notice"),
        max_length=1000,
        help_text=_(
            "A few sentences shown at sign-up, above the consent box, with a link "
            "to the full notice."
        ),
    )
    body = RichTextField(
        _("full notice"),
        help_text=_(
            "What is collected, why, for how long, who sees it and how to ask for "
            "a copy, a correction or a deletion."
        ),
    )
    needs_new_consent = models.BooleanField(
        _("this change needs new consent"),
        default=False,
        help_text=_(
            "Tick when the change alters what people agreed to (new data, a new "
            "purpose, new recipients): everyone is asked again at their next "
            "sign-in. Untick it for a correction of wording."
        ),
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("summary"),
        FieldPanel("body"),
        FieldPanel("needs_new_consent"),
    ]
    # One notice, beside the site's home page rather than below it: the home page
    # routes only to the catalogue, and people read the notice at /privacy/ from
    # its published versions. Editors preview it here.
    max_count = 1
    parent_page_types = ["wagtailcore.Page"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("privacy notice")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["versions"] = PrivacyNoticeVersion.objects.all()
        return context


class PrivacyNoticeVersionQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise TypeError("A published notice is a record: it is never changed.")

    def delete(self):
        raise TypeError("A published notice is a record: it is never deleted.")


class PrivacyNoticeVersion(models.Model):
    """The text of the notice as published once, kept forever."""

    number = models.PositiveIntegerField(_("version"), unique=True)
    title = models.CharField(_("title"), max_length=255)
    summary = models.TextField(_("short notice"))
    body = models.TextField(_("full notice"))
    needs_new_consent = models.BooleanField(_("needs new consent"))
    published_at = models.DateTimeField(_("published at"), default=timezone.now)

    objects = PrivacyNoticeVersionQuerySet.as_manager()

    class Meta:
        ordering = ["-number"]
        verbose_name = _("privacy notice version")
        verbose_name_plural = _("privacy notice versions")

    def __str__(self) -> str:
        return str(self.number)

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise TypeError("A published notice is a record: it is never changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError("A published notice is a record: it is never deleted.")


class DataRequest(models.Model):
    """A person's request about their personal data, entered by staff for them.

    Most residents the teams visit have no account: they ask a team member or at
    the commune office, and staff enter the request here, saying how they checked
    who the person is. No copy of an identity document is kept.
    """

    # Written often, never referenced by content: no reference-index work.
    wagtail_reference_index_ignore = True

    class Kind(models.TextChoices):
        ACCESS = "access", _("See or get a copy of their data")
        CORRECTION = "correction", _("Correct their data")
        DELETION = "deletion", _("Delete their data")
        RESTRICTION = "restriction", _("Restrict processing")
        OBJECTION = "objection", _("Object to processing")
        WITHDRAWAL = "withdrawal", _("Withdraw consent")

    class IdentityCheck(models.TextChoices):
        VNEID = "vneid", _("Showed their VNeID app")
        ID_CARD_SEEN = "id_card_seen", _("Showed their ID card (seen, not copied)")
        KNOWN = "known", _("Known in person to the staff member")
        ACCOUNT = "account", _("Signed in to their own account")

    kind = models.CharField(_("request"), max_length=12, choices=Kind.choices)
    commune = models.ForeignKey(
        "lms.Commune",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("commune"),
    )
    person_name = models.CharField(_("person's name"), max_length=150)
    contact = models.CharField(
        _("how to reach them"),
        max_length=150,
        blank=True,
        help_text=_("A phone number or an address for the answer."),
    )
    identity_check = models.CharField(
        _("identity checked by"), max_length=12, choices=IdentityCheck.choices
    )
    details = models.TextField(_("what they ask"), max_length=2000, blank=True)
    received_on = models.DateField(_("received on"))
    due_on = models.DateField(_("answer due on"))
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("entered by"),
    )
    answer = models.TextField(_("answer"), max_length=4000, blank=True)
    answered_on = models.DateField(_("answered on"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("answered by"),
    )

    class Meta:
        ordering = ["due_on", "pk"]
        indexes = [
            models.Index(
                fields=["commune", "answered_on", "due_on"], name="request_queue"
            )
        ]
        verbose_name = _("personal-data request")
        verbose_name_plural = _("personal-data requests")

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.person_name}"


class Breach(models.Model):
    """A personal-data incident, on the record: what happened, whose data and what
    data, what was done, and the notification sent to the authority, due within 72
    hours of its discovery. Entered by officials for their place; never deleted."""

    # Written rarely, never referenced by content: no reference-index work.
    wagtail_reference_index_ignore = True
    NOTIFY_WITHIN = timedelta(hours=72)

    province = models.ForeignKey(
        "lms.Province",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("province"),
    )
    commune = models.ForeignKey(
        "lms.Commune",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("commune"),
    )
    summary = models.CharField(_("what happened"), max_length=300)
    data_concerned = models.TextField(_("what data"), max_length=2000)
    people_concerned = models.TextField(_("whose data"), max_length=2000)
    people_count = models.PositiveIntegerField(_("about how many people"))
    discovered_at = models.DateTimeField(_("discovered at"))
    measures = models.TextField(
        _("what was done about it"), max_length=4000, blank=True
    )
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    authority = models.CharField(_("authority notified"), max_length=200, blank=True)
    notification_text = models.TextField(_("notification"), max_length=8000, blank=True)
    informed = models.TextField(_("who else was informed"), max_length=2000, blank=True)
    notified_at = models.DateTimeField(_("notified at"), null=True, blank=True)
    notified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("notified by"),
    )

    class Meta:
        ordering = ["discovered_at", "pk"]
        indexes = [
            models.Index(
                fields=["province", "notified_at", "discovered_at"],
                name="breach_register",
            )
        ]
        verbose_name = _("personal-data breach")
        verbose_name_plural = _("personal-data breaches")

    def __str__(self) -> str:
        return self.summary

    @property
    def notify_by(self):
        return self.discovered_at + self.NOTIFY_WITHIN
