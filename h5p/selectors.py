"""Reading H5P packages, activities and learners' results."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Avg, Count, IntegerField, Max, Prefetch, Q, QuerySet, Sum
from django.db.models.functions import Cast
from django.template.defaultfilters import floatformat
from django.templatetags.static import static
from django.urls import reverse
from django.utils.formats import number_format
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from lms.permissions import scope_filter
from quizzes.stats import PERCENT_DECIMALS, AssessmentStats, MissedQuestion

from . import permissions, scoring
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

MISSED_PARTS_SHOWN = 10
# Seconds between the player's saves of the resume state.
SAVE_EVERY_SECONDS = 15
STATE_PLACEHOLDERS = {"data_type": ":dataType", "sub_content_id": ":subContentId"}


def h5p_package_list() -> QuerySet[H5PPackage]:
    """Packages, newest first, with what a listing shows."""
    return H5PPackage.objects.select_related("main_library", "uploaded_by")


def h5p_package_get(*, pk: int) -> H5PPackage:
    """One package with its libraries in loading order, ready for a player.

    ``package.ordered_libraries()`` and ``package.storage_name()`` then run no
    further queries. Raises ``H5PPackage.DoesNotExist``.
    """
    return (
        h5p_package_list()
        .prefetch_related(
            Prefetch(
                "library_links",
                queryset=H5PPackageLibrary.objects.select_related("library").order_by(
                    "position"
                ),
            )
        )
        .get(pk=pk)
    )


def h5p_activity_get(*, pk: int) -> H5PActivity:
    """An activity with what grading its statements needs of its package, one query.

    Loaded with every statement and file a player sends or asks for: the package
    has ``title``, ``content_prefix`` and ``main_library.machine_name`` loaded;
    other package fields load on access. Raises ``H5PActivity.DoesNotExist``.
    """
    return (
        H5PActivity.objects.select_related("package__main_library")
        .only(
            "id",
            "title",
            "package",
            "iri",
            "grading_method",
            "pass_mark",
            "max_attempts",
            "trusted",
            "package__title",
            "package__content_prefix",
            "package__main_library",
            "package__main_library__machine_name",
        )
        .get(pk=pk)
    )


def h5p_activities_pending(*, enrollment, target_ids: set[int]) -> dict[int, str]:
    """``{id: title}`` of the activities in ``target_ids`` not passed in ``enrollment``.

    Activities that no longer exist are left out: nobody can pass them.
    """
    passed = H5PResult.objects.filter(enrollment=enrollment, passed=True).values(
        "activity_id"
    )
    return dict(
        H5PActivity.objects.filter(pk__in=target_ids)
        .exclude(pk__in=passed)
        .values_list("pk", "title")
    )


def h5p_user_state_get(
    *, enrollment, activity: H5PActivity, data_type: str, sub_content_id: str
) -> str | None:
    """The resume state the player saved, as the JSON text it sent, or None."""
    return (
        H5PUserState.objects.filter(
            enrollment=enrollment,
            activity=activity,
            data_type=data_type,
            sub_content_id=sub_content_id,
        )
        .values_list("data", flat=True)
        .first()
    )


def _number(value) -> str:
    """Points in the reader's number format, decimals only when needed ("1,5", "1")."""
    value = float(value)
    return number_format(int(value) if value.is_integer() else round(value, 2))


def _percent(value) -> str:
    return floatformat(value, PERCENT_DECIMALS)


def result_message(*, result: H5PResult | None, activity: H5PActivity) -> str:
    """One sentence telling a learner where they stand with ``activity``."""
    return _standing(result=result, activity=activity) + _attempts_left(
        result=result, activity=activity
    )


def _attempts_left(*, result: H5PResult | None, activity: H5PActivity) -> str:
    if activity.max_attempts is None:
        return ""
    finished = (
        H5PAttempt.objects.filter(
            enrollment_id=result.enrollment_id, activity=activity
        ).count()
        if result is not None
        else 0
    )
    left = max(activity.max_attempts - finished, 0)
    if not left:
        return " " + _("You have no attempts left.")
    return " " + _("Attempts left: %(left)s of %(count)s.") % {
        "left": left,
        "count": activity.max_attempts,
    }


