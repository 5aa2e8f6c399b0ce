from django.db import models


class RecordQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise TypeError(f"{self.model.__name__} rows are a record: never changed.")

    def delete(self):
        raise TypeError(f"{self.model.__name__} rows are a record: never deleted.")


class Record(models.Model):
    """A row written once and kept as it was: a record, a log, a ledger.

    Saving a row that exists, or deleting one, raises ``TypeError``, through the
    model and through its querysets alike.
    """

    objects = RecordQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise TypeError(f"{type(self).__name__} rows are a record: never changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError(f"{type(self).__name__} rows are a record: never deleted.")
