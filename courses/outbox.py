"""Writes a phone queued without signal, as they reach the server.

``lms/static/lms/offline.js`` keeps writes made offline in one outbox and sends
each with the header ``X-Outbox-Id`` (the UUID it gave the write when it was
made). A view that accepts such writes answers them with :func:`outbox_response`:
JSON ``{"ok": bool, "message": str, "url": str}`` that the phone shows the learner
("Graded: 8 of 10 right — passed", or why it was refused), given again unchanged
when the same write arrives twice (:func:`courses.services.outbox_receive`).
"""

from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.http import JsonResponse

from courses import services

HEADER = "X-Outbox-Id"


def from_outbox(request) -> bool:
    """Whether the request is a write the phone's outbox sends (not a plain form)."""
    return HEADER in request.headers


def sent_content(request) -> list:
    """What the phone sent, in an order that does not depend on how it sent it."""
    fields = sorted(
        (name, sorted(values))
        for name, values in request.POST.lists()
        if name != "csrfmiddlewaretoken"
    )
    return [request.path, fields]


def receive(
    request,
    *,
    kind: str,
    handle: Callable[[], tuple[int, dict]],
    key: str | None = None,
) -> tuple[int, dict]:
    """Do a queued write once (see :func:`courses.services.outbox_receive`), under
    the phone's key or ``key``; a key used for something else is answered 409."""
    try:
        return services.outbox_receive(
            user=request.user,
            key=request.headers.get(HEADER, "") if key is None else key,
            kind=kind,
            content=sent_content(request),
            handle=handle,
        )
    except ValidationError as error:
        status = 409 if error.code == "outbox_conflict" else 400
        return status, {"ok": False, "message": " ".join(error.messages), "url": ""}


def outbox_response(
    request, *, kind: str, handle: Callable[[], tuple[int, dict]]
) -> JsonResponse:
    """Answer a queued write once, as JSON."""
    status, answer = receive(request, kind=kind, handle=handle)
    return JsonResponse(answer, status=status)


def answer(status: int, message: str, url: str) -> tuple[int, dict]:
    """The ``(status, answer)`` a handler returns."""
    return status, {"ok": status < 400, "message": message, "url": url}
