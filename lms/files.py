"""Sending a stored file that only some people may have, once a view has said yes.

H5P package files, certificate PDFs and lesson videos are kept in the default
storage under the media root, which the web server does not serve to the public. A
view checks the permission and then answers with :func:`protected_file_response`.
In production (``SENDFILE_BACKEND`` is django-sendfile2's nginx backend) the
response only names the file: nginx sends the bytes through an ``internal``
location, byte ranges and conditional requests included, without holding a Python
worker. In development and tests Django sends the bytes itself and answers a single
byte range, which is what a video player asks for to read a file's index and to
seek: neither Django, Wagtail's streaming backend nor django-sendfile2's simple
backend answers ``Range``, and WhiteNoise's responder (static files only) refuses
one-byte ranges, so :func:`byte_range` reads the header here.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator

from django.conf import settings
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpResponse, StreamingHttpResponse
from django.utils.cache import get_conditional_response
from django.utils.http import content_disposition_header
from django_sendfile import sendfile

NGINX_BACKEND = "django_sendfile.backends.nginx"
CHUNK_BYTES = 64 * 1024
_RANGE = re.compile(r"^\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*$", re.IGNORECASE)
# Positions of more digits than this lie past any file (and Python refuses to
# read integers of thousands of digits).
_MAX_DIGITS = 19


class RangeNotSatisfiable(ValueError):
    """The requested range starts past the end of the file."""


def _position(digits: str) -> int:
    digits = digits.lstrip("0") or "0"
    return int(digits) if len(digits) <= _MAX_DIGITS else 10**_MAX_DIGITS


def byte_range(header: str, size: int) -> tuple[int, int] | None:
    """The first and last byte (inclusive) that a ``Range`` header asks of ``size``.

    None when the whole file is to be sent, as HTTP allows for a header that is
    absent, not in bytes, malformed, reversed (``bytes=9-2``) or asking for
    several ranges. Raises :class:`RangeNotSatisfiable` for a range that starts
    past the end (``bytes=1000-`` of 1,000 bytes) or an empty suffix
    (``bytes=-0``). A last byte past the end is the end (RFC 9110, 14.1.2).
    """
    match = _RANGE.match(header or "")
    if match is None:
        return None
    first, last = match.groups()
    if not first and not last:
        return None
    if not first:
        length = _position(last)
        if length == 0 or size == 0:
            raise RangeNotSatisfiable(header)
        return max(0, size - length), size - 1
    start = _position(first)
    if last and _position(last) < start:
        return None
    if start >= size:
        raise RangeNotSatisfiable(header)
    return start, min(_position(last), size - 1) if last else size - 1


def _part(path: str, first: int, length: int) -> Iterator[bytes]:
    with open(path, "rb") as handle:
        handle.seek(first)
        while length > 0:
            chunk = handle.read(min(CHUNK_BYTES, length))
            if not chunk:
                return
            length -= len(chunk)
            yield chunk


def protected_file_response(
    request,
    name: str,
    *,
    content_type: str,
    download_as: str | None = None,
    etag: str = "",
) -> HttpResponse:
    """The stored file ``name`` (a name in the default storage), for this request.

    ``download_as`` makes it an attachment with that file name; otherwise the
    browser shows it inline. ``etag`` (the file's content hash) answers
    ``If-None-Match`` with 304 and ``If-Range`` with the whole file once the
    content has changed. Raises ``Http404`` when there is no such file.
    """
    try:
        path = default_storage.path(name)
    except NotImplementedError:
        # A storage with no local files (object storage): nginx cannot reach
        # them, so Django streams them.
        return _streamed(name, content_type=content_type, download_as=download_as)
    if not os.path.isfile(path):
        raise Http404
    if settings.SENDFILE_BACKEND == NGINX_BACKEND:
        response = sendfile(
            request,
            path,
            attachment=download_as is not None,
            attachment_filename=download_as or False,
            mimetype=content_type,
        )
    else:
        response = _sent_by_django(request, path, content_type, etag)
        response["Content-Disposition"] = content_disposition_header(
            download_as is not None, download_as or os.path.basename(path)
        )
    response["X-Content-Type-Options"] = "nosniff"
    if not etag:
        return response
    response["ETag"] = f'"{etag}"'
    return get_conditional_response(request, etag=f'"{etag}"', response=response)


def _streamed(name: str, *, content_type: str, download_as: str | None):
    try:
        handle = default_storage.open(name, "rb")
    except (FileNotFoundError, IsADirectoryError, NotADirectoryError) as missing:
        raise Http404 from missing
    return FileResponse(
        handle,
        content_type=content_type,
        as_attachment=download_as is not None,
        filename=download_as or "",
    )


def _sent_by_django(request, path: str, content_type: str, etag: str) -> HttpResponse:
    size = os.path.getsize(path)
    header = request.headers.get("Range", "")
    if_range = request.headers.get("If-Range")
    if if_range is not None and (not etag or if_range != f'"{etag}"'):
        # The browser holds parts of an older file: it gets the whole new one.
        header = ""
    try:
        wanted = byte_range(header, size)
    except RangeNotSatisfiable:
        response = HttpResponse(status=416)
        response["Content-Range"] = f"bytes */{size}"
        response["Accept-Ranges"] = "bytes"
        return response
    first, last = wanted if wanted else (0, size - 1)
    length = max(0, last - first + 1)
    if request.method == "HEAD":
        response = HttpResponse(content_type=content_type)
    else:
        response = StreamingHttpResponse(
            _part(path, first, length), content_type=content_type
        )
    if wanted:
        response.status_code = 206
        response["Content-Range"] = f"bytes {first}-{last}/{size}"
    response["Content-Length"] = str(length)
    response["Accept-Ranges"] = "bytes"
    return response
