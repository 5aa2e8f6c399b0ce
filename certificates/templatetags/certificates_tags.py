from django import template

from lms.phone import phone_display

register = template.Library()


@register.filter
def contact(person) -> str:
    """How an issuer recognises a person: the phone as written locally, or email."""
    return phone_display(person.phone) if person.phone else person.email or ""
