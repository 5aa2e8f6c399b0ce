"""Certificates: the design editors give a course, issued certificates, bulk issues.

An issued :class:`Certificate` keeps a copy of everything printed on it (name,
course title, issuer, signer) and the PDF file itself with its SHA-256, so later
edits to a person, a course or a design never change a certificate already given
out, and a re-download returns the very same bytes.

A :class:`BulkIssue` is one request to issue a course's certificate to many
people. Each person is a :class:`BulkIssueItem` with its own status, so the work
can be done in batches by any number of workers and resumed after a restart.
"""

import re
import secrets

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.models import DraftStateMixin, PreviewableMixin, RevisionMixin

from certificates.pdf import LAYOUT_ADMINISTRATIVE, LAYOUT_CLASSIC
from lms.text import nfc

PLACEHOLDERS = ("name", "course", "date", "hours", "issuer")
# Printed by the layout itself, outside the body: in the body they print twice.
LAYOUT_PRINTS = ("name", "issuer")
_BRACED = re.compile(r"\{([^{}]*)\}")

hex_colour_validator = RegexValidator(
    r"^#[0-9A-Fa-f]{6}$", _("Enter a colour as # and six hex digits, e.g. #0B5394.")
)


def body_placeholder_validator(value: str) -> None:
    """Reject ``{something}`` that is not a placeholder: it would print as typed."""
    unknown = sorted(
        {match for match in _BRACED.findall(value) if match not in PLACEHOLDERS}
    )
    if unknown:
        raise ValidationError(
            _("Unknown placeholder %(names)s. Use only %(allowed)s.")
            % {
                "names": ", ".join(f"{{{name}}}" for name in unknown),
                "allowed": ", ".join(f"{{{name}}}" for name in PLACEHOLDERS),
            },
            code="unknown_placeholder",
        )
    repeated = [name for name in LAYOUT_PRINTS if f"{{{name}}}" in value]
    if repeated:
        raise ValidationError(
            _(
                "The layout already prints %(names)s above the body; remove it "
                "from the body or it is printed twice."
            )
            % {"names": ", ".join(f"{{{name}}}" for name in repeated)},
            code="printed_twice",
        )


class Layout(models.TextChoices):
    ADMINISTRATIVE = LAYOUT_ADMINISTRATIVE, _("Administrative document")
    CLASSIC = LAYOUT_CLASSIC, _("Classic")


class ColourInput(forms.TextInput):
    input_type = "color"


