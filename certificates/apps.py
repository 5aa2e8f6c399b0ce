from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CertificatesConfig(AppConfig):
    name = "certificates"
    verbose_name = _("Certificates")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from certificates.models import Certificate
        from certificates.permissions import can_issue, may_certify_household
        from certificates.receivers import (
            certificate_changed,
            certificates_join_account,
            issue_on_completion,
        )
        from certificates.selectors import (
            certificates_beyond_learning,
            learning_certificates,
        )
        from community_teams.actions import register_household_action
        from community_teams.signals import resident_linked
        from courses.completion import (
            course_completed,
            register_learning_extra,
            register_learning_section,
        )
        from lms.navigation import register_staff_link

        course_completed.connect(
            issue_on_completion, dispatch_uid="certificates.issue_on_completion"
        )
        register_learning_extra(
            "certificate",
            learning_certificates,
            "certificates/includes/my_learning_certificate.html",
        )
        register_learning_section(
            "certificates_in_person",
            certificates_beyond_learning,
            "certificates/includes/my_learning_other_certificates.html",
        )
        register_staff_link(
            label=_("Issue and manage certificates"),
            url_name="certificates:manage",
            allowed=can_issue,
        )
        register_household_action(
            label=_("Issue certificates"),
            url_name="certificates:household_issue",
            allowed=may_certify_household,
        )
        resident_linked.connect(
            certificates_join_account, dispatch_uid="certificates.join_account"
        )
        for signal in (post_save, post_delete):
            signal.connect(
                certificate_changed,
                sender=Certificate,
                dispatch_uid="certificates.certificate_changed",
            )
