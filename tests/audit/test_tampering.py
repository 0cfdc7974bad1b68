"""Changing the record behind the services' back is caught: by verify_audit, triggers and the ORM.

Each tamper test goes around the protection on purpose (drops or disables the triggers, edits the
tables in SQL, puts the triggers back) and then asks `verify_audit` to name what was done.
"""

from contextlib import contextmanager
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from pomochi.audit import triggers
from pomochi.audit.chain import chain_hash, digest, payload_digest
from pomochi.audit.immutable import ImmutableRowError
from pomochi.audit.maintenance import maintenance_mode
from pomochi.audit.models import AuditEntry, AuditHead
from pomochi.ledger import sql
from pomochi.ledger.models import Event, Holding
from pomochi.ledger.services import (
    event_distribute,
    event_reverse,
    event_transfer,
    event_work,
)

POSTGRES = connection.vendor == "postgresql"
REFUSED = "refused: these rows are immutable"


@pytest.fixture
def history(stocked_village):
    """The stocked village after a distribution, a gift, some work and a reversed mistake."""
    v = stocked_village
    v.given = event_distribute(
        actor=v.alice, pool=v.granary, household=v.petrovs, resource=v.grain, quantity=12_500
    )
    v.gift = event_transfer(
        actor=v.alice,
        from_household=v.ivanovs,
        to_household=v.sidorovs,
        resource=v.potatoes,
        quantity=50,
    )
    v.work = event_work(
        actor=v.olga, worker=v.petrovs, beneficiary=v.orlovs, resource=v.labour, quantity=300
    )
    v.mistake = event_distribute(
        actor=v.alice, pool=v.granary, household=v.sidorovs, resource=v.grain, quantity=1_000
    )
    v.undo = event_reverse(actor=v.olga, event=v.mistake, reason="given twice")
    return v


def verify(*args: str) -> str:
    """Run verify_audit, which must pass, and return what it printed."""
    out, err = StringIO(), StringIO()
    call_command("verify_audit", *args, stdout=out, stderr=err)
    assert err.getvalue() == ""
    return out.getvalue()


def verify_fails(*args: str) -> str:
    """Run verify_audit, which must fail, and return what it printed on stderr."""
    out, err = StringIO(), StringIO()
    with pytest.raises(CommandError, match="the audit chain does not verify"):
        call_command("verify_audit", *args, stdout=out, stderr=err)
    return err.getvalue()


def entry_of(event: Event) -> AuditEntry:
    return AuditEntry.objects.get(
        community_id=event.community_id, object_type="event", object_id=event.id
    )


def run(statement: str, params=None) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


@contextmanager
def triggers_off(*tables: str):
    """What an intruder with SQL access does: switch the protection off, then put it back."""
    if POSTGRES:
        # Deferred foreign-key checks are pending trigger events, which ALTER TABLE refuses.
        run("SET CONSTRAINTS ALL IMMEDIATE")
        for table in tables:
            run(f"ALTER TABLE {table} DISABLE TRIGGER USER")
    else:
        for table in tables:
            for name in triggers.trigger_names(table, "sqlite"):
                run(f"DROP TRIGGER {name}")
    yield
    for table in tables:
        if POSTGRES:
            run(f"ALTER TABLE {table} ENABLE TRIGGER USER")
        else:
            for statement in triggers.install_statements(table, "sqlite"):
                run(statement)
    if POSTGRES:
        run("SET CONSTRAINTS ALL DEFERRED")


def tamper(table: str, statement: str, params=None) -> None:
    with triggers_off(table):
        run(statement, params)


def refused(statement: str, params=None) -> None:
    """The statement must be refused by a trigger; the savepoint keeps the test's transaction."""
    with pytest.raises(DatabaseError, match=REFUSED), transaction.atomic():
        run(statement, params)


# The untampered chain


def test_it_passes_an_untampered_chain(history):
    v = history
    entries = AuditEntry.objects.filter(community=v.community).count()
    head = AuditHead.objects.get(community=v.community).hash
    assert verify() == f"village: OK: {entries} entries, head {head}\n"
    assert entries == AuditHead.objects.get(community=v.community).seq


def test_the_intruders_tools_put_everything_back(history):
    """So that each tamper test below fails for what it changed, and only for that."""
    with triggers_off(*triggers.PROTECTED_TABLES):
        pass
    assert "village: OK:" in verify()
    refused("UPDATE ledger_event SET quantity = 1 WHERE id = %s", [history.given.id])


def test_it_passes_with_an_earlier_head_that_is_still_in_the_chain(history):
    v = history
    earlier = entry_of(v.given).hash
    event_distribute(
        actor=v.alice, pool=v.granary, household=v.orlovs, resource=v.grain, quantity=500
    )
    assert "village: OK:" in verify("--head", earlier)


