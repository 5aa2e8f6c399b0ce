"""Vietnamese phone numbers: typed locally (0912 345 678), stored as E.164."""

import phonenumbers
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

_MOBILE_TYPES = {
    phonenumbers.PhoneNumberType.MOBILE,
    phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
}
INVALID_PHONE_MESSAGE = _(
    "Enter a valid Vietnamese mobile number, for example 0912 345 678."
)


def phone_to_e164(raw: str) -> str:
    """Parse a number typed in Vietnam and return it as E.164 (+84912345678).

    Raises ``ValidationError`` unless it is a valid Vietnamese mobile number.
    """
    text = (raw or "").strip()
    if not text:
        raise ValidationError(INVALID_PHONE_MESSAGE, code="invalid_phone")
    try:
        number = phonenumbers.parse(text, "VN")
    except phonenumbers.NumberParseException as exc:
        raise ValidationError(INVALID_PHONE_MESSAGE, code="invalid_phone") from exc
    # One-time codes go by SMS, so only numbers that can receive one are accepted.
    if (
        not phonenumbers.is_valid_number(number)
        or phonenumbers.region_code_for_number(number) != "VN"
        or phonenumbers.number_type(number) not in _MOBILE_TYPES
    ):
        raise ValidationError(INVALID_PHONE_MESSAGE, code="invalid_phone")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def phone_display(e164: str) -> str:
    """Show a stored number the way people in Vietnam write it: 0912 345 678."""
    if not e164:
        return ""
    try:
        number = phonenumbers.parse(e164, "VN")
    except phonenumbers.NumberParseException:
        return e164
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
