from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class QuizzesConfig(AppConfig):
    name = "quizzes"
    verbose_name = _("Quizzes")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from courses.assessments import AssessmentKind, register_assessment_kind
        from courses.receivers import content_watch
        from quizzes.models import Quiz
        from quizzes.selectors import quizzes_pending

        # A lesson page is kept with the quizzes it shows (lms.routing).
        content_watch(Quiz, "Quiz")

        # A lesson holding a required quiz completes only once the quiz is passed,
        # and so does its course.
        register_assessment_kind(
            AssessmentKind(
                block_type="quiz",
                target_key="quiz",
                pending=quizzes_pending,
                blocker_message=_("Pass the quiz “%(title)s” to complete this lesson."),
                anchor="quiz-{id}",
            )
        )
