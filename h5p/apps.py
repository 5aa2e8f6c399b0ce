from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class H5PConfig(AppConfig):
    name = "h5p"
    label = "h5p"
    verbose_name = _("H5P")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from courses.assessments import AssessmentKind, register_assessment_kind
        from courses.receivers import content_watch

        from . import checks  # noqa: F401  (registers the deployment checks)
        from .models import H5PActivity
        from .permissions import BLOCK_TYPE
        from .selectors import h5p_activities_pending

        # A lesson page is kept with the H5P activities it shows (lms.routing).
        content_watch(H5PActivity, "H5PActivity")

        # A lesson holding a required H5P activity completes only once the learner
        # has passed it, and so does its course.
        register_assessment_kind(
            AssessmentKind(
                block_type=BLOCK_TYPE,
                target_key="activity",
                pending=h5p_activities_pending,
                blocker_message=_(
                    "Pass the activity “%(title)s” to complete this lesson."
                ),
                anchor="h5p-activity-{id}",
            )
        )
