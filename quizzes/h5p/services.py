"""Importing H5P packages; recording and grading what learners do with them."""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
import uuid
import zipfile
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import IO

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.core.files.base import File
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _

from lms.models import Enrollment
from lms.services import enrollment_evaluate_completion

from . import scoring
from .extract import content_storage_prefix, content_store, library_store
from .models import (
    GradingMethod,
    H5PActivity,
    H5PAttempt,
    H5PLibrary,
    H5PPackage,
    H5PPackageLibrary,
    H5PResult,
    H5PUserState,
    Scoring,
    XAPIStatement,
)
from .package import Limits, PackageInfo, validate_package
from .permissions import learner_access
from .xapi import ParsedStatement, statement_for_storage, statement_parse


def h5p_package_import(
    *, file: IO[bytes] | File, uploaded_by: AbstractBaseUser | None
) -> H5PPackage:
    """Validate an ``.h5p`` file, store its content and libraries, and record it.

    ``file`` is a seekable binary file: an uploaded file or an open local file.
    Importing bytes already imported returns the existing package unchanged.
    Libraries already stored by another package are reused, not written again.

    Raises ``ValidationError`` listing every reason the package is refused (see
    :func:`quizzes.h5p.package.validate_package`); nothing is recorded then. Files
    are written before the rows; should the database write fail, they stay behind
    under their content hashes and are reused by the next import of that content.
    """
    if not isinstance(file, File):
        file = File(file)
    limits = Limits.from_settings()
    if file.size > limits.max_total_bytes:
        raise ValidationError(
            _("The file is %(size)s; an H5P package may be at most %(max)s.")
            % {
                "size": filesizeformat(file.size),
                "max": filesizeformat(limits.max_total_bytes),
            }
        )
    sha256 = _sha256(file)
    existing = H5PPackage.objects.filter(sha256=sha256).first()
    if existing is not None:
        return existing

    file.seek(0)
    info = validate_package(file, limits=limits)
    file.seek(0)
    with zipfile.ZipFile(file) as archive:
        libraries = _libraries_store(archive, info, limits)
        content_prefix = content_storage_prefix(info.content_hash)
        if not H5PPackage.objects.filter(content_hash=info.content_hash).exists():
            content_store(archive, info, storage=default_storage, limits=limits)

    file.seek(0)
    try:
        with transaction.atomic():
            package = H5PPackage(
                title=info.title[:255],
                main_library=next(
                    library
                    for library in libraries
                    if library.content_hash == info.main_library.content_hash
                ),
                content_type=info.content_type[:255],
                sha256=sha256,
                content_hash=info.content_hash,
                content_prefix=content_prefix,
                h5p_json=info.h5p_json,
                file_count=info.file_count,
                total_size=info.total_size,
                uploaded_by=uploaded_by,
            )
            package.file.save(f"{sha256}.h5p", file, save=False)
            package.save()
            H5PPackageLibrary.objects.bulk_create(
                H5PPackageLibrary(package=package, library=library, position=position)
                for position, library in enumerate(libraries, start=1)
            )
    except IntegrityError:
        # The same file was imported by someone else at the same moment.
        package.file.delete(save=False)
        return H5PPackage.objects.get(sha256=sha256)
    return package


def _libraries_store(
    archive: zipfile.ZipFile, info: PackageInfo, limits: Limits
) -> list[H5PLibrary]:
    """Store the package's libraries that are not stored yet, in loading order."""
    known = {
        library.content_hash: library
        for library in H5PLibrary.objects.filter(
            content_hash__in=[library.content_hash for library in info.libraries]
        )
    }
    libraries = []
    for library_info in info.libraries:
        library = known.get(library_info.content_hash)
        if library is None:
            prefix = library_store(
                archive, library_info, storage=default_storage, limits=limits
            )
            library, _created = H5PLibrary.objects.get_or_create(
                content_hash=library_info.content_hash,
                defaults={
                    "machine_name": library_info.machine_name,
                    "major_version": library_info.major,
                    "minor_version": library_info.minor,
                    "patch_version": library_info.patch,
                    "title": library_info.title[:255],
                    "storage_prefix": prefix,
                    "library_json": library_info.library_json,
                },
            )
        libraries.append(library)
    return libraries


