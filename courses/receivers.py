from django.db import transaction
from django.db.models.signals import post_delete, post_save
from wagtail.models.pages import COMMENTS_RELATION_NAME

from lms.content_version import content_version_bump

# Fields a page saves while only its draft changes (saving a revision, locking):
# what learners and visitors see stays the same, so nothing cached goes stale.
DRAFT_ONLY_FIELDS = frozenset(
    {
        COMMENTS_RELATION_NAME,
        "latest_revision",
        "latest_revision_created_at",
        "draft_title",
        "has_unpublished_changes",
        "locked",
        "locked_by",
        "locked_at",
    }
)


def content_changed(sender, **kwargs) -> None:
    """A page was published, unpublished, moved, deleted or saved directly, or
    something shown with pages changed (see :func:`content_watch`).

    The version moves now and again once the change is committed: a request that
    read the old rows before the commit may have cached them under the version
    of the moment.
    """
    update_fields = kwargs.get("update_fields")
    if update_fields and set(update_fields) <= DRAFT_ONLY_FIELDS:
        return
    content_version_bump()
    transaction.on_commit(content_version_bump)


def content_watch(model, uid: str) -> None:
    """Move the content version whenever a ``model`` row is saved or deleted.

    For what a page shows and that is cached with it (lms.routing keeps whole
    pages, their chosen images, documents, quizzes and H5P activities included):
    each app watches its own models from its ``AppConfig.ready()``.
    """
    for name, signal in (("saved", post_save), ("deleted", post_delete)):
        signal.connect(
            content_changed, sender=model, dispatch_uid=f"courses.content.{name}.{uid}"
        )
