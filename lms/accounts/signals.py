"""Signals about accounts that other apps react to without importing them."""

from django.dispatch import Signal

# Sent with ``user`` and ``phone`` (E.164) once a person proved the number is
# theirs: by the code sent at sign-up, or by logging in with a code. Community
# teams join what they recorded about that number to the account.
phone_verified = Signal()