def _standing(*, result: H5PResult | None, activity: H5PActivity) -> str:
    if result is None or result.grade is None:
        return _("Answer the questions to record a result.")
    method = {
        GradingMethod.BEST: _("best attempt"),
        GradingMethod.LAST: _("last attempt"),
        GradingMethod.FIRST: _("first attempt"),
        GradingMethod.AVERAGE: _("average of your attempts"),
    }[activity.grading_method]
    attempts = ngettext(
        "%(count)s attempt", "%(count)s attempts", result.attempt_count
    ) % {"count": result.attempt_count}
    grade = _("Your grade: %(grade)s%% (%(method)s, %(attempts)s).") % {
        "grade": _percent(result.grade),
        "method": method,
        "attempts": attempts,
    }
    if result.passed:
        return grade + " " + _("You have passed this activity.")
    return (
        grade
        + " "
        + _("The pass mark is %(mark)s%%: try again.") % {"mark": activity.pass_mark}
    )


def attempt_message(attempt: H5PAttempt) -> str:
    if attempt.scoring == Scoring.SELF_REPORTED and not attempt.activity.trusted:
        return _(
            "Done. The server cannot check this kind of content, so it is not graded."
        )
    return _("This attempt: %(raw)s of %(max)s points (%(percent)s%%).") % {
        "raw": _number(attempt.raw_score),
        "max": _number(attempt.max_score),
        "percent": _percent(attempt.percent),
    }


@dataclass
class ActivityPanel:
    """An H5P activity as one learner (or a previewing editor) sees it in a lesson.

    ``config`` is what the page's script needs to start the player and forward
    results; ``result`` is the learner's grade so far.
    """

    activity: H5PActivity
    required: bool
    preview: bool
    result: H5PResult | None
    status: str
    config: dict = field(default_factory=dict)

    @property
    def passed(self) -> bool:
        return bool(self.result and self.result.passed)

    @property
    def dom_id(self) -> str:
        return f"h5p-activity-{self.activity.pk}"

    @property
    def config_id(self) -> str:
        return f"h5p-config-{self.activity.pk}"

    @property
    def sandbox(self) -> str:
        return frame_sandbox()


def frame_url(path: str) -> str:
    """An address of the H5P frame or its files, at ``H5P_FRAME_ORIGIN`` if set."""
    return settings.H5P_FRAME_ORIGIN + path


def frame_sandbox() -> str:
    """The frame's ``sandbox`` attribute.

    On the site's own address the frame keeps no origin at all (``allow-scripts``
    only). At ``H5P_FRAME_ORIGIN``, a host of its own that no cookie of the site
    reaches (h5p/checks.py), the frame keeps that origin: the browser's cache
    then keeps the player and the libraries from one activity, and one visit, to
    the next, which a frame without an origin never gets.
    """
    if settings.H5P_FRAME_ORIGIN:
        return "allow-scripts allow-same-origin"
    return "allow-scripts"


def frame_origin() -> str:
    """The origin the lesson page accepts the frames' messages from."""
    return settings.H5P_FRAME_ORIGIN or "null"


def _frame_address(*, user, lesson_id: int | None, activity_id: int) -> str:
    token = permissions.frame_token(
        user_id=user.pk,
        lesson_id=lesson_id,
        activity_id=activity_id,
        language=get_language() or "",
    )
    return frame_url(reverse("h5p:frame", kwargs={"token": token}))


def _player_strings() -> dict:
    return {
        "sending": _("Saving your answer…"),
        "offline": _(
            "You are offline. Your answers are kept on this phone and sent when "
            "you are back online."
        ),
        "failed": _("Your answer was not recorded: %(reason)s"),
        "loadFailed": _(
            "The activity could not be loaded. Check your connection and try again."
        ),
    }


