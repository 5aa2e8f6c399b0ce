from django import forms
from django.core.validators import FileExtensionValidator
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from .package import Limits


class H5PUploadForm(forms.Form):
    """The one field an editor fills in to upload an H5P package."""

    file = forms.FileField(
        label=_("H5P file"),
        validators=[FileExtensionValidator(["h5p"])],
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _(
            "An .h5p file exported from an H5P editor, at most %(max)s. Its "
            "content and libraries are checked before anything is stored."
        ) % {"max": filesizeformat(Limits.from_settings().max_total_bytes)}
