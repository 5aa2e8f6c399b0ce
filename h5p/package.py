"""Checking an uploaded H5P package before anything of it is stored.

An ``.h5p`` file is a ZIP archive laid out like this::

    h5p.json                      title, main library, preloaded dependencies
    content/content.json          the parameters of this piece of content
    content/images/...            media used by the content
    H5P.TrueFalse-1.6/library.json
    H5P.TrueFalse-1.6/...         one folder per library, named
                                  ``<machineName>-<major>.<minor>``

:func:`validate_package` reads only the archive's table of contents and a few
size-bounded JSON members first. When those are sound, it streams every member that
will be stored through a SHA-256 hash in small chunks, counting the bytes that really
come out, so an archive whose headers lie about sizes is caught before anything is
written. Nothing is extracted here; :mod:`h5p.extract` writes the files
afterwards and enforces the same limits again while it streams.

Every problem found is collected and raised together in one ``ValidationError`` so an
editor can fix a package in one go.

File types. The allowlist is H5P's own default (content types plus ``js``/``css``
inside library folders) with two decisions of ours: ``swf`` is refused because no
browser plays Flash and it is active content, and ``js``/``css`` are refused outside
library folders, as in H5P core. Files and folders whose name starts with a dot, and
``__MACOSX`` folders, are operating-system clutter: they are checked for safety but
never stored.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import stat
import struct
import unicodedata
import zipfile
import zlib
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import IO, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from lms.text import json_error_reason

MIB = 1024 * 1024

#: File types allowed anywhere in a package (lower-case, without the dot).
ALLOWED_EXTENSIONS = frozenset(
    "json png jpg jpeg gif bmp tif tiff svg eot ttf woff woff2 otf webm mp4 ogg mp3 "
    "m4a wav txt pdf rtf doc docx xls xlsx ppt pptx odt ods odp xml csv diff patch "
    "md textile vtt webvtt gltf glb".split()
)
#: File types allowed only inside a library folder.
LIBRARY_ONLY_EXTENSIONS = frozenset({"js", "css"})

H5P_JSON = "h5p.json"
CONTENT_DIR = "content"
CONTENT_JSON = "content/content.json"
LIBRARY_JSON = "library.json"

CHUNK_BYTES = 64 * 1024
# Small members that compress very well (a JSON file of repeated keys, a blank
# image) are normal; only members this large are judged by their ratio.
RATIO_CHECKED_FROM_BYTES = 1 * MIB
# A central directory entry is 46 bytes plus the name and extra fields; this leaves
# room for long names while keeping the directory that zipfile loads into memory
# in proportion to the number of files allowed.
DIRECTORY_BYTES_PER_FILE = 512
MAX_PATH_LENGTH = 255
# Real packages nest libraries a handful of levels deep.
MAX_DEPENDENCY_DEPTH = 50
# An editor cannot act on hundreds of lines; the first ones show what is wrong.
MAX_REPORTED_PROBLEMS = 50

_MACHINE_NAME_RE = re.compile(r"^[\w.\-]{1,255}$")
_LIBRARY_FOLDER_RE = re.compile(r"^([\w.\-]{1,255})-(\d{1,5})\.(\d{1,5})$")
#: The H5P core API the player runs (h5p-standalone 3.8.2 bundles core 1.24); a
#: library whose ``coreApi`` asks for more would fail in the learner's browser.
PLAYER_CORE_API = (1, 24)
_DRIVE_RE = re.compile(r"^[A-Za-z]:")
_SUPPORTED_COMPRESSION = frozenset(
    {zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED, zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA}
)

# What zipfile raises on damaged data; RuntimeError covers encrypted members and
# (as NotImplementedError) unknown compression methods.
_READ_ERRORS = (zipfile.BadZipFile, zlib.error, EOFError, OSError, RuntimeError)

_END_RECORD = struct.Struct("<4s4H2LH")
_END_RECORD_SIGNATURE = b"PK\x05\x06"
_ZIP64_LOCATOR = struct.Struct("<4sLQL")
_ZIP64_LOCATOR_SIGNATURE = b"PK\x06\x07"
_ZIP64_END_RECORD = struct.Struct("<4sQ2H2L4Q")
_ZIP64_END_RECORD_SIGNATURE = b"PK\x06\x06"


@dataclass(frozen=True)
class Limits:
    """Bounds on what a package may unpack to; read from settings by default.

    ``H5P_MAX_FILES``: entries (files and folders) in the archive.
    ``H5P_MAX_FILE_BYTES``: uncompressed size of one file.
    ``H5P_MAX_TOTAL_BYTES``: uncompressed size of all files together, and the size
    of the uploaded archive itself.
    ``H5P_MAX_RATIO``: how many times larger than its compressed size a member (of
    at least 1 MiB) or the whole archive may become.
    ``H5P_MAX_JSON_BYTES``: size of ``h5p.json``, ``content.json`` or a
    ``library.json``, which are parsed in memory.
    """

    max_files: int = 2000
    max_file_bytes: int = 50 * MIB
    max_total_bytes: int = 200 * MIB
    max_ratio: int = 100
    max_json_bytes: int = 8 * MIB

    @classmethod
    def from_settings(cls) -> Limits:
        return cls(
            max_files=getattr(settings, "H5P_MAX_FILES", cls.max_files),
            max_file_bytes=getattr(settings, "H5P_MAX_FILE_BYTES", cls.max_file_bytes),
            max_total_bytes=getattr(
                settings, "H5P_MAX_TOTAL_BYTES", cls.max_total_bytes
            ),
            max_ratio=getattr(settings, "H5P_MAX_RATIO", cls.max_ratio),
            max_json_bytes=getattr(settings, "H5P_MAX_JSON_BYTES", cls.max_json_bytes),
        )


@dataclass(frozen=True, order=True)
class LibraryRef:
    """A library as dependencies name it: machine name, major and minor version."""

    machine_name: str
    major: int
    minor: int

    @property
    def folder(self) -> str:
        """The folder that holds this library inside a package."""
        return f"{self.machine_name}-{self.major}.{self.minor}"

    def __str__(self) -> str:
        return f"{self.machine_name} {self.major}.{self.minor}"


@dataclass(frozen=True)
class LibraryInfo:
    """A library found in a package, with what is needed to store it.

    ``files`` maps each stored member name (``<folder>/<path>``) to the SHA-256 of
    its bytes; ``content_hash`` is the SHA-256 of the folder as a whole (see
    :func:`folder_hash`), so the same library in two packages has the same hash.
    """

    machine_name: str
    major: int
    minor: int
    patch: int
    title: str
    library_json: dict[str, Any]
    content_hash: str
    files: Mapping[str, str]
    #: Not in the package: the site's stored library of that name and version.
    installed: bool = False

    @property
    def ref(self) -> LibraryRef:
        return LibraryRef(self.machine_name, self.major, self.minor)

    @property
    def folder(self) -> str:
        return self.ref.folder

    def __str__(self) -> str:
        return f"{self.machine_name} {self.major}.{self.minor}.{self.patch}"


@dataclass(frozen=True)
class PackageInfo:
    """What :func:`validate_package` learnt about a valid package.

    ``libraries`` lists every library the content needs, in the order a player
    must load them: each library comes after the libraries it depends on.
    ``content_files`` maps the members under ``content/`` to their SHA-256.
    ``file_count`` and ``total_size`` count every file of the archive.
    """

    title: str
    main_library: LibraryInfo
    content_type: str
    libraries: tuple[LibraryInfo, ...]
    file_count: int
    total_size: int
    h5p_json: dict[str, Any]
    content_json: dict[str, Any]
    content_hash: str
    content_files: Mapping[str, str]


def folder_hash(files: Mapping[str, str], folder: str) -> str:
    """SHA-256 identifying a folder by its files' paths and contents.

    ``files`` maps member names under ``folder`` to the SHA-256 of their bytes. The
    hash covers each path relative to the folder with its file's hash, in sorted
    order, so it does not depend on the order of members in the archive.
    """
    digest = hashlib.sha256()
    prefix = folder + "/"
    for name in sorted(files):
        digest.update(f"{name.removeprefix(prefix)}\0{files[name]}\n".encode())
    return digest.hexdigest()


def read_member_chunks(
    archive: zipfile.ZipFile, member: zipfile.ZipInfo, *, max_bytes: int
) -> Iterator[bytes]:
    """Yield a member's uncompressed bytes in chunks of at most 64 KiB.

    Raises ``ValidationError`` as soon as more than ``max_bytes`` come out, or when
    the data does not match the member's header (size or checksum).
    """
    produced = 0
    try:
        with archive.open(member) as stream:
            while chunk := stream.read(CHUNK_BYTES):
                produced += len(chunk)
                # zipfile stops at the declared size today; counting here keeps the
                # limit true whatever reader sits underneath.
                if produced > max_bytes:
                    raise ValidationError(
                        _(
                            "%(name)s unpacks to more than %(max)s, more than its "
                            "header declares or than a file may hold. The package "
                            "is damaged or crafted; export it again."
                        )
                        % {"name": _display(member.filename), "max": _size(max_bytes)}
                    )
                yield chunk
    except _READ_ERRORS as error:
        raise ValidationError(
            _(
                "%(name)s: its data does not match its header (size or checksum). "
                "The package is damaged or crafted; export it again."
            )
            % {"name": _display(member.filename)}
        ) from error


@dataclass(frozen=True)
class InstalledLibrary:
    """A library the site already stores, offered to a package that lacks it."""

    library_json: dict[str, Any]
    content_hash: str


#: Finds the stored library of a machine name, major and minor version, if any.
InstalledLookup = Callable[[LibraryRef], InstalledLibrary | None]


def validate_package(
    file: IO[bytes],
    *,
    limits: Limits | None = None,
    installed: InstalledLookup | None = None,
) -> PackageInfo:
    """Check an H5P package without extracting it and describe it.

    ``file`` is a seekable binary file. A library folder the package lacks is
    taken from ``installed`` when it knows a library of the same machine name and
    major.minor version (a "content only" export, as H5P editors make when the
    site has the libraries). Raises ``ValidationError`` listing every problem
    found, each with what to do about it.
    """
    return _Validator(file, limits or Limits.from_settings(), installed).run()


class _Validator:
    def __init__(
        self, file: IO[bytes], limits: Limits, installed: InstalledLookup | None
    ) -> None:
        self.file = file
        self.limits = limits
        self.installed = installed
        self.problems: list[str] = []
        self.installed_hashes: dict[LibraryRef, str] = {}

    def fail(self) -> ValidationError:
        shown = self.problems[:MAX_REPORTED_PROBLEMS]
        hidden = len(self.problems) - len(shown)
        if hidden:
            shown.append(
                ngettext(
                    "… and %(count)s more problem.",
                    "… and %(count)s more problems.",
                    hidden,
                )
                % {"count": hidden}
            )
        return ValidationError(shown)

    def run(self) -> PackageInfo:
        archive = self.open_archive()
        with archive:
            members = archive.infolist()
            if len(members) > self.limits.max_files:
                self.problems.append(
                    _(
                        "The package holds %(count)s files and folders; at most "
                        "%(max)s are allowed. Remove unused files and export again."
                    )
                    % {"count": len(members), "max": self.limits.max_files}
                )
                raise self.fail()
            self.check_members(members)
            files = {
                m.filename: m
                for m in members
                if not m.is_dir() and not _is_clutter(m.filename)
            }
            h5p_json = self.load_json(archive, files, H5P_JSON)
            content_json = self.load_json(archive, files, CONTENT_JSON)
            if H5P_JSON not in files:
                self.report_missing_h5p_json(files)
            if CONTENT_JSON not in files:
                self.problems.append(
                    _(
                        "The package has no content/content.json, so it holds no "
                        "content. Export the content again from the H5P editor."
                    )
                )
            elif content_json is not None and not isinstance(content_json, dict):
                self.problems.append(_("content/content.json must hold a JSON object."))
            title = main_ref = None
            libraries: list[tuple[LibraryRef, dict[str, Any]]] = []
            if isinstance(h5p_json, dict):
                title, main_ref, dependencies = self.check_h5p_json(h5p_json)
                if dependencies is not None:
                    libraries = self.resolve_libraries(archive, files, dependencies)
                    self.check_other_folders(
                        archive, files, {ref.folder for ref, _data in libraries}
                    )
            elif h5p_json is not None:
                self.problems.append(_("h5p.json must hold a JSON object."))
            if self.problems:
                raise self.fail()

            content_files = self.hash_members(
                archive, [f for f in files if f.startswith(CONTENT_DIR + "/")]
            )
            infos = []
            for ref, library_json in libraries:
                if ref in self.installed_hashes:
                    infos.append(
                        LibraryInfo(
                            machine_name=ref.machine_name,
                            major=ref.major,
                            minor=ref.minor,
                            patch=library_json["patchVersion"],
                            title=_nfc(library_json.get("title") or ref.machine_name),
                            library_json=library_json,
                            content_hash=self.installed_hashes[ref],
                            files={},
                            installed=True,
                        )
                    )
                    continue
                hashes = self.hash_members(
                    archive, [f for f in files if f.startswith(ref.folder + "/")]
                )
                infos.append(
                    LibraryInfo(
                        machine_name=ref.machine_name,
                        major=ref.major,
                        minor=ref.minor,
                        patch=library_json["patchVersion"],
                        title=_nfc(library_json.get("title") or ref.machine_name),
                        library_json=library_json,
                        content_hash=folder_hash(hashes, ref.folder),
                        files=hashes,
                    )
                )
            if self.problems:
                raise self.fail()

        main_library = next(info for info in infos if info.ref == main_ref)
        return PackageInfo(
            title=title,
            main_library=main_library,
            content_type=main_library.title,
            libraries=tuple(infos),
            file_count=sum(1 for m in members if not m.is_dir()),
            total_size=sum(m.file_size for m in members),
            h5p_json=h5p_json,
            content_json=content_json,
            content_hash=folder_hash(content_files, CONTENT_DIR),
            content_files=content_files,
        )

    def open_archive(self) -> zipfile.ZipFile:
        not_a_zip = ValidationError(
            _(
                "This file is not an H5P package: it is not a ZIP archive. Export "
                "the content from the H5P editor as an .h5p file and upload that."
            )
        )
        try:
            directory_size = _central_directory_size(self.file)
        except OSError as error:
            raise not_a_zip from error
        if directory_size is None:
            raise not_a_zip
        max_directory = self.limits.max_files * DIRECTORY_BYTES_PER_FILE
        if directory_size > max_directory:
            raise ValidationError(
                _(
                    "The package's table of contents is %(size)s, far more than "
                    "%(count)s files need. The file is damaged or crafted to "
                    "overload the server."
                )
                % {"size": _size(directory_size), "count": self.limits.max_files}
            )
        try:
            self.file.seek(0)
            return zipfile.ZipFile(self.file)
        except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError) as e:
            raise not_a_zip from e

    def check_members(self, members: list[zipfile.ZipInfo]) -> None:
        limits = self.limits
        for name, count in Counter(m.filename for m in members).items():
            if count > 1:
                self.problems.append(
                    _(
                        "%(name)s appears %(count)s times in the package; a name "
                        "may appear only once. The package is damaged or crafted."
                    )
                    % {"name": _display(name), "count": count}
                )
        total = compressed = 0
        for member in members:
            name = member.filename
            path_problem = _path_problem(name)
            if path_problem:
                self.problems.append(path_problem)
                continue
            kind = stat.S_IFMT(member.external_attr >> 16)
            if kind == stat.S_IFLNK:
                self.problems.append(
                    _(
                        "%(name)s is a symbolic link; links are not allowed in a "
                        "package. Replace it with the file itself."
                    )
                    % {"name": _display(name)}
                )
                continue
            if kind not in (0, stat.S_IFREG, stat.S_IFDIR):
                self.problems.append(
                    _(
                        "%(name)s is not a regular file or folder (a device or "
                        "pipe); the package is crafted."
                    )
                    % {"name": _display(name)}
                )
                continue
            if member.flag_bits & 0x1:
                self.problems.append(
                    _(
                        "%(name)s is encrypted; export the package again without "
                        "a password."
                    )
                    % {"name": _display(name)}
                )
            if member.compress_type not in _SUPPORTED_COMPRESSION:
                self.problems.append(
                    _(
                        "%(name)s is compressed with a method this site cannot "
                        "read; export the package again with standard ZIP "
                        "compression."
                    )
                    % {"name": _display(name)}
                )
            if not member.is_dir() and not _is_clutter(name):
                extension_problem = _extension_problem(name)
                if extension_problem:
                    self.problems.append(extension_problem)
            total += member.file_size
            compressed += member.compress_size
            if member.file_size > limits.max_file_bytes:
                self.problems.append(
                    _(
                        "%(name)s is %(size)s unpacked; one file may be at most "
                        "%(max)s. Make it smaller (a video at a lower resolution, "
                        "a compressed image) and export again."
                    )
                    % {
                        "name": _display(name),
                        "size": _size(member.file_size),
                        "max": _size(limits.max_file_bytes),
                    }
                )
            elif _too_compressed(member.file_size, member.compress_size, limits):
                self.problems.append(
                    _(
                        "%(name)s unpacks from %(compressed)s to %(size)s, more "
                        "than %(ratio)s times its packed size. Such files are "
                        "refused as possible ZIP bombs."
                    )
                    % {
                        "name": _display(name),
                        "compressed": _size(member.compress_size),
                        "size": _size(member.file_size),
                        "ratio": limits.max_ratio,
                    }
                )
        if total > limits.max_total_bytes:
            self.problems.append(
                _(
                    "The package unpacks to %(size)s; at most %(max)s are allowed. "
                    "Remove unused media or split the content into several "
                    "packages."
                )
                % {"size": _size(total), "max": _size(limits.max_total_bytes)}
            )
        elif _too_compressed(total, compressed, limits):
            self.problems.append(
                _(
                    "The package unpacks from %(compressed)s to %(size)s, more "
                    "than %(ratio)s times its packed size. It is refused as a "
                    "possible ZIP bomb."
                )
                % {
                    "compressed": _size(compressed),
                    "size": _size(total),
                    "ratio": limits.max_ratio,
                }
            )

    def load_json(
        self, archive: zipfile.ZipFile, files: dict[str, zipfile.ZipInfo], name: str
    ) -> Any:
        """Parse a JSON member, reading at most the JSON limit; None if unusable."""
        member = files.get(name)
        if member is None:
            return None
        limit = self.limits.max_json_bytes
        try:
            with archive.open(member) as stream:
                data = stream.read(limit + 1)
        except _READ_ERRORS:
            self.problems.append(
                _("%(name)s cannot be read: the package is damaged. Export it again.")
                % {"name": _display(name)}
            )
            return None
        if len(data) > limit:
            self.problems.append(
                _("%(name)s is larger than %(max)s, too large to read.")
                % {"name": _display(name), "max": _size(limit)}
            )
            return None
        try:
            return json.loads(data.decode("utf-8-sig"))
        except UnicodeDecodeError:
            self.problems.append(
                _("%(name)s is not UTF-8 text. Export the package again.")
                % {"name": _display(name)}
            )
        except json.JSONDecodeError as error:
            self.problems.append(
                _(
                    "%(name)s is not valid JSON (line %(line)s, column %(column)s: "
                    "%(error)s). Export the package again."
                )
                % {
                    "name": _display(name),
                    "line": error.lineno,
                    "column": error.colno,
                    "error": json_error_reason(error),
                }
            )
        except RecursionError:
            self.problems.append(
                _("%(name)s is nested too deeply to read.") % {"name": _display(name)}
            )
        return None

    def report_missing_h5p_json(self, files: dict[str, zipfile.ZipInfo]) -> None:
        nested = sorted(
            name.rsplit("/", 1)[0]
            for name in files
            if name.count("/") == 1 and name.endswith("/" + H5P_JSON)
        )
        if nested:
            self.problems.append(
                _(
                    "The package has no h5p.json at its top level; it is inside the "
                    "folder “%(folder)s”. Zip the contents of that folder, not the "
                    "folder itself, or export again from the H5P editor."
                )
                % {"folder": _display(nested[0])}
            )
        else:
            self.problems.append(
                _(
                    "The package has no h5p.json at its top level, so it is not an "
                    "H5P package. Export the content again from the H5P editor."
                )
            )

    def check_h5p_json(
        self, data: dict[str, Any]
    ) -> tuple[str | None, LibraryRef | None, list[LibraryRef] | None]:
        title = data.get("title")
        if not isinstance(title, str) or not title.strip():
            self.problems.append(
                _("h5p.json does not give the content a title (“title”).")
            )
            title = None
        main_library = data.get("mainLibrary")
        if not isinstance(main_library, str) or not main_library.strip():
            self.problems.append(
                _("h5p.json does not name its main library (“mainLibrary”).")
            )
            main_library = None
        raw = data.get("preloadedDependencies")
        if not isinstance(raw, list) or not raw:
            self.problems.append(
                _(
                    "h5p.json does not list the libraries the content needs "
                    "(“preloadedDependencies”)."
                )
            )
            return title and _nfc(title.strip()), None, None
        dependencies = self.parse_dependencies(raw, H5P_JSON)
        main_ref = None
        if main_library is not None:
            main_ref = next(
                (ref for ref in dependencies if ref.machine_name == main_library),
                None,
            )
            if main_ref is None:
                self.problems.append(
                    _(
                        "h5p.json names %(library)s as its main library but does "
                        "not list it in “preloadedDependencies”."
                    )
                    % {"library": _display(main_library)}
                )
        return title and _nfc(title.strip()), main_ref, dependencies

    def parse_dependencies(self, raw: Any, source: str) -> list[LibraryRef]:
        if not isinstance(raw, list):
            self.problems.append(
                _("%(name)s: “preloadedDependencies” must be a list.")
                % {"name": _display(source)}
            )
            return []
        refs = []
        for position, entry in enumerate(raw, start=1):
            ref = _parse_ref(entry)
            if ref is None:
                self.problems.append(
                    _(
                        "%(name)s: entry %(position)s of “preloadedDependencies” is "
                        "not a library with a machine name, a major and a minor "
                        "version."
                    )
                    % {"name": _display(source), "position": position}
                )
            else:
                refs.append(ref)
        return refs

    def resolve_libraries(
        self,
        archive: zipfile.ZipFile,
        files: dict[str, zipfile.ZipInfo],
        dependencies: list[LibraryRef],
    ) -> list[tuple[LibraryRef, dict[str, Any]]]:
        """Load every library the content needs, dependencies before dependents."""
        ordered: list[tuple[LibraryRef, dict[str, Any]]] = []
        seen: set[LibraryRef] = set()

        def visit(ref: LibraryRef, required_by: str, depth: int) -> None:
            if ref in seen:
                return
            seen.add(ref)
            if depth > MAX_DEPENDENCY_DEPTH:
                self.problems.append(
                    _("Library dependencies are nested more than %(max)s deep.")
                    % {"max": MAX_DEPENDENCY_DEPTH}
                )
                return
            name = f"{ref.folder}/{LIBRARY_JSON}"
            stored = None
            if name not in files and self.installed is not None:
                stored = self.installed(ref)
            if stored is not None:
                self.installed_hashes[ref] = stored.content_hash
                for dependency in self.parse_dependencies(
                    stored.library_json.get("preloadedDependencies", []), name
                ):
                    visit(dependency, str(ref), depth + 1)
                ordered.append((ref, stored.library_json))
                return
            if name not in files:
                self.problems.append(
                    _(
                        "The library %(library)s, needed by %(required_by)s, is "
                        "missing: the package has no %(name)s. Export the content "
                        "again with its libraries included."
                    )
                    % {
                        "library": _display(str(ref)),
                        "required_by": _display(required_by),
                        "name": _display(name),
                    }
                )
                return
            data = self.load_json(archive, files, name)
            if data is None:
                return
            if not self.check_library_json(archive, ref, data, files):
                return
            for dependency in self.parse_dependencies(
                data.get("preloadedDependencies", []), name
            ):
                visit(dependency, str(ref), depth + 1)
            ordered.append((ref, data))

        for dependency in dependencies:
            visit(dependency, H5P_JSON, 1)
        return ordered

    def check_library_json(
        self,
        archive: zipfile.ZipFile,
        ref: LibraryRef,
        data: Any,
        files: dict[str, zipfile.ZipInfo],
    ) -> bool:
        name = f"{ref.folder}/{LIBRARY_JSON}"
        if not isinstance(data, dict):
            self.problems.append(
                _("%(name)s must hold a JSON object.") % {"name": _display(name)}
            )
            return False
        declared = _parse_ref(data)
        patch = data.get("patchVersion")
        if declared != ref or not _is_version_number(patch):
            self.problems.append(
                _(
                    "%(name)s does not describe the library %(library)s with a "
                    "machine name, major, minor and patch version matching its "
                    "folder."
                )
                % {"name": _display(name), "library": _display(str(ref))}
            )
            return False
        data["patchVersion"] = int(patch)
        ok = self.check_core_api(ref, data.get("coreApi"))
        for language in sorted(files):
            if language.startswith(f"{ref.folder}/language/") and language.endswith(
                ".json"
            ):
                before = len(self.problems)
                self.load_json(archive, files, language)
                ok = ok and len(self.problems) == before
        for key in ("preloadedJs", "preloadedCss"):
            entries = data.get(key, [])
            if not isinstance(entries, list):
                entries = [None]
            for entry in entries:
                path = entry.get("path") if isinstance(entry, dict) else None
                if not isinstance(path, str) or f"{ref.folder}/{path}" not in files:
                    self.problems.append(
                        _(
                            "The library %(library)s lists %(path)s in “%(key)s”, "
                            "but that file is missing from the package."
                        )
                        % {
                            "library": _display(str(ref)),
                            "path": _display(str(path)),
                            "key": key,
                        }
                    )
                    ok = False
        return ok

    def check_core_api(self, ref: LibraryRef, core_api: Any) -> bool:
        if core_api is None:
            return True
        major = core_api.get("majorVersion", 1) if isinstance(core_api, dict) else None
        minor = core_api.get("minorVersion", 0) if isinstance(core_api, dict) else None
        if not _is_version_number(major) or not _is_version_number(minor):
            self.problems.append(
                _("The library %(library)s has an unreadable “coreApi”.")
                % {"library": _display(str(ref))}
            )
            return False
        if (int(major), int(minor)) > PLAYER_CORE_API:
            self.problems.append(
                _(
                    "The library %(library)s needs H5P core %(needed)s; this site's "
                    "player runs %(player)s. Export the content with older libraries."
                )
                % {
                    "library": _display(str(ref)),
                    "needed": f"{int(major)}.{int(minor)}",
                    "player": "{}.{}".format(*PLAYER_CORE_API),
                }
            )
            return False
        return True

    def check_other_folders(
        self,
        archive: zipfile.ZipFile,
        files: dict[str, zipfile.ZipInfo],
        used: set[str],
    ) -> None:
        """Folders next to the used libraries must be valid libraries too, as in H5P."""
        folders = sorted({name.split("/", 1)[0] for name in files if "/" in name})
        for folder in folders:
            if folder == CONTENT_DIR or folder in used:
                continue
            match = _LIBRARY_FOLDER_RE.match(folder)
            name = f"{folder}/{LIBRARY_JSON}"
            if match is None or name not in files:
                self.problems.append(
                    _(
                        "The folder “%(folder)s” is not a valid library folder (a "
                        "name like H5P.Example-1.0 holding library.json). Remove it "
                        "and export again."
                    )
                    % {"folder": _display(folder)}
                )
                continue
            data = self.load_json(archive, files, name)
            if data is None:
                continue
            ref = LibraryRef(match.group(1), int(match.group(2)), int(match.group(3)))
            self.check_library_json(archive, ref, data, files)

    def hash_members(
        self, archive: zipfile.ZipFile, names: list[str]
    ) -> dict[str, str]:
        hashes = {}
        for name in sorted(names):
            member = archive.getinfo(name)
            digest = hashlib.sha256()
            try:
                for chunk in read_member_chunks(
                    archive,
                    member,
                    max_bytes=min(member.file_size, self.limits.max_file_bytes),
                ):
                    digest.update(chunk)
            except ValidationError as error:
                self.problems.extend(error.messages)
                continue
            hashes[name] = digest.hexdigest()
        return hashes


def _central_directory_size(file: IO[bytes]) -> int | None:
    """Size in bytes of the archive's central directory, from its end record.

    zipfile loads the whole central directory into memory before anything can be
    checked, so its size is bounded first. Returns None when there is no end record.
    """
    file.seek(0, os.SEEK_END)
    end = file.tell()
    start = max(0, end - (_END_RECORD.size + 0xFFFF))
    file.seek(start)
    tail = file.read(end - start)
    # Like zipfile: an end record without a comment sits in the last 22 bytes;
    # otherwise the last signature wins.
    position = len(tail) - _END_RECORD.size
    if position < 0 or tail[position : position + 4] != _END_RECORD_SIGNATURE:
        position = tail.rfind(_END_RECORD_SIGNATURE)
    if position < 0 or position + _END_RECORD.size > len(tail):
        return None
    directory_size = _END_RECORD.unpack_from(tail, position)[5]
    if directory_size != 0xFFFFFFFF:
        return directory_size
    locator = position - _ZIP64_LOCATOR.size
    if locator < 0 or tail[locator : locator + 4] != _ZIP64_LOCATOR_SIGNATURE:
        return None
    record_offset = _ZIP64_LOCATOR.unpack_from(tail, locator)[2]
    file.seek(record_offset)
    record = file.read(_ZIP64_END_RECORD.size)
    if (
        len(record) != _ZIP64_END_RECORD.size
        or record[:4] != _ZIP64_END_RECORD_SIGNATURE
    ):
        return None
    return _ZIP64_END_RECORD.unpack(record)[8]


def _path_problem(name: str) -> str | None:
    shown = _display(name)
    if "\\" in name or _DRIVE_RE.match(name):
        return _(
            "%(name)s uses a backslash or a drive letter (a Windows path). "
            "Re-create the package with the H5P editor or a standard ZIP tool."
        ) % {"name": shown}
    if name.startswith("/"):
        return _(
            "%(name)s is an absolute path; paths in a package must be relative. "
            "The package is crafted; do not use it."
        ) % {"name": shown}
    segments = name.removesuffix("/").split("/")
    if ".." in segments:
        return _(
            "%(name)s points outside the package (it contains “..”). The "
            "package is crafted; do not use it."
        ) % {"name": shown}
    if (
        any(segment in ("", ".") for segment in segments)
        or any(ord(char) < 0x20 or char == "\x7f" for char in name)
        or len(name) > MAX_PATH_LENGTH
    ):
        return _(
            "%(name)s is not a plain relative path (empty or “.” parts, control "
            "characters, or longer than %(max)s characters)."
        ) % {"name": shown, "max": MAX_PATH_LENGTH}
    return None


def _extension_problem(name: str) -> str | None:
    base = name.rsplit("/", 1)[-1]
    extension = base.rsplit(".", 1)[1].lower() if "." in base else ""
    in_library = "/" in name and name.split("/", 1)[0] != CONTENT_DIR
    if extension in ALLOWED_EXTENSIONS:
        return None
    if extension in LIBRARY_ONLY_EXTENSIONS:
        if in_library:
            return None
        return _(
            "%(name)s: scripts and style sheets (.js, .css) are allowed only inside "
            "library folders, not in the content. Remove the file and export again."
        ) % {"name": _display(name)}
    if not extension:
        return _(
            "%(name)s has no file extension, so its type cannot be checked. Remove "
            "it or give it an allowed extension, then export again."
        ) % {"name": _display(name)}
    return _(
        "%(name)s: files of type .%(extension)s are not allowed in an H5P package. "
        "Remove the file, or convert it to an allowed type (images, audio, video, "
        "documents, fonts), then export again."
    ) % {"name": _display(name), "extension": _display(extension)}


def _too_compressed(size: int, compressed: int, limits: Limits) -> bool:
    return size >= RATIO_CHECKED_FROM_BYTES and size > limits.max_ratio * max(
        compressed, 1
    )


def _is_clutter(name: str) -> bool:
    return any(
        segment.startswith(".") or segment == "__MACOSX"
        for segment in name.removesuffix("/").split("/")
    )


def _is_version_number(value: Any) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return value >= 0
    return isinstance(value, str) and value.isascii() and value.isdigit()


def _parse_ref(entry: Any) -> LibraryRef | None:
    """Read a machine name and version as H5P writes them (numbers or strings)."""
    if not isinstance(entry, dict):
        return None
    name = entry.get("machineName")
    major, minor = entry.get("majorVersion"), entry.get("minorVersion")
    if (
        not isinstance(name, str)
        or not _MACHINE_NAME_RE.match(name)
        or not _is_version_number(major)
        or not _is_version_number(minor)
    ):
        return None
    return LibraryRef(name, int(major), int(minor))


def _display(text: str) -> str:
    """A name fit to show in a message: control characters hidden, length capped."""
    cleaned = "".join("?" if ord(c) < 0x20 or c == "\x7f" else c for c in text)
    return cleaned if len(cleaned) <= 120 else cleaned[:117] + "…"


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def _size(value: int) -> str:
    return str(filesizeformat(value))
