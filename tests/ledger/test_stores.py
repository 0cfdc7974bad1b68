"""Stores and what they keep: creating, editing and archiving a store, which stores keep a
resource, and the one rule every movement into a store meets (issue 10, "Stores")."""

import re

import pytest

from pomochi.aid.rounds import round_decide, round_execute, round_open
from pomochi.aid.services import need_post
from pomochi.audit.models import AuditEntry
from pomochi.errors import Conflict, InvalidInput
from pomochi.ledger.models import Event, Holding, Pool, PoolKind
from pomochi.ledger.services import (
    Cause,
    Line,
    event_adjust,
    event_contribute,
    event_distribute,
    event_record_for_cause,
    event_reverse,
    events_distribute_batch,
    pool_archive,
    pool_create,
    pool_update,
    resource_keep,
)
from pomochi.ledger.waiting import contribution_confirm, contribution_submit
from tests.conftest import bylaws_with

NOT_KEPT = (
    "Tool library does not keep grain. A coordinator can add grain to what Tool library "
    "keeps (Stores, or What we keep)."
)


def entries(v) -> int:
    return AuditEntry.objects.filter(community=v.community).count()


def kept(pool) -> set[str]:
    return set(Pool.objects.get(pk=pool.pk).resources.values_list("name", flat=True))


def stock(pool, resource) -> int:
    return (
        Holding.objects.filter(pool=pool, resource=resource)
        .values_list("quantity", flat=True)
        .first()
        or 0
    )


def audited(v, verb):
    import json

    entry = AuditEntry.objects.filter(community=v.community, verb=verb).order_by("-seq").first()
    return json.loads(entry.payload)["data"]


# ---- creating and editing ---------------------------------------------------------------------


def test_a_new_store_keeps_only_what_is_ticked(village):
    v = village
    cellar = pool_create(
        actor=v.alice, community=v.community, name="Cellar", resources=[v.potatoes]
    )
    assert kept(cellar) == {"potatoes"}
    assert audited(v, "pool.create") == {
        "name": "Cellar",
        "kind": "other",
        "description": "",
        "resources": [v.potatoes.id],
    }
    bare = pool_create(actor=v.alice, community=v.community, name="Shed")
    assert kept(bare) == set()


def test_labour_is_kept_in_no_store(village):
    v = village
    before = entries(v)
    with pytest.raises(InvalidInput, match="labour is labour: it is given, never kept in a store"):
        pool_create(actor=v.alice, community=v.community, name="Shed", resources=[v.labour])
    assert entries(v) == before and not Pool.objects.filter(name="Shed").exists()


def test_a_store_is_renamed_described_and_keeps_more(village):
    v = village
    before = entries(v)
    pool = pool_update(
        actor=v.alice,
        pool=v.tools,
        name="Tool shed",
        description="Behind the mill; the key is with Olga.",
        kind=PoolKind.OTHER,
        resources=[v.plough, v.potatoes],
    )
    pool.refresh_from_db()
    assert (pool.name, pool.kind) == ("Tool shed", "other")
    assert pool.description == "Behind the mill; the key is with Olga."
    assert kept(pool) == {"plough", "potatoes"}
    assert entries(v) == before + 1
    assert audited(v, "pool.update")["resources"] == sorted([v.plough.id, v.potatoes.id])


def test_nothing_changed_writes_nothing(village):
    v = village
    before = entries(v)
    pool_update(actor=v.alice, pool=v.granary, name="Granary", resources=[v.potatoes, v.grain])
    assert entries(v) == before


def test_a_name_taken_is_refused(village):
    v = village
    with pytest.raises(Conflict, match="There is already a pool called “Granary”."):
        pool_update(actor=v.alice, pool=v.tools, name="Granary")
    assert Pool.objects.get(pk=v.tools.pk).name == "Tool library"


def test_a_store_cannot_stop_keeping_what_it_holds(stocked_village):
    v = stocked_village
    before = entries(v)
    with pytest.raises(Conflict) as refused:
        pool_update(actor=v.alice, pool=v.granary, resources=[v.potatoes])
    assert refused.value.message == (
        "Granary still holds 100 kg of grain: give it out first, then it can stop keeping grain."
    )
    assert refused.value.field == "resources"
    assert kept(v.granary) == {"grain", "potatoes"} and entries(v) == before


