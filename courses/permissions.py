"""Who may watch a lesson's video.

A video belongs to the lessons that show it, so the lesson decides: a learner
watches it where they may open the lesson (enrolled in the live course, the lesson
live and unlocked for them). Editors who may choose the document in the admin
watch it anywhere, previews included. The document's own address
(``/documents/…``) serves a video to those editors only, so a video is never
public, whatever its collection; other documents keep Wagtail's collection
privacy.
"""

from wagtail.documents import get_document_model
from wagtail.permissions import policy_registry

from courses.selectors import VIDEO_BLOCK, lesson_access


def can_preview_video(*, user, document) -> bool:
    """Editors who may choose ``document`` in the admin."""
    policy = policy_registry.get_by_type(get_document_model())
    return user.is_authenticated and policy.user_has_permission_for_instance(
        user, "choose", document
    )


def can_watch_video(*, user, lesson_id: int, document) -> bool:
    """Whether ``user`` may watch ``document`` in the lesson ``lesson_id``.

    :func:`courses.selectors.lesson_access` answers for a learner in one query; a
    player asks again for every range it reads.
    """
    if not user.is_authenticated:
        return False
    access = lesson_access(user=user, lesson_id=lesson_id)
    if (
        access is not None
        and access.live
        and access.unlocked
        and access.shows(VIDEO_BLOCK[0], document.pk)
    ):
        return True
    return can_preview_video(user=user, document=document)
