"""Reading an xAPI statement a learner's browser sent, before anything is stored.

The page forwards what H5P's ``externalDispatcher`` emits. Nothing in it is
trusted: :func:`statement_parse` checks its shape and that it is about the
activity the endpoint serves, and returns only what the server uses. The actor,
``stored`` and ``authority`` are always the server's (see
:func:`statement_for_storage`).
"""

from __future__ import annotations

import json
import math
import time
import unicodedata
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

MAX_STATEMENT_BYTES = 64 * 1024
# A phone that was offline sends its queue at once, in one request.
MAX_BATCH = 50
XAPI_VERSION = "1.0.3"
VERBS = {
    "http://adlnet.gov/expapi/verbs/answered": "answered",
    "http://adlnet.gov/expapi/verbs/completed": "completed",
    "http://adlnet.gov/expapi/verbs/attempted": "attempted",
}
VERB_IRIS = {short: iri for iri, short in VERBS.items()}
SUB_CONTENT_MARKER = "?subContentId="
MAX_SUB_CONTENT_ID = 64
MAX_RESPONSE_CHARS = 10_000
# 10**308 is about the largest float: no score or extension needs more digits.
MAX_INTEGER_DIGITS = 308
# How many statements one person may send per window of seconds, unless the
# setting LMS_H5P_XAPI_RATE says otherwise: far above what answering questions
# takes (an offline queue is at most MAX_BATCH), far below what a script floods.
DEFAULT_RATE = (200, 60)
# The statement members the xAPI specification defines; anything else is dropped.
STATEMENT_KEYS = ("id", "verb", "object", "result", "context", "timestamp")


@dataclass(frozen=True)
class ReportedScore:
    raw: float
    max: float


@dataclass(frozen=True)
class ParsedStatement:
    """What the server uses of a statement.

    ``sub_content_id`` is ``""`` for a statement about the activity itself and the
    child's id for a child of a container; children never finish the activity.
    ``statement_id`` is None when the browser sent none.
    """

    statement_id: uuid.UUID | None
    verb: str
    sub_content_id: str
    is_child: bool
    score: ReportedScore | None
    response: str | None
    success: bool | None
    timestamp: datetime | None
    data: dict


class RateLimited(Exception):
    """A person sent more statements than the rate allows; try after ``retry_after``."""

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message)
        self.message = message
        self.retry_after = retry_after


