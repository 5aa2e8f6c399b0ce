"""Importing H5P packages; recording and grading what learners do with them."""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
import uuid
import zipfile
from contextlib import nullcontext
from dataclasses import dataclass, replace
from decimal import ROUND_HALF_UP, Decimal
from pathlib import PurePath
from typing import IO

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.core.files.base import File
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _

from courses.models import Enrollment
from courses.services import enrollment_evaluate_completion
from lms.text import nfc

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
from .package import (
    InstalledLibrary,
    LibraryRef,
    Limits,
    PackageInfo,
    validate_package,
)
from .permissions import learner_access
from .xapi import (
    ParsedStatement,
    rate_take,
    statement_for_storage,
    statement_parse,
    statements_decode,
)


def h5p_package_import(
    *, file: IO[bytes] | File, uploaded_by: AbstractBaseUser | None
) -> H5PPackage:
    """Validate an ``.h5p`` file, store its content and libraries, and record it.

    ``file`` is a seekable binary file: an uploaded file or an open local file.
    Importing bytes already imported returns the existing package unchanged.
    Libraries already stored by another package are reused, not written again.

    Raises ``ValidationError`` listing every reason the package is refused (see
    :func:`h5p.package.validate_package`); nothing is recorded then. Files
    are written before the rows; should the database write fail, they stay behind
    under their content hashes and are reused by the next import of that content.
    """
    if not isinstance(file, File):
        # A nameless django File is false, and zipfile takes a false file object
        # for a closed archive.
        file = File(file, name=getattr(file, "name", None) or "package.h5p")
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
    info = validate_package(file, limits=limits, installed=_installed_library)
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
                original_name=nfc(PurePath(file.name or "").name)[:255],
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


def _installed_library(ref: LibraryRef) -> InstalledLibrary | None:
    """The stored library a content-only package may use: the highest patch."""
    library = (
        H5PLibrary.objects.filter(
            machine_name=ref.machine_name,
            major_version=ref.major,
            minor_version=ref.minor,
        )
        .order_by("-patch_version", "-pk")
        .only("library_json", "content_hash")
        .first()
    )
    if library is None:
        return None
    return InstalledLibrary(
        library_json=library.library_json, content_hash=library.content_hash
    )


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
# What answering a replayed statement needs of the stored one.


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


@dataclass(frozen=True)
class StatementsReceived:
    """What one request brought: an outcome or a refusal per statement, in order.

    ``batch`` when the request sent a JSON array (an offline queue sent at once)
    rather than one statement.
    """

    outcomes: list[StatementOutcome | ValidationError]
    batch: bool


def _percent(raw: float, maximum: float) -> Decimal:
    return (Decimal(repr(raw)) * 100 / Decimal(repr(maximum))).quantize(
        _HUNDREDTH, rounding=ROUND_HALF_UP
    )


def grade_compute(method: str, result: H5PResult) -> Decimal | None:
    """The grade of ``result``'s attempts under grading ``method``."""
    if not result.attempt_count:
        return None
    if method == GradingMethod.LAST:
        return result.last_percent
    if method == GradingMethod.FIRST:
        return result.first_percent
    if method == GradingMethod.AVERAGE:
        return (result.percent_total / result.attempt_count).quantize(
            _HUNDREDTH, rounding=ROUND_HALF_UP
        )
    return result.best_percent


# What answering a replay reads of the statement stored first.
_REPLAY_FIELDS = (
    "pk",
    "statement_id",
    "user_id",
    "activity_id",
    "attempt_id",
    "scoring",
)

_GRADE_FIELDS = [
    "attempt_count",
    "first_percent",
    "last_percent",
    "best_percent",
    "percent_total",
    "grade",
    "passed",
    "passed_at",
    "updated_at",
]


def _result_grade(result: H5PResult, activity: H5PActivity) -> bool:
    """Grade ``result`` by ``activity``'s rules; True when it has just passed."""
    was_passed = result.passed
    result.grade = grade_compute(activity.grading_method, result)
    result.passed = result.grade is not None and result.grade >= activity.pass_mark
    if result.passed and result.passed_at is None:
        result.passed_at = timezone.now()
    return result.passed and not was_passed