class CertificateTemplate(
    PreviewableMixin, DraftStateMixin, RevisionMixin, models.Model
):
    """How one course's certificates look: texts, signer, images and colour.

    Only the published version is used for issuing; editors preview drafts as PDF.
    A course without a published design gets the built-in one
    (:func:`certificates.design.default_design`).
    """

    course = models.OneToOneField(
        "courses.CoursePage",
        verbose_name=_("course"),
        on_delete=models.CASCADE,
        related_name="certificate_template",
    )
    title = models.CharField(
        _("title"),
        max_length=120,
        help_text=_("The large heading, e.g. GIẤY CHỨNG NHẬN."),
    )
    body = models.TextField(
        _("body text"),
        max_length=1000,
        validators=[body_placeholder_validator],
        help_text=_(
            "Each line is a paragraph. The layout already prints the issuing body, "
            "the title, the person's name, the date, the signer and the code: do "
            "not repeat them here. Placeholders: {course} the course, {date} the "
            "date, {hours} the hours. A line with {hours} is left out when no "
            "hours are set."
        ),
    )
    hours = models.DecimalField(
        _("hours"),
        max_digits=5,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text=_("Printed where {hours} appears; leave empty to leave it out."),
    )
    issuer_name = models.CharField(
        _("issuing body"),
        max_length=200,
        help_text=_("e.g. Ủy ban nhân dân xã Tân Phú."),
    )
    signer_name = models.CharField(_("signer's name"), max_length=120)
    signer_title = models.CharField(
        _("signer's title"), max_length=120, help_text=_("e.g. Chủ tịch.")
    )
    signature_image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("signature"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    logo_image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("logo or seal"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    accent_colour = models.CharField(
        _("accent colour"),
        max_length=7,
        default="#0B5394",
        validators=[hex_colour_validator],
    )
    layout = models.CharField(
        _("layout"),
        max_length=16,
        choices=Layout.choices,
        default=Layout.ADMINISTRATIVE,
        help_text=_(
            "Administrative: like an official letter (Decree 30/2020), with the "
            "national title, place and date, and the seal over the signature."
        ),
    )
    place = models.CharField(
        _("place"),
        max_length=100,
        blank=True,
        help_text=_(
            'Printed before the date in the administrative layout, e.g. "Đắk Lắk".'
        ),
    )

    panels = [
        FieldPanel("course"),
        MultiFieldPanel(
            [FieldPanel("title"), FieldPanel("body"), FieldPanel("hours")],
            heading=_("Text"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("issuer_name"),
                FieldPanel("signer_name"),
                FieldPanel("signer_title"),
                FieldPanel("signature_image"),
            ],
            heading=_("Issuer and signer"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("layout"),
                FieldPanel("place"),
                FieldPanel("logo_image"),
                # The browser's colour picker: nobody has to type a hex code.
                FieldPanel("accent_colour", widget=ColourInput),
            ],
            heading=_("Look"),
        ),
    ]

    class Meta:
        verbose_name = _("certificate design")
        verbose_name_plural = _("certificate designs")

    def __str__(self) -> str:
        return str(self.course) if self.course_id else str(self.title)

    def clean(self) -> None:
        for name in (
            "title",
            "body",
            "issuer_name",
            "signer_name",
            "signer_title",
            "place",
        ):
            setattr(self, name, nfc(getattr(self, name)))

    def serve_preview(self, request, mode_name):
        """The preview panel shows the certificate as the PDF a person receives."""
        from certificates.design import design_preview_response

        return design_preview_response(self)


def _pdf_path(instance: "Certificate", filename: str) -> str:
    # A random name: the code is public (printed in the QR code), the file is not.
    issued = instance.issued_at or timezone.now()
    return f"certificates/{issued:%Y/%m}/{secrets.token_hex(16)}.pdf"


class Certificate(models.Model):
    """A certificate given to one person for one course."""

    class Source(models.TextChoices):
        COMPLETION = "completion", _("Completed the course online")
        BULK = "bulk", _("Issued by an official or team leader")
        COMMAND = "command", _("Issued by an administrator")
        LEARNER = "learner", _("Requested by the learner after completing")
        IN_PERSON = "in_person", _("Trained in person by a community team")

    code = models.CharField(_("code"), max_length=17, unique=True)
    # The holder's account. A resident trained in person may have none yet: their
    # certificate then belongs to ``resident`` until they sign up with the
    # number the team recorded (see certificates.receivers).
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="certificates",
    )
    resident = models.ForeignKey(
        "community_teams.Resident",
        verbose_name=_("resident"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="certificates",
    )
    # Kept when a course page is deleted: the certificate stays verifiable.
    course = models.ForeignKey(
        "courses.CoursePage",
        verbose_name=_("course"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="certificates",
    )
    recipient_name = models.CharField(_("name on the certificate"), max_length=150)
    course_title = models.CharField(_("course title"), max_length=255)
    issuer_name = models.CharField(_("issuing body"), max_length=200)
    signer_name = models.CharField(_("signer's name"), max_length=120, blank=True)
    signer_title = models.CharField(_("signer's title"), max_length=120, blank=True)
    issued_on = models.DateField(_("issued on"))
    issued_at = models.DateTimeField(_("issued at"), default=timezone.now)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("issued by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    source = models.CharField(_("source"), max_length=12, choices=Source.choices)
    reason = models.CharField(_("reason"), max_length=255, blank=True)
    language = models.CharField(_("language"), max_length=8, default="vi")
    pdf = models.FileField(_("PDF"), upload_to=_pdf_path, max_length=200)
    pdf_sha256 = models.CharField(_("PDF SHA-256"), max_length=64)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("revoked by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    revocation_reason = models.CharField(
        _("reason for revoking"), max_length=500, blank=True
    )
    # Set when the PDF was made again with the course's published design.
    reissued_at = models.DateTimeField(_("reissued at"), null=True, blank=True)

    class Meta:
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "course"], name="one_certificate_per_person_course"
            ),
            models.UniqueConstraint(
                fields=["resident", "course"],
                condition=models.Q(resident__isnull=False),
                name="one_certificate_per_resident_course",
            ),
            models.CheckConstraint(
                condition=models.Q(user__isnull=False)
                | models.Q(resident__isnull=False),
                name="certificate_has_a_holder",
            ),
        ]
        indexes = [models.Index(fields=["course", "issued_at"])]

    def __str__(self) -> str:
        return self.code

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None


class SupersededPdf(models.Model):
    """A certificate's earlier PDF, kept as the record when it was reissued.

    The file stays where it was; the certificate points to its new file.
    """

    certificate = models.ForeignKey(
        Certificate, on_delete=models.CASCADE, related_name="superseded_pdfs"
    )
    pdf = models.FileField(_("PDF"), max_length=200)
    pdf_sha256 = models.CharField(_("PDF SHA-256"), max_length=64)
    issuer_name = models.CharField(_("issuing body"), max_length=200)
    replaced_at = models.DateTimeField(_("replaced at"), default=timezone.now)
    replaced_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("replaced by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("earlier PDF of a certificate")
        verbose_name_plural = _("earlier PDFs of certificates")

    def __str__(self) -> str:
        return f"{self.certificate_id}: {self.replaced_at:%d/%m/%Y}"


class BulkIssue(models.Model):
    """One request to issue a course's certificate to many people."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Waiting for confirmation")
        RUNNING = "running", _("Issuing")
        DONE = "done", _("Finished")

    course = models.ForeignKey(
        "courses.CoursePage",
        verbose_name=_("course"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("started by"),
        on_delete=models.CASCADE,
        related_name="certificate_bulk_issues",
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    reason = models.CharField(_("reason"), max_length=255, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    # Set each time a batch is committed; a running issue that has not moved for a
    # while lost its workers and is resumed (see services.bulk_issue_resume).
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    # Lines of an uploaded list that matched nobody: [{"line", "value", "reason"}].
    unmatched = models.JSONField(default=list, blank=True)

    class Meta:
        verbose_name = _("bulk issue")
        verbose_name_plural = _("bulk issues")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.course} ({self.created_at:%d/%m/%Y %H:%M})"


class BulkIssueItem(models.Model):
    """One person in a bulk issue, and what happened when they were issued."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        ISSUED = "issued", _("Issued")
        EXISTING = "existing", _("Already had one")
        FAILED = "failed", _("Failed")

    bulk_issue = models.ForeignKey(
        BulkIssue, on_delete=models.CASCADE, related_name="items"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    certificate = models.ForeignKey(
        Certificate, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    error = models.CharField(_("error"), max_length=500, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["bulk_issue", "user"], name="one_item_per_person"
            )
        ]
        indexes = [models.Index(fields=["bulk_issue", "status"])]

    def __str__(self) -> str:
        return f"{self.bulk_issue_id}/{self.user_id}: {self.status}"
