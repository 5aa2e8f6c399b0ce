"""Forms for signing up and logging in, plugged into allauth through ``ACCOUNT_FORMS``.

allauth's own forms accept phone numbers only in E.164 and carry allauth's English
labels; these subclasses accept numbers typed the Vietnamese way, use our wording and
give every input the attributes a cheap phone needs (numeric keypad, one-time-code
autofill).
"""

from allauth.account import app_settings as allauth_settings
from allauth.account import forms as allauth_forms
from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext_lazy as _

from lms.phone import INVALID_PHONE_MESSAGE, phone_display, phone_to_e164
from lms.text import nfc


class PhoneField(forms.CharField):
    """A Vietnamese mobile number typed locally (0912 345 678) -> ``+84912345678``."""

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Mobile phone number"))
        kwargs.setdefault("max_length", 20)
        kwargs.setdefault(
            "widget",
            forms.TextInput(
                attrs={
                    "type": "tel",
                    "inputmode": "tel",
                    "autocomplete": "tel",
                    "placeholder": "0912 345 678",
                }
            ),
        )
        super().__init__(**kwargs)

    def to_python(self, value):
        value = super().to_python(value)
        if value in self.empty_values:
            return value
        e164 = phone_to_e164(value)
        # Codes go only to Vietnamese numbers: an SMS abroad costs many times more
        # and is a favourite of SMS-pumping fraud.
        if not e164.startswith("+84"):
            raise ValidationError(INVALID_PHONE_MESSAGE, code="invalid_phone")
        return e164


def _code_widget_attrs(field: forms.Field) -> None:
    field.label = _("6-digit code")
    field.widget.attrs = {
        "inputmode": "numeric",
        "autocomplete": "one-time-code",
        "autocapitalize": "off",
        "spellcheck": "false",
        # Room for a code typed as "123 456" or "123-456": separators are ignored.
        "maxlength": "12",
    }


def _email_widget_attrs(field: forms.Field) -> None:
    field.label = _("Email address")
    field.widget.attrs.update(
        {"type": "email", "autocomplete": "email", "placeholder": "ten@example.vn"}
    )


def _password_widget_attrs(field: forms.Field, label, autocomplete: str) -> None:
    field.label = label
    field.widget.attrs = {"autocomplete": autocomplete}


