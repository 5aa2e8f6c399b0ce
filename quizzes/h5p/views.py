"""What a lesson page calls while an H5P activity plays.

- the package's files, for the player (``content_file``; ``preview_file`` for
  editors previewing a lesson);
- the learner's resume state, in the shape H5P's ``contentUserData`` expects;
- the xAPI statements the page forwards, which the server stores and grades.

The views parse the request, call one service or selector and answer JSON; who may
do what is decided in :mod:`quizzes.h5p.permissions`.
"""

from __future__ import annotations

import mimetypes
import re
from collections.abc import Iterator

from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.http import (
    FileResponse,
    Http404,
    HttpResponse,
    JsonResponse,
    StreamingHttpResponse,
)
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from . import permissions, selectors, services
from .models import H5PActivity, H5PPackage
from .xapi import MAX_STATEMENT_BYTES

# Package files never change under a URL: the URL names the package, and a
# package's files are stored under the hash of their content.
IMMUTABLE = "private, max-age=31536000, immutable"
# Opened directly (not loaded by the player), a file such as an SVG image or an
# XML document must not run scripts with the site's origin.
FILE_CSP = "sandbox; default-src 'none'; img-src 'self'; style-src 'unsafe-inline'"
CHUNK_BYTES = 64 * 1024
# Positions of more than 18 digits (past any file) make the header ignored.
_RANGE = re.compile(r"^bytes=(\d{0,18})-(\d{0,18})$", re.IGNORECASE)
CONTENT_TYPES = {
    "js": "text/javascript; charset=utf-8",
    "css": "text/css; charset=utf-8",
    "json": "application/json",
    "svg": "image/svg+xml",
    "woff": "font/woff",
    "woff2": "font/woff2",
    "ttf": "font/ttf",
    "otf": "font/otf",
    "eot": "application/vnd.ms-fontobject",
    "vtt": "text/vtt; charset=utf-8",
    "webvtt": "text/vtt; charset=utf-8",
    "txt": "text/plain; charset=utf-8",
    "md": "text/plain; charset=utf-8",
    "csv": "text/csv; charset=utf-8",
    "m4a": "audio/mp4",
    "gltf": "model/gltf+json",
    "glb": "model/gltf-binary",
}


def _content_type(path: str) -> str:
    extension = path.rsplit(".", 1)[-1].lower() if "." in path else ""
    if extension in CONTENT_TYPES:
        return CONTENT_TYPES[extension]
    guessed, _encoding = mimetypes.guess_type(path)
    return guessed or "application/octet-stream"


def _file_headers(response: HttpResponse) -> HttpResponse:
    response.setdefault("Cache-Control", IMMUTABLE)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = FILE_CSP
    return response


def _refused(message: str, status: int) -> JsonResponse:
    return JsonResponse({"error": message}, status=status)


def _byte_range(header: str, size: int) -> tuple[int, int] | None:
    """The ``(first, last)`` byte a single-range ``Range`` header asks of ``size``.

    None when the header is absent, malformed or asks for several ranges: the
    whole file is then sent, as HTTP allows. Raises ``ValueError`` when the range
    lies beyond the file.
    """
    match = _RANGE.match(header)
    if match is None:
        return None
    first, last = match.groups()
    if not first and not last:
        return None
    if not first:
        # A suffix: the last N bytes.
        length = int(last)
        if length == 0 or size == 0:
            raise ValueError(header)
        return max(0, size - length), size - 1
    first = int(first)
    if last and int(last) < first:
        return None
    if first >= size:
        raise ValueError(header)
    return first, min(int(last), size - 1) if last else size - 1


def _file_part(handle, first: int, length: int) -> Iterator[bytes]:
    """``length`` bytes of ``handle`` from ``first``, in chunks; closes it after."""
    try:
        handle.seek(first)
        while length > 0:
            chunk = handle.read(min(CHUNK_BYTES, length))
            if not chunk:
                break
            length -= len(chunk)
            yield chunk
    finally:
        handle.close()


def _file_response(request, name: str, path: str) -> HttpResponse:
    """A stored file; a part of it (206) when the request asks for a range.

    Players seek in videos and audio by asking for ranges.
    """
    content_type = _content_type(path)
    try:
        handle = default_storage.open(name, "rb")
    except (FileNotFoundError, IsADirectoryError, NotADirectoryError) as missing:
        raise Http404 from missing
    size = handle.size
    try:
        wanted = _byte_range(request.headers.get("Range", ""), size)
    except ValueError:
        handle.close()
        response = HttpResponse(status=416)
        response["Content-Range"] = f"bytes */{size}"
        # Caches key on the URL, not the range: this answer must not be kept.
        response["Cache-Control"] = "no-store"
        return response
    if wanted is None:
        response = FileResponse(handle, content_type=content_type)
    else:
        first, last = wanted
        response = StreamingHttpResponse(
            _file_part(handle, first, last - first + 1),
            status=206,
            content_type=content_type,
        )
        response["Content-Length"] = str(last - first + 1)
        response["Content-Range"] = f"bytes {first}-{last}/{size}"
    response["Accept-Ranges"] = "bytes"
    return response