def h5p_activity_panel(
    *, activity: H5PActivity, lesson, enrollment, user, required: bool, csrf_token: str
) -> ActivityPanel:
    """What the H5P block of ``lesson`` shows: the player's frame and the result.

    Without an enrolment (an editor's preview) the frame loads its files through
    a preview grant and the page records nothing.
    """
    if enrollment is None or lesson is None or lesson.pk is None:
        return ActivityPanel(
            activity=activity,
            required=required,
            preview=True,
            result=None,
            status=_("Preview: answers are not recorded."),
            config={
                "frame": _frame_address(
                    user=user, lesson_id=None, activity_id=activity.pk
                ),
                "iri": activity.iri,
                "frameOrigin": frame_origin(),
                "strings": _player_strings(),
            },
        )
    ids = {"lesson_id": lesson.pk, "activity_id": activity.pk}
    result = H5PResult.objects.filter(enrollment=enrollment, activity=activity).first()
    return ActivityPanel(
        activity=activity,
        required=required,
        preview=False,
        result=result,
        status=result_message(result=result, activity=activity),
        config={
            "frame": _frame_address(
                user=user, lesson_id=lesson.pk, activity_id=activity.pk
            ),
            "iri": activity.iri,
            "frameOrigin": frame_origin(),
            "strings": _player_strings(),
            "statementsUrl": reverse("h5p:statements", kwargs=ids),
            "stateUrl": reverse("h5p:user_state", kwargs={**ids, **STATE_PLACEHOLDERS}),
            "csrfToken": csrf_token,
            "learner": str(user.pk),
        },
    )


# What the frame's script gives H5P as its save address: the frame asks the
# lesson page to save instead (it has no session to save with).
FRAME_STATE_ADDRESS = "lms-state:/:dataType/:subContentId"


def _player_l10n() -> dict:
    """H5P's own labels in the reader's language (the content's come with it)."""
    return {
        "H5P": {
            "fullscreen": _("Full screen"),
            "disableFullscreen": _("Leave full screen"),
            "download": _("Download"),
            "copyrights": _("Rights of use"),
            "close": _("Close"),
            "title": _("Title"),
            "author": _("Author"),
            "year": _("Year"),
            "source": _("Source"),
            "license": _("Licence"),
            "by": _("by"),
            "showMore": _("Show more"),
            "showLess": _("Show less"),
            "contentChanged": _("This content has changed since you last used it."),
            "startingOver": _("You will be starting over."),
            "confirmDialogHeader": _("Confirm"),
            "confirmDialogBody": _(
                "Please confirm that you want to go on. This cannot be undone."
            ),
            "cancelLabel": _("Cancel"),
            "confirmLabel": _("Confirm"),
            "noCopyrights": _("No information on rights of use for this content."),
            "licenseU": _("Undisclosed"),
        }
    }


def h5p_frame_config(
    *,
    grant: permissions.FrameGrant,
    enrollment,
    activity: H5PActivity,
    package_base: str,
    libraries_base: str,
    parent_origin: str,
) -> dict:
    """What the frame's script needs: h5p-standalone's options and the page's origin.

    A learner's frame starts from their saved state; an editor's preview has none
    and saves nothing.
    """
    player = {
        "h5pJsonPath": frame_url(package_base.rstrip("/")),
        "contentJsonPath": frame_url(package_base + "content"),
        "librariesPath": frame_url(libraries_base.rstrip("/")),
        "frameJs": static("h5p-player/frame.bundle.js"),
        "frameCss": static("h5p-player/styles/h5p.css"),
        "customJs": [static("h5p/frame-hooks.js")],
        "embedType": "div",
        "xAPIObjectIRI": activity.iri,
        "title": activity.title,
        "id": f"h5p-activity-{activity.pk}",
        "frame": False,
        "icon": False,
        "fullScreen": False,
        "translations": _player_l10n(),
    }
    if grant.lesson_id is not None:
        player.update(
            saveFreq=SAVE_EVERY_SECONDS,
            # H5P only saves resume state for a named user; the statements' actor
            # is replaced by the server, so no personal data reaches the package.
            user={"name": "learner", "mail": f"{grant.user_id}@learners.invalid"},
            ajax={"contentUserDataUrl": FRAME_STATE_ADDRESS},
        )
        saved = (
            h5p_user_state_get(
                enrollment=enrollment,
                activity=activity,
                data_type="state",
                sub_content_id="0",
            )
            if enrollment is not None
            else None
        )
        if saved is not None:
            player["contentUserData"] = [{"state": saved}]
    return {"player": player, "parentOrigin": parent_origin}


