import pytest

from pomochi.audit.models import AuditEntry
from pomochi.communities.bylaws import default_rules
from pomochi.communities.selectors import bylaws_current, bylaws_versions
from pomochi.communities.services import bylaws_change
from pomochi.errors import InvalidInput, NotAllowed


def test_a_new_community_starts_with_the_default_bylaws(village):
    current = bylaws_current(community=village.community)
    assert current.version == 1
    assert current.rules == default_rules()
    assert current.rules["allocation_rule"] == "max_min"
    assert current.rules["privacy"]["needs_visible_to_members"] is False


def test_it_keeps_every_version(village):
    rules = default_rules() | {"approval_quorum": 3, "allocation_rule": "per_person"}
    second = bylaws_change(
        actor=village.vera,
        community=village.community,
        rules=rules,
        reason="More voices on rationing",
    )
    assert second.version == 2
    assert [b.version for b in bylaws_versions(community=village.community)] == [2, 1]
    assert bylaws_current(community=village.community).rules["approval_quorum"] == 3
    entry = AuditEntry.objects.filter(community=village.community).order_by("-seq").first()
    assert (entry.verb, entry.object_id, entry.actor_id) == (
        "bylaws.change",
        second.id,
        village.vera.id,
    )


def test_missing_keys_take_their_defaults(village):
    version = bylaws_change(
        actor=village.vera,
        community=village.community,
        rules={"approval_quorum": 4},
        reason="quorum",
    )
    assert version.rules == default_rules() | {"approval_quorum": 4}


@pytest.mark.parametrize(
    ("rules", "problem"),
    [
        ({"approval_quorum": 0}, "approval_quorum"),
        ({"allocation_rule": "lottery"}, "allocation_rule"),
        ({"privacy": {"needs_visible": True}}, "privacy.needs_visible"),
        ({"quorum": 2}, "quorum"),
        ({"trust_decay_half_life_days": "soon"}, "trust_decay_half_life_days"),
    ],
)
def test_it_refuses_invalid_rules_and_keeps_the_old_version(village, rules, problem):
    with pytest.raises(InvalidInput, match=problem):
        bylaws_change(actor=village.vera, community=village.community, rules=rules, reason="try")
    assert bylaws_current(community=village.community).version == 1


def test_it_needs_a_reason(village):
    with pytest.raises(InvalidInput, match="why"):
        bylaws_change(
            actor=village.vera, community=village.community, rules=default_rules(), reason="  "
        )


@pytest.mark.parametrize("who", ["alice", "bob"])
def test_only_the_committee_changes_the_bylaws(village, who):
    with pytest.raises(NotAllowed):
        bylaws_change(
            actor=getattr(village, who),
            community=village.community,
            rules=default_rules(),
            reason="mine",
        )
    assert bylaws_current(community=village.community).version == 1


def test_another_communitys_committee_cannot_change_them(village, hamlet):
    # charlie founded the hamlet and sits on its committee, not the village's
    with pytest.raises(NotAllowed):
        bylaws_change(
            actor=hamlet.charlie,
            community=village.community,
            rules=default_rules(),
            reason="takeover",
        )
    assert bylaws_current(community=village.community).version == 1
