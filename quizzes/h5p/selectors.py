"""Reading H5P packages, activities and learners' results."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache

from django.db import connection
from django.db.models import Avg, Count, Prefetch, Q, QuerySet
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from quizzes.stats import AssessmentStats, MissedQuestion

from . import scoring
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


_ACTIVITY_FIELDS = ("id", "title", "package_id", "iri", "grading_method", "pass_mark")


@cache
def _activity_sql() -> str:
    quote = connection.ops.quote_name
    activity = ", ".join(
        "a." + quote(H5PActivity._meta.get_field(name.removesuffix("_id")).column)
        for name in _ACTIVITY_FIELDS
    )
    return (
        f"SELECT {activity}, p.title, p.content_prefix, p.main_library_id, "
        "l.machine_name "
        f"FROM {H5PActivity._meta.db_table} a "
        f"INNER JOIN {H5PPackage._meta.db_table} p ON p.id = a.package_id "
        f"INNER JOIN {H5PLibrary._meta.db_table} l ON l.id = p.main_library_id "
        "WHERE a.id = %s"
    )


def _loaded(model, values: dict):
    """An instance of ``model`` as loaded from the database with only ``values``."""
    names = [f.attname for f in model._meta.concrete_fields if f.attname in values]
    return model.from_db(connection.alias, names, [values[name] for name in names])


def h5p_activity_get(*, pk: int) -> H5PActivity:
    """An activity with what grading its statements needs of its package.

    Loaded with every statement and file a player sends or asks for, so it is one
    query written in SQL (building the ORM query costs several times more than
    running it). The activity has its own fields but the dates; ``package`` has
    ``title``, ``content_prefix`` and ``main_library.machine_name``; other fields
    load on access. Raises ``H5PActivity.DoesNotExist``.
    """
    with connection.cursor() as cursor:
        cursor.execute(_activity_sql(), [pk])
        row = cursor.fetchone()
    if row is None:
        raise H5PActivity.DoesNotExist(f"No H5P activity {pk}.")
    count = len(_ACTIVITY_FIELDS)
    activity = _loaded(
        H5PActivity, dict(zip(_ACTIVITY_FIELDS, row[:count], strict=True))
    )
    title, content_prefix, library_id, machine_name = row[count:]
    package = _loaded(
        H5PPackage,
        {
            "id": activity.package_id,
            "title": title,
            "content_prefix": content_prefix,
            "main_library_id": library_id,
        },
    )
    package.main_library = _loaded(
        H5PLibrary, {"id": library_id, "machine_name": machine_name}
    )
    activity.package = package
    return activity


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
    return f"{float(value):g}"


def result_message(*, result: H5PResult | None, activity: H5PActivity) -> str:
    """One sentence telling a learner where they stand with ``activity``."""
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
        "grade": _number(result.grade),
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
    return _("This attempt: %(raw)s of %(max)s points (%(percent)s%%).") % {
        "raw": _number(attempt.raw_score),
        "max": _number(attempt.max_score),
        "percent": _number(attempt.percent),
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


def _player_options(base_url: str, activity: H5PActivity) -> dict:
    return {
        "h5pJsonPath": base_url.rstrip("/"),
        "frameJs": static("h5p-player/frame.bundle.js"),
        "frameCss": static("h5p-player/styles/h5p.css"),
        "customJs": [static("h5p/frame.js")],
        "xAPIObjectIRI": activity.iri,
        "title": activity.title,
        "id": f"h5p-activity-{activity.pk}",
        "frame": False,
        "icon": False,
        "fullScreen": False,
    }


def h5p_activity_panel(
    *, activity: H5PActivity, lesson, enrollment, user, required: bool, csrf_token: str
) -> ActivityPanel:
    """What the H5P block of ``lesson`` shows: the player and the learner's result.

    Without an enrolment (an editor's preview) the player loads its files through
    the preview address and records nothing.
    """
    package_id = activity.package_id
    strings = {
        "sending": _("Saving your answer…"),
        "offline": _(
            "You are offline. Your answers are kept on this phone and sent when "
            "you are back online."
        ),
        "failed": _("Your answer was not recorded: %(reason)s"),
        "loadFailed": _(
            "The activity could not be loaded. Reload the page to try again."
        ),
    }
    if enrollment is None or lesson is None or lesson.pk is None:
        base = reverse(
            "h5p:preview_file",
            kwargs={
                "activity_id": activity.pk,
                "package_id": package_id,
                "path": "h5p.json",
            },
        ).removesuffix("h5p.json")
        return ActivityPanel(
            activity=activity,
            required=required,
            preview=True,
            result=None,
            status=_("Preview: answers are not recorded."),
            config={"player": _player_options(base, activity), "strings": strings},
        )
    ids = {"lesson_id": lesson.pk, "activity_id": activity.pk}
    base = reverse(
        "h5p:content_file", kwargs={**ids, "package_id": package_id, "path": "h5p.json"}
    ).removesuffix("h5p.json")
    options = _player_options(base, activity)
    options.update(
        saveFreq=SAVE_EVERY_SECONDS,
        # H5P only saves resume state for a named user; the statements' actor is
        # replaced by the server, so no personal data is handed to the player.
        user={"name": "learner", "mail": f"{user.pk}@learners.invalid"},
        ajax={
            "contentUserDataUrl": reverse(
                "h5p:user_state", kwargs={**ids, **STATE_PLACEHOLDERS}
            )
        },
    )
    saved = h5p_user_state_get(
        enrollment=enrollment, activity=activity, data_type="state", sub_content_id="0"
    )
    if saved is not None:
        options["contentUserData"] = [{"state": saved}]
    result = H5PResult.objects.filter(enrollment=enrollment, activity=activity).first()
    return ActivityPanel(
        activity=activity,
        required=required,
        preview=False,
        result=result,
        status=result_message(result=result, activity=activity),
        config={
            "player": options,
            "strings": strings,
            "statementsUrl": reverse("h5p:statements", kwargs=ids),
            "csrfToken": csrf_token,
            "learner": str(user.pk),
        },
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
