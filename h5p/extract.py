"""Writing a validated H5P package into a Django storage, member by member.

Storage layout (names relative to the storage root, e.g. ``MEDIA_ROOT``)::

    h5p/packages/<sha256 of the .h5p file>.h5p          the original upload
    h5p/content/<content hash>/content.json             the package's content/
    h5p/content/<content hash>/images/...                 folder, without "content/"
    h5p/libraries/<Machine>-<major>.<minor>.<patch>-<library hash>/library.json
    h5p/libraries/<Machine>-<major>.<minor>.<patch>-<library hash>/...

The hashes are :func:`h5p.package.folder_hash` of the folder's files, so a
folder is written once however many packages contain it, and a name never points
to two different contents.
"""

from __future__ import annotations

import hashlib
import io
import zipfile
from collections.abc import Iterator, Mapping
from functools import partial

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile, File
from django.core.files.storage import Storage
from django.utils.translation import gettext as _

from . import media
from .package import CONTENT_DIR, LibraryInfo, Limits, PackageInfo, read_member_chunks

PACKAGES_DIR = "h5p/packages"
CONTENT_STORAGE_DIR = "h5p/content"
LIBRARIES_STORAGE_DIR = "h5p/libraries"


def original_file_name(sha256: str) -> str:
    """Storage name of an uploaded ``.h5p`` file, by the SHA-256 of its bytes."""
    return f"{PACKAGES_DIR}/{sha256}.h5p"


def content_storage_prefix(content_hash: str) -> str:
    """Storage prefix (ending in ``/``) of a package's ``content/`` folder."""
    return f"{CONTENT_STORAGE_DIR}/{content_hash}/"


def library_storage_prefix(library: LibraryInfo) -> str:
    """Storage prefix (ending in ``/``) of one library folder."""
    return (
        f"{LIBRARIES_STORAGE_DIR}/{library.folder}.{library.patch}-"
        f"{library.content_hash}/"
    )


def content_store(
    archive: zipfile.ZipFile,
    info: PackageInfo,
    *,
    storage: Storage,
    limits: Limits,
) -> str:
    """Write the package's ``content/`` folder and return its storage prefix.

    Its pictures are written lighter for phones (:mod:`h5p.media`), each once,
    from the package's own bytes: the same package always gives the same
    pictures, so the folder's name still names one content.
    """
    prefix = content_storage_prefix(info.content_hash)
    _store_folder(
        archive,
        info.content_files,
        folder=CONTENT_DIR,
        prefix=prefix,
        storage=storage,
        limits=limits,
        lighten_pictures=True,
    )
    return prefix


def library_store(
    archive: zipfile.ZipFile,
    library: LibraryInfo,
    *,
    storage: Storage,
    limits: Limits,
) -> str:
    """Write one library folder and return its storage prefix; its scripts are
    written lighter (:mod:`h5p.media`)."""
    prefix = library_storage_prefix(library)
    _store_folder(
        archive,
        library.files,
        folder=library.folder,
        prefix=prefix,
        storage=storage,
        limits=limits,
        lighten_scripts=True,
    )
    return prefix


class _CheckedReader(io.RawIOBase):
    """A file-like view of one member that hashes and bounds what it hands out:
    read once, front to back (object storages ask whether it can seek)."""

    def __init__(self, chunks: Iterator[bytes]) -> None:
        super().__init__()
        self._chunks = chunks
        self._pending = b""
        self.digest = hashlib.sha256()

    def read(self, size: int = -1) -> bytes:
        while size < 0 or len(self._pending) < size:
            chunk = next(self._chunks, None)
            if chunk is None:
                break
            self._pending += chunk
        if size < 0:
            data, self._pending = self._pending, b""
        else:
            data, self._pending = self._pending[:size], self._pending[size:]
        self.digest.update(data)
        return data

    def readable(self) -> bool:
        return True


def _changed(member_name: str) -> ValidationError:
    return ValidationError(
        _("%(name)s changed while it was being stored. Upload the package again.")
        % {"name": member_name}
    )


def _store_folder(
    archive: zipfile.ZipFile,
    files: Mapping[str, str],
    *,
    folder: str,
    prefix: str,
    storage: Storage,
    limits: Limits,
    lighten_pictures: bool = False,
    lighten_scripts: bool = False,
) -> None:
    for member_name, expected_hash in sorted(files.items()):
        member = archive.getinfo(member_name)
        name = prefix + member_name.removeprefix(folder + "/")
        reader = _CheckedReader(
            read_member_chunks(
                archive,
                member,
                max_bytes=min(member.file_size, limits.max_file_bytes),
            )
        )
        source = File(reader, name=name)
        extension = member_name.rsplit(".", 1)[-1].lower()
        lighten = None
        if lighten_pictures and extension in media.EXTENSIONS:
            lighten = partial(media.picture_lightened, extension=extension)
        elif lighten_scripts and extension == "js":
            lighten = media.script_lightened
        if lighten is not None:
            # Read whole (a member is bounded by max_file_bytes) and checked
            # before it is written lighter.
            data = reader.read()
            if reader.digest.hexdigest() != expected_hash:
                raise _changed(member_name)
            lighter = lighten(data)
            source = ContentFile(data if lighter is None else lighter, name=name)
        # The name is derived from the content hash, so an existing file is either
        # the same bytes or a leftover of an interrupted write: replace it.
        if storage.exists(name):
            storage.delete(name)
        try:
            saved = storage.save(name, source)
        except ValidationError:
            # A storage keeps what was written before the stream failed.
            if storage.exists(name):
                storage.delete(name)
            raise
        if lighten is None and reader.digest.hexdigest() != expected_hash:
            storage.delete(saved)
            raise _changed(member_name)
        if saved != name:
            # Another upload wrote the same content at the same moment; its copy
            # is identical, so ours is dropped.
            storage.delete(saved)
