"""Who may do what with H5P packages and activities.

Editors manage packages and activities in the admin (Wagtail permission policies).
Learners play an activity from a lesson: :func:`learner_access` guards what they
record (statements, resume state), :func:`content_access` the files a player loads.
Editors previewing a lesson play activities through :func:`can_preview`.
"""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from wagtail.permission_policies import ModelPermissionPolicy

from lms.models import Enrollment
from lms.selectors import lesson_access

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


def lesson_holds_activity(blocks: list, activity_id: int) -> bool:
    """Whether the raw ``blocks`` of a lesson body show ``activity_id``."""
    return any(
        isinstance(block, dict)
        and block.get("type") == BLOCK_TYPE
        and (block.get("value") or {}).get("activity") == activity_id
        for block in blocks
    )


def learner_access(*, user, lesson_id: int, activity_id: int) -> Enrollment:
    """The enrolment through which ``user`` plays ``activity_id`` in the lesson.

    The lesson must be live, hold the activity, belong to a live course the user
    is enrolled in, and be unlocked for them. Raises :class:`H5PRefused` otherwise.

    Every statement a player sends passes here: one query
    (:func:`lms.selectors.lesson_access`) answers all of it.
    """
    if not user.is_authenticated:
        raise H5PRefused(_("Log in to record your answers."))
    access = lesson_access(user=user, lesson_id=lesson_id)
    if (
        access is None
        or not access.live
        or not lesson_holds_activity(access.blocks, activity_id)
    ):
        raise H5PRefused(_("This activity is not part of this lesson."))
    if access.enrollment is None:
        raise H5PRefused(_("Enrol in the course to record your answers."))
    if not access.unlocked:
        raise H5PRefused(
            _("Complete the earlier lessons of the course before this activity.")
        )
    return access.enrollment


def content_access(*, user, lesson_id: int, activity_id: int) -> bool:
    """Whether ``user`` may load the files of ``activity_id`` shown in the lesson.

    Learners enrolled in the live course of a live lesson holding the activity may.
    Checked on every file a player loads, in one query.
    """
    if not user.is_authenticated:
        return False
    access = lesson_access(user=user, lesson_id=lesson_id)
    return (
        access is not None
        and access.live
        and access.enrollment is not None
        and lesson_holds_activity(access.blocks, activity_id)
    )


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
