"""What a lesson page calls while an H5P activity plays.

- the sandboxed frame that runs the player (``frame``) and the files it loads
  (``package_file``, ``library_file``), opened by a signed grant in the address
  since the frame carries no cookies;
- the learner's resume state, in the shape H5P's ``contentUserData`` expects;
- the xAPI statements the page forwards, which the server stores and grades.

The views parse the request, call one service or selector and answer JSON; who may
do what is decided in :mod:`h5p.permissions`.
"""

from __future__ import annotations

import json
import mimetypes
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from lms.files import protected_file_response

from . import permissions, selectors, services
from .l10n import content_translate
from .models import H5PActivity, H5PPackage, library_storage_name
from .package import CONTENT_JSON
from .xapi import MAX_STATEMENT_BYTES, RateLimited

# Package files never change under a URL: the URL names the package, and a
# package's files are stored under the hash of their content.
IMMUTABLE = "private, max-age=31536000, immutable"
# Opened directly (not loaded by the player), a file such as an SVG image or an
# XML document must not run scripts with the site's origin.
FILE_CSP = "sandbox; default-src 'none'; img-src 'self'; style-src 'unsafe-inline'"
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


# What the player reads of ``h5p.json`` and of a library's ``library.json``: a
# lesson opens a dozen of them, and the rest (authors, licence, editor
# dependencies) is for editors.
PLAYER_H5P_JSON = ("title", "mainLibrary", "preloadedDependencies")
PLAYER_LIBRARY_JSON = (
    "machineName",
    "majorVersion",
    "minorVersion",
    "preloadedDependencies",
    "preloadedJs",
    "preloadedCss",
)


def _file_headers(response: HttpResponse) -> HttpResponse:
    response.setdefault("Cache-Control", IMMUTABLE)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = FILE_CSP
    # Inline is what a browser does anyway; the name is in the address.
    if response.get("Content-Disposition", "").startswith("inline"):
        del response["Content-Disposition"]
    return response


def _player_json(data, keys: tuple[str, ...]) -> JsonResponse:
    picked = {key: data[key] for key in keys if isinstance(data, dict) and key in data}
    return _file_headers(JsonResponse(picked))


def _refused(message: str, status: int) -> JsonResponse:
    return JsonResponse({"error": message}, status=status)


def _shared(response: HttpResponse) -> HttpResponse:
    """Let the player's frame, which has no origin of its own, read the file.

    Only for files asked with a signed grant: they hold no personal data, and
    the grant, not a cookie, is what opens them. Such a response depends on
    neither the learner's cookies nor their language, and is no page: the
    headers for pages are left off (:class:`h5p.middleware.GrantFileMiddleware`).
    """
    response["Access-Control-Allow-Origin"] = "*"
    response.grant_file = True
    return response


def _preflight() -> HttpResponse:
    """What a browser asks before a cross-origin read with a header of its own
    (H5P's sound player asks for byte ranges, and marks its requests)."""
    response = _shared(HttpResponse(status=204))
    response["Access-Control-Allow-Methods"] = "GET, HEAD"
    response["Access-Control-Allow-Headers"] = "Range, X-Requested-With"
    response["Access-Control-Max-Age"] = "86400"
    return response


def _serve(request, package_id: int, path: str) -> HttpResponse:
    if path == "h5p.json":
        package = get_object_or_404(H5PPackage.objects.only("h5p_json"), pk=package_id)
        return _player_json(package.h5p_json, PLAYER_H5P_JSON)
    try:
        package = selectors.h5p_package_get(pk=package_id)
    except H5PPackage.DoesNotExist as missing:
        raise Http404 from missing
    name = package.storage_name(path)
    if name is None:
        raise Http404
    return _file_headers(
        protected_file_response(request, name, content_type=_content_type(path))
    )


def _activity(activity_id: int) -> H5PActivity:
    try:
        return selectors.h5p_activity_get(pk=activity_id)
    except H5PActivity.DoesNotExist as missing:
        raise Http404 from missing


def _granted(
    token: str,
) -> tuple[permissions.FrameGrant, permissions.FrameAccess] | None:
    grant = permissions.frame_grant(token)
    if grant is None:
        return None
    access = permissions.frame_access(grant)
    return (grant, access) if access.activities else None


def _origin(request) -> str:
    return f"{request.scheme}://{request.get_host()}"


@require_GET
@xframe_options_exempt
def frame(request, token: str):
    """The document of one activity's sandboxed frame: the player and its options.

    Opened only as ``<iframe sandbox="allow-scripts">`` by a lesson page: it runs
    with no origin of its own, so the package's scripts reach neither the site's
    cookies nor its pages; it tells the page what happens through ``postMessage``.
    Its own policy lets it load scripts only from the frame's origin and be framed
    only by the site.
    """
    granted = _granted(token)
    if granted is None or granted[0].activity_id is None:
        response = render(
            request,
            "h5p/frame_refused.html",
            {
                "message": _(
                    "This activity can no longer be opened from here. Reload the "
                    "lesson page to open it again."
                )
            },
            status=403,
        )
        return _frame_headers(response, request)
    grant, access = granted
    # The frame speaks the language of the page that opened it.
    with translation.override(grant.language or translation.get_language()):
        return _frame_document(request, token, grant, access)


