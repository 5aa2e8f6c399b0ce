"""What the coverage imports tell the rest of the platform.

Both are sent inside the transaction that saved the import, so a receiver that
queues work (the figures' refresh) queues it in that same transaction: it runs
only if the import was committed, and sees what it saved.
"""

from django.dispatch import Signal

# Training finished elsewhere was recorded for these people:
# ``user_ids`` (a list of ids).
external_completions_recorded = Signal()

# An agency's staff roster was imported: ``agency_id``, and ``staff_ids`` of the
# staff members added or changed.
staff_roster_imported = Signal()
