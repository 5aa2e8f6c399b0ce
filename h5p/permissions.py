"""Who may do what with H5P packages and activities.

Editors manage packages and activities in the admin (Wagtail permission policies).
Learners play an activity from a lesson: :func:`learner_access` guards what they
record (statements, resume state), :func:`frame_access` the files a player loads.
Editors previewing a lesson play activities through :func:`can_preview`.

The player runs in a sandboxed frame with no origin of its own, so nothing it
loads carries the session. Its addresses carry a signed grant instead
(:func:`frame_token`): who the frame is for, in which lesson, for which activity.
Every file asked with one is checked again against the lesson as it is now
(:func:`frame_access`).
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from wagtail.permission_policies import ModelPermissionPolicy

from courses.models import Enrollment
from courses.selectors import lesson_access

from .models import H5PActivity, H5PPackage, XAPIStatement

BLOCK_TYPE = "h5p"

UPLOAD_PERMISSION = "h5p.upload_h5ppackage"


class H5PPackagePermissionPolicy(ModelPermissionPolicy):
    """The Wagtail admin's view of :class:`H5PPackage` permissions.

    Adding a package means uploading one, so "add" is the custom
    ``upload_h5ppackage`` permission; "view" lets an editor list and inspect
    packages. Nobody, not even a superuser, changes or deletes a package in the
    admin: a package's files are shared with other packages and, once used in a
    quiz, its attempts refer to it.
    """

    _never = frozenset({"change", "delete"})

    def __init__(self) -> None:
        super().__init__(H5PPackage)

    def _get_permission_codename(self, action: str) -> str:
        if action == "add":
            return UPLOAD_PERMISSION.split(".", 1)[1]
        return super()._get_permission_codename(action)

    def user_has_permission(self, user, action: str) -> bool:
        return action not in self._never and super().user_has_permission(user, action)

    def users_with_any_permission(self, actions):
        return super().users_with_any_permission(
            [action for action in actions if action not in self._never]
        )


class H5PRefused(PermissionDenied):
    """The learner may not use this activity here; ``message`` says what to do."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def learner_access(*, user, lesson_id: int, activity_id: int) -> Enrollment:
    """The enrolment through which ``user`` plays ``activity_id`` in the lesson.

    The lesson must be live, hold the activity, belong to a live course the user
    is enrolled in, and be unlocked for them. Raises :class:`H5PRefused` otherwise.

    Every statement a player sends passes here: :func:`courses.selectors.lesson_access`
    answers all of it with one query.
    """
    if not user.is_authenticated:
        raise H5PRefused(_("Log in to record your answers."))
    access = lesson_access(user=user, lesson_id=lesson_id)
    if access is None or not access.live or not access.shows(BLOCK_TYPE, activity_id):
        raise H5PRefused(_("This activity is not part of this lesson."))
    if access.enrollment is None:
        raise H5PRefused(_("Enrol in the course to record your answers."))
    if not access.unlocked:
        raise H5PRefused(
            _("Complete the earlier lessons of the course before this activity.")
        )
    return access.enrollment


FRAME_SALT = "h5p.frame"
_DAY_SECONDS = 24 * 60 * 60


@dataclass(frozen=True)
class FrameGrant:
    """What a signed frame address lets its holder load.

    ``lesson_id`` None: an editor's preview. ``activity_id`` None: the files of
    every activity the lesson shows (the libraries its frames share).
    """

    user_id: int
    lesson_id: int | None
    activity_id: int | None
    #: The language of the page that opened the frame ("" when not said).
    language: str = ""


def _today() -> int:
    return int(time.time() // _DAY_SECONDS)


def frame_token(
    *,
    user_id: int,
    lesson_id: int | None,
    activity_id: int | None,
    language: str = "",
) -> str:
    """A signed, URL-safe grant for a person's frame; see :class:`FrameGrant`.

    The same all day, so a browser could keep the files of a day under one
    address; it works until ``H5P_FRAME_TOKEN_DAYS`` days have begun since.
    """
    payload = {"u": user_id, "d": _today()}
    if lesson_id is not None:
        payload["l"] = lesson_id
    if activity_id is not None:
        payload["a"] = activity_id
    if language:
        payload["g"] = language
    return signing.Signer(salt=FRAME_SALT).sign_object(payload)


def _id(value) -> int | None:
    if isinstance(value, int) and not isinstance(value, bool) and value > 0:
        return value
    return None


def frame_grant(token: str) -> FrameGrant | None:
    """The grant ``token`` carries; None when forged, damaged or expired."""
    try:
        payload = signing.Signer(salt=FRAME_SALT).unsign_object(token)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    if not isinstance(payload, dict):
        return None
    user_id, day = _id(payload.get("u")), payload.get("d")
    if user_id is None or not isinstance(day, int):
        return None
    if not 0 <= _today() - day < settings.H5P_FRAME_TOKEN_DAYS:
        return None
    lesson_id, activity_id = payload.get("l"), payload.get("a")
    if (lesson_id is not None and _id(lesson_id) is None) or (
        activity_id is not None and _id(activity_id) is None
    ):
        return None
    if lesson_id is None and activity_id is None:
        return None
    language = payload.get("g", "")
    if language not in dict(settings.LANGUAGES):
        language = ""
    return FrameGrant(
        user_id=user_id,
        lesson_id=lesson_id,
        activity_id=activity_id,
        language=language,
    )


@dataclass(frozen=True)
class FrameAccess:
    """What a grant opens now: activities, and the learner's enrolment (None in
    an editor's preview)."""

    activities: frozenset[int]
    enrollment: Enrollment | None = None


def frame_access(grant: FrameGrant) -> FrameAccess:
    """The activities whose files ``grant`` may load now (none: refused).

    A learner's: the activity (or every activity) the live lesson shows, while
    they are enrolled and the lesson is unlocked for them, as
    :func:`learner_access` asks of what they record. An editor's preview: the
    activity, while they may still preview.
    """
    if grant.lesson_id is None:
        editor = get_user_model().objects.filter(pk=grant.user_id, is_active=True)
        user = editor.first()
        if user is None or not can_preview(user):
            return FrameAccess(frozenset())
        return FrameAccess(frozenset({grant.activity_id}))
    # lesson_access needs only the id of a signed-in user.
    access = lesson_access(
        user=get_user_model()(pk=grant.user_id), lesson_id=grant.lesson_id
    )
    if (
        access is None
        or not access.live
        or access.enrollment is None
        or not access.unlocked
    ):
        return FrameAccess(frozenset())
    shown = frozenset(target for kind, target in access.shown if kind == BLOCK_TYPE)
    if grant.activity_id is not None:
        shown &= {grant.activity_id}
    return FrameAccess(shown, access.enrollment)


def can_preview(user) -> bool:
    """Editors who may choose H5P activities may play them in a lesson preview."""
    return user.is_authenticated and ModelPermissionPolicy(
        H5PActivity
    ).user_has_any_permission(user, ["add", "change", "delete", "view"])


class ReadOnlyPermissionPolicy(ModelPermissionPolicy):
    """Only "view", for records nobody may add, change or delete in the admin."""

    def user_has_permission(self, user, action: str) -> bool:
        return action == "view" and super().user_has_permission(user, action)

    def users_with_any_permission(self, actions):
        return super().users_with_any_permission([a for a in actions if a == "view"])


statements_policy = ReadOnlyPermissionPolicy(XAPIStatement)
