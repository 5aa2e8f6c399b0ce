"""Which database a query goes to when the site has a read replica.

With ``DATABASE_REPLICA_URL`` set, the settings add the ``replica`` alias (a
PostgreSQL streaming replica of the primary) and name it in
``LMS_READ_REPLICA``. Then reads of the summary tables go to it: the models that
say ``summary_table = True``, counts kept by a task (the coverage figures, the
teams' hamlet figures), which is what the dashboards read on every page. A
replica is usually well under a second behind, and those counts already trail
the change they count by the seconds their task takes.

Everything else goes to ``default``: every write, and every other read, since a
page may read back what it has just written (a saved visit, a granted role) and
a replica may not have it yet. A row read from the replica leads to ``default``
too when its relations are followed. Migrations run on ``default`` only; the
replica follows it.

Without a replica the settings name no router; this one, named all the same,
would decide nothing, and Django's own choice would stand.
"""

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS


def is_summary(model) -> bool:
    """Is ``model`` a summary table (counts only), which a replica may serve?"""
    return bool(getattr(model, "summary_table", False))


def _replica() -> str:
    return getattr(settings, "LMS_READ_REPLICA", "")


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        replica = _replica()
        if not replica:
            return None
        return replica if is_summary(model) else DEFAULT_DB_ALIAS

    def db_for_write(self, model, **hints):
        # A row read from the replica is saved on the primary, as any other.
        return DEFAULT_DB_ALIAS if _replica() else None

    def allow_relation(self, obj1, obj2, **hints):
        replica = _replica()
        if not replica:
            return None
        same_data = {DEFAULT_DB_ALIAS, replica}
        if obj1._state.db in same_data and obj2._state.db in same_data:
            return True
        return None

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        replica = _replica()
        if replica and db == replica:
            return False
        return None
