"""Importing H5P packages."""

from __future__ import annotations

import hashlib
import zipfile
from typing import IO

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.core.files.base import File
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from .extract import content_storage_prefix, content_store, library_store
from .models import H5PLibrary, H5PPackage, H5PPackageLibrary
from .package import Limits, PackageInfo, validate_package


def h5p_package_import(
    *, file: IO[bytes] | File, uploaded_by: AbstractBaseUser | None
) -> H5PPackage:
    """Validate an ``.h5p`` file, store its content and libraries, and record it.

    ``file`` is a seekable binary file: an uploaded file or an open local file.
    Importing bytes already imported returns the existing package unchanged.
    Libraries already stored by another package are reused, not written again.

    Raises ``ValidationError`` listing every reason the package is refused (see
    :func:`quizzes.h5p.package.validate_package`); nothing is recorded then. Files
    are written before the rows; should the database write fail, they stay behind
    under their content hashes and are reused by the next import of that content.
    """
    if not isinstance(file, File):
        file = File(file)
    limits = Limits.from_settings()
    if file.size > limits.max_total_bytes:
        raise ValidationError(
            _("The file is %(size)s; an H5P package may be at most %(max)s.")
            % {
                "size": filesizeformat(file.size),
                "max": filesizeformat(limits.max_total_bytes),
            }
        )
    sha256 = _sha256(file)
    existing = H5PPackage.objects.filter(sha256=sha256).first()
    if existing is not None:
        return existing

    file.seek(0)
    info = validate_package(file, limits=limits)
    file.seek(0)
    with zipfile.ZipFile(file) as archive:
        libraries = _libraries_store(archive, info, limits)
        content_prefix = content_storage_prefix(info.content_hash)
        if not H5PPackage.objects.filter(content_hash=info.content_hash).exists():
            content_store(archive, info, storage=default_storage, limits=limits)

    file.seek(0)
    try:
        with transaction.atomic():
            package = H5PPackage(
                title=info.title[:255],
                main_library=next(
                    library
                    for library in libraries
                    if library.content_hash == info.main_library.content_hash
                ),
                content_type=info.content_type[:255],
                sha256=sha256,
                content_hash=info.content_hash,
                content_prefix=content_prefix,
                h5p_json=info.h5p_json,
                file_count=info.file_count,
                total_size=info.total_size,
                uploaded_by=uploaded_by,
            )
            package.file.save(f"{sha256}.h5p", file, save=False)
            package.save()
            H5PPackageLibrary.objects.bulk_create(
                H5PPackageLibrary(package=package, library=library, position=position)
                for position, library in enumerate(libraries, start=1)
            )
    except IntegrityError:
        # The same file was imported by someone else at the same moment.
        package.file.delete(save=False)
        return H5PPackage.objects.get(sha256=sha256)
    return package


def _libraries_store(
    archive: zipfile.ZipFile, info: PackageInfo, limits: Limits
) -> list[H5PLibrary]:
    """Store the package's libraries that are not stored yet, in loading order."""
    known = {
        library.content_hash: library
        for library in H5PLibrary.objects.filter(
            content_hash__in=[library.content_hash for library in info.libraries]
        )
    }
    libraries = []
    for library_info in info.libraries:
        library = known.get(library_info.content_hash)
        if library is None:
            prefix = library_store(
                archive, library_info, storage=default_storage, limits=limits
            )
            library, _created = H5PLibrary.objects.get_or_create(
                content_hash=library_info.content_hash,
                defaults={
                    "machine_name": library_info.machine_name,
                    "major_version": library_info.major,
                    "minor_version": library_info.minor,
                    "patch_version": library_info.patch,
                    "title": library_info.title[:255],
                    "storage_prefix": prefix,
                    "library_json": library_info.library_json,
                },
            )
        libraries.append(library)
    return libraries


def _sha256(file: File) -> str:
    digest = hashlib.sha256()
    for chunk in file.chunks():
        digest.update(chunk)
    return digest.hexdigest()
