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


def _normal(sql: str) -> str:
    return " ".join(sql.split()).rstrip(";").lower()


def trigger_problems(connection) -> list[str]:
    """What is wrong with the protective triggers: missing, switched off, or rewritten.

    Names alone prove little: a trigger replaced by a harmless one under the same name, or one
    switched off on PostgreSQL, protects nothing, so the definitions are compared too.
    """
    vendor = connection.vendor
    expected = {}
    for table in PROTECTED_TABLES:
        creates = [s for s in install_statements(table, vendor) if s.startswith("CREATE TRIGGER")]
        for name, create in zip(trigger_names(table, vendor), creates, strict=True):
            expected[name] = create
    problems = []
    with connection.cursor() as cursor:
        if vendor == "sqlite":
            cursor.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'")
            found = dict(cursor.fetchall())
            for name, create in expected.items():
                if name not in found:
                    problems.append(f"{name} is missing")
                elif _normal(found[name]) != _normal(create):
                    problems.append(f"{name} has been rewritten")
            return problems
        cursor.execute(
            "SELECT t.tgname, t.tgenabled, p.proname, pg_get_triggerdef(t.oid)"
            " FROM pg_trigger t JOIN pg_proc p ON p.oid = t.tgfoid WHERE NOT t.tgisinternal"
        )
        found = {
            name: (enabled, proc, definition)
            for name, enabled, proc, definition in cursor.fetchall()
        }
        cursor.execute("SELECT prosrc FROM pg_proc WHERE proname = 'pomochi_refuse_change'")
        bodies = [row[0] for row in cursor.fetchall()]
    body = PG_FUNCTION.split("$$")[1]
    if [_normal(b) for b in bodies] != [_normal(body)]:
        problems.append("the function pomochi_refuse_change has been rewritten")
    for name, create in expected.items():
        if name not in found:
            problems.append(f"{name} is missing")
            continue
        enabled, proc, definition = found[name]
        timing = create.split(" ON ")[0].split(f"{name} ", 1)[1]  # e.g. "BEFORE UPDATE"
        if enabled in ("D", b"D"):
            problems.append(f"{name} is switched off")
        elif proc != "pomochi_refuse_change" or f"{timing} ON " not in definition:
            problems.append(f"{name} has been rewritten")
    return problems
