"""StreamField blocks that lessons are written with."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.embeds.blocks import EmbedBlock
from wagtail.images.blocks import ImageChooserBlock

from courses import videos

RICH_TEXT_FEATURES = ["h2", "h3", "bold", "italic", "ol", "ul", "link", "hr"]


class ImageBlock(blocks.StructBlock):
    image = ImageChooserBlock(label=_("Image"))
    caption = blocks.CharBlock(label=_("Caption"), required=False, max_length=250)
    alt_text = blocks.CharBlock(
        label=_("Text alternative"),
        required=False,
        max_length=250,
        help_text=_("Describe the picture for people who cannot see it."),
    )

    class Meta:
        icon = "image"
        label = _("Image with caption")
        template = "courses/blocks/image_block.html"


class VideoBlock(blocks.StructBlock):
    """A video, either uploaded (as a document) with a poster, or embedded by URL."""

    video_file = DocumentChooserBlock(
        label=_("Video file"),
        required=False,
        help_text=_(
            "An MP4 or WebM video uploaded to the documents library. Learners "
            "watch it in the lesson only; it is never public."
        ),
    )
    poster = ImageChooserBlock(
        label=_("Poster image"),
        required=False,
        help_text=_("Shown before the video plays."),
    )
    embed = EmbedBlock(
        label=_("Or embed from a video site"),
        required=False,
        help_text=_("For example a YouTube address."),
    )
    caption = blocks.CharBlock(label=_("Caption"), required=False, max_length=250)

    class Meta:
        icon = "media"
        label = _("Video")
        template = "courses/blocks/video_block.html"

    def clean(self, value):
        cleaned = super().clean(value)
        document = cleaned.get("video_file")
        if bool(document) == bool(cleaned.get("embed")):
            raise self._refused(
                _("Choose either an uploaded video file or an embed address.")
            )
        if document and not videos.is_video(document):
            raise self._refused(
                _(
                    "“%(title)s” is not a video. Choose an MP4 or WebM video; "
                    "upload it first under Documents if it is not there yet."
                )
                % {"title": document.title}
            )
        return cleaned

    @staticmethod
    def _refused(message) -> blocks.StructBlockValidationError:
        return blocks.StructBlockValidationError(
            block_errors={"video_file": ValidationError(message)}
        )

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context=parent_context)
        document = value.get("video_file")
        if document is not None and videos.is_video(document):
            parent = parent_context or {}
            request = parent.get("request")
            lesson = parent.get("page")
            context["video"] = videos.VideoSource(
                document,
                lesson_id=None
                if getattr(request, "is_preview", False) or lesson is None
                else lesson.pk,
            )
        return context


class StepBlock(blocks.StructBlock):
    text = blocks.RichTextBlock(
        label=_("What to do"), features=["bold", "italic", "link"]
    )
    screenshot = ImageChooserBlock(label=_("Screenshot"), required=False)

    class Meta:
        icon = "list-ol"
        label = _("Step")


class StepsBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("Title"), required=False, max_length=200)
    steps = blocks.ListBlock(StepBlock(), label=_("Steps"), min_num=1)

    class Meta:
        icon = "list-ol"
        label = _("Step-by-step instructions")
        template = "courses/blocks/steps_block.html"


class CalloutBlock(blocks.StructBlock):
    kind = blocks.ChoiceBlock(
        label=_("Kind"),
        choices=[("tip", _("Tip")), ("warning", _("Warning"))],
        default="tip",
    )
    text = blocks.RichTextBlock(label=_("Text"), features=["bold", "italic", "link"])

    class Meta:
        icon = "warning"
        label = _("Tip or warning")
        template = "courses/blocks/callout_block.html"


class LessonBodyBlocks:
    """The blocks a lesson body offers, as ``StreamField`` iterates them.

    The lesson's own blocks, then the assessment blocks other apps provide, named
    in ``settings.LMS_LESSON_ASSESSMENT_BLOCKS`` as ``(name, dotted class path)``.
    Wagtail builds a stream's blocks the first time it needs them, after every app
    has loaded, so the classes are imported then and this app imports none of the
    apps above it. Changing the list changes ``LessonPage.body``, so it needs a
    migration of this app.
    """

    def __iter__(self):
        yield "text", blocks.RichTextBlock(label=_("Text"), features=RICH_TEXT_FEATURES)
        yield "image", ImageBlock()
        yield "video", VideoBlock()
        yield "steps", StepsBlock()
        yield "callout", CalloutBlock()
        for name, path in settings.LMS_LESSON_ASSESSMENT_BLOCKS:
            yield name, import_string(path)()
