"""Authentication backends: Django's and allauth's, loading the signed-in user cheaply.

Every signed-in request loads its user from the session's user id. Django's
``ModelBackend.get_user`` builds an ORM query for it each time, which costs several
times more than running it; these backends run the same query as plain SQL (all the
user's fields, converted as the ORM would) and keep every other behaviour: an
inactive user is not loaded, and Django still checks the session's password hash.
"""

from functools import cache

from allauth.account.auth_backends import (
    AuthenticationBackend as AllauthAuthenticationBackend,
)
from django.contrib.auth import backends, get_user_model
from django.core.exceptions import ValidationError


@cache
def _user_sql() -> str:
    user = get_user_model()._meta
    return f"SELECT * FROM {user.db_table} WHERE {user.pk.column} = %s"


class UserLoadingMixin:
    def get_user(self, user_id):
        model = get_user_model()
        try:
            pk = model._meta.pk.to_python(user_id)
        except ValidationError:
            return None
        user = next(iter(model._default_manager.raw(_user_sql(), [pk])), None)
        return user if user is not None and self.user_can_authenticate(user) else None


class ModelBackend(UserLoadingMixin, backends.ModelBackend):
    """Django's username and password backend (``createsuperuser`` accounts)."""


class AuthenticationBackend(UserLoadingMixin, AllauthAuthenticationBackend):
    """allauth's backend: phone, email and login codes."""