def _result_add(result: H5PResult, percent: Decimal) -> None:
    result.attempt_count += 1
    if result.first_percent is None:
        result.first_percent = percent
    result.last_percent = percent
    if result.best_percent is None or percent > result.best_percent:
        result.best_percent = percent
    result.percent_total += percent


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


@dataclass(frozen=True)
class _Pending:
    """A statement checked and scored, not yet stored."""

    statement: XAPIStatement
    finishes: bool


class _Recording:
    """One request's statements: who sends them, for what, and what is known."""

    def __init__(self, *, user, enrollment, lesson_id: int, activity) -> None:
        self.user = user
        self.enrollment = enrollment
        self.lesson_id = lesson_id
        self.activity = activity
        self.key = scoring.answer_key(activity.package)
        self._result: H5PResult | None = None

    def result(self) -> H5PResult:
        """The learner's result row, locked for this transaction."""
        if self._result is None:
            self._result, _created = (
                H5PResult.objects.select_for_update().get_or_create(
                    enrollment_id=self.enrollment.pk,
                    activity=self.activity,
                    defaults={"user_id": self.user.pk},
                )
            )
        return self._result

    def forget_result(self) -> None:
        self._result = None

    def attempts_finished(self) -> int:
        """How many attempts the learner has finished, graded or not."""
        return H5PAttempt.objects.filter(
            enrollment_id=self.enrollment.pk, activity=self.activity
        ).count()

    def open_children(self):
        """Children's answers since the previous attempt of this learner."""
        return XAPIStatement.objects.filter(
            enrollment_id=self.enrollment.pk,
            activity=self.activity,
            attempt__isnull=True,
            verb=XAPIStatement.Verb.ANSWERED,
        ).exclude(sub_content_id="")

    def stored(self, statement_id: uuid.UUID | None) -> XAPIStatement | None:
        """The statement already stored under ``statement_id``, if any."""
        if statement_id is None:
            return None
        stored = XAPIStatement.objects.filter(statement_id=statement_id)
        # Most statements are new: asking whether costs less than loading.
        if not stored.exists():
            return None
        return stored.only(*_REPLAY_FIELDS).get()

    def replay(self, existing: XAPIStatement) -> StatementOutcome:
        if existing.user_id != self.user.pk or existing.activity_id != self.activity.pk:
            raise ValidationError(
                _("A different statement with this id was already stored."),
                code="conflict",
            )
        return StatementOutcome(
            statement=existing,
            result=H5PResult.objects.filter(
                enrollment_id=self.enrollment.pk, activity=self.activity
            ).first(),
            attempt=existing.attempt,
            duplicate=True,
        )

    def resent(self, data, error: IntegrityError) -> StatementOutcome | ValidationError:
        """The answer to a statement whose id is already stored.

        Called once storing it failed with ``error``; raises that again when no
        statement holds the id (another constraint refused it).
        """
        self.forget_result()
        existing = self.stored(_statement_id(data))
        if existing is None:
            raise error
        try:
            return self.replay(existing)
        except ValidationError as refusal:
            return refusal

    def record_one(self, data) -> StatementOutcome | ValidationError:
        """Record a statement sent on its own, or say why it is refused.

        A statement that finishes an attempt is graded, and the enrolment
        evaluated when it newly passes, in one transaction; any other is one
        insert, in autocommit mode. A resent statement is answered as a replay.
        """
        try:
            pending = self.prepare(data)
            # A lone insert needs no transaction, unless one is open already
            # (a savepoint keeps it usable if the insert is refused).
            alone = (
                not pending.finishes
                and not transaction.get_connection().in_atomic_block
            )
            with nullcontext() if alone else transaction.atomic():
                outcome, newly_passed = self.store(pending)
                if newly_passed and _completion_evaluate(self.enrollment.pk):
                    outcome = replace(outcome, course_completed=True)
        except ValidationError as refusal:
            return refusal
        except IntegrityError as error:
            return self.resent(data, error)
        return outcome

    def record_each(self, items: list) -> list[StatementOutcome | ValidationError]:
        """Record a queue of statements in order, inside the caller's transaction.

        Each statement is kept or undone on its own (a savepoint), so one refused
        or resent statement leaves the others stored. When a statement newly
        passes the activity, the enrolment is evaluated once all are recorded.
        """
        outcomes: list[StatementOutcome | ValidationError] = []
        passed_at = None
        for item in items:
            try:
                pending = self.prepare(item)
                with transaction.atomic():
                    outcome, newly_passed = self.store(pending)
            except ValidationError as refusal:
                outcomes.append(refusal)
                continue
            except IntegrityError as error:
                outcomes.append(self.resent(item, error))
                continue
            if newly_passed:
                passed_at = len(outcomes)
            outcomes.append(outcome)
        if passed_at is not None and _completion_evaluate(self.enrollment.pk):
            outcomes[passed_at] = replace(outcomes[passed_at], course_completed=True)
        return outcomes

    def prepare(self, data) -> _Pending:
        """Check and score a statement, reading and writing nothing.

        Raises ``ValidationError`` saying why a statement is refused.
        """
        parsed = statement_parse(data, iri=self.activity.iri)
        raw, maximum, how = _server_score(parsed, self.key)
        stored = timezone.now()
        statement_id = parsed.statement_id or uuid.uuid4()
        statement = XAPIStatement(
            statement_id=statement_id,
            activity_id=self.activity.pk,
            user_id=self.user.pk,
            enrollment_id=self.enrollment.pk,
            lesson_id=self.lesson_id,
            verb=parsed.verb,
            sub_content_id=parsed.sub_content_id,
            raw_score=raw,
            max_score=maximum,
            reported_raw=parsed.score.raw if parsed.score else None,
            reported_max=parsed.score.max if parsed.score else None,
            scoring=how,
            response=parsed.response or "",
            statement=statement_for_storage(
                parsed, statement_id=statement_id, user=self.user, stored=stored
            ),
            timestamp=parsed.timestamp,
            stored_at=stored,
        )
        finishes = bool(
            not parsed.is_child
            and parsed.verb in scoring.finishing_verbs(self.key.main.library)
            and maximum
        )
        return _Pending(statement=statement, finishes=finishes)

    def store(self, pending: _Pending) -> tuple[StatementOutcome, bool]:
        """Store and grade a prepared statement; also say whether it newly passed.

        Raises ``ValidationError`` (code ``conflict``) before writing anything when
        a finishing statement's id is already someone else's.
        """
        statement = pending.statement
        maximum = statement.max_score
        attempt = result = None
        newly_passed = False
        if pending.finishes:
            # A resent attempt is found before it is graded again; other replays
            # cost nothing before the unique statement id refuses them.
            existing = self.stored(statement.statement_id)
            if existing is not None:
                return self.replay(existing), False
            result = self.result()
            # A score only the browser vouches for marks the activity done but
            # grades nothing, unless an editor chose to trust this activity.
            graded = statement.scoring != Scoring.SELF_REPORTED or self.activity.trusted
            limit = self.activity.max_attempts
            finished = (
                result.attempt_count
                if limit is None and graded
                else self.attempts_finished()
            )
            if limit is not None and finished >= limit:
                raise ValidationError(
                    _(
                        "You have used all %(count)s attempts at this activity; "
                        "this answer was not recorded."
                    )
                    % {"count": limit},
                    code="no_attempts_left",
                )
            children = self.open_children() if self.key.children else None
            if self.key.sums_children:
                # The last answer to each child since the previous attempt
                # counts; a child never answered scores nothing.
                latest: dict[str, float] = {}
                for sub_content_id, child_raw in children.order_by(
                    "stored_at", "pk"
                ).values_list("sub_content_id", "raw_score"):
                    if sub_content_id in self.key.summed:
                        latest[sub_content_id] = child_raw or 0.0
                statement.raw_score = float(sum(latest.values()))
            percent = _percent(statement.raw_score, maximum)
            attempt = H5PAttempt.objects.create(
                enrollment_id=self.enrollment.pk,
                activity=self.activity,
                user_id=self.user.pk,
                lesson_id=self.lesson_id,
                number=finished + 1,
                raw_score=statement.raw_score,
                max_score=maximum,
                percent=percent,
                scoring=statement.scoring,
                passed=graded and percent >= self.activity.pass_mark,
                finished_at=statement.stored_at,
            )
            statement.attempt = attempt
            if children is not None:
                children.update(attempt=attempt)
            if graded:
                _result_add(result, percent)
                newly_passed = _result_grade(result, self.activity)
                result.save(update_fields=_GRADE_FIELDS)
        if statement.raw_score is not None and maximum:
            statement.correct = statement.raw_score >= maximum
        statement.save(force_insert=True)
        outcome = StatementOutcome(statement=statement, result=result, attempt=attempt)
        return outcome, newly_passed