def head_missing(*args: str) -> tuple[str, str]:
    """Run verify_audit with a head it must not find; return what it printed (out, err)."""
    out, err = StringIO(), StringIO()
    with pytest.raises(CommandError) as refused:
        call_command("verify_audit", *args, stdout=out, stderr=err)
    assert str(refused.value) == "the earlier head was not found in the chain"
    return out.getvalue(), err.getvalue()


def test_it_says_a_head_that_is_not_in_the_chain_is_not_found_before_anything_else(history):
    forged = digest("a head nobody ever saw")
    out, err = head_missing("--head", forged)
    assert err.startswith(f"NOT FOUND: head {forged} is not in the chain")
    assert "does not verify" not in err  # the chain itself is intact: only the head is missing
    assert "OK" not in out
    assert "village: the chain itself is intact" in out


def test_it_says_where_a_head_still_is(history):
    earlier = entry_of(history.given)
    out = verify("--head", earlier.hash.upper())  # as copied from a page: any case
    assert out.startswith(f"FOUND: head {earlier.hash} is entry {earlier.seq} of village")


def test_it_refuses_a_mistyped_head_plainly(history):
    out, err = StringIO(), StringIO()
    with pytest.raises(CommandError, match="is not a head of the chain: a head is 64 hexadecimal"):
        call_command("verify_audit", "--head", "abc123", stdout=out, stderr=err)
    assert "does not verify" not in err.getvalue()


# Tampering with rows


def test_it_catches_an_event_whose_quantity_was_changed(history):
    v = history
    tamper(
        "ledger_event", "UPDATE ledger_event SET quantity = %s WHERE id = %s", [2_500, v.given.id]
    )
    seq = entry_of(v.given).seq
    err = verify_fails()
    assert f"village: FAIL: seq {seq}: event {v.given.id} differs from its audit entry" in err


def test_it_catches_an_audit_payload_that_was_changed(history):
    v = history
    entry = entry_of(v.given)
    payload = entry.payload.replace('"quantity":12500', '"quantity":2500')
    assert payload != entry.payload
    tamper(
        "audit_auditentry",
        "UPDATE audit_auditentry SET payload = %s WHERE id = %s",
        [payload, entry.id],
    )
    err = verify_fails()
    assert f"village: FAIL: seq {entry.seq}: payload does not match its digest" in err


def test_it_catches_an_audit_hash_that_was_changed(history):
    entry = entry_of(history.gift)
    tamper(
        "audit_auditentry",
        "UPDATE audit_auditentry SET hash = %s WHERE id = %s",
        ["f" * 64, entry.id],
    )
    err = verify_fails()
    assert f"village: FAIL: seq {entry.seq}: hash is not SHA-256(seq ‖ prev ‖ digest)" in err


def test_it_catches_an_entry_rewritten_consistently_at_the_next_entry(history):
    """Payload, digest and hash recomputed, and the event row to match: the next link breaks."""
    v = history
    entry = entry_of(v.given)
    payload = entry.payload.replace('"quantity":12500', '"quantity":2500')
    new_digest = payload_digest(version=entry.version, salt=entry.salt, payload=payload)
    new_hash = chain_hash(entry.seq, entry.prev_hash, new_digest)
    with triggers_off("audit_auditentry", "ledger_event"):
        run(
            "UPDATE audit_auditentry SET payload = %s, payload_digest = %s, hash = %s"
            " WHERE id = %s",
            [payload, new_digest, new_hash, entry.id],
        )
        run("UPDATE ledger_event SET quantity = %s WHERE id = %s", [2_500, v.given.id])
    err = verify_fails()
    assert (
        f"village: FAIL: seq {entry.seq + 1}: prev_hash does not match the hash of the entry before"
        in err
    )


def test_only_an_earlier_head_catches_a_rewritten_tail(history):
    """Rewriting the last entry, its event and the head leaves a chain that verifies on its own;
    a head kept from before is what proves the rewrite."""
    v = history
    entry = entry_of(v.undo)
    earlier_head = AuditHead.objects.get(community=v.community).hash
    assert entry.hash == earlier_head
    payload = entry.payload.replace('"note":"given twice"', '"note":"never given"')
    assert payload != entry.payload
    new_digest = payload_digest(version=entry.version, salt=entry.salt, payload=payload)
    new_hash = chain_hash(entry.seq, entry.prev_hash, new_digest)
    with triggers_off("audit_auditentry", "ledger_event"):
        run(
            "UPDATE audit_auditentry SET payload = %s, payload_digest = %s, hash = %s"
            " WHERE id = %s",
            [payload, new_digest, new_hash, entry.id],
        )
        run("UPDATE ledger_event SET note = %s WHERE id = %s", ["never given", v.undo.id])
    AuditHead.objects.filter(community=v.community).update(hash=new_hash)

    assert "village: OK:" in verify()
    _out, err = head_missing("--head", earlier_head)
    assert f"NOT FOUND: head {earlier_head} is not in the chain" in err


