"""Spreadsheets officials import: an agency's staff roster, and training people
finished on other platforms.

Both go through the same stages as the household roster import: the file is kept
out of the public media (the ``private`` storage); a task on the ``coverage``
queue reads it into one row per line of the file (what will be saved, and what is
wrong and why); nothing else changes until the person who uploaded it accepts the
preview, when a second task saves all of it in one transaction. The file is
deleted once saved, and every file and preview a day after upload.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from community_teams.models.imports import private_storage

from .agencies import StaffCategory
from .assignments import ExternalCompletion


class ImportStatus(models.TextChoices):
    UPLOADED = "uploaded", _("Waiting to be read")
    READING = "reading", _("Reading the file")
    READY = "ready", _("Preview ready")
    SAVING = "saving", _("Saving")
    DONE = "done", _("Saved")
    FAILED = "failed", _("Could not be read")
    EXPIRED = "expired", _("Expired")


class SpreadsheetImport(models.Model):
    """What the staff and the completion imports keep alike."""

    Status = ImportStatus

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    created_at = models.DateTimeField(_("uploaded at"), default=timezone.now)
    file_name = models.CharField(_("file name"), max_length=255)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=ImportStatus.choices,
        default=ImportStatus.UPLOADED,
    )
    # What the reading task has done so far, for the progress bar.
    rows_read = models.PositiveIntegerField(default=0)
    rows_total = models.PositiveIntegerField(default=0)
    # When the work last moved: a task that has not moved for a while lost its
    # worker and may be started again.
    moved_at = models.DateTimeField(default=timezone.now)
    # Why the file could not be read, or why saving stopped (nothing was saved).
    error = models.TextField(blank=True)
    # Columns of the file that are not read, with why: [{"column", "label", "reason"}].
    ignored_columns = models.JSONField(default=list, blank=True)
    lines = models.PositiveIntegerField(default=0)
    saved_at = models.DateTimeField(_("saved at"), null=True, blank=True)

    class Meta:
        abstract = True
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.file_name

    @property
    def working(self) -> bool:
        return self.status in (
            ImportStatus.UPLOADED,
            ImportStatus.READING,
            ImportStatus.SAVING,
        )


class StaffImport(SpreadsheetImport):
    """An agency's staff roster uploaded by an official who keeps the agency."""

    agency = models.ForeignKey(
        "coverage.Agency",
        on_delete=models.CASCADE,
        related_name="staff_imports",
        verbose_name=_("agency"),
    )
    file = models.FileField(
        storage=private_storage, upload_to="staff-imports/", blank=True
    )
    to_create = models.PositiveIntegerField(default=0)
    to_update = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    invalid = models.PositiveIntegerField(default=0)
    # Filled in when saved: accounts made for people who had none, and accounts
    # people already had that their staff record was joined to.
    accounts_created = models.PositiveIntegerField(default=0)
    accounts_linked = models.PositiveIntegerField(default=0)

    class Meta(SpreadsheetImport.Meta):
        verbose_name = _("staff roster import")
        verbose_name_plural = _("staff roster imports")


class StaffImportRow(models.Model):
    """One person of an imported roster, as the preview shows them.

    ``changes`` are the fields saving will change on the staff member matched
    (``[{"field", "old", "new"}]``); ``errors`` name the line, column and value
    of every cell that is wrong, and why. ``account`` says how the person gets
    an account: the one they have, one found by phone or email, or a new one.
    """

    class Action(models.TextChoices):
        CREATE = "create", _("New staff member")
        UPDATE = "update", _("Update")
        UNCHANGED = "unchanged", _("Already on the staff")
        INVALID = "invalid", _("Has errors")

    class Account(models.TextChoices):
        KEEP = "keep", _("Has an account")
        LINK = "link", _("Joined to the account they have")
        NEW = "new", _("New account")

    staff_import = models.ForeignKey(
        StaffImport, on_delete=models.CASCADE, related_name="rows"
    )
    line = models.PositiveIntegerField()
    action = models.CharField(max_length=10, choices=Action.choices)
    full_name = models.CharField(max_length=150, blank=True)
    category = models.CharField(max_length=2, choices=StaffCategory.choices, blank=True)
    position = models.CharField(max_length=150, blank=True)
    phone = models.CharField(max_length=16, blank=True)
    email = models.CharField(max_length=254, blank=True)
    changes = models.JSONField(default=list, blank=True)
    errors = models.JSONField(default=list, blank=True)
    account = models.CharField(max_length=4, choices=Account.choices, blank=True)
    staff = models.ForeignKey(
        "coverage.StaffMember",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["staff_import", "line"]
        indexes = [
            models.Index(
                fields=["staff_import", "action", "line"], name="staff_import_row"
            )
        ]

    def __str__(self) -> str:
        return f"{self.staff_import_id}:{self.line} {self.full_name}"


class CompletionImport(SpreadsheetImport):
    """Training finished on another platform, from that platform's export, for the
    people of one province."""

    province = models.ForeignKey(
        "lms.Province",
        on_delete=models.CASCADE,
        related_name="completion_imports",
        verbose_name=_("province"),
    )
    source = models.CharField(
        _("platform"), max_length=12, choices=ExternalCompletion.Source.choices
    )
    file = models.FileField(
        storage=private_storage, upload_to="completion-imports/", blank=True
    )
    to_import = models.PositiveIntegerField(default=0)
    duplicates = models.PositiveIntegerField(default=0)
    unknown_people = models.PositiveIntegerField(default=0)
    unknown_trainings = models.PositiveIntegerField(default=0)
    bad_dates = models.PositiveIntegerField(default=0)
    invalid = models.PositiveIntegerField(default=0)

    class Meta(SpreadsheetImport.Meta):
        verbose_name = _("import of training finished elsewhere")
        verbose_name_plural = _("imports of training finished elsewhere")


class CompletionImportRow(models.Model):
    """One line of a completion export, as the preview shows it.

    ``person`` is the phone number or email address as the file gives it; ``user``
    is set only for an account the official may see, so the preview never tells
    that a number has an account elsewhere.
    """

    class Action(models.TextChoices):
        IMPORT = "import", _("To import")
        DUPLICATE = "duplicate", _("Already recorded")
        UNKNOWN_PERSON = "unknown_person", _("Unknown person")
        UNKNOWN_TRAINING = "unknown_training", _("Unknown course or skill")
        BAD_DATE = "bad_date", _("Wrong date")
        INVALID = "invalid", _("Has errors")

    completion_import = models.ForeignKey(
        CompletionImport, on_delete=models.CASCADE, related_name="rows"
    )
    line = models.PositiveIntegerField()
    action = models.CharField(max_length=16, choices=Action.choices)
    person = models.CharField(max_length=254, blank=True)
    name = models.CharField(max_length=150, blank=True)
    training = models.CharField(max_length=255, blank=True)
    completed_on = models.DateField(null=True, blank=True)
    evidence = models.CharField(max_length=200, blank=True)
    errors = models.JSONField(default=list, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    course = models.ForeignKey(
        "courses.CoursePage",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    skill = models.ForeignKey(
        "community_teams.Skill",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["completion_import", "line"]
        indexes = [
            models.Index(
                fields=["completion_import", "action", "line"],
                name="completion_import_row",
            )
        ]

    def __str__(self) -> str:
        return f"{self.completion_import_id}:{self.line} {self.person}"
