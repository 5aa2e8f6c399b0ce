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
