import pytest
from django.core.exceptions import ValidationError

from lms.phone import phone_display, phone_to_e164


@pytest.mark.parametrize(
    "typed",
    ["0912 345 678", "0912345678", "+84 912 345 678", "84912345678", "0912.345.678"],
)
def test_local_formats_are_stored_as_e164(typed):
    assert phone_to_e164(typed) == "+84912345678"


@pytest.mark.parametrize(
    "typed", ["", "0123", "0212345678", "abc", "09123456789", "+1 202 555 0143"]
)
def test_invalid_numbers_are_refused(typed):
    with pytest.raises(ValidationError):
        phone_to_e164(typed)


def test_numbers_are_shown_the_local_way():
    assert phone_display("+84912345678") == "0912 345 678"
