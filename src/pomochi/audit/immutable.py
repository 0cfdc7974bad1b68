"""Rows that are written once and never changed: the ORM refuses, and database triggers refuse too.

The ORM refusal catches mistakes in our own code early, with a clear message; the triggers
(see `triggers.py`) are the guarantee against anything that goes around the ORM.
"""

from django.db import models


class ImmutableRowError(Exception):
    pass


class ImmutableQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise ImmutableRowError(f"{self.model.__name__} rows are never updated")

    def delete(self):
        raise ImmutableRowError(f"{self.model.__name__} rows are never deleted")

    update.queryset_only = True
    delete.queryset_only = True


class ImmutableModel(models.Model):
    objects = ImmutableQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ImmutableRowError(f"{type(self).__name__} rows are never updated")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ImmutableRowError(f"{type(self).__name__} rows are never deleted")
