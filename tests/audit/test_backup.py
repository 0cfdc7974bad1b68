"""pomochi backup / restore: every row back as it was, all or nothing, proven by the chain."""

import gzip
import json
import re
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from pomochi.accounts.models import User
from pomochi.aid.models import Commitment, Need
from pomochi.aid.services import need_post
from pomochi.audit.backup import backup_models
from pomochi.audit.models import AuditEntry, AuditHead
from pomochi.audit.verify import verify_community
from pomochi.ledger.models import Event, Holding
from pomochi.ledger.services import event_contribute, event_distribute
from tests.aid.helpers import promise_petrovs_grain


def snapshot():
    """Every row of every backed-up table, as plain values."""
    return {
        model._meta.label: sorted(model._default_manager.values_list(), key=repr)
        for model in backup_models()
    }


def run(*args):
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


@pytest.fixture
def busy(stocked_village, hamlet):
    v = stocked_village
    for household, quantity in ((v.petrovs, 30_000), (v.sidorovs, 10_000), (v.orlovs, 80_000)):
        need = need_post(
            actor=v.alice,
            community=v.community,
            household=household,
            resource=v.grain,
            quantity=quantity,
        )
        if household == v.petrovs:
            v.need_petrovs = need
    event_distribute(
        actor=v.alice, pool=v.granary, household=v.sidorovs, resource=v.grain, quantity=2_000
    )
    promise_petrovs_grain(v, 5_000)
    v.hamlet = hamlet
    return v


@pytest.fixture
def backup_file(busy, tmp_path):
    path = tmp_path / "pomochi.json.gz"
    text = run("backup", "--out", str(path))
    assert "wrote" in text and "village: audit head" in text and "hamlet: audit head" in text
    return path


def edited(path, change):
    with gzip.open(path, "rt", encoding="utf-8") as f:
        document = json.load(f)
    change(document)
    copy = path.with_name("edited.json.gz")
    with gzip.open(copy, "wt", encoding="utf-8") as f:
        json.dump(document, f)
    return copy


def test_a_restore_brings_back_every_row_and_the_chains(busy, backup_file):
    v = busy
    before = snapshot()
    heads = dict(AuditHead.objects.values_list("community__slug", "hash"))
    # the world moves on after the backup…
    event_contribute(
        actor=v.alice, household=v.ivanovs, pool=v.granary, resource=v.grain, quantity=7
    )
    User.objects.create_user(username="newcomer", password="x" * 20)
    # …and the backup puts it back as it was
    text = run("restore", str(backup_file), "--replace")
    assert "village: OK:" in text and "hamlet: OK:" in text
    assert snapshot() == before
    assert dict(AuditHead.objects.values_list("community__slug", "hash")) == heads
    assert all(verify_community(c).ok for c in AuditHead.objects.values_list("pk", flat=True))
    # and life goes on from there: new rows take new ids, the chain grows
    event = event_contribute(
        actor=v.alice, household=v.ivanovs, pool=v.granary, resource=v.grain, quantity=7
    )
    assert event.id > max(e for (e,) in Event.objects.exclude(pk=event.id).values_list("id"))
    assert verify_community(v.community.id).ok


def test_it_refuses_to_overwrite_data_unless_asked(busy, backup_file):
    before = snapshot()
    with pytest.raises(CommandError, match="not empty.*--replace"):
        run("restore", str(backup_file))
    assert snapshot() == before


def test_a_tampered_backup_is_refused_and_changes_nothing(busy, backup_file):
    def more_grain(document):
        for row in document["objects"]:
            if row["model"] == "ledger.event" and row["fields"]["quantity"] == 2_000:
                row["fields"]["quantity"] = 200_000

    before = snapshot()
    with pytest.raises(CommandError, match="village: the audit chain does not verify"):
        run("restore", str(edited(backup_file, more_grain)), "--replace")
    assert snapshot() == before


def test_a_backup_cut_short_is_refused(busy, backup_file):
    def last_entry_gone(document):
        entries = [r for r in document["objects"] if r["model"] == "audit.auditentry"]
        document["objects"].remove(max(entries, key=lambda r: r["pk"]))

    before = snapshot()
    with pytest.raises(CommandError, match="does not end where the backup says|does not verify"):
        run("restore", str(edited(backup_file, last_entry_gone)), "--replace")
    assert snapshot() == before


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d.update(format="zip"), "is not a pomochi backup"),
        (lambda d: d.update(version=99), "format version 99"),
        (lambda d: d["migrations"].update(ledger="0999_future"), "another version of the database"),
        (lambda d: d.pop("heads"), "lacks its heads"),
    ],
)
def test_what_is_not_this_pomochis_backup_is_refused(busy, backup_file, change, message):
    with pytest.raises(CommandError, match=message):
        run("restore", str(edited(backup_file, change)), "--replace")


