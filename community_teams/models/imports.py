"""A hamlet's household roster imported from the commune's spreadsheet.

An import goes through stages: the file is uploaded and kept out of the public
media (the ``private`` storage); a background task reads it into one
:class:`RosterImportRow` per household (what will be created, updated, left as it
is, or is wrong and why); nothing touches the households until the person who
uploaded it accepts the preview, when a second task saves all of it in one
transaction. The file is deleted once saved, or after a day.
"""

from django.conf import settings
from django.core.files.storage import storages
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def private_storage():
    """Files no web server may send: uploads kept only until they are processed."""
    return storages["private"]


class RosterImport(models.Model):
    class Status(models.TextChoices):
        UPLOADED = "uploaded", _("Waiting to be read")
        READING = "reading", _("Reading the file")
        READY = "ready", _("Preview ready")
        SAVING = "saving", _("Saving")
        DONE = "done", _("Saved")
        FAILED = "failed", _("Could not be read")
        EXPIRED = "expired", _("Expired")

    hamlet = models.ForeignKey(
        "lms.Hamlet",
        on_delete=models.CASCADE,
        related_name="roster_imports",
        verbose_name=_("hamlet"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    created_at = models.DateTimeField(_("uploaded at"), default=timezone.now)
    file = models.FileField(
        storage=private_storage, upload_to="roster-imports/", blank=True
    )
    file_name = models.CharField(_("file name"), max_length=255)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.UPLOADED
    )
    # What the reading task has done so far, for the progress bar.
    rows_read = models.PositiveIntegerField(default=0)
    rows_total = models.PositiveIntegerField(default=0)
    # When the work last moved: a task that has not moved for a while lost its
    # worker and may be started again (see imports.roster_import_is_stalled).
    moved_at = models.DateTimeField(default=timezone.now)
    # Why the file could not be read, or why saving stopped (nothing was saved).
    error = models.TextField(blank=True)
    # Columns the file has that are not kept, with why: [{"column", "label", "reason"}].
    ignored_columns = models.JSONField(default=list, blank=True)
    layout = models.CharField(max_length=20, blank=True)
    to_create = models.PositiveIntegerField(default=0)
    to_update = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    invalid = models.PositiveIntegerField(default=0)
    people = models.PositiveIntegerField(default=0)
    saved_at = models.DateTimeField(_("saved at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("household roster import")
        verbose_name_plural = _("household roster imports")

    def __str__(self) -> str:
        return f"{self.file_name} ({self.hamlet})"


class RosterImportRow(models.Model):
    """One household of an imported file, as the preview shows it.

    ``members`` are the people of the household as read, each with their line in
    the file and what saving will do with them; ``errors`` name the line, column
    and value of every cell that is wrong, and why.
    """

    class Action(models.TextChoices):
        CREATE = "create", _("New household")
        UPDATE = "update", _("Update")
        UNCHANGED = "unchanged", _("Already on the roster")
        INVALID = "invalid", _("Has errors")

    roster_import = models.ForeignKey(
        RosterImport, on_delete=models.CASCADE, related_name="rows"
    )
    line = models.PositiveIntegerField()
    last_line = models.PositiveIntegerField()
    action = models.CharField(max_length=10, choices=Action.choices)
    house_number = models.CharField(max_length=40, blank=True)
    head_name = models.CharField(max_length=150, blank=True)
    phone = models.CharField(max_length=16, blank=True)
    members = models.JSONField(default=list)
    changes = models.JSONField(default=list, blank=True)
    errors = models.JSONField(default=list, blank=True)
    household = models.ForeignKey(
        "community_teams.Household",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # The household's version when the preview was made: saving stops if it moved.
    household_version = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["roster_import", "line"]
        indexes = [
            models.Index(fields=["roster_import", "action", "line"], name="roster_row")
        ]

    def __str__(self) -> str:
        return f"{self.roster_import_id}:{self.line} {self.head_name}"
