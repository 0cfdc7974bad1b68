"""Format version 2 of the chain: every digest commits to a fresh random salt.

Whoever may read a payload gets its salt and can check the digest; everyone can check the links.
Entries written before the salt (version 1) keep verifying, through a migration, a backup and a
restore, and a chain cannot slip back to unsalted entries once it has salted ones.
"""

import hashlib
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from django.db import connection

from pomochi.aid.rounds import round_decide, round_execute, round_open
from pomochi.aid.services import need_post
from pomochi.audit import services as audit_services
from pomochi.audit.backup import backup_read, backup_write, restore
from pomochi.audit.chain import chain_hash, payload_digest
from pomochi.audit.models import AuditEntry, AuditHead
from pomochi.audit.verify import verify_community
from tests.audit.test_tampering import run as run_sql
from tests.audit.test_tampering import triggers_off, verify_fails
from tests.conftest import build_village

HEX = set("0123456789abcdef")


def entries(community):
    return list(AuditEntry.objects.filter(community=community).order_by("seq"))


def test_every_new_entry_is_salted_with_its_own_salt(stocked_village):
    written = entries(stocked_village.community)
    assert {e.version for e in written} == {2}
    assert all(len(e.salt) == 32 and set(e.salt) <= HEX for e in written)
    assert len({e.salt for e in written}) == len(written)
    for e in written:
        expected = hashlib.sha256((e.salt + e.payload).encode()).hexdigest()
        assert e.payload_digest == expected
        assert e.payload_digest != hashlib.sha256(e.payload.encode()).hexdigest()


def test_a_round_carried_out_in_one_batch_salts_every_entry(stocked_village):
    v = stocked_village
    needs = [
        need_post(actor=v.alice, community=v.community, household=h, resource=v.grain, quantity=q)
        for h, q in ((v.petrovs, 10_000), (v.sidorovs, 20_000), (v.orlovs, 5_000))
    ]
    round_ = round_open(
        actor=v.alice, pool=v.granary, resource=v.grain, quantity=30_000, needs=needs
    )
    round_decide(actor=v.olga, round=round_, approve=True, note="")
    round_decide(actor=v.vera, round=round_, approve=True, note="")
    round_execute(actor=v.alice, round=round_)
    batch = [e for e in entries(v.community) if e.verb == "event.distribute"]
    assert len(batch) == 3
    assert {e.version for e in batch} == {2}
    assert len({e.salt for e in batch}) == 3
    assert verify_community(v.community.id).ok


def test_it_refuses_salts_and_versions_no_pomochi_wrote():
    assert payload_digest(version=1, salt="", payload="{}") == hashlib.sha256(b"{}").hexdigest()
    for version, salt in ((1, "ab" * 16), (2, ""), (2, "AB" * 16), (2, "ab" * 15), (3, "ab" * 16)):
        with pytest.raises(ValueError):
            payload_digest(version=version, salt=salt, payload="{}")


def test_it_catches_a_changed_salt(stocked_village):
    entry = entries(stocked_village.community)[3]
    with triggers_off("audit_auditentry"):
        run_sql("UPDATE audit_auditentry SET salt = %s WHERE id = %s", ["0" * 32, entry.id])
    err = verify_fails()
    assert f"village: FAIL: seq {entry.seq}: payload does not match its digest" in err


def test_it_catches_a_salted_entry_rewritten_as_unsalted(stocked_village):
    """Dropping the salt and recomputing the last entry would make it guessable again."""
    last = entries(stocked_village.community)[-1]
    digest = payload_digest(version=1, salt="", payload=last.payload)
    new_hash = chain_hash(last.seq, last.prev_hash, digest)
    with triggers_off("audit_auditentry"):
        run_sql(
            "UPDATE audit_auditentry SET version = 1, salt = '', payload_digest = %s, hash = %s"
            " WHERE id = %s",
            [digest, new_hash, last.id],
        )
    AuditHead.objects.filter(community=stocked_village.community).update(hash=new_hash)
    err = verify_fails()
    assert f"seq {last.seq}: an unsalted entry after salted entry 1" in err


def test_a_chain_begun_unsalted_backs_up_and_restores(db, monkeypatch, tmp_path):
    monkeypatch.setattr(audit_services, "CURRENT_VERSION", 1)
    monkeypatch.setattr(audit_services, "new_salt", lambda: "")
    v = build_village()
    monkeypatch.undo()
    # the salted part of the chain follows
    need_post(
        actor=v.alice, community=v.community, household=v.petrovs, resource=v.grain, quantity=1_000
    )
    before = [(e.seq, e.version, e.salt, e.hash) for e in entries(v.community)]
    assert {version for _, version, _, _ in before} == {1, 2}
    path = tmp_path / "mixed.json.gz"
    backup_write(path)
    [(slug, verdict)] = restore(backup_read(path), replace=True)
    assert slug == "village" and verdict.ok
    assert [(e.seq, e.version, e.salt, e.hash) for e in entries(v.community)] == before


