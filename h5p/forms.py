from django import forms
from django.core.validators import FileExtensionValidator
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm

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


class H5PActivityForm(WagtailAdminModelForm):
    """The activity form: packages are offered with their file name and upload
    time, as editors upload one package per version, often under one title."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["package"]
        field.queryset = field.queryset.order_by("-created_at", "-pk")
        field.label_from_instance = lambda package: package.chooser_label()
