"""Consent in the sign-up form, and the answer asked again when the notice changes."""

from django import forms
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from community_teams.models import Consent
from lms.accounts.forms import SignupForm
from privacy.models import DataRequest
from privacy.selectors import notice_version_latest
from privacy.services import (
    CERTIFICATES_KEEP,
    CERTIFICATES_REVOKE,
    account_consent_record,
)


class ConsentSignupForm(SignupForm):
    """Sign-up with the short privacy notice and an explicit, unticked consent box.

    The account and its consent are saved together, after every field is valid:
    without the box ticked nothing about the person is stored.
    """

    privacy_consent = forms.BooleanField(
        label=_(
            "I have read the privacy notice and agree that my data is used as it says."
        ),
        required=True,
        error_messages={
            "required": _(
                "Tick the box to agree to the privacy notice: an account cannot be "
                "created without it."
            )
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.notice = notice_version_latest()

    def save(self, request):
        with transaction.atomic():
            return super().save(request)

    def signup(self, request, user) -> None:
        account_consent_record(
            user=user, given=True, method=Consent.Method.ONLINE_SIGNUP, request=request
        )


class ConsentAnswerForm(forms.Form):
    answer = forms.ChoiceField(
        choices=[("agree", _("I agree")), ("refuse", _("I do not agree"))],
        error_messages={"required": _("Choose whether you agree.")},
    )


class AccountDeleteForm(forms.Form):
    certificates = forms.ChoiceField(
        label=_("Your certificates"),
        choices=[
            (
                CERTIFICATES_KEEP,
                _("Keep them verifiable as issued, without my name"),
            ),
            (CERTIFICATES_REVOKE, _("Revoke them")),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose what happens to your certificates.")},
    )
    confirm = forms.BooleanField(
        label=_("I understand that my account cannot be recovered."),
        error_messages={
            "required": _("Tick the box to confirm that you want to delete it.")
        },
    )


class DataRequestForm(forms.Form):
    kind = forms.ChoiceField(label=_("Request"), choices=DataRequest.Kind.choices)
    commune = forms.ModelChoiceField(
        label=_("Commune"),
        queryset=None,
        error_messages={"invalid_choice": _("Choose one of your communes.")},
    )
    person_name = forms.CharField(label=_("Person's name"), max_length=150)
    contact = forms.CharField(
        label=_("How to reach them"),
        max_length=150,
        required=False,
        help_text=_("A phone number or an address for the answer."),
    )
    identity_check = forms.ChoiceField(
        label=_("How their identity was checked"),
        choices=DataRequest.IdentityCheck.choices,
        help_text=_("Never keep a copy or a photo of an identity document."),
    )
    details = forms.CharField(
        label=_("What they ask"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, communes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["commune"].queryset = communes


class DataRequestAnswerForm(forms.Form):
    answer = forms.CharField(
        label=_("Answer given to the person"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("Write the answer given to the person.")},
    )


class BreachForm(forms.Form):
    province = forms.ModelChoiceField(
        label=_("Province"),
        queryset=None,
        error_messages={"invalid_choice": _("Choose one of your provinces.")},
    )
    commune = forms.ModelChoiceField(
        label=_("Commune"),
        queryset=None,
        required=False,
        empty_label=_("The whole province"),
        error_messages={
            "invalid_choice": _("Choose one of your communes."),
            "required": _("Choose the commune where it happened."),
        },
    )
    summary = forms.CharField(
        label=_("What happened"),
        max_length=300,
        help_text=_("For example: a team member's phone with the roster was lost."),
        error_messages={"required": _("Say what happened.")},
    )
    discovered_at = forms.DateTimeField(
        label=_("Discovered at"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        input_formats=["%Y-%m-%dT%H:%M", "%d/%m/%Y %H:%M"],
        help_text=_("The authority must be notified within 72 hours of this time."),
        error_messages={
            "required": _("Give the day and time it was discovered."),
            "invalid": _("Give the day and time as dd/mm/yyyy hh:mm."),
        },
    )
    data_concerned = forms.CharField(
        label=_("What data"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Names, phone numbers, addresses, health… say which."),
        error_messages={"required": _("Say which data is concerned.")},
    )
    people_concerned = forms.CharField(
        label=_("Whose data"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("For example: the households of hamlet 3."),
        error_messages={"required": _("Say whose data is concerned.")},
    )
    people_count = forms.IntegerField(
        label=_("About how many people"),
        min_value=0,
        max_value=100_000_000,
        error_messages={
            "required": _("Give about how many people are concerned (0 if unknown)."),
            "invalid": _("Give a whole number."),
            "min_value": _("The number of people cannot be negative."),
            "max_value": _("That is more people than live in Viet Nam."),
        },
    )
    measures = forms.CharField(
        label=_("What was done about it"),
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, provinces, communes, whole_province: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["province"].queryset = provinces
        self.fields["commune"].queryset = communes
        if not whole_province:
            # A commune's official records what happened in their commune.
            self.fields["commune"].required = True
            self.fields["commune"].empty_label = None
        if provinces.count() == 1:
            self.fields["province"].initial = provinces.first()

    def clean(self):
        data = super().clean()
        commune, province = data.get("commune"), data.get("province")
        if commune is not None and province is not None:
            if commune.province_id != province.pk:
                self.add_error("commune", _("This commune is in another province."))
        return data


class BreachNotifyForm(forms.Form):
    authority = forms.CharField(
        label=_("Authority notified"),
        max_length=200,
        initial=_(
            "Department of Cybersecurity and High-Tech Crime Prevention (A05), "
            "Ministry of Public Security"
        ),
        error_messages={"required": _("Name the authority that was notified.")},
    )
    notified_at = forms.DateTimeField(
        label=_("Notified at"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        input_formats=["%Y-%m-%dT%H:%M", "%d/%m/%Y %H:%M"],
        error_messages={
            "required": _("Give the day and time the notification was sent."),
            "invalid": _("Give the day and time as dd/mm/yyyy hh:mm."),
        },
    )
    notification_text = forms.CharField(
        label=_("Notification sent"),
        max_length=8000,
        widget=forms.Textarea(attrs={"rows": 10}),
        error_messages={"required": _("Give the text that was sent.")},
    )
    informed = forms.CharField(
        label=_("Who else was informed"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("The people concerned, the province's department, the police…"),
    )