def _statement_id(data) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(data["id"]))
    except (TypeError, KeyError, ValueError):
        return None


def xapi_statements_record(
    *, user, lesson_id: int, activity: H5PActivity, body: bytes
) -> StatementsReceived:
    """Store the xAPI statements a learner's page sent, and grade them.

    ``body`` is one statement as a JSON object, or a JSON array of statements
    (a queue sent after being offline), at most
    :data:`~h5p.xapi.MAX_STATEMENT_BYTES` in all. The learner must be
    allowed to play ``activity`` in the lesson ``lesson_id``
    (:func:`h5p.permissions.learner_access` raises
    :class:`~h5p.permissions.H5PRefused` otherwise); a body that cannot be
    read raises ``ValidationError`` (code ``too_large`` when oversized), and
    one more than the person's rate allows raises
    :class:`~h5p.xapi.RateLimited`.

    Each statement is then judged on its own, in order: stored and graded, or
    refused with a ``ValidationError`` saying why (code ``conflict`` when its id
    was already used by someone else). A statement is attributed to ``user``
    whatever actor it names. It must be about the activity's own IRI (or one of
    its children, which never finish the activity), use a known verb, and report a
    possible score. Sending a statement id again stores nothing new
    (``duplicate``).

    The server decides the score: answers it can check against the package's
    content are scored again, others keep the reported score marked as
    self-reported. A top-level statement that ends an attempt records an
    :class:`H5PAttempt` and grades the learner's :class:`H5PResult` by the
    activity's grading method; when that passes for the first time, the enrolment
    is evaluated so the course completes at once if nothing else is missing.
    """
    enrollment = learner_access(user=user, lesson_id=lesson_id, activity_id=activity.pk)
    items, batch = statements_decode(body)
    rate_take(user=user, count=len(items))
    recording = _Recording(
        user=user, enrollment=enrollment, lesson_id=lesson_id, activity=activity
    )
    if batch:
        with transaction.atomic():
            outcomes = recording.record_each(items)
    else:
        outcomes = [recording.record_one(items[0])]
    return StatementsReceived(outcomes=outcomes, batch=batch)