def _sha256(file: File) -> str:
    digest = hashlib.sha256()
    for chunk in file.chunks():
        digest.update(chunk)
    return digest.hexdigest()


MAX_STATE_BYTES = 256 * 1024
_STATE_KEY_RE = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
_HUNDREDTH = Decimal("0.01")


@dataclass(frozen=True)
class StatementOutcome:
    """What recording one statement did.

    ``duplicate`` when a statement with the same id had been stored before (a
    replay or an offline resend): nothing was stored or graded again.
    ``attempt`` is the attempt the statement finished, if any; ``result`` the
    learner's grade for the activity as it now stands, when the statement finished
    an attempt or repeated one already stored (None otherwise: a child's answer or
    a start changes no grade); ``course_completed`` when passing completed the
    course.
    """

    statement: XAPIStatement
    result: H5PResult | None
    attempt: H5PAttempt | None = None
    duplicate: bool = False
    course_completed: bool = False


def _percent(raw: float, maximum: float) -> Decimal:
    return (Decimal(repr(raw)) * 100 / Decimal(repr(maximum))).quantize(
        _HUNDREDTH, rounding=ROUND_HALF_UP
    )


def grade_compute(method: str, percents: list[Decimal]) -> Decimal | None:
    """The grade of attempts scoring ``percents`` (in order) under ``method``."""
    if not percents:
        return None
    if method == GradingMethod.LAST:
        return percents[-1]
    if method == GradingMethod.FIRST:
        return percents[0]
    if method == GradingMethod.AVERAGE:
        return (sum(percents) / len(percents)).quantize(
            _HUNDREDTH, rounding=ROUND_HALF_UP
        )
    return max(percents)


def _result_refresh(result: H5PResult, activity: H5PActivity) -> bool:
    """Grade ``result`` again from its attempts; True when it has just passed."""
    percents = list(
        H5PAttempt.objects.filter(
            enrollment_id=result.enrollment_id, activity_id=activity.pk
        )
        .order_by("number")
        .values_list("percent", flat=True)
    )
    was_passed = result.passed
    result.grade = grade_compute(activity.grading_method, percents)
    result.attempt_count = len(percents)
    result.passed = result.grade is not None and result.grade >= activity.pass_mark
    newly_passed = result.passed and not was_passed
    if result.passed and result.passed_at is None:
        result.passed_at = timezone.now()
    result.save(
        update_fields=["grade", "attempt_count", "passed", "passed_at", "updated_at"]
    )
    return newly_passed


def _completion_evaluate(enrollment_id: int) -> bool:
    enrollment = Enrollment.objects.get(pk=enrollment_id)
    if enrollment.completed_at is not None:
        return False
    return enrollment_evaluate_completion(enrollment=enrollment)


def _server_score(
    parsed: ParsedStatement, key: scoring.AnswerKey
) -> tuple[float | None, float | None, str]:
    """The score the server gives a statement: (raw, max, scoring).

    For a container whose total is the sum of its children, the total is worked
    out when the attempt is recorded, so raw is None here.
    """
    question = key.question(parsed.sub_content_id)
    if question is None:
        raise ValidationError(
            _("This statement is about a part this activity does not have."),
            code="wrong_object",
        )
    reported = parsed.score
    if reported is None or parsed.verb == XAPIStatement.Verb.ATTEMPTED:
        return None, None, ""
    if question.max_score is not None and reported.max != question.max_score:
        raise ValidationError(
            _(
                "The statement gives a maximum score of %(reported)s; this activity's "
                "is %(expected)s."
            )
            % {"reported": f"{reported.max:g}", "expected": f"{question.max_score:g}"},
            code="wrong_max",
        )
    if question.rescored:
        if parsed.response is None:
            raise ValidationError(
                _("The statement carries no answer (result.response) to check."),
                code="no_response",
            )
        try:
            raw = question.score(parsed.response)
        except scoring.ResponseInvalid as error:
            raise ValidationError(str(error), code="invalid_response") from error
        return raw, question.max_score, Scoring.SERVER
    if key.sums_children and not parsed.is_child:
        return None, question.max_score, Scoring.SERVER
    return reported.raw, reported.max, Scoring.SELF_REPORTED


