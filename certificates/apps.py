from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CertificatesConfig(AppConfig):
    name = "certificates"
    verbose_name = _("Certificates")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from certificates.receivers import issue_on_completion
        from lms.completion import course_completed

        course_completed.connect(
            issue_on_completion, dispatch_uid="certificates.issue_on_completion"
        )