def test_which_stores_keep_a_resource(village):
    v = village
    kitchen = pool_create(actor=v.alice, community=v.community, name="Kitchen")
    before = entries(v)
    resource_keep(actor=v.alice, resource=v.potatoes, pools=[kitchen, v.tools])
    assert kept(kitchen) == {"potatoes"}
    assert kept(v.tools) == {"plough", "potatoes"}
    assert kept(v.granary) == {"grain"}  # unticked: it keeps potatoes no more
    assert entries(v) == before + 3  # one pool.update per store whose list changed


def test_a_resource_a_store_holds_stays_kept_there(stocked_village):
    v = stocked_village
    with pytest.raises(Conflict, match="Granary still holds 100 kg of grain"):
        resource_keep(actor=v.alice, resource=v.grain, pools=[])
    assert kept(v.granary) == {"grain", "potatoes"}


# ---- archiving --------------------------------------------------------------------------------


def test_an_empty_store_is_archived_and_keeps_its_history(stocked_village):
    v = stocked_village
    event_adjust(actor=v.vera, pool=v.tools, resource=v.plough, change=-1, reason="broken")
    pool = pool_archive(actor=v.alice, pool=v.tools)
    assert pool.archived_at is not None
    assert Event.objects.filter(receiver_pool=v.tools).count() == 1  # history stays
    assert audited(v, "pool.archive") == {"name": "Tool library", "archived": True}


def test_a_store_that_holds_stock_is_not_archived(stocked_village):
    v = stocked_village
    before = entries(v)
    with pytest.raises(Conflict) as refused:
        pool_archive(actor=v.alice, pool=v.granary)
    assert refused.value.message == (
        "Granary still holds 100 kg grain: give it out (or adjust the stock) before it is archived."
    )
    assert Pool.objects.get(pk=v.granary.pk).archived_at is None and entries(v) == before


def test_an_archived_store_is_archived_once_and_edited_no_more(village):
    v = village
    pool_archive(actor=v.alice, pool=v.tools)
    tools = Pool.objects.get(pk=v.tools.pk)
    with pytest.raises(Conflict, match="Tool library is archived: nothing more is recorded in it."):
        pool_archive(actor=v.alice, pool=tools)
    with pytest.raises(Conflict, match="is archived"):
        pool_update(actor=v.alice, pool=tools, name="Old tools")


# ---- the rule every movement into a store meets -----------------------------------------------


def test_a_contribution_of_what_the_store_does_not_keep_is_refused(stocked_village):
    v = stocked_village
    before = entries(v)
    with pytest.raises(InvalidInput) as refused:
        event_contribute(
            actor=v.alice, household=v.ivanovs, pool=v.tools, resource=v.grain, quantity=1_000
        )
    assert refused.value.message == NOT_KEPT and refused.value.field == "resource"
    assert stock(v.tools, v.grain) == 0 and entries(v) == before


def test_a_contribution_retried_with_its_key_after_a_refusal_is_refused_again(stocked_village):
    v = stocked_village
    for _ in range(2):
        with pytest.raises(InvalidInput, match="does not keep grain"):
            event_contribute(
                actor=v.alice,
                household=v.ivanovs,
                pool=v.tools,
                resource=v.grain,
                quantity=1_000,
                idempotency_key="k-1",
            )
    pool_update(actor=v.alice, pool=v.tools, resources=[v.plough, v.grain])
    event = event_contribute(
        actor=v.alice,
        household=v.ivanovs,
        pool=v.tools,
        resource=v.grain,
        quantity=1_000,
        idempotency_key="k-1",
    )
    assert event.receiver_pool_id == v.tools.id and stock(v.tools, v.grain) == 1_000


def test_an_adjustment_into_a_store_that_does_not_keep_it_is_refused(stocked_village):
    v = stocked_village
    with pytest.raises(InvalidInput, match=re.escape(NOT_KEPT)):
        event_adjust(actor=v.vera, pool=v.tools, resource=v.grain, change=500, reason="found")
    # Taking out is no putting in: the recount of a plough it keeps is fine.
    event_adjust(actor=v.vera, pool=v.tools, resource=v.plough, change=1, reason="recount")
    assert stock(v.tools, v.plough) == 2


