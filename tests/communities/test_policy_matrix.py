"""Every service × every role: allowed or refused as the policy says; a refusal changes nothing.

Roles: olga (coordinator+committee), alice (coordinator), vera (committee), bob (plain member,
Petrovs), charlie (coordinator of another community).
"""

import pytest

from pomochi.audit.models import AuditEntry
from pomochi.communities.bylaws import default_rules
from pomochi.communities.invitations import invitation_create
from pomochi.communities.services import (
    bylaws_change,
    household_archive,
    household_create,
    household_create_own,
    household_merge,
    household_update,
    membership_leave,
    membership_remove,
    membership_set_household,
    membership_set_roles,
    resource_create,
    resource_update,
)
from pomochi.errors import NotAllowed
from pomochi.ledger.models import Event
from pomochi.ledger.services import (
    event_adjust,
    event_contribute,
    event_distribute,
    event_reverse,
    event_transfer,
    event_work,
    pool_archive,
    pool_create,
    pool_update,
    resource_keep,
)
from pomochi.ledger.waiting import contribution_confirm, contribution_decline, contribution_submit

ROLES = ["olga", "alice", "vera", "bob", "charlie"]

# The services this matrix calls (tests/test_service_matrix.py fails on one in no matrix).
COVERS = {
    bylaws_change,
    household_archive,
    household_create,
    household_create_own,
    household_merge,
    household_update,
    membership_leave,
    membership_remove,
    invitation_create,
    membership_set_household,
    membership_set_roles,
    resource_create,
    event_adjust,
    event_contribute,
    event_distribute,
    event_reverse,
    event_transfer,
    event_work,
    pool_create,
    pool_update,
    pool_archive,
    resource_update,
    resource_keep,
}


def calls(v):
    """name → (function of actor, the roles allowed[, audit entries an allowed call writes])."""
    c = v.community
    return {
        # bob's own household: its member or a coordinator.
        "household_update_own": (
            lambda a: household_update(actor=a, household=v.petrovs, size=5),
            {"olga", "alice", "bob"},
        ),
        "contribution_submit": (
            lambda a: contribution_submit(
                actor=a, household=v.petrovs, pool=v.granary, resource=v.grain, quantity=1
            ),
            {"bob"},
        ),
        "contribution_confirm": (
            lambda a: contribution_confirm(actor=a, record=v.waiting),
            {"olga", "alice"},
        ),
        "contribution_decline": (
            lambda a: contribution_decline(actor=a, record=v.waiting, reason="never came"),
            {"olga", "alice"},
        ),
        # A member in no household (vera) starts one and lives in it: two entries.
        "household_create_own": (
            lambda a: household_create_own(actor=a, community=c, name="Volkovs"),
            {"vera"},
            2,
        ),
        "household_merge": (
            lambda a: household_merge(actor=a, household=v.sidorovs, into=v.orlovs),
            {"olga", "alice"},
        ),
        "household_archive": (
            lambda a: household_archive(actor=a, household=v.sidorovs),
            {"olga", "alice"},
        ),
        # Leaving is one's own act: only bob leaves as bob.
        "membership_leave": (
            lambda a: membership_leave(actor=a, membership=v.bob),
            {"bob"},
        ),
        "membership_remove": (
            lambda a: membership_remove(actor=a, membership=v.bob, reason="took grain"),
            {"olga", "vera"},
        ),
        # Nobody removes themselves, the committee neither: they leave.
        "membership_remove_self": (
            lambda a: membership_remove(actor=a, membership=a, reason="tired"),
            set(),
        ),
        "household_create": (
            lambda a: household_create(actor=a, community=c, name="New"),
            {"olga", "alice"},
        ),
        "household_update": (
            lambda a: household_update(actor=a, household=v.sidorovs, size=2),
            {"olga", "alice"},
        ),
        "invitation_create": (
            lambda a: invitation_create(actor=a, community=c, household=v.sidorovs),
            {"olga", "alice"},
        ),
        # An invitation grants only the roles its maker may grant (membership_set_roles' rules).
        "invite_granting_coordinator": (
            lambda a: invitation_create(actor=a, community=c, coordinator=True),
            {"olga", "alice"},
        ),
        "invite_granting_committee": (
            lambda a: invitation_create(actor=a, community=c, committee=True),
            {"olga"},
        ),
        "membership_set_household": (
            lambda a: membership_set_household(actor=a, membership=v.vera, household=v.orlovs),
            {"olga", "alice"},
        ),
        "grant_coordinator": (
            lambda a: membership_set_roles(actor=a, membership=v.bob, coordinator=True),
            {"olga", "alice", "vera"},
        ),
        "grant_committee": (
            lambda a: membership_set_roles(actor=a, membership=v.bob, committee=True),
            {"olga", "vera"},
        ),
        "bylaws_change": (
            lambda a: bylaws_change(actor=a, community=c, rules=default_rules(), reason="r"),
            {"olga", "vera"},
        ),
        "resource_create": (
            lambda a: resource_create(
                actor=a, community=c, name="salt", unit="kg", kind="consumable"
            ),
            {"olga", "alice"},
        ),
        "pool_create": (
            lambda a: pool_create(actor=a, community=c, name="Cellar"),
            {"olga", "alice"},
        ),
        "pool_update": (
            lambda a: pool_update(actor=a, pool=v.granary, description="by the mill"),
            {"olga", "alice"},
        ),
        "pool_archive": (
            lambda a: pool_archive(actor=a, pool=v.empty_store),
            {"olga", "alice"},
        ),
        "resource_update": (
            lambda a: resource_update(actor=a, resource=v.grain, name="rye"),
            {"olga", "alice"},
        ),
        "resource_keep": (
            lambda a: resource_keep(actor=a, resource=v.potatoes, pools=[v.granary, v.tools]),
            {"olga", "alice"},
        ),
        "contribute_own": (
            lambda a: event_contribute(
                actor=a, household=v.petrovs, pool=v.granary, resource=v.grain, quantity=1
            ),
            {"olga", "alice"},  # bob's waits for a coordinator under the default bylaws
        ),
        "contribute_other": (
            lambda a: event_contribute(
                actor=a, household=v.sidorovs, pool=v.granary, resource=v.grain, quantity=1
            ),
            {"olga", "alice"},
        ),
        "distribute": (
            lambda a: event_distribute(
                actor=a, pool=v.granary, household=v.petrovs, resource=v.grain, quantity=1
            ),
            {"olga", "alice"},
        ),
        "transfer_own": (
            lambda a: event_transfer(
                actor=a,
                from_household=v.petrovs,
                to_household=v.sidorovs,
                resource=v.grain,
                quantity=1,
            ),
            {"olga", "alice", "bob"},
        ),
        "work_for_own": (
            lambda a: event_work(
                actor=a, worker=v.ivanovs, beneficiary=v.petrovs, resource=v.labour, quantity=100
            ),
            {"olga", "alice", "bob"},
        ),
        "work_for_other": (
            lambda a: event_work(
                actor=a, worker=v.petrovs, beneficiary=v.ivanovs, resource=v.labour, quantity=100
            ),
            {"olga", "alice"},
        ),
        "adjust": (
            lambda a: event_adjust(
                actor=a, pool=v.granary, resource=v.grain, change=-1, reason="spoilt"
            ),
            {"olga", "vera"},
        ),
        "reverse": (
            lambda a: event_reverse(actor=a, event=v.first_event, reason="mistake"),
            {"olga", "alice", "vera"},
        ),
    }


