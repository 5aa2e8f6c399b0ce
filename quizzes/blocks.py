"""The quiz block placed in lessons (see :mod:`courses.assessments`)."""

from django.utils.translation import gettext_lazy as _
from wagtail.snippets.blocks import SnippetChooserBlock

from courses.assessments import AssessmentBlock


class QuizBlock(AssessmentBlock):
    """A quiz inside a lesson: learners start, answer and review it in place."""

    quiz = SnippetChooserBlock("quizzes.Quiz", label=_("Quiz"))

    class Meta:
        icon = "tasks"
        label = _("Quiz")
        template = "quizzes/blocks/quiz_block.html"

    def get_context(self, value, parent_context=None):
        from quizzes import selectors

        context = super().get_context(value, parent_context=parent_context)
        parent_context = parent_context or {}
        state = parent_context.get("state")
        quiz = value.get("quiz")
        context["panel"] = None
        # The learner was sent here because the lesson cannot be completed yet.
        request = parent_context.get("request")
        context["pending"] = bool(
            request is not None
            and quiz is not None
            and request.GET.get("pending") == f"quiz-{quiz.pk}"
        )
        if quiz is not None:
            context["panel"] = selectors.quiz_panel(
                quiz=quiz,
                lesson=parent_context.get("page"),
                enrollment=getattr(state, "enrollment", None),
                required=bool(value.get("required")),
            )
        return context