def xapi_statement_record(
    *, user, lesson_id: int, activity: H5PActivity, body: bytes
) -> StatementOutcome:
    """Store one statement (a JSON object); see :func:`xapi_statements_record`.

    Raises the ``ValidationError`` that refused it.
    """
    received = xapi_statements_record(
        user=user, lesson_id=lesson_id, activity=activity, body=body
    )
    if received.batch or len(received.outcomes) != 1:
        raise ValidationError(_("Send one statement, not a list."), code="invalid")
    (outcome,) = received.outcomes
    if isinstance(outcome, ValidationError):
        raise outcome
    return outcome


@transaction.atomic
def h5p_activity_regrade(*, activity: H5PActivity) -> int:
    """Grade every learner's result for ``activity`` again, after its rules changed.

    Learners who pass under the new rules have their enrolment evaluated. Returns
    how many results newly passed.
    """
    newly_passed = []
    for result in H5PResult.objects.select_for_update().filter(activity=activity):
        if _result_grade(result, activity):
            newly_passed.append(result.enrollment_id)
        result.save(update_fields=_GRADE_FIELDS)
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
    lesson_id: int,
    activity: H5PActivity,
    data_type: str,
    sub_content_id: str,
    data: str,
    preload: bool = True,
) -> H5PUserState | None:
    """Save where the learner is in ``activity`` (H5P's ``contentUserData``).

    ``data`` is the JSON text the player sent; ``"0"`` deletes the saved state,
    as H5P asks when content is reset. Raises
    :class:`~h5p.permissions.H5PRefused` when the learner may not play the
    activity there, and ``ValidationError`` (code ``too_large`` above
    :data:`MAX_STATE_BYTES`) for data that is not JSON.
    """
    enrollment = learner_access(user=user, lesson_id=lesson_id, activity_id=activity.pk)
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