def test_a_reversal_gives_back_even_what_is_no_longer_kept(stocked_village):
    v = stocked_village
    given = event_distribute(
        actor=v.alice, pool=v.tools, household=v.petrovs, resource=v.plough, quantity=1
    )
    pool_update(actor=v.alice, pool=v.tools, resources=[])  # empty now: it may stop keeping it
    event_reverse(actor=v.alice, event=given, reason="the Petrovs never took it")
    assert stock(v.tools, v.plough) == 1


def test_a_member_s_waiting_record_of_what_the_store_does_not_keep_is_refused(stocked_village):
    v = stocked_village
    bylaws_with(v, members_contributions_wait=True)
    with pytest.raises(InvalidInput, match=re.escape(NOT_KEPT)):
        contribution_submit(
            actor=v.bob, household=v.petrovs, pool=v.tools, resource=v.grain, quantity=1_000
        )


def test_a_waiting_record_confirmed_after_the_store_stopped_keeping_it_is_refused(village):
    v = village
    record = contribution_submit(
        actor=v.bob, household=v.petrovs, pool=v.granary, resource=v.potatoes, quantity=10
    )
    pool_update(actor=v.alice, pool=v.granary, resources=[v.grain])
    with pytest.raises(InvalidInput, match="Granary does not keep potatoes"):
        contribution_confirm(actor=v.alice, record=record)
    assert stock(v.granary, v.potatoes) == 0


def test_an_archived_store_takes_no_movement_of_any_kind(stocked_village):
    v = stocked_village
    event_adjust(actor=v.vera, pool=v.tools, resource=v.plough, change=-1, reason="broken")
    pool_archive(actor=v.alice, pool=v.tools)
    tools = Pool.objects.get(pk=v.tools.pk)
    archived = "Tool library is archived: nothing more is recorded in it."
    before = entries(v)
    with pytest.raises(Conflict, match=archived):
        event_contribute(
            actor=v.alice, household=v.ivanovs, pool=tools, resource=v.plough, quantity=1
        )
    with pytest.raises(Conflict, match=archived):
        event_distribute(
            actor=v.alice, pool=tools, household=v.petrovs, resource=v.plough, quantity=1
        )
    with pytest.raises(Conflict, match=archived):
        event_adjust(actor=v.vera, pool=tools, resource=v.plough, change=1, reason="found")
    with pytest.raises(Conflict, match=archived):
        event_record_for_cause(
            actor=v.alice,
            cause=Cause("commitment", 1),
            action="distribute",
            resource=v.plough,
            quantity=1,
            provider_pool=tools,
            receiver_household=v.petrovs,
        )
    with pytest.raises(Conflict, match=archived):
        events_distribute_batch(
            actor=v.alice, pool=tools, resource=v.plough, lines=[Line(v.petrovs, 1)]
        )
    assert entries(v) == before


def test_a_round_from_a_store_archived_since_is_refused(stocked_village):
    v = stocked_village
    need = need_post(
        actor=v.bob, community=v.community, household=v.petrovs, resource=v.grain, quantity=5_000
    )
    round_ = round_open(
        actor=v.alice, pool=v.granary, resource=v.grain, quantity=5_000, needs=[need]
    )
    round_decide(actor=v.vera, round=round_, approve=True)
    round_decide(actor=v.olga, round=round_, approve=True)
    event_adjust(actor=v.vera, pool=v.granary, resource=v.grain, change=-100_000, reason="fire")
    pool_archive(actor=v.alice, pool=v.granary)
    round_.pool.refresh_from_db()
    with pytest.raises(Conflict, match="Granary is archived: nothing more is recorded in it."):
        round_execute(actor=v.alice, round=round_)
    assert not Event.objects.filter(cause_type="allocation", cause_id=round_.id).exists()


def test_an_archived_store_is_left_off_the_forms_and_the_home_page(village):
    from pomochi.ledger.forms import RecordForm
    from pomochi.ledger.selectors import pools_with_stock

    v = village
    pool_archive(actor=v.alice, pool=v.tools)
    assert list(RecordForm(actor=v.alice).pools) == [v.granary]
    assert [p for p, _h in pools_with_stock(community=v.community)] == [v.granary]
