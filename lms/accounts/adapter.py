"""How allauth stores phone numbers, sends codes and speaks to people on this site."""

import logging
import uuid

from allauth.account import app_settings
from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.core.ratelimit import respond_429
from allauth.utils import build_absolute_uri
from django.db import IntegrityError, transaction
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lms.accounts.forms import PhoneField
from lms.accounts.signals import phone_verified
from lms.accounts.sms import SmsError, get_sms_sender
from lms.models import User
from lms.phone import phone_display
from lms.text import nfc

logger = logging.getLogger(__name__)

# allauth has no Vietnamese catalogue, so every message it can show is restated here
# with wording of our own (same keys as DefaultAccountAdapter.error_messages).
ERROR_MESSAGES = {
    "account_inactive": gettext_lazy("This account has been closed."),
    "cannot_remove_primary_email": gettext_lazy(
        "You cannot remove your main email address."
    ),
    "duplicate_email": gettext_lazy("This email address is already in your account."),
    "email_password_mismatch": gettext_lazy(
        "The email address or the password is not correct."
    ),
    "phone_password_mismatch": gettext_lazy(
        "The mobile number or the password is not correct."
    ),
    "username_password_mismatch": gettext_lazy(
        "The email address or the password is not correct."
    ),
    "email_taken": gettext_lazy("Another account already uses this email address."),
    "enter_current_password": gettext_lazy("Type your current password."),
    "incorrect_code": gettext_lazy(
        "This code is not correct. Check the message we sent you and try again."
    ),
    "incorrect_password": gettext_lazy("The password is not correct."),
    "invalid_or_expired_key": gettext_lazy(
        "This link is not valid any more. Ask for a new one."
    ),
    "invalid_login": gettext_lazy("Enter your mobile number or your email address."),
    "invalid_password_reset": gettext_lazy(
        "This password reset link is not valid any more. Ask for a new one."
    ),
    "max_email_addresses": gettext_lazy("You cannot add more than %d email addresses."),
    "phone_taken": gettext_lazy("Another account already uses this mobile number."),
    "too_many_login_attempts": gettext_lazy(
        "Too many attempts. Wait a few minutes, then try again or ask for a new code."
    ),
    "unknown_email": gettext_lazy("No account uses this email address."),
    "unknown_phone": gettext_lazy("No account uses this mobile number."),
    "unverified_primary_email": gettext_lazy("Confirm your main email address first."),
    "username_blacklisted": gettext_lazy("This name cannot be used."),
    "username_taken": gettext_lazy("This name is already taken."),
    "select_only_one": gettext_lazy(
        "Enter either a mobile number or an email address, not both."
    ),
    "same_as_current": gettext_lazy("The new value is the same as the current one."),
    "rate_limited": gettext_lazy(
        "Please wait a little: you have asked for codes too often."
    ),
}

# Emails that carry a code say how long it stays valid.
CODE_LIFETIME_SETTINGS = {
    "account/email/email_confirmation": "EMAIL_VERIFICATION_BY_CODE_TIMEOUT",
    "account/email/email_confirmation_signup": "EMAIL_VERIFICATION_BY_CODE_TIMEOUT",
    "account/email/login_code": "LOGIN_BY_CODE_TIMEOUT",
}


class AccountAdapter(DefaultAccountAdapter):
    """Phone numbers live on ``User.phone`` (E.164); codes go through the SMS sender."""

    error_messages = ERROR_MESSAGES

    def get_login_stages(self) -> list[str]:
        ours = {
            "allauth.account.stages.EmailVerificationStage": (
                "lms.accounts.stages.EmailVerificationStage"
            ),
            "allauth.account.stages.PhoneVerificationStage": (
                "lms.accounts.stages.PhoneVerificationStage"
            ),
        }
        return [ours.get(path, path) for path in super().get_login_stages()]

    def populate_username(self, request, user) -> None:
        # People never see or type ``username``; it only has to be unique.
        if not user.username:
            user.username = f"u{uuid.uuid4().hex[:20]}"

    def save_user(self, request, user, form, commit=True):
        user.full_name = nfc(form.cleaned_data.get("full_name", ""))
        phone = form.cleaned_data.get("phone")
        if phone:
            # Set before the first INSERT so the unique index, not a later UPDATE,
            # catches a second sign-up with the same number.
            user.phone, user.phone_verified = phone, False
        try:
            with transaction.atomic():
                return super().save_user(request, user, form, commit=commit)
        except IntegrityError:
            if not phone or not User.objects.filter(phone=phone).exists():
                raise
            # Two submissions of the same sign-up raced each other (a double tap);
            # the other one created the account.
            raise ImmediateHttpResponse(respond_429(request)) from None

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        lifetime = CODE_LIFETIME_SETTINGS.get(template_prefix)
        if lifetime:
            context = {
                **context,
                "minutes_valid": getattr(app_settings, lifetime) // 60,
            }
        super().send_mail(template_prefix, email, context)

    def phone_form_field(self, **kwargs) -> PhoneField:
        kwargs.pop("label", None)
        return PhoneField(**kwargs)

    def add_message(
        self,
        request,
        level,
        message_template=None,
        message_context=None,
        extra_tags="",
        message=None,
    ) -> None:
        if message_context:
            message_context = {
                key: phone_display(value)
                if key in {"phone", "recipient"} and str(value).startswith("+")
                else value
                for key, value in message_context.items()
            }
        super().add_message(
            request,
            level,
            message_template=message_template,
            message_context=message_context,
            extra_tags=extra_tags,
            message=message,
        )

    def send_verification_code_sms(self, user, phone: str, code: str, **kwargs) -> None:
        text = _("Your code is %(code)s. Do not share it with anyone.") % {"code": code}
        self._send_sms(phone, text)

    def send_account_already_exists_sms(self, phone: str) -> None:
        # Sent instead of a code when someone signs up with a number that already has
        # an account, so the page itself reveals nothing about the number.
        text = _(
            "This number already has an account. To log in, ask for a login code "
            "at %(url)s"
        ) % {"url": self._absolute_url("account_request_login_code")}
        self._send_sms(phone, text)

    def send_unknown_account_sms(self, phone: str, **kwargs) -> None:
        text = _("No account uses this number yet. You can sign up at %(url)s") % {
            "url": self._absolute_url("account_signup")
        }
        self._send_sms(phone, text)

    def set_phone(self, user, phone: str, verified: bool) -> None:
        user.phone = phone
        user.phone_verified = verified
        user.save(update_fields=["phone", "phone_verified", "search_key"])
        if verified:
            phone_verified.send(sender=User, user=user, phone=phone)

    def get_phone(self, user) -> tuple[str, bool] | None:
        if not user.phone:
            return None
        return user.phone, user.phone_verified

    def set_phone_verified(self, user, phone: str) -> None:
        changed = User.objects.filter(pk=user.pk, phone=phone).update(
            phone_verified=True
        )
        user.phone_verified = True
        if changed:
            phone_verified.send(sender=User, user=user, phone=phone)

    def get_user_by_phone(self, phone: str):
        return User.objects.filter(phone=phone).order_by("pk").first()

    def _send_sms(self, phone: str, text: str) -> None:
        try:
            get_sms_sender().send(phone=phone, text=text)
        except SmsError:
            logger.exception("The SMS gateway refused a message to %s", phone)
            request = allauth_context.request
            raise ImmediateHttpResponse(
                render(request, "account/sms_failed.html", status=503)
            ) from None

    def _absolute_url(self, name: str) -> str:
        return build_absolute_uri(allauth_context.request, reverse(name))
