"""The one door through which immutable rows may be deleted: test teardown and restore."""

from contextlib import contextmanager

from django.db import connections, transaction

from pomochi.audit.triggers import SQLITE_CONTROL_TABLE


@contextmanager
def maintenance_mode(using: str = "default"):
    """Inside one transaction, let DELETE/TRUNCATE through the triggers. UPDATE stays refused.

    Nested blocks restore what they found, so leaving an inner block keeps the outer one open.
    """
    connection = connections[using]
    with transaction.atomic(using=using):
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("SELECT current_setting('pomochi.maintenance', true)")
                before = cursor.fetchone()[0] or ""
                # Local to the transaction: nothing can leave it switched on.
                cursor.execute("SELECT set_config('pomochi.maintenance', 'on', true)")
            else:
                cursor.execute(
                    f"INSERT INTO {SQLITE_CONTROL_TABLE} (enabled) VALUES (1) RETURNING rowid"
                )
                row_id = cursor.fetchone()[0]
        yield
        # Close the door at the end of the block, not at the end of an outer transaction.
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("SELECT set_config('pomochi.maintenance', %s, true)", [before])
            else:
                cursor.execute(f"DELETE FROM {SQLITE_CONTROL_TABLE} WHERE rowid = %s", [row_id])
