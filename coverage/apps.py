from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoverageConfig(AppConfig):
    name = "coverage"
    verbose_name = _("Training coverage")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save, pre_save

        from certificates.models import Certificate
        from courses.completion import course_completed, register_learning_section
        from coverage import receivers, signals
        from coverage.models import Agency, CourseAssignment, StaffMember
        from coverage.permissions import sees_coverage
        from coverage.selectors import my_assignments
        from lms.navigation import register_staff_link

        course_completed.connect(
            receivers.course_completed, dispatch_uid="coverage.course_completed"
        )
        signals.external_completions_recorded.connect(
            receivers.people_trained_elsewhere,
            dispatch_uid="coverage.people_trained_elsewhere",
        )
        signals.staff_roster_imported.connect(
            receivers.staff_imported, dispatch_uid="coverage.staff_imported"
        )
        post_save.connect(
            receivers.certificate_saved,
            sender=Certificate,
            dispatch_uid="coverage.certificate_saved",
        )
        pre_save.connect(
            receivers.remember_staff_before,
            sender=StaffMember,
            dispatch_uid="coverage.staff_before",
        )
        post_save.connect(
            receivers.staff_saved, sender=StaffMember, dispatch_uid="coverage.staff"
        )
        post_delete.connect(
            receivers.staff_deleted,
            sender=StaffMember,
            dispatch_uid="coverage.staff_deleted",
        )
        pre_save.connect(
            receivers.remember_assignment_before,
            sender=CourseAssignment,
            dispatch_uid="coverage.assignment_before",
        )
        post_save.connect(
            receivers.assignment_saved,
            sender=CourseAssignment,
            dispatch_uid="coverage.assignment",
        )
        post_delete.connect(
            receivers.assignment_deleted,
            sender=CourseAssignment,
            dispatch_uid="coverage.assignment_deleted",
        )
        post_save.connect(
            receivers.agency_saved, sender=Agency, dispatch_uid="coverage.agency"
        )
        register_learning_section(
            "coverage.assignments",
            my_assignments,
            "coverage/my_assignments.html",
            first=True,
        )
        register_staff_link(
            label=_("Training coverage"),
            url_name="coverage_home",
            allowed=sees_coverage,
        )
        register_staff_link(
            label=_("Provinces' training coverage"),
            url_name="coverage_national",
            allowed=lambda user: user.is_superuser,
        )
