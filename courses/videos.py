"""Lesson videos: MP4 or WebM documents, recognised by what they hold.

A file's name says nothing of its content: a PDF renamed "bai-1.mp4", or an MKV
renamed ".webm", would reach learners as a player that never starts. An upload
named as a video is therefore read: an MP4 is a sequence of ISO boxes that opens
with ``ftyp`` and holds the ``moov`` box a player needs before the first frame;
a WebM opens with an EBML header whose document type is ``webm`` (Matroska's is
``matroska``), followed by a segment holding its tracks. Only the first bytes of
each box or element are read, so a 200 MB upload is checked in a few reads.
"""

from __future__ import annotations

from typing import BinaryIO

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils.translation import gettext as _

CONTENT_TYPES = {"mp4": "video/mp4", "webm": "video/webm"}
FORMAT_NAMES = {"mp4": "MP4", "webm": "WebM"}
# What phones, cameras and editing programs also write, which not every phone's
# browser plays: named so the editor is told to convert rather than "not allowed".
OTHER_VIDEO_EXTENSIONS = frozenset(
    {"3gp", "avi", "flv", "m4v", "mkv", "mov", "mpeg", "mpg", "ogv", "ts", "wmv"}
)

_EBML = 0x1A45DFA3
_EBML_DOCTYPE = 0x4282
_SEGMENT = 0x18538067
_TRACKS = 0x1654AE6B
_CLUSTER = 0x1F43B675
# Bounds on the walk, so a crafted file cannot keep the check busy: real MP4s have
# a handful of top-level boxes (fragmented ones, two per few seconds), and a
# WebM's tracks come within its first few elements.
_MAX_BOXES = 100_000
_MAX_ELEMENTS = 64


def extension(name: str) -> str:
    return name.rsplit(".", 1)[-1].lower() if "." in name else ""


def is_video(document) -> bool:
    """Whether a document is a lesson video (its content was checked on upload)."""
    return extension(document.filename) in CONTENT_TYPES


def video_format(file: BinaryIO, size: int) -> str | None:
    """``"mp4"``, ``"webm"``, ``"matroska"``, ``"quicktime"`` or None (none of them).

    Reads the start of ``file`` only (and, for MP4, each top-level box header), and
    leaves it at the start. Raises :class:`ValidationError` (code ``damaged``)
    when the file starts as one of these formats but is cut short or broken.
    """
    try:
        file.seek(0)
        head = file.read(64)
        if head[4:8] == b"ftyp":
            return _mp4_format(file, size, brand=head[8:12])
        if head[:4] == _EBML.to_bytes(4, "big"):
            return _ebml_format(file, size)
        return None
    finally:
        file.seek(0)


def _damaged() -> ValidationError:
    return ValidationError("damaged", code="damaged")


def _mp4_format(file: BinaryIO, size: int, *, brand: bytes) -> str:
    offset = 0
    kinds = []
    while offset < size:
        if len(kinds) == _MAX_BOXES:
            raise _damaged()
        file.seek(offset)
        header = file.read(16)
        if len(header) < 8:
            raise _damaged()
        box_size = int.from_bytes(header[:4], "big")
        kind = header[4:8]
        if box_size == 1:
            if len(header) < 16:
                raise _damaged()
            box_size = int.from_bytes(header[8:16], "big")
        elif box_size == 0:
            box_size = size - offset
        if box_size < 8 or offset + box_size > size or not kind.isascii():
            raise _damaged()
        kinds.append(kind)
        offset += box_size
    if b"moov" not in kinds or b"mdat" not in kinds:
        raise _damaged()
    return "quicktime" if brand == b"qt  " else "mp4"


def _vint(data: bytes, pos: int, *, keep_marker: bool) -> tuple[int, int]:
    """An EBML variable-length integer at ``pos``: its value and the next position.

    IDs keep their length marker (``0x1A45DFA3``); sizes drop it. A size of all
    ones means "unknown" and is returned as -1.
    """
    if pos >= len(data) or data[pos] == 0:
        raise _damaged()
    first = data[pos]
    length = 8 - first.bit_length() + 1
    if pos + length > len(data):
        raise _damaged()
    raw = int.from_bytes(data[pos : pos + length], "big")
    if keep_marker:
        return raw, pos + length
    value = raw & ((1 << (7 * length)) - 1)
    if value == (1 << (7 * length)) - 1:
        return -1, pos + length
    return value, pos + length


def _element(file: BinaryIO, offset: int) -> tuple[int, int, int]:
    """The EBML element at ``offset``: its ID, where its data starts, its size."""
    file.seek(offset)
    data = file.read(16)
    element_id, pos = _vint(data, 0, keep_marker=True)
    element_size, pos = _vint(data, pos, keep_marker=False)
    return element_id, offset + pos, element_size


