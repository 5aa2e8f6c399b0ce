from django.db import transaction

from lms.content_version import content_version_bump

# Fields a page saves while only its draft changes (saving a revision, locking):
# what learners and visitors see stays the same, so nothing cached goes stale.
DRAFT_ONLY_FIELDS = frozenset(
    {
        "comments",
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
    """A page was published, unpublished, moved, deleted or saved directly, or a
    view restriction or a site changed.

    The version moves now and again once the change is committed: a request that
    read the old rows before the commit may have cached them under the version
    of the moment.
    """
    update_fields = kwargs.get("update_fields")
    if update_fields and set(update_fields) <= DRAFT_ONLY_FIELDS:
        return
    content_version_bump()
    transaction.on_commit(content_version_bump)