CASES = [
    (name, role)
    for name in [
        "household_create",
        "household_update",
        "household_update_own",
        "household_create_own",
        "household_merge",
        "household_archive",
        "membership_leave",
        "membership_remove",
        "membership_remove_self",
        "invitation_create",
        "invite_granting_coordinator",
        "invite_granting_committee",
        "membership_set_household",
        "grant_coordinator",
        "grant_committee",
        "bylaws_change",
        "resource_create",
        "pool_create",
        "pool_update",
        "pool_archive",
        "resource_update",
        "resource_keep",
        "contribute_own",
        "contribute_other",
        "distribute",
        "transfer_own",
        "work_for_own",
        "work_for_other",
        "adjust",
        "reverse",
        "contribution_submit",
        "contribution_confirm",
        "contribution_decline",
    ]
    for role in ROLES
]


@pytest.mark.parametrize(("name", "role"), CASES)
def test_policy_matrix(stocked_village, hamlet, name, role):
    v = stocked_village
    v.first_event = Event.objects.filter(community=v.community).order_by("id").first()
    v.empty_store = pool_create(actor=v.olga, community=v.community, name="Old shed")
    v.waiting = contribution_submit(
        actor=v.bob, household=v.petrovs, pool=v.granary, resource=v.grain, quantity=1_000
    )
    actor = hamlet.charlie if role == "charlie" else getattr(v, role)
    call, allowed, *written = calls(v)[name]
    entries_before = AuditEntry.objects.filter(community=v.community).count()
    if role in allowed:
        call(actor)
        expected = entries_before + (written[0] if written else 1)
        assert AuditEntry.objects.filter(community=v.community).count() == expected
    else:
        with pytest.raises(NotAllowed):
            call(actor)
        assert AuditEntry.objects.filter(community=v.community).count() == entries_before


def test_the_matrix_covers_every_call(db):
    from types import SimpleNamespace

    assert {name for name, _ in CASES} == set(calls(SimpleNamespace(community=None)))
