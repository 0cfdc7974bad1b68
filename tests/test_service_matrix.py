"""Every service × every role: allowed, or refused with NotAllowed and nothing written.

Communities' and the ledger's services have their matrix in tests/communities/test_policy_matrix
.py; the aid services, invitations' withdrawal, sheets of slips and password codes, and the batch
distribution have theirs here.

Roles (tests/conftest.py): olga (coordinator and committee, Orlovs), alice (coordinator,
Ivanovs), bob (plain member, Petrovs), vera (committee only), charlie (of the hamlet).
The web and API matrix (tests/<app>/test_permission_matrix.py) proves the doors; this proves the
services themselves, which are the guarantee, and `test_every_service_is_in_a_matrix` fails on
any service that takes an actor and is listed in no service matrix.
"""

import importlib
import inspect
import pkgutil
from datetime import timedelta

import pytest
from django.utils import timezone

import pomochi
from pomochi.aid import rounds, services
from pomochi.audit.models import AuditEntry
from pomochi.communities import invitations
from pomochi.communities.invitations import invitation_create, invitation_revoke
from pomochi.errors import NotAllowed
from pomochi.ledger import services as ledger_services
from pomochi.ledger.services import Line, event_contribute, events_distribute_batch
from pomochi.notify.services import action_perform, notifications_mark_read
from tests.communities.test_policy_matrix import COVERS as COMMUNITY_AND_LEDGER_COVERS
from tests.notify.test_preferences import COVERS as NOTIFY_COVERS
from tests.onboarding.test_service_matrix import COVERS as ONBOARDING_COVERS

ROLES = ("olga", "alice", "bob", "vera", "charlie")
COORDINATORS = {"olga", "alice"}
COMMITTEE = {"olga", "vera"}
TOMORROW = timezone.localdate() + timedelta(days=1)


def promise(v, receiver, giver_pool=None, giver_household=None, need=None):
    return services.commitment_make(
        actor=v.alice,
        community=v.community,
        receiver=receiver,
        resource=v.grain,
        quantity=1_000,
        due_on=TOMORROW,
        giver_pool=giver_pool,
        giver_household=giver_household,
        need=need,
    )


def executed_round(v):
    round_ = rounds.round_open(
        actor=v.alice,
        pool=v.granary,
        resource=v.grain,
        quantity=20_000,
        needs=[v.need_petrovs, v.need_sidorovs],
    )
    rounds.round_decide(actor=v.vera, round=round_, approve=True)
    rounds.round_decide(actor=v.olga, round=round_, approve=True)
    return rounds.round_execute(actor=v.alice, round=round_)


def share_of(round_, household):
    return round_.shares.get(revision=round_.revision, household=household)


def draft_round(v):
    return rounds.round_open(
        actor=v.alice, pool=v.granary, resource=v.grain, quantity=5_000, needs=[v.need_orlovs]
    )