def test_a_file_that_is_not_a_backup_at_all(busy, tmp_path):
    junk = tmp_path / "junk.json.gz"
    junk.write_bytes(b"not gzip")
    with pytest.raises(CommandError, match="is not a pomochi backup"):
        run("restore", str(junk), "--replace")
    with pytest.raises(CommandError, match="no such file"):
        run("restore", str(tmp_path / "missing.json.gz"))


def test_the_backup_holds_what_the_aid_app_knows(busy, backup_file):
    with gzip.open(backup_file, "rt", encoding="utf-8") as f:
        document = json.load(f)
    models = {row["model"] for row in document["objects"]}
    assert {"aid.need", "aid.commitment", "ledger.event", "audit.auditentry"} <= models
    assert document["counts"]["aid.Need"] == Need.objects.count() == 3
    assert document["counts"]["aid.Commitment"] == Commitment.objects.count() == 1
    assert document["counts"]["ledger.Holding"] == Holding.objects.count()
    assert document["counts"]["audit.AuditEntry"] == AuditEntry.objects.count()


# A row that cannot be stored is named: model, primary key, field


def first_row(document, model):
    return next(r for r in document["objects"] if r["model"] == model)


def test_a_nul_that_postgresql_cannot_store_is_named_exactly(busy, backup_file):
    """A SQLite backup made before the text rule can hold a NUL in a note."""
    named = {}

    def nul_in_a_note(document):
        row = first_row(document, "ledger.event")
        row["fields"]["note"] = "sacks\x00 of grain"
        named["pk"] = row["pk"]

    before = snapshot()
    copy = edited(backup_file, nul_in_a_note)
    if connection.vendor == "postgresql":
        message = (
            f"ledger.event {named['pk']}, field note: holds a NUL character, which PostgreSQL "
            "cannot store"
        )
    else:  # SQLite stores it; the edit shows as what it is, a row the chain does not match
        message = "village: the audit chain does not verify"
    with pytest.raises(CommandError, match=re.escape(message)):
        run("restore", str(copy), "--replace")
    assert snapshot() == before


def test_a_broken_character_is_named_on_every_database(busy, backup_file):
    named = {}

    def surrogate_in_a_name(document):
        row = first_row(document, "communities.household")
        row["fields"]["name"] = "Petrovs\ud800"
        named["pk"] = row["pk"]

    before = snapshot()
    with pytest.raises(CommandError) as refused:
        run("restore", str(edited(backup_file, surrogate_in_a_name)), "--replace")
    assert str(refused.value) == (
        f"Nothing was restored: communities.household {named['pk']}, field name: holds a broken "
        "character (not valid Unicode), which no database stores"
    )
    assert snapshot() == before


def test_a_row_the_database_refuses_is_named_with_its_key(busy, backup_file):
    named = {}

    def household_without_a_size(document):
        row = first_row(document, "communities.household")
        row["fields"]["size"] = None
        named["pk"] = row["pk"]

    before = snapshot()
    copy = edited(backup_file, household_without_a_size)
    with pytest.raises(CommandError) as refused:
        run("restore", str(copy), "--replace")
    assert str(refused.value).startswith(
        f"Nothing was restored: communities.household {named['pk']} does not load: "
    )
    assert snapshot() == before


@pytest.mark.skipif(connection.vendor != "sqlite", reason="PostgreSQL cannot store a NUL at all")
def test_on_sqlite_a_nul_an_older_pomochi_stored_comes_back_as_it_was(
    stocked_village, tmp_path, monkeypatch
):
    v = stocked_village
    # As an older pomochi did, before the ledger checked its notes itself.
    monkeypatch.setattr("pomochi.ledger.services.text_or_refuse", lambda value, **_: value)
    event = event_contribute(
        actor=v.alice,
        household=v.ivanovs,
        pool=v.granary,
        resource=v.grain,
        quantity=1,
        note="sacks\x00 of grain",
    )
    path = tmp_path / "old.json.gz"
    run("backup", "--out", str(path))
    run("restore", str(path), "--replace")
    assert Event.objects.get(pk=event.pk).note == "sacks\x00 of grain"
    assert verify_community(v.community.id).ok
