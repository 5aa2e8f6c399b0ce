from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _
from wagtail.documents.forms import BaseDocumentForm

from courses import videos
from courses.models import Topic
from lms.text import nfc


class CourseFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Search courses"),
        required=False,
        max_length=100,
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": _("For example: dich vu cong")}
        ),
    )
    topic = forms.ChoiceField(
        label=_("Topic"),
        required=False,
        choices=[("", _("All topics")), *Topic.choices],
    )

    def clean_q(self) -> str:
        return nfc(self.cleaned_data["q"])


class DocumentForm(BaseDocumentForm):
    """Wagtail's document form (``WAGTAILDOCS_DOCUMENT_FORM_BASE``), taking videos.

    A file named ``.mp4`` or ``.webm`` must hold that video (:mod:`courses.videos`);
    other video formats are refused with what to convert them to. Wagtail's admin
    builds every upload form from this one: the single and multiple uploaders and
    the chooser's upload tab.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields.get("file")
        if field is None:
            return
        limit = filesizeformat(field.max_upload_size)
        field.help_text = _(
            "A handout (PDF, Word, Excel, CSV, text) or a lesson video (MP4 or "
            "WebM), at most %(limit)s."
        ) % {"limit": limit}
        field.error_messages["empty"] = _(
            "This file is empty (0 bytes). Choose the file again; if it stays "
            "empty, save or export it again first."
        )
        field.error_messages["file_too_large"] = _(
            "This file is %(file_size)s; a file may be at most %(max_filesize)s. "
            "Shorten a video or export it at a lower resolution (720p is plenty on "
            "a phone)."
        )
        field.error_messages["file_too_large_unknown_size"] = _(
            "This file is too large; a file may be at most %(max_filesize)s."
        ) % {"max_filesize": limit}

    def clean_file(self):
        file = self.cleaned_data["file"]
        if not isinstance(file, UploadedFile):
            return file
        refusal = videos.other_video_refusal(file.name)
        if refusal is not None:
            raise refusal
        if videos.extension(file.name) in videos.CONTENT_TYPES:
            videos.video_validate(file, name=file.name, size=file.size)
        return file

    def _update_errors(self, errors):
        # Wagtail's model check of the extension also runs after the file was
        # refused above, on no file at all ("File extension “” is not allowed").
        if self.has_error("file") and hasattr(errors, "error_dict"):
            errors.error_dict.pop("file", None)
            if not errors.error_dict:
                return
        super()._update_errors(errors)
