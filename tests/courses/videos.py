"""Lesson videos for tests: two real few-KB files, and a long WebM built from one.

``media/lesson.mp4`` (H.264 constrained baseline) and ``media/lesson.webm`` (VP8)
are 3 seconds of FFmpeg's test pattern at 160x90, made once with

    ffmpeg -f lavfi -i testsrc=size=160x90:rate=10:duration=3 -an \\
      -map_metadata -1 -fflags +bitexact -flags +bitexact -b:v 20k -g 10 \\
      -c:v libvpx lesson.webm
    (and -c:v libx264 -profile:v baseline -pix_fmt yuv420p -movflags +faststart
     for lesson.mp4)

so the tests need no FFmpeg. A player seeks with a new byte range only when the
place it seeks to lies beyond what it has already read, which a few-KB file never
does: :func:`long_webm` writes a WebM of one keyframe (taken from
``lesson.webm``) a second, each followed by padding, with the index (cues) at the
end, as FFmpeg writes them.
"""

import struct
from pathlib import Path

from django.core.files.base import ContentFile
from wagtail.documents import get_document_model

MEDIA = Path(__file__).parent / "media"
MP4 = (MEDIA / "lesson.mp4").read_bytes()
WEBM = (MEDIA / "lesson.webm").read_bytes()
WIDTH, HEIGHT = 160, 90

_SEGMENT = 0x18538067
_CLUSTER = 0x1F43B675
_SIMPLE_BLOCK = 0xA3


def video_document(content: bytes, name: str, **fields):
    """A document as the admin saves an upload (with its size and hash)."""
    document = get_document_model()(title=fields.pop("title", name), **fields)
    document.file.save(name, ContentFile(content), save=False)
    document._set_document_file_metadata()
    document.save()
    return document


def _read_vint(data: bytes, pos: int, *, keep_marker: bool) -> tuple[int, int]:
    length = 9 - data[pos].bit_length()
    raw = int.from_bytes(data[pos : pos + length], "big")
    value = raw if keep_marker else raw & ((1 << (7 * length)) - 1)
    return value, pos + length


def _children(data: bytes, start: int, end: int):
    pos = start
    while pos < end:
        element_id, pos = _read_vint(data, pos, keep_marker=True)
        size, pos = _read_vint(data, pos, keep_marker=False)
        yield element_id, pos, size
        pos += size


def first_keyframe(webm: bytes = WEBM) -> bytes:
    """The VP8 frame of the first keyframe block in ``webm``."""
    for element_id, start, size in _children(webm, 0, len(webm)):
        if element_id != _SEGMENT:
            continue
        for child_id, child_start, child_size in _children(webm, start, start + size):
            if child_id != _CLUSTER:
                continue
            for block_id, block_start, block_size in _children(
                webm, child_start, child_start + child_size
            ):
                block = webm[block_start : block_start + block_size]
                if block_id == _SIMPLE_BLOCK and block[3] & 0x80:
                    return block[4:]
    raise ValueError("no keyframe")


def _element(element_id: int, payload: bytes) -> bytes:
    id_bytes = element_id.to_bytes((element_id.bit_length() + 7) // 8, "big")
    # Sizes are always written on 8 bytes, so offsets can be computed up front.
    return id_bytes + ((1 << 56) | len(payload)).to_bytes(8, "big") + payload


def _uint(element_id: int, value: int, width: int = 0) -> bytes:
    width = width or max(1, (value.bit_length() + 7) // 8)
    return _element(element_id, value.to_bytes(width, "big"))


def _text(element_id: int, value: str) -> bytes:
    return _element(element_id, value.encode())


def long_webm(
    *, seconds: int = 60, padding: int = 48 * 1024, doc_type: str = "webm"
) -> bytes:
    """A playable, seekable WebM of ``seconds`` seconds, about ``padding`` bytes each.

    ``doc_type="matroska"`` makes the same file an MKV.
    """
    frame = first_keyframe()
    header = _element(
        0x1A45DFA3,
        _uint(0x4286, 1)
        + _uint(0x42F7, 1)
        + _uint(0x42F2, 4)
        + _uint(0x42F3, 8)
        + _text(0x4282, doc_type)
        + _uint(0x4287, 2)
        + _uint(0x4285, 2),
    )
    info = _element(
        0x1549A966,
        _uint(0x2AD7B1, 1_000_000)
        + _element(0x4489, struct.pack(">d", seconds * 1000.0))
        + _text(0x4D80, "tests")
        + _text(0x5741, "tests"),
    )
    tracks = _element(
        0x1654AE6B,
        _element(
            0xAE,
            _uint(0xD7, 1)
            + _uint(0x73C5, 1)
            + _uint(0x83, 1)
            + _text(0x86, "V_VP8")
            + _element(0xE0, _uint(0xB0, WIDTH) + _uint(0xBA, HEIGHT)),
        ),
    )
    clusters = [
        _element(
            _CLUSTER,
            _uint(0xE7, second * 1000)
            + _element(_SIMPLE_BLOCK, b"\x81\x00\x00\x80" + frame)
            + _element(0xEC, bytes(padding)),
        )
        for second in range(seconds)
    ]

    def seek_head(positions: dict[int, int]) -> bytes:
        return _element(
            0x114D9B74,
            b"".join(
                _element(
                    0x4DBB,
                    _element(0x53AB, target.to_bytes(4, "big"))
                    + _uint(0x53AC, position, width=8),
                )
                for target, position in positions.items()
            ),
        )

    # Positions count from the start of the segment's content.
    seek_size = len(seek_head({0x1549A966: 0, 0x1654AE6B: 0, 0x1C53BB6B: 0}))
    info_at = seek_size
    tracks_at = info_at + len(info)
    cluster_at = [tracks_at + len(tracks)]
    for cluster in clusters:
        cluster_at.append(cluster_at[-1] + len(cluster))
    cues = _element(
        0x1C53BB6B,
        b"".join(
            _element(
                0xBB,
                _uint(0xB3, second * 1000)
                + _element(0xB7, _uint(0xF7, 1) + _uint(0xF1, cluster_at[second])),
            )
            for second in range(seconds)
        ),
    )
    content = (
        seek_head(
            {0x1549A966: info_at, 0x1654AE6B: tracks_at, 0x1C53BB6B: cluster_at[-1]}
        )
        + info
        + tracks
        + b"".join(clusters)
        + cues
    )
    return header + _element(_SEGMENT, content)


def place_video(lesson, document, *, caption: str = "", poster=None):
    """Append a video block showing ``document`` to a live lesson's body."""
    lesson.body.append(
        (
            "video",
            {
                "video_file": document,
                "poster": poster,
                "embed": None,
                "caption": caption,
            },
        )
    )
    lesson.save()
    return lesson
