from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoursesConfig(AppConfig):
    name = "courses"
    verbose_name = _("Courses")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.db.models.signals import m2m_changed
        from wagtail.documents import get_document_model
        from wagtail.images import get_image_model
        from wagtail.models import PageViewRestriction, Site, get_page_models
        from wagtail.signals import page_published, page_unpublished, post_page_move

        from courses.receivers import content_changed, content_watch

        # Whatever is cached from pages is keyed on the content version
        # (lms.content_version): any change to what is live makes it stale, and so
        # does a page saved directly (by code rather than through a revision), a
        # view restriction, a site, or an image or document a page shows.
        for name, signal in (
            ("published", page_published),
            ("unpublished", page_unpublished),
            ("moved", post_page_move),
        ):
            signal.connect(content_changed, dispatch_uid=f"courses.content.{name}")
        for model in (
            *get_page_models(),
            PageViewRestriction,
            Site,
            get_image_model(),
            get_document_model(),
        ):
            content_watch(model, model._meta.label)
        m2m_changed.connect(
            content_changed,
            sender=PageViewRestriction.groups.through,
            dispatch_uid="courses.content.restriction_groups",
        )
