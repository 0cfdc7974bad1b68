"""The one door through which immutable rows may be deleted: test teardown and restore."""

from contextlib import contextmanager

from django.db import connections, transaction

from pomochi.audit.triggers import SQLITE_CONTROL_TABLE


@contextmanager
def maintenance_mode(using: str = "default"):
    """Inside one transaction, let DELETE/TRUNCATE through the triggers. UPDATE stays refused."""
    connection = connections[using]
    with transaction.atomic(using=using):
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                # SET LOCAL ends with the transaction: nothing can leave it switched on.
                cursor.execute("SET LOCAL pomochi.maintenance = 'on'")
            else:
                cursor.execute(f"INSERT INTO {SQLITE_CONTROL_TABLE} (enabled) VALUES (1)")
        yield
        # Close the door at the end of the block, not at the end of an outer transaction.
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("SET LOCAL pomochi.maintenance = 'off'")
            else:
                cursor.execute(f"DELETE FROM {SQLITE_CONTROL_TABLE}")
