"""Placing H5P activities in lessons, and what a learner's page sends about them."""

import io
import json
import uuid

from django.urls import reverse

from courses.models import LessonPage
from h5p import permissions
from h5p.models import H5PActivity
from h5p.services import h5p_package_import

VERB = "http://adlnet.gov/expapi/verbs/"


def activity_create(package: bytes, **fields) -> H5PActivity:
    """An activity playing ``package`` (imported, or found if imported before)."""
    imported = h5p_package_import(file=io.BytesIO(package), uploaded_by=None)
    fields.setdefault("title", imported.title)
    return H5PActivity.objects.create(package=imported, **fields)


def place_activity(
    lesson: LessonPage, activity: H5PActivity, *, required: bool = True
) -> LessonPage:
    """Append an H5P block to a live lesson's body, through the "h5p" block."""
    lesson.body.append(("h5p", {"activity": activity, "required": required}))
    lesson.save()
    return lesson


def statement(
    activity: H5PActivity,
    *,
    verb: str = "answered",
    response: str | None = None,
    raw: float | None = None,
    maximum: float | None = None,
    child: str | None = None,
    statement_id: str | None = None,
    **extra,
) -> dict:
    """A statement as the player emits it (with an id, as the page adds one)."""
    data = {
        "id": statement_id or str(uuid.uuid4()),
        "actor": {
            "objectType": "Agent",
            "name": "learner",
            "mbox": "mailto:1@x.invalid",
        },
        "verb": {"id": VERB + verb, "display": {"en-US": verb}},
        "object": {
            "id": activity.iri + (f"?subContentId={child}" if child else ""),
            "objectType": "Activity",
        },
        "context": {
            "contextActivities": {
                "category": [{"id": "http://h5p.org/libraries/H5P.TrueFalse-1.6"}]
            }
        },
        "timestamp": "2026-03-01T08:00:00+07:00",
    }
    if child:
        data["context"]["contextActivities"]["parent"] = [
            {"id": activity.iri, "objectType": "Activity"}
        ]
    if raw is not None or response is not None:
        data["result"] = {"completion": True}
        if raw is not None:
            data["result"]["score"] = {"min": 0, "max": maximum, "raw": raw}
        if response is not None:
            data["result"]["response"] = response
    data.update(extra)
    return data


def statements_url(lesson, activity) -> str:
    return reverse(
        "h5p:statements", kwargs={"lesson_id": lesson.pk, "activity_id": activity.pk}
    )


def send(client, lesson, activity, data, **headers):
    """POST a statement (a dict, or raw bytes) as the lesson page does."""
    body = data if isinstance(data, bytes) else json.dumps(data)
    return client.post(
        statements_url(lesson, activity),
        body,
        content_type="application/json",
        headers=headers,
    )


def answer_true_false(client, lesson, activity, response: str, **fields):
    """A learner answers a true-or-false activity; the page reports a score."""
    right = response == "false"
    return send(
        client,
        lesson,
        activity,
        statement(
            activity,
            response=response,
            raw=1 if right else 0,
            maximum=1,
            **fields,
        ),
    )


def frame_token(user, lesson, activity) -> str:
    """The grant a lesson page gives ``user``'s frame of ``activity``."""
    return permissions.frame_token(
        user_id=user.pk,
        lesson_id=lesson.pk if lesson is not None else None,
        activity_id=activity.pk,
    )


def file_url(user, lesson, activity, path: str) -> str:
    """The address a learner's frame asks for ``path`` of the package: content
    files under the activity's grant, library files under the lesson's."""
    folder = path.split("/", 1)[0]
    if folder in ("h5p.json", "content"):
        return reverse(
            "h5p:package_file",
            kwargs={
                "token": frame_token(user, lesson, activity),
                "package_id": activity.package_id,
                "path": path,
            },
        )
    token = (
        permissions.frame_token(user_id=user.pk, lesson_id=lesson.pk, activity_id=None)
        if lesson is not None
        else frame_token(user, None, activity)
    )
    return reverse("h5p:library_file", kwargs={"token": token, "path": path})


def state_url(lesson, activity, data_type: str = "state", sub: str = "0") -> str:
    return reverse(
        "h5p:user_state",
        kwargs={
            "lesson_id": lesson.pk,
            "activity_id": activity.pk,
            "data_type": data_type,
            "sub_content_id": sub,
        },
    )