def cases(v):
    """name → (prepare(v) → target, call(actor, target), roles allowed)."""
    c = v.community
    own = lambda v: None  # noqa: E731
    return {
        "need_post": (
            own,
            lambda a, _: services.need_post(
                actor=a, community=c, household=v.petrovs, resource=v.grain, quantity=1_000
            ),
            COORDINATORS | {"bob"},
        ),
        "need_edit": (
            lambda v: v.need_petrovs,
            lambda a, need: services.need_edit(actor=a, need=need, quantity=2_000),
            COORDINATORS | {"bob"},
        ),
        "need_withdraw": (
            lambda v: v.need_petrovs,
            lambda a, need: services.need_withdraw(actor=a, need=need),
            COORDINATORS | {"bob"},
        ),
        "offer_post": (
            own,
            lambda a, _: services.offer_post(
                actor=a, community=c, household=v.petrovs, resource=v.labour, quantity=200
            ),
            COORDINATORS | {"bob"},
        ),
        "offer_edit": (
            lambda v: services.offer_post(
                actor=v.bob, community=c, household=v.petrovs, resource=v.labour, quantity=200
            ),
            lambda a, offer: services.offer_edit(actor=a, offer=offer, quantity=300),
            COORDINATORS | {"bob"},
        ),
        "offer_withdraw": (
            lambda v: services.offer_post(
                actor=v.bob, community=c, household=v.petrovs, resource=v.labour, quantity=200
            ),
            lambda a, offer: services.offer_withdraw(actor=a, offer=offer),
            COORDINATORS | {"bob"},
        ),
        "commitment_make": (
            own,
            lambda a, _: services.commitment_make(
                actor=a,
                community=c,
                receiver=v.sidorovs,
                giver_pool=v.granary,
                resource=v.grain,
                quantity=1_000,
                due_on=TOMORROW,
                need=v.need_sidorovs,
            ),
            COORDINATORS,
        ),
        "commitment_fulfil": (
            lambda v: promise(v, v.petrovs, giver_pool=v.granary, need=v.need_petrovs),
            lambda a, p: services.commitment_fulfil(actor=a, commitment=p, quantity=1_000),
            COORDINATORS | {"bob"},  # the receiving household confirms
        ),
        "commitment_accept": (
            lambda v: promise(v, v.sidorovs, giver_household=v.petrovs),
            lambda a, p: services.commitment_accept(actor=a, commitment=p),
            {"bob"},  # the giver household alone: the Petrovs are online
        ),
        "commitment_decline": (
            lambda v: promise(v, v.sidorovs, giver_household=v.petrovs),
            lambda a, p: services.commitment_decline(actor=a, commitment=p, reason="no"),
            COORDINATORS | {"bob"},  # bob declines; a coordinator withdraws the proposal
        ),
        "commitment_fail": (
            lambda v: promise(v, v.sidorovs, giver_pool=v.granary, need=v.need_sidorovs),
            lambda a, p: services.commitment_fail(
                actor=a, commitment=p, excused=True, reason="fell ill"
            ),
            COORDINATORS,
        ),
        "round_open": (
            own,
            lambda a, _: rounds.round_open(
                actor=a, pool=v.granary, resource=v.grain, quantity=5_000, needs=[v.need_orlovs]
            ),
            COORDINATORS,
        ),
        "round_edit": (
            draft_round,
            lambda a, r: rounds.round_edit(actor=a, round=r, quantity=4_000),
            COORDINATORS,
        ),
        "round_cancel": (
            draft_round,
            lambda a, r: rounds.round_cancel(actor=a, round=r),
            COORDINATORS,
        ),
        "round_decide": (
            draft_round,
            lambda a, r: rounds.round_decide(actor=a, round=r, approve=True),
            COMMITTEE,
        ),
        "round_execute": (
            lambda v: _approved(draft_round(v), v),
            lambda a, r: rounds.round_execute(actor=a, round=r),
            COORDINATORS,
        ),
        "appeal_file": (
            lambda v: share_of(executed_round(v), v.petrovs),
            lambda a, share: rounds.appeal_file(actor=a, share=share, reason="we are five now"),
            COORDINATORS | {"bob"},
        ),
        "invitation_revoke": (
            lambda v: invitation_create(actor=v.alice, community=c).invitation,
            lambda a, invitation: invitation_revoke(actor=a, invitation=invitation),
            COORDINATORS,
        ),
        "invitations_create_batch": (
            own,
            lambda a, _: invitations.invitations_create_batch(
                actor=a, community=c, households=[v.sidorovs, v.petrovs]
            ),
            COORDINATORS,
        ),
        # A code that sets bob's password: coordinators of his community only.
        "invitation_reissue_password": (
            lambda v: v.bob,
            lambda a, bob: invitations.invitation_reissue_password(actor=a, membership=bob),
            COORDINATORS,
        ),
        "events_distribute_batch": (
            own,
            lambda a, _: events_distribute_batch(
                actor=a, pool=v.granary, resource=v.grain, lines=[Line(v.sidorovs, 1_000)]
            ),
            COORDINATORS,
        ),
        "appeal_decide": (
            lambda v: rounds.appeal_file(
                actor=v.bob, share=share_of(executed_round(v), v.petrovs), reason="five of us"
            ),
            lambda a, appeal: rounds.appeal_decide(
                actor=a, appeal=appeal, upheld=False, note="the ration was the same for all"
            ),
            COMMITTEE,
        ),
    }


