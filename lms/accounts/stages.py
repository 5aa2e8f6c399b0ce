"""Login stages that adapt allauth's verification steps to "phone OR email" accounts.

The adapter puts these in place of allauth's own stages (``get_login_stages``); they
keep allauth's stage keys, so allauth's views find them unchanged.
"""

import time

from allauth.account import app_settings, stages
from allauth.account.adapter import get_adapter
from allauth.account.internal.stagekit import clear_login
from allauth.account.models import EmailAddress
from allauth.core.internal.httpkit import headed_redirect_response
from django.contrib import messages
from django.utils.translation import gettext as _


class EmailVerificationStage(stages.EmailVerificationStage):
    """Ask for an email code only when an email address is how the person got in.

    Email verification is mandatory, and allauth applies it to every login. Someone
    who signed up with a mobile number has no address to verify: their number is
    proven by SMS in the phone verification stage instead. Nor is someone who logs
    in with their confirmed number stopped because an address they added later is
    still unconfirmed (a mistyped address would lock them out).
    """

    def handle(self):
        user = self.login.user
        if (
            user is not None
            and not self.login.email
            and (user.phone_verified or not _has_email(user))
        ):
            return None, True
        return super().handle()


class PhoneVerificationStage(stages.PhoneVerificationStage):
    """Send people whose sign-up code expired or failed to where they get a new one.

    allauth drops the pending sign-up and shows the login page without a word. The
    account exists by then (unverified), so a login code sent to the same number both
    logs the person in and verifies the number.
    """

    def abort(self):
        clear_login(self.request)
        started = self.state.get("at")
        if started and time.time() - started > app_settings.PHONE_VERIFICATION_TIMEOUT:
            get_adapter(self.request).add_message(
                self.request,
                messages.ERROR,
                message=_(
                    "Your code has expired. Enter your mobile number again and we "
                    "will send you a new code."
                ),
            )
        return headed_redirect_response("account_request_login_code")


def _has_email(user) -> bool:
    return bool(user.email) or EmailAddress.objects.filter(user_id=user.pk).exists()