class SignupForm(allauth_forms.SignupForm):
    """Sign up with a mobile number (confirmed by SMS) or an email address.

    A phone sign-up needs no password: the person logs in with a one-time code. An
    email sign-up needs a password, and the address is confirmed with a code sent by
    email. Exactly one of the two is asked for, so each person has one way in that
    they have proven they own.
    """

    full_name = forms.CharField(
        label=_("Full name"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
        help_text=_("As it should appear on your certificates."),
    )
    field_order = ["full_name", "phone", "email", "password1"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["phone"].help_text = _(
            "We will send a 6-digit code to this number by SMS."
        )
        email = self.fields["email"]
        email.required = False
        email.widget.is_required = False
        _email_widget_attrs(email)
        password = self.fields["password1"]
        password.required = False
        _password_widget_attrs(password, _("Password"), "new-password")

    def clean_full_name(self) -> str:
        return nfc(self.cleaned_data["full_name"])

    def clean(self):
        cleaned_data = super().clean()
        phone = cleaned_data.get("phone")
        email = cleaned_data.get("email")
        if self.has_error("phone") or self.has_error("email"):
            return cleaned_data
        if phone and email:
            self.add_error(
                "email",
                _(
                    "Enter either a mobile number or an email address, not both. "
                    "You can add the other one later in your profile."
                ),
            )
        elif not phone and not email:
            self.add_error(
                "phone",
                _("Enter your mobile phone number, or sign up with an email address."),
            )
        elif email and not cleaned_data.get("password1"):
            if not self.has_error("password1"):
                self.add_error(
                    "password1",
                    _("Choose a password to log in with your email address."),
                )
        return cleaned_data


class LoginForm(allauth_forms.LoginForm):
    """Log in with a password, by email address or mobile number."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        login = self.fields["login"]
        login.label = _("Email address or mobile number")
        login.widget.attrs = {"autocomplete": "username"}
        _password_widget_attrs(
            self.fields["password"], _("Password"), "current-password"
        )

    def clean_login(self) -> str:
        value = super().clean_login()
        if "@" in value:
            try:
                validate_email(value)
            except ValidationError:
                raise ValidationError(
                    _("Enter a valid email address or mobile number."),
                    code="invalid_login",
                ) from None
            return value.lower()
        try:
            return phone_to_e164(value)
        except ValidationError:
            raise ValidationError(
                _("Enter a valid email address or mobile number."),
                code="invalid_login",
            ) from None


class RequestLoginCodeForm(allauth_forms.RequestLoginCodeForm):
    """Ask for a one-time login code by SMS (mobile number) or by email."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _email_widget_attrs(self.fields["email"])

    def clean(self):
        cleaned_data = super().clean()
        if not self.errors and not (
            cleaned_data.get("phone") or cleaned_data.get("email")
        ):
            # allauth would start a login with neither and fail with a server error.
            raise ValidationError(
                _("Enter your mobile phone number or your email address."),
                code="required",
            )
        return cleaned_data


class _CodeFormMixin:
    """A 6-digit code field that opens the numeric keypad and accepts SMS autofill."""

    timeout_setting: str  # the allauth setting giving the code's lifetime

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _code_widget_attrs(self.fields["code"])

    @property
    def minutes_valid(self) -> int:
        return getattr(allauth_settings, self.timeout_setting) // 60


class ConfirmLoginCodeForm(_CodeFormMixin, allauth_forms.ConfirmLoginCodeForm):
    timeout_setting = "LOGIN_BY_CODE_TIMEOUT"


class ConfirmEmailVerificationCodeForm(
    _CodeFormMixin, allauth_forms.ConfirmEmailVerificationCodeForm
):
    timeout_setting = "EMAIL_VERIFICATION_BY_CODE_TIMEOUT"


class VerifyPhoneForm(_CodeFormMixin, allauth_forms.VerifyPhoneForm):
    timeout_setting = "PHONE_VERIFICATION_TIMEOUT"

    @property
    def phone_local(self) -> str:
        return phone_display(self.phone) if self.phone else ""


class ChangePhoneForm(allauth_forms.ChangePhoneForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["phone"].label = _("New mobile phone number")

    @property
    def current_phone_local(self) -> str:
        return phone_display(self.phone) if self.phone else ""


class AddEmailForm(allauth_forms.AddEmailForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _email_widget_attrs(self.fields["email"])


class ResetPasswordForm(allauth_forms.ResetPasswordForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _email_widget_attrs(self.fields["email"])


class _NewPasswordMixin:
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _password_widget_attrs(
            self.fields["password1"], _("New password"), "new-password"
        )
        _password_widget_attrs(
            self.fields["password2"], _("New password (again)"), "new-password"
        )

    def clean(self):
        first = self.cleaned_data.get("password1")
        second = self.cleaned_data.get("password2")
        if first and second and first != second:
            # Said here rather than by allauth, whose wording has no Vietnamese.
            self.add_error("password2", _("The two passwords are not the same."))
            return self.cleaned_data
        return super().clean()


class ResetPasswordKeyForm(_NewPasswordMixin, allauth_forms.ResetPasswordKeyForm):
    pass


class SetPasswordForm(_NewPasswordMixin, allauth_forms.SetPasswordForm):
    pass


class ChangePasswordForm(_NewPasswordMixin, allauth_forms.ChangePasswordForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _password_widget_attrs(
            self.fields["oldpassword"], _("Current password"), "current-password"
        )


class ReauthenticateForm(allauth_forms.ReauthenticateForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _password_widget_attrs(
            self.fields["password"], _("Password"), "current-password"
        )