def _serve(request, activity: H5PActivity, package_id: int, path: str) -> HttpResponse:
    if activity.package_id != package_id:
        raise Http404
    if path == "h5p.json":
        package = get_object_or_404(H5PPackage.objects.only("h5p_json"), pk=package_id)
        return _file_headers(JsonResponse(package.h5p_json))
    try:
        package = selectors.h5p_package_get(pk=package_id)
    except H5PPackage.DoesNotExist as missing:
        raise Http404 from missing
    name = package.storage_name(path)
    if name is None:
        raise Http404
    return _file_headers(_file_response(request, name, path))


def _activity(activity_id: int) -> H5PActivity:
    try:
        return selectors.h5p_activity_get(pk=activity_id)
    except H5PActivity.DoesNotExist as missing:
        raise Http404 from missing


@require_GET
def content_file(request, lesson_id: int, activity_id: int, package_id: int, path: str):
    """A file of the package played in a lesson, for the learner's player."""
    activity = _activity(activity_id)
    if not permissions.content_access(
        user=request.user, lesson_id=lesson_id, activity_id=activity.pk
    ):
        return HttpResponse(status=403)
    return _serve(request, activity, package_id, path)


@require_GET
def preview_file(request, activity_id: int, package_id: int, path: str):
    """A file of an activity's package, for an editor previewing a lesson."""
    if not permissions.can_preview(request.user):
        return HttpResponse(status=403)
    return _serve(request, _activity(activity_id), package_id, path)


@require_http_methods(["GET", "POST"])
def user_state(
    request, lesson_id: int, activity_id: int, data_type: str, sub_content_id: str
):
    """H5P's resume state: GET answers ``{"success": true, "data": false | "…"}``,
    a form POST (``data``, ``preload``, ``invalidate``) saves it."""
    activity = _activity(activity_id)
    try:
        if request.method == "GET":
            enrollment = permissions.learner_access(
                user=request.user, lesson_id=lesson_id, activity_id=activity.pk
            )
            data = selectors.h5p_user_state_get(
                enrollment=enrollment,
                activity=activity,
                data_type=data_type,
                sub_content_id=sub_content_id,
            )
            return JsonResponse(
                {"success": True, "data": data if data is not None else False}
            )
        services.h5p_user_state_save(
            user=request.user,
            lesson_id=lesson_id,
            activity=activity,
            data_type=data_type,
            sub_content_id=sub_content_id,
            data=request.POST.get("data", ""),
            preload=request.POST.get("preload") == "1",
        )
    except permissions.H5PRefused as refusal:
        return JsonResponse({"success": False, "message": refusal.message}, status=403)
    except ValidationError as error:
        status = 413 if error.code == "too_large" else 400
        return JsonResponse(
            {"success": False, "message": " ".join(error.messages)}, status=status
        )
    return JsonResponse({"success": True})


def _refusal_status(error: ValidationError) -> int:
    return {"too_large": 413, "conflict": 409}.get(error.code, 400)


@require_POST
def statements(request, lesson_id: int, activity_id: int):
    """Receive xAPI statements the lesson page forwards from the player.

    One statement (a JSON object) is answered with its outcome, or refused with
    its status (400, 403, 409, 413). A list (a queue sent after being offline)
    is answered ``{"results": [...]}``, one outcome or refusal per statement.
    """
    declared = request.META.get("CONTENT_LENGTH") or "0"
    if not declared.isdigit() or int(declared) > MAX_STATEMENT_BYTES:
        return _refused(
            _("The statement is larger than %(limit)s KB and was not stored.")
            % {"limit": MAX_STATEMENT_BYTES // 1024},
            413,
        )
    activity = _activity(activity_id)
    try:
        received = services.xapi_statements_record(
            user=request.user,
            lesson_id=lesson_id,
            activity=activity,
            body=request.body,
        )
    except permissions.H5PRefused as refusal:
        return _refused(refusal.message, 403)
    except ValidationError as error:
        return _refused(" ".join(error.messages), _refusal_status(error))
    replies = []
    for outcome in received.outcomes:
        if isinstance(outcome, ValidationError):
            replies.append(
                {
                    "status": _refusal_status(outcome),
                    "error": " ".join(outcome.messages),
                }
            )
        else:
            replies.append({"status": 200, **_outcome_json(outcome, activity)})
    if received.batch:
        return JsonResponse({"results": replies})
    (reply,) = replies
    if reply["status"] != 200:
        return _refused(reply["error"], reply["status"])
    return JsonResponse(reply)


def _outcome_json(outcome: services.StatementOutcome, activity: H5PActivity) -> dict:
    attempt, result = outcome.attempt, outcome.result
    # Only statements that change (or repeat) a grade have something to tell.
    message = ""
    if result is not None:
        message = selectors.result_message(result=result, activity=activity)
    if attempt is not None and not outcome.duplicate:
        message = selectors.attempt_message(attempt) + " " + message
    if outcome.course_completed:
        message += " " + _("Congratulations! You have completed this course.")
    return {
        "stored": not outcome.duplicate,
        "duplicate": outcome.duplicate,
        "statement": str(outcome.statement.statement_id),
        "scoring": outcome.statement.scoring or None,
        "attempt": None
        if attempt is None
        else {
            "number": attempt.number,
            "score": attempt.raw_score,
            "max": attempt.max_score,
            "percent": float(attempt.percent),
            "passed": attempt.passed,
            "scoring": attempt.scoring,
        },
        "result": None
        if result is None or result.grade is None
        else {
            "grade": float(result.grade),
            "attempts": result.attempt_count,
            "passed": result.passed,
        },
        "course_completed": outcome.course_completed,
        "message": message,
    }
