"""StreamField blocks that lessons are written with."""

from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.embeds.blocks import EmbedBlock
from wagtail.images.blocks import ImageChooserBlock

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
        help_text=_("An MP4 or WebM file uploaded to the documents library."),
    )
    poster = ImageChooserBlock(label=_("Poster image"), required=False)
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
        if bool(cleaned.get("video_file")) == bool(cleaned.get("embed")):
            raise blocks.StructBlockValidationError(
                block_errors={
                    "video_file": blocks.BlockValidationError(
                        _("Choose either an uploaded video file or an embed address.")
                    )
                }
            )
        return cleaned


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


def lesson_body_blocks() -> list[tuple[str, blocks.Block]]:
    """The blocks a lesson body offers. Assessment blocks come from the quizzes app."""
    from quizzes.blocks import ASSESSMENT_BLOCKS

    return [
        (
            "text",
            blocks.RichTextBlock(label=_("Text"), features=RICH_TEXT_FEATURES),
        ),
        ("image", ImageBlock()),
        ("video", VideoBlock()),
        ("steps", StepsBlock()),
        ("callout", CalloutBlock()),
        *ASSESSMENT_BLOCKS,
    ]