@dataclass(frozen=True)
class Preload:
    """A file the frame's player will ask for: ``kind`` is what
    ``<link rel="preload">`` calls it (``fetch``, ``script`` or ``style``)."""

    url: str
    kind: str


def _folder(dependency) -> str | None:
    if not isinstance(dependency, dict):
        return None
    return (
        f"{dependency.get('machineName')}-{dependency.get('majorVersion')}."
        f"{dependency.get('minorVersion')}"
    )


def _preloaded_paths(library_json: dict, key: str) -> list[str]:
    entries = library_json.get(key) or []
    return [
        entry["path"]
        for entry in entries
        if isinstance(entry, dict) and isinstance(entry.get("path"), str)
    ]


def h5p_frame_preloads(*, package_id: int, player: dict) -> list[Preload]:
    """Everything the player reads to start, before it knows it needs it.

    The player (h5p-standalone) reads ``h5p.json``, then each library's
    ``library.json`` one level of dependencies after another, then the content,
    and only then loads the scripts and styles: on a phone's slow network each
    level is a round trip. The server knows the package: named in the frame's
    document, all of it is fetched at once, and the player's own requests are
    answered from what came. The addresses are those the player builds.
    Two queries.
    """
    package = h5p_package_get(pk=package_id)
    libraries = {
        library.folder_name: library for library in package.ordered_libraries()
    }
    h5p_json = package.h5p_json if isinstance(package.h5p_json, dict) else {}
    base = player["librariesPath"]
    preloads = [
        Preload(f"{player['h5pJsonPath']}/h5p.json", "fetch"),
        Preload(f"{player['contentJsonPath']}/content.json", "fetch"),
        Preload(player["frameJs"], "script"),
        Preload(player["frameCss"], "style"),
    ]
    files: list[Preload] = []
    seen: set[str] = set()
    pending = [_folder(d) for d in h5p_json.get("preloadedDependencies") or []]
    while pending:
        folder = pending.pop(0)
        if folder is None or folder in seen or folder not in libraries:
            continue
        seen.add(folder)
        library_json = libraries[folder].library_json
        if not isinstance(library_json, dict):
            continue
        preloads.append(Preload(f"{base}/{folder}/library.json", "fetch"))
        for path in _preloaded_paths(library_json, "preloadedJs"):
            files.append(Preload(f"{base}/{folder}/{path}", "script"))
        for path in _preloaded_paths(library_json, "preloadedCss"):
            files.append(Preload(f"{base}/{folder}/{path}", "style"))
        pending += [_folder(d) for d in library_json.get("preloadedDependencies") or []]
    return preloads + files + [Preload(url, "script") for url in player["customJs"]]


def h5p_library_for_folder(
    *, activity_ids: frozenset[int], folder: str
) -> H5PLibrary | None:
    """The library a player asks for by folder (``H5P.TrueFalse-1.6``) among the
    packages of ``activity_ids``: the highest patch, as H5P keeps one per minor."""
    name, _dash, version = folder.rpartition("-")
    major, _dot, minor = version.partition(".")
    if not (name and major.isdigit() and minor.isdigit()):
        return None
    if len(major) > 5 or len(minor) > 5:
        return None
    return (
        H5PLibrary.objects.filter(
            package_links__package__activities__pk__in=activity_ids,
            machine_name=name,
            major_version=int(major),
            minor_version=int(minor),
        )
        .order_by("-patch_version", "-pk")
        .first()
    )


