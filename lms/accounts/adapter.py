from allauth.account.adapter import DefaultAccountAdapter
from django.utils.translation import gettext as _

from lms.accounts.sms import get_sms_sender
from lms.models import User


class AccountAdapter(DefaultAccountAdapter):
    """Phone numbers live on ``User.phone`` (E.164); codes go through the SMS sender."""

    def send_verification_code_sms(self, user, phone: str, code: str, **kwargs) -> None:
        text = _("Your verification code is %(code)s. Do not share it with anyone.") % {
            "code": code
        }
        get_sms_sender().send(phone=phone, text=text)

    def set_phone(self, user, phone: str, verified: bool) -> None:
        user.phone = phone
        user.phone_verified = verified
        user.save(update_fields=["phone", "phone_verified", "search_key"])

    def get_phone(self, user) -> tuple[str, bool] | None:
        if not user.phone:
            return None
        return user.phone, user.phone_verified

    def set_phone_verified(self, user, phone: str) -> None:
        User.objects.filter(pk=user.pk, phone=phone).update(phone_verified=True)
        user.phone_verified = True

    def get_user_by_phone(self, phone: str):
        return User.objects.filter(phone=phone).order_by("pk").first()