MIGRATION_SCRIPT = textwrap.dedent(
    """
    import hashlib, json, sys
    import django
    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone
    from pomochi.audit.chain import canonical_json, chain_hash, iso

    call_command("migrate", verbosity=0)
    call_command("migrate", "audit", "0002", verbosity=0)  # as pomochi was before the salt
    from pomochi.communities.models import Community
    community = Community.objects.create(slug="old", name="Old", timezone="UTC", language="en")
    prev = "0" * 64
    with connection.cursor() as cursor:
        for seq in (1, 2):
            at = timezone.now()
            payload = canonical_json({"actor": None, "at": iso(at), "data": {"n": seq},
                "household": None, "object": ["note", seq], "verb": "note.write"})
            digest = hashlib.sha256(payload.encode()).hexdigest()
            new = chain_hash(seq, prev, digest)
            cursor.execute(
                "INSERT INTO audit_auditentry (community_id, seq, at, actor_id, verb,"
                " object_type, object_id, household_id, payload, payload_digest, prev_hash,"
                " hash) VALUES (%s, %s, %s, NULL, 'note.write', 'note', %s, NULL, %s, %s, %s,"
                " %s)", [community.id, seq, at, seq, payload, digest, prev, new])
            prev = new
        cursor.execute("INSERT INTO audit_audithead (community_id, seq, hash)"
                       " VALUES (%s, 2, %s)", [community.id, prev])
    call_command("migrate", verbosity=0)  # the salt's migration over the old chain
    from pomochi.audit.models import AuditEntry
    print(json.dumps(sorted(AuditEntry.objects.values_list("version", "salt"))))
    call_command("verify_audit")
    """
)


def admin_db(server: dict, *statements: str) -> None:
    import psycopg

    with psycopg.connect(
        host=server["HOST"] or "127.0.0.1",
        port=server["PORT"] or 5432,
        user=server["USER"],
        dbname="postgres",
        autocommit=True,
    ) as admin:
        for statement in statements:
            admin.execute(statement)


@pytest.mark.slow
def test_the_migration_keeps_an_old_chain_verifying(tmp_path):
    """On a database of its own: migrate to before the salt, write a chain as pomochi did then,
    migrate on, and verify_audit (triggers included) passes with the old entries as version 1."""
    env = dict(os.environ)
    postgres = connection.vendor == "postgresql"
    if postgres:
        name = f"pomochi_migration_{os.getpid()}"
        server = connection.settings_dict
        where = f"{server['USER']}@{server['HOST'] or '127.0.0.1'}:{server['PORT'] or 5432}"
        admin_db(server, f"DROP DATABASE IF EXISTS {name}", f"CREATE DATABASE {name}")
        env["DATABASE_URL"] = f"postgres://{where}/{name}"
    else:
        env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'old.sqlite3'}"
    env["DJANGO_SETTINGS_MODULE"] = "pomochi.settings"
    env["PYTHONPATH"] = os.pathsep.join([str(Path(__file__).parents[2] / "src"), *sys.path])
    try:
        done = subprocess.run(
            [sys.executable, "-c", MIGRATION_SCRIPT],
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
    finally:
        if postgres:
            admin_db(server, f"DROP DATABASE IF EXISTS {name}")
    assert done.returncode == 0, done.stderr[-3000:]
    assert '[[1, ""], [1, ""]]' in done.stdout
    assert "old: OK: 2 entries" in done.stdout


@pytest.fixture
def private_note(stocked_village):
    """An entry about no household whose payload is for coordinators and the committee."""
    from django.db import transaction

    from pomochi.audit.services import audit_append

    v = stocked_village
    with transaction.atomic():
        v.appended = audit_append(
            community_id=v.community.id,
            actor_id=v.vera.id,
            verb="note.write",
            object_type="note",
            object_id=1,
            data={"note": "the Sidorovs cannot pay for the doctor"},
            private=True,
        )
    return v


def test_a_private_entry_is_read_by_coordinators_and_the_committee_only(private_note):
    from pomochi.audit.selectors import audit_chain_for

    v = private_note
    readers = {}
    for name in ("olga", "alice", "vera", "bob"):
        _, links = audit_chain_for(actor=getattr(v, name), community=v.community, per_page=1000)
        [link] = [link for link in links if link.seq == v.appended.seq]
        readers[name] = link.payload is not None and link.salt is not None
    assert readers == {"olga": True, "alice": True, "vera": True, "bob": False}
    assert verify_community(v.community.id).ok


def test_it_catches_a_private_entry_made_public(private_note):
    v = private_note
    entry = AuditEntry.objects.get(community=v.community, seq=v.appended.seq)
    assert '"private":true' in entry.payload
    with triggers_off("audit_auditentry"):
        run_sql("UPDATE audit_auditentry SET private = %s WHERE id = %s", [False, entry.id])
    err = verify_fails()
    assert f"seq {entry.seq}: column private differs from the hashed payload" in err