def rate_take(*, user, count: int) -> None:
    """Count ``count`` statements against ``user``'s rate; raise :class:`RateLimited`.

    A fixed window per person in the cache (shared by the server's processes in
    production): cheap enough for every request.
    """
    limit, window = getattr(settings, "LMS_H5P_XAPI_RATE", DEFAULT_RATE)
    now = time.time()
    bucket = int(now // window)
    key = f"h5p:xapi-rate:{user.pk}:{bucket}"
    cache.add(key, 0, timeout=window + 1)
    try:
        used = cache.incr(key, count)
    except ValueError:
        # The window ended between add and incr: this one starts the next.
        cache.add(key, count, timeout=window + 1)
        used = count
    if used > limit:
        retry_after = max(int((bucket + 1) * window - now) + 1, 1)
        raise RateLimited(
            _(
                "Too many answers were sent in a short time; they will be sent "
                "again in %(seconds)s seconds."
            )
            % {"seconds": retry_after},
            retry_after,
        )


def _refuse(message: str, code: str = "invalid") -> ValidationError:
    return ValidationError(message, code=code)


def _reject_constant(name: str) -> float:
    raise _refuse(
        _("The statement contains %(name)s, which is not a number.") % {"name": name}
    )


def _too_large(text: str) -> ValidationError:
    return _refuse(
        _("The statement contains the number %(number)s, which is too large.")
        % {"number": text if len(text) <= 30 else text[:30] + "…"}
    )


def _finite_float(text: str) -> float:
    # Python reads 1e400 as infinity, which no JSON column can store.
    number = float(text)
    if not math.isfinite(number):
        raise _too_large(text)
    return number


def _bounded_int(text: str) -> int:
    # Integers are compared with scores as floats: beyond a float's range they
    # cannot be, and Python refuses to read more than a few thousand digits.
    if len(text.lstrip("-")) > MAX_INTEGER_DIGITS:
        raise _too_large(text)
    return int(text)


def _nfc(value: Any) -> Any:
    """``value`` with its text in NFC; refuses text no database column stores."""
    if isinstance(value, str):
        if "\x00" in value or not _encodable(value):
            raise _refuse(
                _(
                    "The statement contains a character that is not text "
                    "(a null character or half of a surrogate pair)."
                )
            )
        return unicodedata.normalize("NFC", value)
    if isinstance(value, list):
        return [_nfc(item) for item in value]
    if isinstance(value, dict):
        return {_nfc(key): _nfc(item) for key, item in value.items()}
    return value


def _encodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    if not math.isfinite(value):
        return None
    return float(value)


def _parent_ids(context: Any) -> list[str]:
    if not isinstance(context, dict):
        return []
    activities = context.get("contextActivities")
    if not isinstance(activities, dict):
        return []
    parents = activities.get("parent")
    if isinstance(parents, dict):
        parents = [parents]
    if not isinstance(parents, list):
        return []
    return [
        p.get("id")
        for p in parents
        if isinstance(p, dict) and isinstance(p.get("id"), str)
    ]


def _score(result: dict) -> ReportedScore | None:
    score = result.get("score")
    if score is None:
        return None
    if not isinstance(score, dict):
        raise _refuse(_("result.score must be an object with raw and max."))
    raw, maximum = _number(score.get("raw")), _number(score.get("max"))
    if raw is None or maximum is None:
        raise _refuse(_("result.score needs numbers for both raw and max."))
    minimum = _number(score.get("min"))
    if not 0 <= raw <= maximum or (minimum is not None and minimum > raw):
        raise _refuse(
            _(
                "The score %(raw)s out of %(max)s is impossible: it must be between "
                "0 and the maximum."
            )
            % {"raw": f"{raw:g}", "max": f"{maximum:g}"},
            code="score_out_of_range",
        )
    return ReportedScore(raw=raw, max=maximum)


def statements_decode(body: bytes) -> tuple[list[Any], bool]:
    """The statements in a request body: ``(statements, sent as a list)``.

    A body is one statement (a JSON object) or a list of them, at most
    :data:`MAX_STATEMENT_BYTES` in all. Raises ``ValidationError`` (code
    ``too_large`` for an oversized body) when the body cannot be read.
    """
    if len(body) > MAX_STATEMENT_BYTES:
        raise _refuse(
            _("The statement is larger than %(limit)s KB and was not stored.")
            % {"limit": MAX_STATEMENT_BYTES // 1024},
            code="too_large",
        )
    try:
        data = json.loads(
            body,
            parse_constant=_reject_constant,
            parse_float=_finite_float,
            parse_int=_bounded_int,
        )
    except (ValueError, RecursionError) as error:
        raise _refuse(_("The statement is not valid JSON.")) from error
    if isinstance(data, list):
        if not 1 <= len(data) <= MAX_BATCH:
            raise _refuse(
                _("Send between 1 and %(count)s statements at a time.")
                % {"count": MAX_BATCH}
            )
        return data, True
    return [data], False


def statement_parse(data: Any, *, iri: str) -> ParsedStatement:
    """Check one decoded statement sent for the activity ``iri``; keep what counts.

    Raises ``ValidationError`` with a message saying what is wrong.
    """
    if not isinstance(data, dict):
        raise _refuse(_("A statement must be a JSON object."))
    data = _nfc({key: data[key] for key in STATEMENT_KEYS if key in data})

    statement_id = None
    if "id" in data:
        try:
            statement_id = uuid.UUID(str(data["id"]))
        except ValueError as error:
            raise _refuse(_("The statement id must be a UUID.")) from error
        data["id"] = str(statement_id)

    verb = data.get("verb")
    verb_iri = verb.get("id") if isinstance(verb, dict) else None
    short_verb = VERBS.get(verb_iri)
    if short_verb is None:
        raise _refuse(
            _("The verb %(verb)s is not recorded here; only %(known)s are.")
            % {
                "verb": str(verb_iri)[:200] if verb_iri else _("(none)"),
                "known": ", ".join(sorted(VERB_IRIS)),
            },
            code="unknown_verb",
        )

    target = data.get("object")
    object_id = target.get("id") if isinstance(target, dict) else None
    if not isinstance(object_id, str):
        raise _refuse(_("The statement names no activity (object.id)."))
    parents = _parent_ids(data.get("context"))
    if parents:
        # A child of a container: its own id extends the activity's, and its parent
        # is the activity or another of the activity's children.
        sub_content_id = object_id.removeprefix(iri + SUB_CONTENT_MARKER)
        if (
            sub_content_id == object_id
            or not sub_content_id
            or len(sub_content_id) > MAX_SUB_CONTENT_ID
            or not all(
                p == iri or p.startswith(iri + SUB_CONTENT_MARKER) for p in parents
            )
        ):
            raise _refuse(
                _("This statement is about another activity than this one."),
                code="wrong_object",
            )
    elif object_id != iri:
        raise _refuse(
            _("This statement is about another activity than this one."),
            code="wrong_object",
        )
    else:
        sub_content_id = ""

    result = data.get("result")
    if result is not None and not isinstance(result, dict):
        raise _refuse(_("result must be an object."))
    result = result or {}
    score = _score(result)
    response = result.get("response")
    if response is not None and not isinstance(response, str):
        raise _refuse(_("result.response must be text."))
    if response is not None and len(response) > MAX_RESPONSE_CHARS:
        raise _refuse(_("result.response is too long."))
    success = result.get("success")

    timestamp = None
    if isinstance(data.get("timestamp"), str):
        try:
            timestamp = parse_datetime(data["timestamp"])
        except ValueError:
            timestamp = None
        if timestamp is not None and timezone.is_naive(timestamp):
            timestamp = None

    return ParsedStatement(
        statement_id=statement_id,
        verb=short_verb,
        sub_content_id=sub_content_id,
        is_child=bool(parents),
        score=score,
        response=response,
        success=success if isinstance(success, bool) else None,
        timestamp=timestamp,
        data=data,
    )


def actor_for(user) -> dict:
    """The xAPI actor of ``user``: an account on this site, without personal data."""
    return {
        "objectType": "Agent",
        "account": {
            "homePage": settings.LMS_PUBLIC_BASE_URL.rstrip("/"),
            "name": str(user.pk),
        },
    }


def statement_for_storage(
    parsed: ParsedStatement, *, statement_id: uuid.UUID, user, stored: datetime
) -> dict:
    """The statement as the learning-record store keeps and exports it."""
    statement = dict(parsed.data)
    statement["id"] = str(statement_id)
    statement["actor"] = actor_for(user)
    statement["stored"] = stored.isoformat()
    statement["authority"] = {
        "objectType": "Agent",
        "account": {
            "homePage": settings.LMS_PUBLIC_BASE_URL.rstrip("/"),
            "name": "lms",
        },
    }
    statement["version"] = XAPI_VERSION
    if "timestamp" not in statement or parsed.timestamp is None:
        statement["timestamp"] = stored.isoformat()
    return statement
