"""Assessment blocks placed in lessons.

``ASSESSMENT_BLOCKS`` is the list ``courses.blocks.lesson_body_blocks`` appends to
every lesson body. It is composed here, at import time, one entry per kind of
assessment: ``(block name, block instance)``. Another kind adds its entry to the
list literal below (importing its block class from its own app) and registers an
:class:`quizzes.assessments.AssessmentKind` whose ``block_type`` is the same name.
Its block subclasses :class:`quizzes.assessments.AssessmentBlock` so the value
carries the ``required`` flag. Changing this list changes ``LessonPage.body``, so
it needs a migration of the ``courses`` app.
"""

from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.snippets.blocks import SnippetChooserBlock

from quizzes.assessments import AssessmentBlock
from quizzes.h5p.blocks import H5PActivityBlock


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
        if quiz is not None:
            context["panel"] = selectors.quiz_panel(
                quiz=quiz,
                lesson=parent_context.get("page"),
                enrollment=getattr(state, "enrollment", None),
                required=bool(value.get("required")),
            )
        return context


ASSESSMENT_BLOCKS: list[tuple[str, blocks.Block]] = [
    ("quiz", QuizBlock()),
    ("h5p", H5PActivityBlock()),
]
