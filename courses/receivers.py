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
    """A page was published, unpublished, moved, deleted or saved directly."""
    update_fields = kwargs.get("update_fields")
    if update_fields and set(update_fields) <= DRAFT_ONLY_FIELDS:
        return
    content_version_bump()
