"""Reads of people and roles across models."""

from django.core.exceptions import ValidationError

from lms import permissions
from lms.phone import phone_to_e164
from lms.text import fold


def search_by_key(queryset, query: str, *, path: str = ""):
    """Rows whose folded ``search_key`` contains every word of ``query``.

    Accents and case do not matter: "phuong ben thanh" finds "Phường Bến Thành".
    ``path`` leads to the model that has the key, e.g. ``"user__"``.
    """
    for word in fold(query).split():
        queryset = queryset.filter(**{f"{path}search_key__contains": word})
    return queryset


def people_search(queryset, query: str, *, path: str = ""):
    """People by name, email or phone number, however the number is typed.

    A whole number ("0912 345 678") matches exactly; a part of one typed locally
    ("0912345") matches the stored international form (+84912345…).
    """
    try:
        phone = phone_to_e164(query)
    except ValidationError:
        phone = None
    if phone:
        return queryset.filter(**{f"{path}phone": phone})
    words = [
        word[1:] if word.isdigit() and word.startswith("0") else word
        for word in fold(query).split()
    ]
    return search_by_key(queryset, " ".join(words), path=path)


def role_holder_list(*, viewer):
    """Who holds which role in the places ``viewer`` manages, ready to list."""
    return permissions.role_assignments_managed_by(viewer).select_related(
        "user", "team__commune", "commune", "province"
    )


def role_change_list(*, viewer):
    """The grants and withdrawals ``viewer`` may read, newest first."""
    return permissions.role_changes_visible_to(viewer).select_related(
        "commune", "province"
    )
