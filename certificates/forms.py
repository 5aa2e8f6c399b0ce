from django import forms
from django.utils.translation import gettext_lazy as _

from certificates.codes import code_normalize
from lms.converters import id_parse
from lms.text import nfc

MAX_UPLOAD_BYTES = 2 * 1024 * 1024


def certificate_courses():
    from courses.models import CoursePage

    return CoursePage.objects.live().filter(awards_certificate=True).order_by("title")


class CourseChoiceField(forms.ModelChoiceField):
    def to_python(self, value):
        # A course's key is its page link, whose lookup Django does not guard
        # against numbers the database cannot hold: check the id first.
        if value not in self.empty_values and not isinstance(
            value, self.queryset.model
        ):
            try:
                id_parse(value)
            except ValueError as error:
                raise forms.ValidationError(
                    self.error_messages["invalid_choice"], code="invalid_choice"
                ) from error
        return super().to_python(value)

    def label_from_instance(self, obj) -> str:
        return obj.title


class VerifyForm(forms.Form):
    code = forms.CharField(
        label=_("Certificate code"),
        max_length=64,
        help_text=_("15 letters and digits, as printed under the QR code."),
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters"}
        ),
    )

    def clean_code(self) -> str:
        code = code_normalize(self.cleaned_data["code"])
        if code is None:
            raise forms.ValidationError(
                _(
                    "This is not a certificate code. Check each of the 15 "
                    "characters against the certificate."
                ),
                code="malformed",
            )
        return code


class RevokeForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Anyone who checks the certificate sees this reason."),
    )

    def clean_reason(self) -> str:
        return nfc(self.cleaned_data["reason"])


class PeopleFilterForm(forms.Form):
    course = CourseChoiceField(
        label=_("Course"), queryset=certificate_courses(), required=False
    )
    q = forms.CharField(
        label=_("Search people"),
        required=False,
        max_length=100,
        help_text=_("Name, phone number or email; accents are optional."),
    )


class IssueSelectionForm(forms.Form):
    course = CourseChoiceField(label=_("Course"), queryset=certificate_courses())
    people = forms.TypedMultipleChoiceField(
        coerce=id_parse,
        required=False,
        choices=(),
        label=_("People"),
        error_messages={
            "invalid_choice": _(
                "The ticked people could not be read. Reload the page and tick "
                "them again."
            )
        },
    )
    everyone = forms.BooleanField(
        label=_("Everyone matching the search"), required=False
    )
    q = forms.CharField(required=False, max_length=100)
    reason = forms.CharField(label=_("Reason"), required=False, max_length=255)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Which ids are allowed is decided by the service's scope check.
        self.fields["people"].valid_value = lambda value: True

    def clean(self):
        cleaned = super().clean()
        if (
            not cleaned.get("everyone")
            and not cleaned.get("people")
            and "people" not in self.errors
        ):
            raise forms.ValidationError(
                _("Tick the people to issue certificates to, or choose everyone."),
                code="nobody",
            )
        return cleaned


class UploadForm(forms.Form):
    course = CourseChoiceField(label=_("Course"), queryset=certificate_courses())
    file = forms.FileField(
        label=_("List of people (CSV)"),
        help_text=_(
            "One person per row: a mobile number or an email address. Other "
            "columns are ignored. Save from a spreadsheet as “CSV UTF-8”."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        max_length=255,
        help_text=_("For example: in-person training on 12/08/2025."),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                _("The file is larger than 2 MB; split the list."), code="too_big"
            )
        return upload


class CertificateFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=100,
        help_text=_("A certificate code, or a name, phone number or email."),
    )
    course = CourseChoiceField(
        label=_("Course"), queryset=certificate_courses(), required=False
    )


class HouseholdIssueForm(forms.Form):
    """A course, and the residents of one household who get its certificate."""

    course = CourseChoiceField(
        label=_("Course"),
        queryset=certificate_courses(),
        error_messages={
            "required": _("Choose the course the residents were trained in."),
            "invalid_choice": _(
                "This course does not award certificates any more. Choose another."
            ),
        },
    )
    residents = forms.TypedMultipleChoiceField(
        coerce=int,
        label=_("Residents"),
        error_messages={
            "required": _("Tick at least one resident."),
            "invalid_choice": _(
                "A ticked resident is not in this household any more. Reload the "
                "page and tick them again."
            ),
        },
    )
    reason = forms.CharField(
        label=_("Training"),
        required=False,
        max_length=255,
        help_text=_("For example: in-person training at the cultural house, 12/08."),
    )

    def __init__(self, *args, residents, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["residents"].choices = [
            (resident.pk, resident.full_name) for resident in residents
        ]

    def clean_reason(self) -> str:
        return nfc(self.cleaned_data["reason"])