def test_it_catches_a_deleted_audit_entry(history):
    entry = entry_of(history.gift)
    tamper("audit_auditentry", "DELETE FROM audit_auditentry WHERE id = %s", [entry.id])
    err = verify_fails()
    assert (
        f"village: FAIL: seq {entry.seq}: seq {entry.seq} is missing "
        f"(next entry has seq {entry.seq + 1})" in err
    )


def test_it_catches_a_deleted_event(history):
    v = history
    seq = entry_of(v.work).seq
    tamper("ledger_event", "DELETE FROM ledger_event WHERE id = %s", [v.work.id])
    err = verify_fails()
    assert (
        f"village: FAIL: seq {seq}: event {v.work.id} is in the chain but not in the table" in err
    )


def test_it_catches_two_entries_swapped(history):
    v = history
    first, second = entry_of(v.gift), entry_of(v.work)
    assert second.seq == first.seq + 1
    # The seq is unique per community, so the swap goes through a free number.
    with triggers_off("audit_auditentry"):
        update = "UPDATE audit_auditentry SET seq = %s WHERE id = %s"
        run(update, [-1, first.id])
        run(update, [first.seq, second.id])
        run(update, [second.seq, first.id])
    err = verify_fails()
    assert (
        f"village: FAIL: seq {first.seq}: prev_hash does not match the hash of the entry before"
        in err
    )


def test_it_catches_an_event_inserted_without_an_audit_entry(history):
    v = history
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    row = {column: None for column in sql.EVENT_COLUMNS} | {
        "community_id": v.community.id,
        "action": "distribute",
        "resource_id": v.grain.id,
        "quantity": 5_000,
        "provider_pool_id": v.granary.id,
        "receiver_household_id": v.petrovs.id,
        "occurred_at": now,
        "recorded_at": now,
        "recorded_by_id": v.alice.id,
        "cause_type": "",
        "note": "",
    }
    # Inserting is what the services do, so no trigger stands in the way.
    with connection.cursor() as cursor:
        smuggled = sql.event_insert(cursor, row)
    err = verify_fails()
    assert f"village: FAIL: event {smuggled} has no audit entry" in err


def test_it_catches_a_holding_changed_behind_the_ledger(history):
    """Holdings are the one ledger table that changes: each must still add up to its events."""
    v = history
    Holding.objects.filter(pool=v.granary, resource=v.grain).update(quantity=1_000_000)
    err = verify_fails()
    assert (
        "village: FAIL: holding of grain in Granary is 1000000, but its events add up to 87500"
        in err
    )


# The protective triggers


@pytest.mark.parametrize(
    "name",
    [
        name
        for table in triggers.PROTECTED_TABLES
        for name in triggers.trigger_names(table, connection.vendor)
    ],
)
def test_it_names_a_dropped_trigger(history, name):
    table = next(t for t in triggers.PROTECTED_TABLES if name.startswith(f"{t}_"))
    if POSTGRES:
        run("SET CONSTRAINTS ALL IMMEDIATE")
        run(f"DROP TRIGGER {name} ON {table}")
    else:
        run(f"DROP TRIGGER {name}")
    err = verify_fails()
    assert f"FAIL: protective triggers: {name} is missing\n" in err
    assert "village: FAIL" not in err  # the chain itself is intact


def test_it_notices_triggers_that_are_switched_off(history):
    if not POSTGRES:
        pytest.skip("SQLite triggers cannot be switched off, only dropped")
    run("SET CONSTRAINTS ALL IMMEDIATE")
    run("ALTER TABLE ledger_event DISABLE TRIGGER USER")
    err = verify_fails()
    assert (
        "FAIL: protective triggers: ledger_event_no_update is switched off; "
        "ledger_event_no_delete is switched off; ledger_event_no_truncate is switched off\n"
    ) in err


def test_it_notices_a_trigger_replaced_by_one_that_refuses_nothing(history):
    if POSTGRES:
        run("SET CONSTRAINTS ALL IMMEDIATE")
        run("DROP TRIGGER ledger_event_no_update ON ledger_event")
        run(
            "CREATE FUNCTION pomochi_allow() RETURNS trigger LANGUAGE plpgsql AS "
            "'BEGIN RETURN NEW; END'"
        )
        run(
            "CREATE TRIGGER ledger_event_no_update BEFORE UPDATE ON ledger_event "
            "FOR EACH ROW EXECUTE FUNCTION pomochi_allow()"
        )
    else:
        run("DROP TRIGGER ledger_event_no_update")
        run(
            "CREATE TRIGGER ledger_event_no_update BEFORE UPDATE ON ledger_event "
            "BEGIN SELECT 1; END"
        )
    # The impostor lets an update through (undone here: the rows themselves stay intact) …
    with transaction.atomic():
        run("UPDATE ledger_event SET note = 'edited' WHERE id = %s", [history.gift.id])
        transaction.set_rollback(True)
    # … so verify_audit, which checks the protection, must say it is gone.
    err = verify_fails()
    assert "FAIL: protective triggers: ledger_event_no_update has been rewritten\n" in err


