"""The lesson block that plays an H5P activity.

It is offered in lessons by the setting ``LMS_LESSON_ASSESSMENT_BLOCKS`` under the name
``"h5p"``; its value is ``{"activity": <H5PActivity id>, "required": bool}``.
"""

from django.conf import settings
from django.middleware.csrf import get_token
from django.templatetags.static import static
from django.utils.translation import gettext_lazy as _
from wagtail.snippets.blocks import SnippetChooserBlock

from courses.assessments import AssessmentBlock


class H5PActivityBlock(AssessmentBlock):
    """An H5P activity inside a lesson: played in place, graded by the server."""

    activity = SnippetChooserBlock("h5p.H5PActivity", label=_("H5P activity"))

    class Meta:
        icon = "media"
        label = _("H5P activity")
        template = "h5p/blocks/h5p_activity_block.html"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Editors choose the activity first, then decide whether it is required.
        self.child_blocks["required"] = self.child_blocks.pop("required")

    def head_links(self, value) -> list[tuple[str, str]]:
        if value.get("activity") is None:
            return []
        links = [("stylesheet", static("h5p/player.css"))]
        if settings.H5P_FRAME_ORIGIN:
            # The frame is a page of another host: its connection is opened
            # while the lesson still arrives.
            links.append(("preconnect", settings.H5P_FRAME_ORIGIN))
        return links

    def get_context(self, value, parent_context=None):
        from . import selectors

        context = super().get_context(value, parent_context=parent_context)
        parent_context = parent_context or {}
        request = parent_context.get("request")
        activity = value.get("activity")
        context["panel"] = None
        # The learner was sent here because the lesson cannot be completed yet.
        context["pending"] = bool(
            request is not None
            and activity is not None
            and request.GET.get("pending") == f"h5p-activity-{activity.pk}"
        )
        if activity is not None and request is not None:
            state = parent_context.get("state")
            context["panel"] = selectors.h5p_activity_panel(
                activity=activity,
                lesson=parent_context.get("page"),
                enrollment=getattr(state, "enrollment", None),
                user=request.user,
                required=bool(value.get("required")),
                csrf_token=get_token(request),
            )
        return context
