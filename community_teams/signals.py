"""Signals of the community teams that apps built on them react to."""

from django.dispatch import Signal

# Sent with ``resident`` and ``user`` when a resident the teams recorded is joined
# to the account they made (same mobile number, proven by SMS). Certificates
# issued to the resident move into the account.
resident_linked = Signal()