def _ebml_format(file: BinaryIO, size: int) -> str:
    _id, start, header_size = _element(file, 0)
    if header_size < 0 or start + header_size > size:
        raise _damaged()
    file.seek(start)
    header = file.read(header_size)
    doc_type = None
    pos = 0
    while pos < len(header):
        child_id, pos = _vint(header, pos, keep_marker=True)
        child_size, pos = _vint(header, pos, keep_marker=False)
        if child_size < 0 or pos + child_size > len(header):
            raise _damaged()
        if child_id == _EBML_DOCTYPE:
            doc_type = header[pos : pos + child_size].rstrip(b"\0")
        pos += child_size
    if doc_type not in (b"webm", b"matroska"):
        raise _damaged()
    segment_id, offset, segment_size = _element(file, start + header_size)
    # A segment of known size that ends past the file was cut short; one of
    # unknown size (a live recording's) ends with the file.
    if segment_id != _SEGMENT or offset + segment_size > size:
        raise _damaged()
    # The tracks come before the first cluster of frames.
    for _step in range(_MAX_ELEMENTS):
        element_id, data_start, element_size = _element(file, offset)
        if element_id == _TRACKS:
            return doc_type.decode()
        if element_id == _CLUSTER or element_size < 0:
            break
        offset = data_start + element_size
        if offset >= size:
            break
    raise _damaged()


def video_validate(file: BinaryIO, *, name: str, size: int) -> str:
    """The format (``"mp4"`` or ``"webm"``) of an uploaded lesson video.

    ``name`` must end in ``.mp4`` or ``.webm`` and the content must be that format,
    whole, and no larger than ``LMS_VIDEO_MAX_BYTES``. Raises ValidationError
    saying what to do otherwise.
    """
    wanted = extension(name)
    limit = settings.LMS_VIDEO_MAX_BYTES
    if size > limit:
        raise ValidationError(
            _(
                "This video is %(size)s; a lesson video may be at most %(limit)s. "
                "Shorten it or export it at a lower resolution (720p is plenty "
                "on a phone)."
            )
            % {"size": filesizeformat(size), "limit": filesizeformat(limit)},
            code="file_too_large",
        )
    try:
        found = video_format(file, size)
    except ValidationError:
        raise ValidationError(
            _(
                "“%(name)s” is a damaged or incomplete %(format)s file (was the "
                "upload or the export cut short?). Export the video again and "
                "upload the new file."
            )
            % {"name": name, "format": FORMAT_NAMES[wanted]},
            code="damaged",
        ) from None
    if found == wanted:
        return found
    if found in CONTENT_TYPES:
        raise ValidationError(
            _(
                "“%(name)s” holds a %(found)s video but is named .%(extension)s. "
                "Rename it to end in .%(found_extension)s and upload it again."
            )
            % {
                "name": name,
                "found": FORMAT_NAMES[found],
                "extension": wanted,
                "found_extension": found,
            },
            code="wrong_extension",
        )
    if found in ("matroska", "quicktime"):
        raise ValidationError(
            _(
                "“%(name)s” is a %(found)s video, which not every phone plays. "
                "Convert it to MP4 (H.264) or WebM and upload it again."
            )
            % {"name": name, "found": "MKV" if found == "matroska" else "MOV"},
            code="unsupported_video",
        )
    raise ValidationError(
        _(
            "“%(name)s” ends in .%(extension)s but is not a video: its content is "
            "something else. Choose the video file itself (MP4 or WebM)."
        )
        % {"name": name, "extension": wanted},
        code="not_a_video",
    )


def other_video_refusal(name: str) -> ValidationError | None:
    """The refusal of a video in a format lessons do not take (``.mov``, ``.avi``…)."""
    found = extension(name)
    if found not in OTHER_VIDEO_EXTENSIONS:
        return None
    return ValidationError(
        _(
            "“%(name)s” is a .%(extension)s video, which not every phone plays. "
            "Lessons take MP4 (H.264) or WebM videos: convert it to one of them "
            "and upload it again."
        )
        % {"name": name, "extension": found},
        code="unsupported_video",
    )


def video_url(document, *, lesson_id: int | None) -> str:
    """Where a player loads the video: in the lesson ``lesson_id``, or a preview."""
    if lesson_id is None:
        return reverse("video_preview", args=[document.pk, document.filename])
    return reverse("lesson_video", args=[lesson_id, document.pk, document.filename])


class VideoSource:
    """What a lesson's player needs of a video document.

    ``lesson_id`` is None in editors' previews, where the lesson may not be saved.
    """

    def __init__(self, document, *, lesson_id: int | None):
        self.document = document
        fmt = extension(document.filename)
        self.content_type = CONTENT_TYPES[fmt]
        self.format_name = FORMAT_NAMES[fmt]
        self.size = document.file_size
        self.url = video_url(document, lesson_id=lesson_id)
