from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrivacyConfig(AppConfig):
    name = "privacy"
    verbose_name = _("Personal data")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from wagtail.signals import page_published

        from courses.receivers import content_watch
        from lms.navigation import register_staff_link
        from lms.privacy_notice import register_notice_version
        from privacy.models import PrivacyNoticePage, PrivacyNoticeVersion
        from privacy.permissions import can_work_requests
        from privacy.receivers import notice_published
        from privacy.selectors import notice_version_label

        register_notice_version(notice_version_label)
        register_staff_link(
            label=_("Personal-data requests"),
            url_name="data_requests",
            allowed=can_work_requests,
        )
        register_staff_link(
            label=_("Personal-data breaches"),
            url_name="privacy_breaches",
            allowed=can_work_requests,
        )
        # Every page reads the notice in force (privacy.selectors.notice_current).
        content_watch(PrivacyNoticeVersion, "privacy.notice_version")
        page_published.connect(
            notice_published,
            sender=PrivacyNoticePage,
            dispatch_uid="privacy.notice_published",
        )