def test_the_triggers_refuse_to_update_an_event(history):
    v = history
    refused("UPDATE ledger_event SET quantity = 1 WHERE id = %s", [v.given.id])
    assert Event.objects.get(pk=v.given.id).quantity == 12_500


def test_the_triggers_refuse_to_update_an_audit_entry(history):
    entry = entry_of(history.given)
    refused("UPDATE audit_auditentry SET hash = %s WHERE id = %s", ["0" * 64, entry.id])
    assert AuditEntry.objects.get(pk=entry.id).hash == entry.hash


def test_the_triggers_refuse_to_delete_an_event(history):
    v = history
    refused("DELETE FROM ledger_event WHERE id = %s", [v.work.id])
    assert Event.objects.filter(pk=v.work.id).exists()


def test_the_triggers_refuse_to_delete_an_audit_entry(history):
    entry = entry_of(history.work)
    refused("DELETE FROM audit_auditentry WHERE id = %s", [entry.id])
    assert AuditEntry.objects.filter(pk=entry.id).exists()


def test_the_triggers_refuse_truncate(history):
    if not POSTGRES:
        pytest.skip("SQLite has no TRUNCATE")
    run("SET CONSTRAINTS ALL IMMEDIATE")
    refused("TRUNCATE audit_auditentry")
    assert verify()


def test_maintenance_lets_deletes_through(history):
    v = history
    entry = entry_of(v.work)
    with transaction.atomic():
        with maintenance_mode():
            run("DELETE FROM ledger_event WHERE id = %s", [v.work.id])
            run("DELETE FROM audit_auditentry WHERE id = %s", [entry.id])
        assert not Event.objects.filter(pk=v.work.id).exists()
        assert not AuditEntry.objects.filter(pk=entry.id).exists()
        transaction.set_rollback(True)
    assert Event.objects.filter(pk=v.work.id).exists()


def test_maintenance_still_refuses_updates(history):
    v = history
    with maintenance_mode():
        refused("UPDATE ledger_event SET quantity = 1 WHERE id = %s", [v.given.id])
        refused(
            "UPDATE audit_auditentry SET hash = %s WHERE object_id = %s", ["0" * 64, v.given.id]
        )


def test_maintenance_ends_with_its_block(history):
    v = history
    with maintenance_mode():
        pass
    refused("DELETE FROM ledger_event WHERE id = %s", [v.work.id])


def test_a_nested_maintenance_block_leaves_the_outer_one_open(history):
    v = history
    with maintenance_mode():
        with maintenance_mode():
            pass
        run("DELETE FROM ledger_event WHERE id = %s", [v.work.id])
    assert not Event.objects.filter(pk=v.work.id).exists()


# The ORM refuses before the database has to


def test_the_orm_refuses_to_change_an_event(history):
    v = history
    events = Event.objects.filter(pk=v.given.id)
    with pytest.raises(ImmutableRowError, match="never updated"):
        events.update(quantity=1)
    with pytest.raises(ImmutableRowError, match="never deleted"):
        events.delete()
    event = events.get()
    event.quantity = 1
    with pytest.raises(ImmutableRowError, match="never updated"):
        event.save()
    with pytest.raises(ImmutableRowError, match="never deleted"):
        event.delete()
    # bulk_update fails inside its own atomic block: a savepoint keeps the test's transaction.
    with pytest.raises(ImmutableRowError, match="never updated"), transaction.atomic():
        Event.objects.bulk_update([event], ["quantity"])
    assert Event.objects.get(pk=v.given.id).quantity == 12_500
    assert verify()


def test_the_orm_refuses_to_change_an_audit_entry(history):
    entry = entry_of(history.given)
    entries = AuditEntry.objects.filter(pk=entry.id)
    with pytest.raises(ImmutableRowError, match="never updated"):
        entries.update(hash="0" * 64)
    with pytest.raises(ImmutableRowError, match="never deleted"):
        entries.delete()
    entry.hash = "0" * 64
    with pytest.raises(ImmutableRowError, match="never updated"):
        entry.save()
    with pytest.raises(ImmutableRowError, match="never deleted"):
        entry.delete()
    assert verify()