def _frame_document(request, token, grant, access) -> HttpResponse:
    activity = _activity(grant.activity_id)
    frame_base = reverse("h5p:frame", kwargs={"token": token})
    libraries_token = token
    if grant.lesson_id is not None:
        libraries_token = permissions.frame_token(
            user_id=grant.user_id, lesson_id=grant.lesson_id, activity_id=None
        )
    config = selectors.h5p_frame_config(
        grant=grant,
        enrollment=access.enrollment,
        activity=activity,
        package_base=frame_base + f"{activity.package_id}/",
        libraries_base=reverse(
            "h5p:library_file", kwargs={"token": libraries_token, "path": "x"}
        ).removesuffix("x"),
        parent_origin=settings.LMS_PUBLIC_BASE_URL.rstrip("/")
        if settings.H5P_FRAME_ORIGIN
        else _origin(request),
    )
    preloads = selectors.h5p_frame_preloads(
        package_id=activity.package_id, player=config["player"]
    )
    response = render(
        request,
        "h5p/frame.html",
        {"activity": activity, "config": config, "preloads": preloads},
    )
    return _frame_headers(response, request, parent=config["parentOrigin"])


def _frame_headers(response, request, *, parent: str | None = None):
    origin = _origin(request)
    sources = [origin]
    static = urlsplit(settings.STATIC_URL)
    if static.scheme and static.netloc:
        sources.append(f"{static.scheme}://{static.netloc}")
    allowed = " ".join(sources)
    response["Content-Security-Policy"] = "; ".join(
        [
            "default-src 'none'",
            # H5P libraries compile templates at run time (EmbeddedJS uses
            # `new Function`). A package's scripts are arbitrary code anyway:
            # the sandbox is what holds them; no inline script or handler runs,
            # so HTML in a package's content stays text.
            f"script-src {allowed} 'unsafe-eval'",
            f"style-src {allowed} 'unsafe-inline'",
            f"img-src {allowed} data: blob:",
            f"font-src {allowed} data:",
            f"media-src {allowed} blob:",
            f"connect-src {allowed}",
            "object-src 'none'",
            "base-uri 'none'",
            "form-action 'none'",
            f"frame-ancestors {parent or origin}",
        ]
    )
    # Holds the learner's resume state; the address holds their grant.
    response["Cache-Control"] = "private, no-store"
    response["Referrer-Policy"] = "no-referrer"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_http_methods(["GET", "HEAD", "OPTIONS"])
def package_file(request, token: str, package_id: int, path: str):
    """``h5p.json`` or a file of the content, for the frame the grant opens."""
    if request.method == "OPTIONS":
        return _preflight()
    granted = _granted(token)
    if granted is None or granted[0].activity_id is None:
        return _shared(HttpResponse(status=403))
    grant = granted[0]
    activity = _activity(grant.activity_id)
    if activity.package_id != package_id or path.split("/", 1)[0] not in (
        "h5p.json",
        "content",
    ):
        raise Http404
    translated = grant.language and not grant.language.startswith("en")
    if path == CONTENT_JSON and translated:
        return _shared(_content_json(package_id, grant.language))
    response = _shared(_serve(request, package_id, path))
    # The content's sounds and videos are read by byte ranges.
    response["Access-Control-Expose-Headers"] = "Content-Length, Content-Range"
    return response


def _content_json(package_id: int, language: str) -> HttpResponse:
    """The content's parameters with the labels left at their English defaults
    in the learner's language (:mod:`h5p.l10n`)."""
    try:
        package = selectors.h5p_package_get(pk=package_id)
    except H5PPackage.DoesNotExist as missing:
        raise Http404 from missing
    try:
        with default_storage.open(package.storage_name(CONTENT_JSON), "rb") as file:
            params = json.loads(file.read())
    except (OSError, ValueError) as unreadable:
        raise Http404 from unreadable
    params = content_translate(
        params=params,
        main=package.main_library,
        libraries=package.ordered_libraries(),
        language=language,
    )
    return _file_headers(JsonResponse(params, safe=False))


@require_http_methods(["GET", "HEAD", "OPTIONS"])
def library_file(request, token: str, path: str):
    """A file of a library the frame's activity (or any of the lesson's) needs.

    Every frame of a lesson asks under the lesson's grant: a library shared by
    several activities has one address.
    """
    if request.method == "OPTIONS":
        return _preflight()
    granted = _granted(token)
    if granted is None:
        return _shared(HttpResponse(status=403))
    folder, _slash, rest = path.partition("/")
    library = selectors.h5p_library_for_folder(
        activity_ids=granted[1].activities, folder=folder
    )
    if library is not None and rest == "library.json":
        return _shared(_player_json(library.library_json, PLAYER_LIBRARY_JSON))
    name = library_storage_name(library, rest) if library is not None else None
    if name is None:
        raise Http404
    return _shared(
        _file_headers(
            protected_file_response(request, name, content_type=_content_type(path))
        )
    )


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
    its status (400, 403, 409, 413; 429 with ``Retry-After`` when the person
    sends too many). A list (a queue sent after being offline)
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
    except RateLimited as limited:
        response = _refused(limited.message, 429)
        response["Retry-After"] = str(limited.retry_after)
        return response
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
