"""Database triggers that refuse UPDATE always, and DELETE/TRUNCATE outside maintenance.

Created by migrations for every table in PROTECTED_TABLES; a later migration that rebuilds one of
these tables must call `install` again, and `verify_audit` checks they are all present.
"""

PROTECTED_TABLES = ("audit_auditentry", "ledger_event")
SQLITE_CONTROL_TABLE = "pomochi_maintenance"

PG_FUNCTION = """
CREATE OR REPLACE FUNCTION pomochi_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('DELETE', 'TRUNCATE')
       AND coalesce(current_setting('pomochi.maintenance', true), '') = 'on' THEN
        IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
        RETURN NULL;
    END IF;
    RAISE EXCEPTION 'pomochi: % on % refused: these rows are immutable', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END $$;
"""


def trigger_names(table: str, vendor: str) -> list[str]:
    names = [f"{table}_no_update", f"{table}_no_delete"]
    if vendor == "postgresql":
        names.append(f"{table}_no_truncate")
    return names


def install_statements(table: str, vendor: str) -> list[str]:
    if vendor == "sqlite":
        return [
            f"DROP TRIGGER IF EXISTS {table}_no_update",
            f"DROP TRIGGER IF EXISTS {table}_no_delete",
            f"CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table} "
            f"BEGIN SELECT RAISE(ABORT, 'pomochi: UPDATE on {table} refused: "
            f"these rows are immutable'); END",
            f"CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table} "
            f"WHEN NOT EXISTS (SELECT 1 FROM {SQLITE_CONTROL_TABLE}) "
            f"BEGIN SELECT RAISE(ABORT, 'pomochi: DELETE on {table} refused: "
            f"these rows are immutable'); END",
        ]
    if vendor == "postgresql":
        return [
            PG_FUNCTION,
            f"DROP TRIGGER IF EXISTS {table}_no_update ON {table}",
            f"DROP TRIGGER IF EXISTS {table}_no_delete ON {table}",
            f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}",
            f"CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION pomochi_refuse_change()",
            f"CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION pomochi_refuse_change()",
            f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
            f"FOR EACH STATEMENT EXECUTE FUNCTION pomochi_refuse_change()",
        ]
    raise NotImplementedError(f"pomochi supports SQLite and PostgreSQL, not {vendor}")


def install(schema_editor, table: str) -> None:
    """For a migration's RunPython: create (or recreate) the triggers protecting `table`."""
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        schema_editor.execute(
            f"CREATE TABLE IF NOT EXISTS {SQLITE_CONTROL_TABLE} (enabled INTEGER NOT NULL)"
        )
    for statement in install_statements(table, vendor):
        schema_editor.execute(statement, params=None)


def uninstall(schema_editor, table: str) -> None:
    vendor = schema_editor.connection.vendor
    for name in trigger_names(table, vendor):
        on = f" ON {table}" if vendor == "postgresql" else ""
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {name}{on}")


def existing_triggers(connection) -> set[str]:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        else:
            cursor.execute("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal")
        return {row[0] for row in cursor.fetchall()}


def missing_triggers(connection) -> list[str]:
    present = existing_triggers(connection)
    return [
        name
        for table in PROTECTED_TABLES
        for name in trigger_names(table, connection.vendor)
        if name not in present
    ]