@dataclass
class ActivityStats(AssessmentStats):
    """Also counts the attempts whose score the server could not check."""

    self_reported: int


def h5p_activity_stats(*, activity: H5PActivity) -> ActivityStats:
    """Attempts, average score and the questions most often answered wrong.

    Three queries whatever the number of attempts (the package's questions are
    read from storage once per process).
    """
    totals = H5PAttempt.objects.filter(activity=activity).aggregate(
        attempts=Count("pk"),
        learners=Count("user", distinct=True),
        passed=Count("pk", filter=Q(passed=True)),
        self_reported=Count("pk", filter=Q(scoring=Scoring.SELF_REPORTED)),
        average_percent=Avg("percent"),
    )
    learners_passed = H5PResult.objects.filter(activity=activity, passed=True).count()
    rows = list(
        XAPIStatement.objects.filter(
            activity=activity,
            verb=XAPIStatement.Verb.ANSWERED,
            correct__isnull=False,
        )
        .values("sub_content_id")
        .annotate(answered=Count("pk"), wrong=Count("pk", filter=Q(correct=False)))
        .filter(wrong__gt=0)
        .order_by("-wrong", "sub_content_id")[:MISSED_PARTS_SHOWN]
    )
    key = scoring.answer_key(activity.package) if rows else None
    missed = []
    for row in rows:
        question = key.question(row["sub_content_id"]) if key else None
        missed.append(
            MissedQuestion(
                key=row["sub_content_id"],
                text=question.text if question else row["sub_content_id"],
                answered=row["answered"],
                wrong=row["wrong"],
            )
        )
    average = totals.pop("average_percent")
    return ActivityStats(
        **totals,
        learners_passed=learners_passed,
        average_percent=float(average) if average is not None else None,
        missed=missed,
    )


def h5p_learner_results(*, activity: H5PActivity, viewer) -> QuerySet:
    """Each learner the ``viewer`` may see who finished ``activity``: their
    attempts, best score, whether they passed and when they last sent a result,
    the most recent first (the same shape as
    :func:`quizzes.selectors.quiz_learner_results`). An editor sees learners
    living in the places they cover.
    """
    results = Q(h5p_results__activity=activity)
    visible = scope_filter(viewer, commune="commune", province="commune__province")
    return (
        get_user_model()
        .objects.filter(visible)
        .annotate(
            attempt_count=Sum("h5p_results__attempt_count", filter=results),
            best_score=Max("h5p_results__best_percent", filter=results),
            has_passed=Max(Cast("h5p_results__passed", IntegerField()), filter=results),
            last_attempt_at=Max("h5p_results__updated_at", filter=results),
        )
        .filter(attempt_count__gt=0)
        .order_by("-last_attempt_at", "-pk")
    )


def xapi_statement_list(
    *,
    activity: H5PActivity | None = None,
    user_id: int | None = None,
    since: datetime | None = None,
) -> QuerySet[XAPIStatement]:
    """Stored statements, oldest first, filtered by activity, learner and time."""
    statements = XAPIStatement.objects.order_by("stored_at", "pk")
    if activity is not None:
        statements = statements.filter(activity=activity)
    if user_id is not None:
        statements = statements.filter(user_id=user_id)
    if since is not None:
        statements = statements.filter(stored_at__gte=since)
    return statements


def xapi_statements_json(statements: QuerySet[XAPIStatement]) -> Iterator[str]:
    """The stored statements as one JSON array, yielded a statement at a time."""
    yield "["
    rows = statements.values_list("statement", flat=True).iterator(chunk_size=500)
    for number, statement in enumerate(rows):
        yield ("," if number else "") + json.dumps(statement, ensure_ascii=False)
    yield "]"
