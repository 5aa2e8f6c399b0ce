"""Who may do what with H5P packages and activities.

Editors manage packages and activities in the admin (Wagtail permission policies).
Learners play an activity from a lesson: :func:`learner_access` guards what they
record (statements, resume state), :func:`content_access` the files a player loads.
Editors previewing a lesson play activities through :func:`can_preview`.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import F
from django.utils.translation import gettext as _
from wagtail.permission_policies import ModelPermissionPolicy

from lms.models import Enrollment
from lms.selectors import lesson_is_unlocked

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


def lesson_holds_activity(lesson, activity_id: int) -> bool:
    """Whether ``lesson``'s saved body has an H5P block showing ``activity_id``."""
    return any(
        block.get("type") == BLOCK_TYPE
        and (block.get("value") or {}).get("activity") == activity_id
        for block in lesson.body.raw_data
    )


def _course_path(lesson) -> str:
    return lesson.path[: -lesson.steplen]


def learner_access(*, user, lesson, activity_id: int) -> Enrollment:
    """The enrolment through which ``user`` plays ``activity_id`` in ``lesson``.

    The lesson must be live, hold the activity, belong to a live course the user
    is enrolled in, and be unlocked for them. Raises :class:`H5PRefused` otherwise.

    Every statement a player sends passes here, so this asks the database two
    questions instead of building the whole course state; the unlocking rule is
    :func:`lms.selectors.lesson_is_unlocked`.
    """
    if not user.is_authenticated:
        raise H5PRefused(_("Log in to record your answers."))
    if not lesson.live or not lesson_holds_activity(lesson, activity_id):
        raise H5PRefused(_("This activity is not part of this lesson."))
    course_path = _course_path(lesson)
    enrollment = (
        Enrollment.objects.filter(
            user=user, course__path=course_path, course__live=True
        )
        .only("pk", "user_id", "course_id", "completed_at")
        .annotate(course_sequential=F("course__sequential"))
        .first()
    )
    if enrollment is None:
        raise H5PRefused(_("Enrol in the course to record your answers."))
    if not lesson_is_unlocked(
        enrollment=enrollment, lesson=lesson, sequential=enrollment.course_sequential
    ):
        raise H5PRefused(
            _("Complete the earlier lessons of the course before this activity.")
        )
    return enrollment


def content_access(*, user, lesson, activity_id: int) -> bool:
    """Whether ``user`` may load the files of ``activity_id`` shown in ``lesson``.

    Learners enrolled in the live course of a live lesson holding the activity may.
    Checked on every file a player loads, so it costs one query beyond the lesson.
    """
    if not user.is_authenticated or not lesson.live:
        return False
    if not lesson_holds_activity(lesson, activity_id):
        return False
    return Enrollment.objects.filter(
        user=user, course__path=_course_path(lesson), course__live=True
    ).exists()


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
