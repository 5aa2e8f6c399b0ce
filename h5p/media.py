"""Files of a package made light enough for a phone when they are stored.

Authoring tools keep photos as they were taken: a 1,588-pixel banner of 800 KB
in a quiz costs a learner on a prepaid plan more than the rest of the lesson.
A JPEG or PNG of the content folder that is wider than ``MAX_WIDTH`` pixels (three
times a 360-pixel phone screen) or heavier than ``LIGHTEN_FROM_BYTES`` is written
again no wider than that, without its metadata (a photo's EXIF may say where it
was taken), turned upright first, and in the same format under the same name, so
the package's ``content.json`` still points at it. A picture that would not get
lighter, or that Pillow cannot read safely (damaged, animated, a decompression
bomb), is kept as it came.

A library's scripts are written without their comments and indentation (rJSmin,
which leaves strings, template literals and regular expressions alone): the
phone fetches and parses a third less. Comments that start with ``/*!`` (the
licences) stay.
"""

import io
import warnings

import rjsmin
from PIL import Image, ImageOps

MAX_WIDTH = 1080
LIGHTEN_FROM_BYTES = 150 * 1024
JPEG_QUALITY = 80
# Larger pictures are kept as they came: decoding one would take a gigabyte of
# memory while a package is uploaded (a plain 10,000 × 9,000 PNG is a few KB).
MAX_PIXELS = 25_000_000
EXTENSIONS = {"jpg": "JPEG", "jpeg": "JPEG", "png": "PNG"}


def picture_lightened(data: bytes, extension: str) -> bytes | None:
    """``data`` written lighter for a phone, or None to keep it as it is."""
    kind = EXTENSIONS.get(extension.lower())
    if kind is None:
        return None
    try:
        with warnings.catch_warnings():
            # Pillow warns of damaged metadata it skips: the picture is still
            # written, or kept as it came.
            warnings.simplefilter("ignore", UserWarning)
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                if image.format != kind or getattr(image, "is_animated", False):
                    return None
                if image.width * image.height > MAX_PIXELS:
                    return None
                if image.width <= MAX_WIDTH and len(data) < LIGHTEN_FROM_BYTES:
                    return None
                if kind == "JPEG":
                    # Decode at the smallest scale still at least MAX_WIDTH wide.
                    image.draft(
                        "RGB", (MAX_WIDTH, MAX_WIDTH * image.height // image.width)
                    )
                picture = ImageOps.exif_transpose(image)
                picture.thumbnail((MAX_WIDTH, MAX_WIDTH * 10))
                out = io.BytesIO()
                if kind == "JPEG":
                    if picture.mode not in ("RGB", "L"):
                        picture = picture.convert("RGB")
                    picture.save(
                        out,
                        "JPEG",
                        quality=JPEG_QUALITY,
                        optimize=True,
                        progressive=True,
                    )
                else:
                    picture.save(out, "PNG", optimize=True)
    # Whatever a damaged picture makes Pillow raise (broken EXIF gives TypeError
    # or struct.error, truncated data OSError…), the upload keeps the original.
    except Exception:  # noqa: BLE001
        return None
    lighter = out.getvalue()
    return lighter if len(lighter) < len(data) else None


def script_lightened(data: bytes) -> bytes | None:
    """A library's script without comments and indentation, or None to keep it."""
    lighter = rjsmin.jsmin(data, keep_bang_comments=True)
    return lighter if len(lighter) < len(data) else None