def _attempt_record(
    *,
    statement: XAPIStatement,
    activity: H5PActivity,
    key: scoring.AnswerKey,
    lesson,
) -> tuple[H5PAttempt, H5PResult, bool]:
    result, _created = H5PResult.objects.select_for_update().get_or_create(
        enrollment_id=statement.enrollment_id,
        activity=activity,
        defaults={"user_id": statement.user_id},
    )
    children = XAPIStatement.objects.filter(
        enrollment_id=statement.enrollment_id,
        activity=activity,
        attempt__isnull=True,
        verb=XAPIStatement.Verb.ANSWERED,
    ).exclude(sub_content_id="")
    if key.sums_children:
        # The last answer to each child since the previous attempt counts; a child
        # never answered scores nothing.
        latest: dict[str, float] = {}
        for sub_content_id, raw in children.order_by("stored_at", "pk").values_list(
            "sub_content_id", "raw_score"
        ):
            latest[sub_content_id] = raw or 0.0
        statement.raw_score = float(sum(latest.values()))
        statement.correct = statement.raw_score >= statement.max_score
    percent = _percent(statement.raw_score, statement.max_score)
    attempt = H5PAttempt.objects.create(
        enrollment_id=statement.enrollment_id,
        activity=activity,
        user_id=statement.user_id,
        lesson_id=lesson.pk,
        number=result.attempt_count + 1,
        raw_score=statement.raw_score,
        max_score=statement.max_score,
        percent=percent,
        scoring=statement.scoring,
        passed=percent >= activity.pass_mark,
        finished_at=statement.stored_at,
    )
    children.update(attempt=attempt)
    statement.attempt = attempt
    statement.save(update_fields=["attempt", "raw_score", "correct"])
    newly_passed = _result_refresh(result, activity)
    return attempt, result, newly_passed


@transaction.atomic
def xapi_statement_record(
    *, user, lesson, activity: H5PActivity, body: bytes
) -> StatementOutcome:
    """Store one xAPI statement a learner's page sent, and grade it.

    ``body`` is the statement as JSON. The learner must be allowed to play
    ``activity`` in ``lesson`` (:func:`quizzes.h5p.permissions.learner_access`,
    which raises :class:`~quizzes.h5p.permissions.H5PRefused`). The statement is
    attributed to ``user`` whatever actor it names. It must be about the
    activity's own IRI (or one of its children, which never finish the activity),
    use a known verb, and report a possible score; otherwise ``ValidationError``
    says why (code ``conflict`` when its id was already used by someone else).

    The server decides the score: answers it can check against the package's
    content are scored again, others keep the reported score marked as
    self-reported. A top-level statement that ends an attempt records an
    :class:`H5PAttempt` and grades the learner's :class:`H5PResult` by the
    activity's grading method; when that passes for the first time, the enrolment
    is evaluated so the course completes at once if nothing else is missing.

    Sending a statement id again stores nothing new (``duplicate``).
    """
    enrollment = learner_access(user=user, lesson=lesson, activity_id=activity.pk)
    parsed = statement_parse(body, iri=activity.iri)
    if parsed.statement_id is not None:
        existing = XAPIStatement.objects.filter(
            statement_id=parsed.statement_id
        ).first()
        if existing is not None:
            return _duplicate(
                existing, user=user, activity=activity, enrollment=enrollment
            )
    key = scoring.answer_key(activity.package)
    raw, maximum, how = _server_score(parsed, key)
    stored = timezone.now()
    statement_id = parsed.statement_id or uuid.uuid4()
    statement = XAPIStatement(
        statement_id=statement_id,
        activity=activity,
        user=user,
        enrollment=enrollment,
        lesson_id=lesson.pk,
        verb=parsed.verb,
        sub_content_id=parsed.sub_content_id,
        raw_score=raw,
        max_score=maximum,
        reported_raw=parsed.score.raw if parsed.score else None,
        reported_max=parsed.score.max if parsed.score else None,
        scoring=how,
        correct=(raw >= maximum) if raw is not None and maximum else None,
        response=parsed.response or "",
        statement=statement_for_storage(
            parsed, statement_id=statement_id, user=user, stored=stored
        ),
        timestamp=parsed.timestamp,
        stored_at=stored,
    )
    try:
        with transaction.atomic():
            statement.save()
    except IntegrityError:
        # The same statement sent twice at once: the other request stored it.
        existing = XAPIStatement.objects.get(statement_id=statement_id)
        return _duplicate(existing, user=user, activity=activity, enrollment=enrollment)

    finishes = (
        not parsed.is_child
        and parsed.verb in scoring.finishing_verbs(key.main.library)
        and statement.max_score
    )
    if not finishes:
        # A child's answer or a start changes no grade: nothing more to read.
        return StatementOutcome(statement=statement, result=None)
    attempt, result, newly_passed = _attempt_record(
        statement=statement, activity=activity, key=key, lesson=lesson
    )
    completed = _completion_evaluate(enrollment.pk) if newly_passed else False
    return StatementOutcome(
        statement=statement, result=result, attempt=attempt, course_completed=completed
    )


