from django import template

from lms.phone import phone_display

register = template.Library()


@register.filter
def phone_local(e164: str) -> str:
    """A stored number as people in Vietnam write it: 0912 345 678."""
    return phone_display(e164)
