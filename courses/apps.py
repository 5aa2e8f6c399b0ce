from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoursesConfig(AppConfig):
    name = "courses"
    verbose_name = _("Courses")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.db.models.signals import m2m_changed, post_delete, post_save
        from wagtail.models import Page, PageViewRestriction, Site
        from wagtail.signals import page_published, page_unpublished, post_page_move

        from courses.receivers import content_changed

        # Whatever is cached from pages is keyed on the content version
        # (lms.content_version): any change to what is live makes it stale, and so
        # does a page saved directly (by code rather than through a revision).
        for name, signal in (
            ("published", page_published),
            ("unpublished", page_unpublished),
            ("moved", post_page_move),
        ):
            signal.connect(content_changed, dispatch_uid=f"courses.content.{name}")
        # Who may see a page, and which site serves it, are cached with it
        # (lms.routing).
        for model in (Page, PageViewRestriction, Site, *self.get_models()):
            if issubclass(model, (Page, PageViewRestriction, Site)):
                for name, signal in (("saved", post_save), ("deleted", post_delete)):
                    signal.connect(
                        content_changed,
                        sender=model,
                        dispatch_uid=f"courses.content.{name}.{model.__name__}",
                    )
        m2m_changed.connect(
            content_changed,
            sender=PageViewRestriction.groups.through,
            dispatch_uid="courses.content.restriction_groups",
        )
