"""H5P packages, the activities that place them in lessons, and learners' results.

Files live in Django's default storage (see :mod:`h5p.extract` for the
layout); :class:`H5PLibrary` and :class:`H5PPackage` say where. A package row is
immutable once imported: importing the same file again returns the same row.

An :class:`H5PActivity` is what editors place in a lesson: a package with the rules
that grade it. What learners do with it arrives as xAPI statements, all kept in
:class:`XAPIStatement` (a small learning-record store). Each statement that
finishes the activity makes an :class:`H5PAttempt` with the score the server
decided, and :class:`H5PResult` holds the grade of a learner's attempts. Resume
state lives in :class:`H5PUserState`.
"""

from __future__ import annotations

import unicodedata
import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from wagtail.search import index

from lms.text import nfc

from .extract import original_file_name


def _original_upload_to(instance: H5PPackage, filename: str) -> str:
    return original_file_name(instance.sha256)


class H5PLibrary(models.Model):
    """One version of an H5P library, stored once and shared by every package.

    Identified by ``content_hash`` (the SHA-256 of its folder's paths and files),
    so two packages shipping byte-identical library folders share one row and one
    copy of the files. Two rows may have the same machine name and version when
    packages ship different files under the same version number.

    ``storage_prefix`` is the folder in the default storage (ending in ``/``) that
    holds ``library.json`` and the library's other files, with the paths they had in
    the package; ``library_json`` is that ``library.json``, parsed (``preloadedJs``
    and ``preloadedCss`` list the files a player loads).
    """

    machine_name = models.CharField(_("machine name"), max_length=255)
    major_version = models.PositiveIntegerField(_("major version"))
    minor_version = models.PositiveIntegerField(_("minor version"))
    patch_version = models.PositiveIntegerField(_("patch version"))
    title = models.CharField(_("title"), max_length=255)
    content_hash = models.CharField(_("content hash"), max_length=64, unique=True)
    storage_prefix = models.CharField(_("storage folder"), max_length=255)
    library_json = models.JSONField(_("library.json"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("H5P library")
        verbose_name_plural = _("H5P libraries")
        ordering = ["machine_name", "major_version", "minor_version", "patch_version"]
        indexes = [
            models.Index(
                fields=["machine_name", "major_version", "minor_version"],
                name="h5p_library_version_idx",
            )
        ]

    def __str__(self) -> str:
        return (
            f"{self.machine_name} "
            f"{self.major_version}.{self.minor_version}.{self.patch_version}"
        )

    @property
    def folder_name(self) -> str:
        """The folder name a package and an H5P player use: ``Machine-1.6``."""
        return f"{self.machine_name}-{self.major_version}.{self.minor_version}"


class H5PPackage(models.Model):
    """An imported ``.h5p`` file: its content and the libraries it needs.

    ``sha256`` of the uploaded bytes makes import idempotent. ``file`` is the
    original upload. ``content_prefix`` is the storage folder (ending in ``/``)
    holding what the package had under ``content/`` (``content.json`` and media),
    shared with any package whose content is byte-identical. ``h5p_json`` is the
    package's ``h5p.json``, parsed; it is not stored as a file.

    ``libraries`` are the libraries the content needs; the through model
    :class:`H5PPackageLibrary` keeps them in loading order (``position``): every
    library comes after the ones it depends on. Use :meth:`ordered_libraries`.
    """

    title = models.CharField(_("title"), max_length=255)
    main_library = models.ForeignKey(
        H5PLibrary,
        verbose_name=_("main library"),
        on_delete=models.PROTECT,
        related_name="main_of_packages",
    )
    content_type = models.CharField(
        _("content type"),
        max_length=255,
        help_text=_("The main library's title, such as “True/False Question”."),
    )
    file = models.FileField(
        _("H5P file"), upload_to=_original_upload_to, max_length=255
    )
    original_name = models.CharField(
        _("file name"),
        max_length=255,
        blank=True,
        help_text=_("The name the file had when it was uploaded."),
    )
    sha256 = models.CharField(_("SHA-256 of the file"), max_length=64, unique=True)
    content_hash = models.CharField(_("content hash"), max_length=64, db_index=True)
    content_prefix = models.CharField(_("content storage folder"), max_length=255)
    h5p_json = models.JSONField(_("h5p.json"))
    file_count = models.PositiveIntegerField(_("number of files"))
    total_size = models.PositiveBigIntegerField(_("unpacked size in bytes"))
    libraries = models.ManyToManyField(
        H5PLibrary,
        through="H5PPackageLibrary",
        related_name="packages",
        verbose_name=_("libraries"),
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("H5P package")
        verbose_name_plural = _("H5P packages")
        ordering = ["-created_at", "-pk"]
        # Packages are immutable: nobody edits them, so no add/change/delete
        # permissions; uploading is its own permission.
        default_permissions = ("view",)
        permissions = [("upload_h5ppackage", "Can upload H5P packages")]

    def __str__(self) -> str:
        return self.title

    def chooser_label(self) -> str:
        """The title with the file name and upload time, so that packages with the
        same title (one uploaded per version) can be told apart."""
        uploaded = date_format(localtime(self.created_at), "SHORT_DATETIME_FORMAT")
        if self.original_name:
            return gettext("%(title)s — %(file)s, uploaded %(date)s") % {
                "title": self.title,
                "file": self.original_name,
                "date": uploaded,
            }
        return gettext("%(title)s — uploaded %(date)s") % {
            "title": self.title,
            "date": uploaded,
        }

    def ordered_libraries(self) -> list[H5PLibrary]:
        """The libraries in the order a player must load them."""
        return [link.library for link in self.library_links.all()]

    def storage_name(self, path: str) -> str | None:
        """Map a path inside the package to its name in the default storage.

        ``path`` is relative to the package root as an H5P player asks for it:
        ``content/content.json``, ``content/images/a.png`` or
        ``H5P.TrueFalse-1.6/scripts/h5p-true-false.js``. Returns None for paths
        outside the content and the package's libraries, or that try to leave them.
        Whether the file exists is for the storage to say. ``h5p.json`` is not a
        stored file: serve :attr:`h5p_json`.
        """
        folder, _slash, rest = path.partition("/")
        if not _plain_path(path):
            return None
        if folder == "content":
            return self.content_prefix + rest
        for library in self.ordered_libraries():
            if library.folder_name == folder:
                return library_storage_name(library, rest)
        return None


def _plain_path(path: str) -> bool:
    """Whether ``path`` is a folder and a file inside it, with nothing to escape."""
    _folder, _slash, rest = path.partition("/")
    if not rest or any(part in ("", ".", "..") for part in rest.split("/")):
        return False
    # A backslash or a control character (a NUL cannot even reach the storage)
    # names no file of a package.
    return "\\" not in path and not any(unicodedata.category(c) == "Cc" for c in path)


def library_storage_name(library: H5PLibrary, path: str) -> str | None:
    """The storage name of ``path`` inside ``library``'s folder, or None if unsafe."""
    if not _plain_path(f"{library.folder_name}/{path}"):
        return None
    return library.storage_prefix + path


class H5PPackageLibrary(models.Model):
    """A library a package loads, at its place in the loading order."""

    package = models.ForeignKey(
        H5PPackage, on_delete=models.CASCADE, related_name="library_links"
    )
    library = models.ForeignKey(
        H5PLibrary, on_delete=models.PROTECT, related_name="package_links"
    )
    position = models.PositiveIntegerField(_("loading position"))

    class Meta:
        verbose_name = _("library of an H5P package")
        verbose_name_plural = _("libraries of H5P packages")
        ordering = ["package", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["package", "library"], name="h5p_package_library_once"
            ),
            models.UniqueConstraint(
                fields=["package", "position"], name="h5p_package_library_position"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.package} — {self.position}. {self.library}"


class GradingMethod(models.TextChoices):
    BEST = "best", _("Best attempt")
    LAST = "last", _("Last attempt")
    FIRST = "first", _("First attempt")
    AVERAGE = "average", _("Average of all attempts")


class Scoring(models.TextChoices):
    SERVER = "server", _("Scored by the server")
    SELF_REPORTED = "self_reported", _("Self-reported by the browser")


def activity_iri(key: uuid.UUID) -> str:
    """The xAPI activity id of a new activity: stable, unique, under the site."""
    base = settings.LMS_PUBLIC_BASE_URL.rstrip("/")
    return f"{base}/h5p/activities/{key}"


class H5PActivity(index.Indexed, models.Model):
    """An H5P package as placed in lessons, with how learners' attempts are graded.

    ``iri`` is the xAPI object id the player puts in every statement; it is made
    once, when the activity is created, and never changes, so statements stored
    years ago still name it. Lessons hold an activity through the ``"h5p"`` block;
    whether it is required is a setting of that block.
    """

    title = models.CharField(_("title"), max_length=200)
    package = models.ForeignKey(
        H5PPackage,
        verbose_name=_("H5P package"),
        on_delete=models.PROTECT,
        related_name="activities",
    )
    iri = models.CharField(_("xAPI activity id"), max_length=255, unique=True)
    grading_method = models.CharField(
        _("grading method"),
        max_length=10,
        choices=GradingMethod.choices,
        default=GradingMethod.BEST,
        help_text=_("Which attempts make the learner's grade."),
    )
    pass_mark = models.PositiveSmallIntegerField(
        _("pass mark (%)"),
        default=80,
        validators=[MaxValueValidator(100)],
        help_text=_("The grade a learner needs to pass, from 0 to 100."),
    )
    max_attempts = models.PositiveSmallIntegerField(
        _("maximum attempts"),
        null=True,
        blank=True,
        help_text=_(
            "How many times a learner may finish the activity; empty: no limit."
        ),
    )
    trusted = models.BooleanField(
        _("trust the score the browser reports"),
        default=False,
        help_text=_(
            "Warning: for content the server cannot score itself, a learner can send "
            "any score they like. Without this, such content only counts as done and "
            "never passes the activity."
        ),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    search_fields = [index.SearchField("title"), index.AutocompleteField("title")]

    class Meta:
        verbose_name = _("H5P activity")
        verbose_name_plural = _("H5P activities")
        ordering = ["title", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(pass_mark__lte=100),
                name="h5p_activity_pass_mark_at_most_100",
            )
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs):
        self.title = nfc(self.title)
        if not self.iri:
            self.iri = activity_iri(uuid.uuid4())
        super().save(*args, **kwargs)


class H5PAttempt(models.Model):
    """One finished try at an activity, scored.

    ``raw_score`` and ``max_score`` are the server's: scored again from the
    package's answers where it can (``scoring`` "server"), else as the browser
    reported them ("self_reported"). ``percent`` is rounded to two decimals.
    """

    enrollment = models.ForeignKey(
        "courses.Enrollment", on_delete=models.CASCADE, related_name="h5p_attempts"
    )
    activity = models.ForeignKey(
        H5PActivity, on_delete=models.PROTECT, related_name="attempts"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="h5p_attempts",
        verbose_name=_("learner"),
    )
    lesson = models.ForeignKey(
        "courses.LessonPage",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    number = models.PositiveIntegerField(_("attempt"))
    raw_score = models.FloatField(_("score"))
    max_score = models.FloatField(_("maximum score"))
    percent = models.DecimalField(_("score (%)"), max_digits=5, decimal_places=2)
    scoring = models.CharField(_("scoring"), max_length=16, choices=Scoring.choices)
    passed = models.BooleanField(_("passed"))
    finished_at = models.DateTimeField(_("finished at"), default=timezone.now)

    # Learning records point at activities, lessons and learners, but nobody asks
    # "where is this activity used?" of them; indexing every save would cost
    # more than the statement itself.
    wagtail_reference_index_ignore = True

    class Meta:
        verbose_name = _("H5P attempt")
        verbose_name_plural = _("H5P attempts")
        ordering = ["activity", "enrollment", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["enrollment", "activity", "number"],
                name="h5p_attempt_number_once",
            )
        ]

    def __str__(self) -> str:
        return f"{self.activity} — {self.user} #{self.number}"


class H5PResult(models.Model):
    """A learner's grade for an activity in one enrolment.

    The first, last and best attempt's score and the sum of all are kept as
    attempts arrive, so the grade under any grading method is known without
    reading the attempts again (also when an editor changes the method).
    ``grade`` follows the activity's method; ``passed`` compares it with the pass
    mark. ``passed_at`` records the first time it passed and stays, like a
    completed lesson.
    """

    enrollment = models.ForeignKey(
        "courses.Enrollment", on_delete=models.CASCADE, related_name="h5p_results"
    )
    activity = models.ForeignKey(
        H5PActivity, on_delete=models.PROTECT, related_name="results"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="h5p_results",
        verbose_name=_("learner"),
    )
    attempt_count = models.PositiveIntegerField(_("attempts"), default=0)
    first_percent = models.DecimalField(
        _("first attempt (%)"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    last_percent = models.DecimalField(
        _("last attempt (%)"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    best_percent = models.DecimalField(
        _("best attempt (%)"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    percent_total = models.DecimalField(
        _("sum of attempts (%)"), max_digits=12, decimal_places=2, default=0
    )
    grade = models.DecimalField(
        _("grade (%)"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    passed = models.BooleanField(_("passed"), default=False)
    passed_at = models.DateTimeField(_("passed at"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    wagtail_reference_index_ignore = True

    class Meta:
        verbose_name = _("H5P result")
        verbose_name_plural = _("H5P results")
        constraints = [
            models.UniqueConstraint(
                fields=["enrollment", "activity"], name="h5p_result_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.activity} — {self.user}"


class XAPIStatement(models.Model):
    """One xAPI statement a learner's browser sent, as stored.

    ``statement`` is the statement in xAPI JSON with the actor the server knows
    (never the one the browser wrote), ``stored`` and ``authority`` set by the
    server. The other fields are what queries need. ``sub_content_id`` names the
    child of a container ("" for the activity itself); ``raw_score`` and
    ``max_score`` are the server's (see :class:`H5PAttempt`), ``reported_raw``
    and ``reported_max`` what the browser claimed. ``correct`` is whether the
    answer earned full marks. A statement that finished an attempt, and the
    children's answers that led to it, point to the attempt.
    """

    class Verb(models.TextChoices):
        ANSWERED = "answered", _("answered")
        COMPLETED = "completed", _("completed")
        ATTEMPTED = "attempted", _("attempted")

    statement_id = models.UUIDField(_("statement id"), unique=True)
    activity = models.ForeignKey(
        H5PActivity,
        verbose_name=_("activity"),
        on_delete=models.PROTECT,
        related_name="statements",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("learner"),
        on_delete=models.CASCADE,
        related_name="xapi_statements",
    )
    enrollment = models.ForeignKey(
        "courses.Enrollment", on_delete=models.CASCADE, related_name="xapi_statements"
    )
    lesson = models.ForeignKey(
        "courses.LessonPage",
        verbose_name=_("lesson"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    verb = models.CharField(_("verb"), max_length=16, choices=Verb.choices)
    sub_content_id = models.CharField(_("part"), max_length=64, blank=True)
    attempt = models.ForeignKey(
        H5PAttempt,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="statements",
    )
    raw_score = models.FloatField(_("score"), null=True, blank=True)
    max_score = models.FloatField(_("maximum score"), null=True, blank=True)
    reported_raw = models.FloatField(_("reported score"), null=True, blank=True)
    reported_max = models.FloatField(_("reported maximum"), null=True, blank=True)
    scoring = models.CharField(
        _("scoring"), max_length=16, choices=Scoring.choices, blank=True
    )
    correct = models.BooleanField(_("full marks"), null=True, blank=True)
    response = models.TextField(_("response"), blank=True)
    statement = models.JSONField(_("statement"))
    timestamp = models.DateTimeField(_("timestamp (browser)"), null=True, blank=True)
    stored_at = models.DateTimeField(_("stored at"), default=timezone.now)

    wagtail_reference_index_ignore = True

    class Meta:
        verbose_name = _("xAPI statement")
        verbose_name_plural = _("xAPI statements")
        ordering = ["-stored_at", "-pk"]
        default_permissions = ("view",)
        indexes = [
            models.Index(
                fields=["activity", "user", "stored_at"], name="h5p_stmt_activity_user"
            ),
            models.Index(
                fields=["activity", "verb", "sub_content_id"],
                name="h5p_stmt_activity_part",
            ),
            models.Index(
                fields=["enrollment", "activity", "attempt"],
                name="h5p_stmt_open_children",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} {self.get_verb_display()} {self.activity}"


class H5PUserState(models.Model):
    """Where a learner left an activity: H5P's ``contentUserData``, kept as sent."""

    enrollment = models.ForeignKey(
        "courses.Enrollment", on_delete=models.CASCADE, related_name="h5p_states"
    )
    activity = models.ForeignKey(
        H5PActivity, on_delete=models.CASCADE, related_name="user_states"
    )
    data_type = models.CharField(max_length=64)
    sub_content_id = models.CharField(max_length=64)
    data = models.TextField()
    preload = models.BooleanField(default=True)
    updated_at = models.DateTimeField(auto_now=True)

    wagtail_reference_index_ignore = True

    class Meta:
        verbose_name = _("H5P resume state")
        verbose_name_plural = _("H5P resume states")
        default_permissions = ()
        constraints = [
            models.UniqueConstraint(
                fields=["enrollment", "activity", "data_type", "sub_content_id"],
                name="h5p_user_state_once",
            )
        ]

    def __str__(self) -> str:
        return f"{self.activity} — {self.data_type}"