def _approved(round_, v):
    rounds.round_decide(actor=v.vera, round=round_, approve=True)
    rounds.round_decide(actor=v.olga, round=round_, approve=True)
    return round_


@pytest.fixture
def world(stocked_village, hamlet):
    """The stocked village with a need each of the Petrovs, the Sidorovs and the Orlovs."""
    v = stocked_village
    for household, quantity in ((v.petrovs, 30_000), (v.sidorovs, 10_000), (v.orlovs, 80_000)):
        need = services.need_post(
            actor=v.alice,
            community=v.community,
            household=household,
            resource=v.grain,
            quantity=quantity,
        )
        setattr(v, f"need_{household.name.lower()}", need)
    event_contribute(
        actor=v.alice, household=v.ivanovs, pool=v.granary, resource=v.grain, quantity=100_000
    )
    v.charlie = hamlet.charlie
    return v


CASE_NAMES = [
    "need_post",
    "need_edit",
    "need_withdraw",
    "offer_post",
    "offer_edit",
    "offer_withdraw",
    "commitment_make",
    "commitment_fulfil",
    "commitment_fail",
    "commitment_accept",
    "commitment_decline",
    "round_open",
    "round_edit",
    "round_cancel",
    "round_decide",
    "round_execute",
    "appeal_file",
    "appeal_decide",
    "invitation_revoke",
    "invitations_create_batch",
    "invitation_reissue_password",
    "events_distribute_batch",
]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", CASE_NAMES)
def test_aid_service_matrix(world, name, role):
    v = world
    prepare, call, allowed = cases(v)[name]
    target = prepare(v)
    actor = getattr(v, role)
    before = AuditEntry.objects.filter(community=v.community).count()
    if role in allowed:
        call(actor, target)
        assert AuditEntry.objects.filter(community=v.community).count() > before
    else:
        with pytest.raises(NotAllowed):
            call(actor, target)
        assert AuditEntry.objects.filter(community=v.community).count() == before


MODULES = (services, rounds, invitations, ledger_services)
COVERS = {next(getattr(m, n) for m in MODULES if hasattr(m, n)) for n in CASE_NAMES}

# Services that take an actor but ask no permission, each for its reason.
EXEMPT = {
    # Called by the ledger inside a reversal, not by a person: the reversal tests cover them.
    services.commitment_delivery_reversed,
    rounds.allocation_delivery_reversed,
    # Authorised by its cause: the calling service has asked the policy (its docstring says so).
    ledger_services.event_record_for_cause,
    # Touches only the actor's own notifications.
    notifications_mark_read,
    # Acts through the service its link names, whose policy is the check (a role lost, a
    # membership ended: refused there); tests/notify/test_links.py.
    action_perform,
}


def services_taking_an_actor():
    """Every public function of every service module that takes a keyword-only actor."""
    found = set()
    for module in pkgutil.walk_packages(pomochi.__path__, "pomochi."):
        if module.name.rsplit(".", 1)[-1] not in ("services", "rounds", "invitations"):
            continue
        loaded = importlib.import_module(module.name)
        for name, function in inspect.getmembers(loaded, inspect.isfunction):
            if function.__module__ != loaded.__name__ or name.startswith("_"):
                continue
            actor = inspect.signature(function).parameters.get("actor")
            if actor is not None and actor.kind is inspect.Parameter.KEYWORD_ONLY:
                found.add(function)
    return found


def test_every_service_is_in_a_matrix():
    covered = COVERS | COMMUNITY_AND_LEDGER_COVERS | ONBOARDING_COVERS | NOTIFY_COVERS | EXEMPT
    missing = sorted(f"{f.__module__}.{f.__name__}" for f in services_taking_an_actor() - covered)
    assert missing == []


def test_the_matrix_names_every_case():
    assert set(CASE_NAMES) == set(cases(type("V", (), {"community": None})))
