"""Shared fixtures: a village with named people, and a neighbouring hamlet.

village.olga    founder: coordinator and committee, household Orlovs
village.alice   coordinator, household Ivanovs
village.bob     plain member, household Petrovs
village.vera    committee only, no household
village.sidorovs  a household with no member online (many are)
hamlet.charlie  coordinator of another community (the outsider)
"""

from types import SimpleNamespace

import pytest

from pomochi.accounts.models import User
from pomochi.communities.invitations import invitation_accept, invitation_create
from pomochi.communities.services import (
    community_create,
    household_create,
    membership_set_household,
    membership_set_roles,
    resource_create,
)
from pomochi.ledger.models import PoolKind
from pomochi.ledger.services import event_contribute, pool_create


def make_user(username: str) -> User:
    return User.objects.create_user(
        username=username, password=f"{username}-pass-2026", email=f"{username}@example.org"
    )


def enrol(*, actor, community, user, household=None):
    """Bring a person in as pomochi does: the coordinator invites, the person accepts."""
    issued = invitation_create(actor=actor, community=community, household=household)
    return invitation_accept(user=user, code=issued.code)


def build_village(slug: str = "village", name: str = "Village") -> SimpleNamespace:
    v = SimpleNamespace()
    founder = make_user(f"olga-{slug}" if slug != "village" else "olga")
    v.community = community_create(slug=slug, name=name, founder=founder)
    v.olga = v.community.memberships.get(user=founder)
    v.orlovs = household_create(
        actor=v.olga, community=v.community, name="Orlovs", size=2, has_elderly=True
    )
    v.olga = membership_set_household(actor=v.olga, membership=v.olga, household=v.orlovs)
    v.ivanovs = household_create(
        actor=v.olga, community=v.community, name="Ivanovs", size=4, has_children=True
    )
    v.petrovs = household_create(actor=v.olga, community=v.community, name="Petrovs", size=3)
    v.sidorovs = household_create(
        actor=v.olga, community=v.community, name="Sidorovs", size=1, has_ill_or_disabled=True
    )
    suffix = "" if slug == "village" else f"-{slug}"
    v.alice = enrol(
        actor=v.olga, community=v.community, user=make_user(f"alice{suffix}"), household=v.ivanovs
    )
    v.alice = membership_set_roles(actor=v.olga, membership=v.alice, coordinator=True)
    v.bob = enrol(
        actor=v.olga, community=v.community, user=make_user(f"bob{suffix}"), household=v.petrovs
    )
    v.vera = enrol(actor=v.olga, community=v.community, user=make_user(f"vera{suffix}"))
    v.vera = membership_set_roles(actor=v.olga, membership=v.vera, committee=True)
    v.grain = resource_create(
        actor=v.olga,
        community=v.community,
        name="grain",
        unit="kg",
        kind="consumable",
        decimal_places=3,
    )
    v.potatoes = resource_create(
        actor=v.olga,
        community=v.community,
        name="potatoes",
        unit="kg",
        kind="consumable",
        decimal_places=1,
    )
    v.plough = resource_create(
        actor=v.olga, community=v.community, name="plough", unit="pcs", kind="durable"
    )
    v.labour = resource_create(
        actor=v.olga,
        community=v.community,
        name="labour",
        unit="h",
        kind="labour",
        decimal_places=2,
    )
    # What each store keeps (a movement of anything else into it is refused).
    v.granary = pool_create(
        actor=v.olga,
        community=v.community,
        name="Granary",
        kind=PoolKind.GRANARY,
        resources=[v.grain, v.potatoes],
    )
    v.tools = pool_create(
        actor=v.olga,
        community=v.community,
        name="Tool library",
        kind=PoolKind.TOOL_LIBRARY,
        resources=[v.plough],
    )
    return v


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Argon2 is deliberately slow; tests that check hashing ask for it explicitly."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def english_unless_asked():
    """Each test starts in the site's default language: a page requested in Russian leaves
    Russian active in the thread (LocaleMiddleware activates, nothing deactivates), and a later
    test that calls a service directly would read its messages in Russian."""
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def plain_http(settings):
    """The test client and live server speak HTTP; production redirects to HTTPS."""
    settings.SECURE_SSL_REDIRECT = False


def bylaws_with(v, **rules) -> None:
    """The committee (vera) changes the village's bylaws' rules, the rest as they are."""
    from pomochi.communities.selectors import bylaws_current
    from pomochi.communities.services import bylaws_change

    current = bylaws_current(community=v.community).rules
    bylaws_change(actor=v.vera, community=v.community, rules=current | rules, reason="test")


@pytest.fixture
def village(db):
    return build_village()


@pytest.fixture
def stocked_village(village):
    """The village with 100 kg of grain and one plough in store, given by the Ivanovs."""
    event_contribute(
        actor=village.alice,
        household=village.ivanovs,
        pool=village.granary,
        resource=village.grain,
        quantity=100_000,
    )
    event_contribute(
        actor=village.alice,
        household=village.ivanovs,
        pool=village.tools,
        resource=village.plough,
        quantity=1,
    )
    return village


@pytest.fixture
def hamlet(db):
    h = SimpleNamespace()
    founder = make_user("charlie")
    h.community = community_create(slug="hamlet", name="Hamlet", founder=founder)
    h.charlie = h.community.memberships.get(user=founder)
    h.kuznetsovs = household_create(
        actor=h.charlie, community=h.community, name="Kuznetsovs", size=5
    )
    h.charlie = membership_set_household(
        actor=h.charlie, membership=h.charlie, household=h.kuznetsovs
    )
    h.grain = resource_create(
        actor=h.charlie,
        community=h.community,
        name="grain",
        unit="kg",
        kind="consumable",
        decimal_places=3,
    )
    h.store = pool_create(
        actor=h.charlie,
        community=h.community,
        name="Store",
        kind=PoolKind.GRANARY,
        resources=[h.grain],
    )
    return h


def notification_for(membership, *, kind: str, params: dict):
    """A notification row for one member, written as the services write them (tests that need
    news in a mailbox whatever its kind's audience)."""
    from django.utils import timezone

    from pomochi.notify.models import Notification

    return Notification.objects.create(
        community_id=membership.community_id,
        recipient=membership,
        kind=kind,
        params=params,
        created_at=timezone.now(),
    )


@pytest.fixture
def jobs_at_once(settings):
    """Background jobs run at once, in the test's process (django-tasks' immediate backend),
    for tests of what a job does rather than of the worker that runs it (tests/notify has
    those, with a real `pomochi db_worker`)."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def delivered():
    """What the outbox has sent, after sending what waits in it (what the delivery job does
    once a request's transaction commits, which a test's transaction never does)."""
    from django.core import mail

    from pomochi.notify.delivery import mail_send_due, news_route

    news_route()
    mail_send_due()
    return mail.outbox