def _duplicate(
    existing: XAPIStatement, *, user, activity, enrollment
) -> StatementOutcome:
    if existing.user_id != user.pk or existing.activity_id != activity.pk:
        raise ValidationError(
            _("A different statement with this id was already stored."),
            code="conflict",
        )
    return StatementOutcome(
        statement=existing,
        result=H5PResult.objects.filter(
            enrollment=enrollment, activity=activity
        ).first(),
        attempt=existing.attempt,
        duplicate=True,
    )


@transaction.atomic
def h5p_activity_regrade(*, activity: H5PActivity) -> int:
    """Grade every learner's result for ``activity`` again, after its rules changed.

    Learners who pass under the new rules have their enrolment evaluated. Returns
    how many results newly passed.
    """
    newly_passed = []
    for result in H5PResult.objects.select_for_update().filter(activity=activity):
        if _result_refresh(result, activity):
            newly_passed.append(result.enrollment_id)
    for enrollment_id in newly_passed:
        _completion_evaluate(enrollment_id)
    return len(newly_passed)


def _state_key(value: str, what: str) -> str:
    if not _STATE_KEY_RE.match(value):
        raise ValidationError(
            _("The %(what)s of the saved state is not valid.") % {"what": what},
            code="invalid_state_key",
        )
    return value


@transaction.atomic
def h5p_user_state_save(
    *,
    user,
    lesson,
    activity: H5PActivity,
    data_type: str,
    sub_content_id: str,
    data: str,
    preload: bool = True,
) -> H5PUserState | None:
    """Save where the learner is in ``activity`` (H5P's ``contentUserData``).

    ``data`` is the JSON text the player sent; ``"0"`` deletes the saved state,
    as H5P asks when content is reset. Raises
    :class:`~quizzes.h5p.permissions.H5PRefused` when the learner may not play the
    activity there, and ``ValidationError`` (code ``too_large`` above
    :data:`MAX_STATE_BYTES`) for data that is not JSON.
    """
    enrollment = learner_access(user=user, lesson=lesson, activity_id=activity.pk)
    key = {
        "enrollment": enrollment,
        "activity": activity,
        "data_type": _state_key(data_type, _("type")),
        "sub_content_id": _state_key(sub_content_id, _("part")),
    }
    if data == "0":
        H5PUserState.objects.filter(**key).delete()
        return None
    if len(data.encode()) > MAX_STATE_BYTES:
        raise ValidationError(
            _("The saved state is larger than %(limit)s KB.")
            % {"limit": MAX_STATE_BYTES // 1024},
            code="too_large",
        )
    try:
        json.loads(data)
    except ValueError as error:
        raise ValidationError(
            _("The saved state is not valid JSON."), code="invalid"
        ) from error
    state, _created = H5PUserState.objects.update_or_create(
        **key,
        defaults={"data": unicodedata.normalize("NFC", data), "preload": preload},
    )
    return state
