"""H5P packages and the libraries they load, as stored after import.

Files live in Django's default storage (see :mod:`quizzes.h5p.extract` for the
layout); these rows say where. A package row is immutable once imported: importing
the same file again returns the same row.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

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
        if not rest or any(part in ("", ".", "..") for part in rest.split("/")):
            return None
        if "\\" in path:
            return None
        if folder == "content":
            return self.content_prefix + rest
        for library in self.ordered_libraries():
            if library.folder_name == folder:
                return library.storage_prefix + rest
        return None


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
