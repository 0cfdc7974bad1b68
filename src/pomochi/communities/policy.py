"""Who may do what, in which community: the one place that says so.

Every service calls `require` first; views and API endpoints call `can`/`require` before they show
a form, so nobody is offered what they may not do. A rule receives the acting membership and the
object acted on; the community check is made here, once, for every rule.
"""

from collections.abc import Callable
from contextvars import ContextVar

from django.conf import settings
from django.http import Http404
from django.utils.translation import gettext as _

from pomochi.communities.models import Community, Membership
from pomochi.errors import NotAllowed

Rule = Callable[[Membership, object], bool]


def _member(actor, target) -> bool:
    return True


def _coordinator(actor, target) -> bool:
    return actor.is_coordinator


def _committee(actor, target) -> bool:
    return actor.is_committee


def _coordinator_or_committee(actor, target) -> bool:
    return actor.is_coordinator or actor.is_committee


def _own_household_or_coordinator(actor, household) -> bool:
    return actor.is_coordinator or (
        actor.household_id is not None and actor.household_id == household.id
    )


def _sees_household_private(actor, household) -> bool:
    """Need data: the household itself, coordinators and the committee."""
    return actor.is_coordinator or actor.is_committee or actor.household_id == household.id


def _has_household_or_coordinator(actor, target) -> bool:
    return actor.is_coordinator or actor.household_id is not None


def _without_household(actor, target) -> bool:
    """A member in no household may start their own (a coordinator places anyone)."""
    return actor.household_id is None


def _self(actor, membership) -> bool:
    return actor.id == membership.id


def _founder(actor, community) -> bool:
    """The person who founded the community (their first-run checklist)."""
    return community.founded_by_id is not None and community.founded_by_id == actor.user_id


def _not_self(rule: Rule) -> Rule:
    def check(actor, membership) -> bool:
        return membership.id != actor.id and rule(actor, membership)

    return check


# Set by `allowed_among` so that checking many objects reads the bylaws once, not per object.
_rules_read: ContextVar[dict | None] = ContextVar("pomochi_rules_read", default=None)


def _rules(actor) -> dict:
    from pomochi.communities.selectors import rules_current

    read = _rules_read.get()
    if read is None:
        return rules_current(community_id=actor.community_id)
    if actor.community_id not in read:
        read[actor.community_id] = rules_current(community_id=actor.community_id)
    return read[actor.community_id]


def _sees_need(actor, need) -> bool:
    """A need is private to its household, coordinators and the committee, unless the bylaws
    make needs visible to every member."""
    return (
        _sees_household_private(actor, need.household)
        or _rules(actor)["privacy"]["needs_visible_to_members"]
    )


def _own_household_of(attr: str) -> Rule:
    """The rule "coordinator, or a member of the household in `attr` of the target"."""

    def check(actor, target) -> bool:
        return actor.is_coordinator or (
            actor.household_id is not None and actor.household_id == getattr(target, attr)
        )

    return check


def _sees_share(actor, share) -> bool:
    return (
        _sees_household_private(actor, share.household)
        or _rules(actor)["privacy"]["needs_visible_to_members"]
    )


def _sees_all_needs(actor, community) -> bool:
    """Every need of the community: coordinators and the committee, or every member when the
    bylaws make needs visible."""
    return (
        actor.is_coordinator
        or actor.is_committee
        or _rules(actor)["privacy"]["needs_visible_to_members"]
    )


def _sees_receivers(actor, community) -> bool:
    """Who received each movement: coordinators and the committee, or every member when the
    bylaws make receivers visible. (Anyone sees their own household's movements.)"""
    return (
        actor.is_coordinator
        or actor.is_committee
        or _rules(actor)["privacy"]["receivers_visible_to_members"]
    )


def _sees_commitment(actor, commitment) -> bool:
    """A promise shows who receives help: the two households, coordinators and committee."""
    return (
        actor.is_coordinator
        or actor.is_committee
        or (
            actor.household_id is not None
            and actor.household_id
            in (commitment.giver_household_id, commitment.receiver_household_id)
        )
    )


def _makes_commitment(actor, proposal) -> bool:
    """Coordinators (a promise on a household's behalf is only proposed to it); or, where the
    bylaws allow it, a household promising from itself — never in another household's name."""
    if actor.is_coordinator:
        return True
    if proposal.giver_household_id is None:
        return False  # a store's stock is promised by those who may hand it out
    return (
        actor.household_id is not None
        and actor.household_id == proposal.giver_household_id
        and _rules(actor)["households_commit_directly"]
    )


def _contribution_waits(actor, target) -> bool:
    """Mutual checks: where the bylaws say so (members_contributions_wait), a plain member's
    contribution waits for a coordinator to confirm that it arrived (ledger.waiting)."""
    return not actor.is_coordinator and _rules(actor)["members_contributions_wait"]


def _contributes_at_once(actor, household) -> bool:
    """A contribution recorded as a ledger event straight away: a coordinator's, or a member's
    from their own household where the bylaws do not make it wait."""
    return actor.is_coordinator or (
        actor.household_id is not None
        and actor.household_id == household.id
        and not _contribution_waits(actor, household)
    )


def _own_household(actor, household) -> bool:
    return actor.household_id is not None and actor.household_id == household.id


def _sees_waiting_record(actor, record) -> bool:
    """A record waiting for confirmation names its household: it, coordinators, committee."""
    return _sees_household_private(actor, record.household)


def _answers_commitment(actor, commitment) -> bool:
    """The giver household accepts or declines a promise proposed in its name. For a household
    with nobody online a coordinator records its answer, given in person."""
    giver = commitment.giver_household_id
    if giver is None:
        return False
    if actor.household_id == giver:
        return True
    return (
        actor.is_coordinator
        and not Membership.objects.filter(household_id=giver, is_active=True).exists()
    )


def _sees_need_note(actor, need) -> bool:
    """A need's note can name people and their troubles: its household, coordinators and the
    committee, even where the bylaws let every member see what is needed."""
    return _sees_household_private(actor, need.household)


def _self_or_coordination(actor, membership) -> bool:
    """When someone joined, left or was removed, and why: themselves, coordinators, committee."""
    return actor.id == membership.id or actor.is_coordinator or actor.is_committee


def _own_notification(actor, notification) -> bool:
    return notification.recipient_id == actor.id


def _reissues_password(actor, membership) -> bool:
    """A password code hands over an account: a coordinator issues one for another active member
    who holds no role the coordinator lacks, belongs to no other community (a coordinator here
    must not take over an account that is someone else's to vouch for) and runs no site."""
    user = membership.user
    return (
        actor.is_coordinator
        and membership.is_active
        and membership.id != actor.id
        and (actor.is_committee or not membership.is_committee)
        and not (user.is_staff or user.is_superuser)
        and not Membership.objects.filter(user_id=membership.user_id, is_active=True)
        .exclude(community_id=membership.community_id)
        .exists()
    )


def _reads_audit_payload(actor, entry) -> bool:
    """Committee reads all; others read entries about no household, or about their own.
    A private entry (a decision's note) is for coordinators and the committee only."""
    if actor.is_committee:
        return True
    if entry.private:
        return actor.is_coordinator
    return entry.household_id is None or (
        actor.household_id is not None and entry.household_id == actor.household_id
    )


RULES: dict[str, Rule] = {
    "community.view": _member,
    # The first-run checklist: shown to the founder, whose steps only they skip (onboarding).
    "community.setup": _founder,
    # The home page's "needs attention" list: each item shown by its own rule (web.attention).
    "attention.view": _coordinator_or_committee,
    # Members whom news could not reach (no e-mail address): coordinators, who tell them.
    "notification.list_unreached": _coordinator,
    "audit.view_chain": _member,
    "audit.read_payload": _reads_audit_payload,
    "household.create": _coordinator,
    # Its own members correct their household's name, size and flags; coordinators any.
    "household.update": _own_household_or_coordinator,
    # Two households that are one; one that left: history stays, the household is archived.
    "household.merge": _coordinator,
    "household.archive": _coordinator,
    "household.create_own": _without_household,  # target: the community
    "household.view_private": _sees_household_private,
    # Lists: the private details of every household at once (members page, exports).
    "household.list_private": _coordinator_or_committee,
    # Nobody is added: a coordinator invites, and the person accepts (communities.invitations).
    "membership.invite": _coordinator,
    "membership.set_household": _coordinator,
    "membership.view_private": _self_or_coordination,
    # Who a departed or removed member was: coordinators and the committee (and the person,
    # who reads nothing of the community any more); to other members "a former member".
    "membership.name_former": _coordinator_or_committee,
    # Leaving is the person's own act; removal is the committee's, never of oneself.
    "membership.leave": _self,
    "membership.remove": _not_self(_committee),
    # For a member who forgot their password and has no e-mail: a one-time code on paper.
    "membership.reissue_password": _reissues_password,
    "membership.reissue_password.form": _coordinator,  # the page listing whom one may
    "membership.grant_coordinator": _not_self(_coordinator_or_committee),
    "membership.grant_committee": _not_self(_committee),
    "bylaws.change": _committee,
    # Stores and what they keep (issue 10): coordinators set them up and change them.
    "resource.create": _coordinator,
    "resource.update": _coordinator,  # name, unit, kind, decimal places, which stores keep it
    "pool.create": _coordinator,
    "pool.update": _coordinator,  # name, kind, description, what it keeps
    "pool.archive": _coordinator,
    "ledger.contribute": _contributes_at_once,
    # Mutual checks (ledger.waiting): whose contributions wait (target: the community), who
    # submits one for their own household, who confirms or declines it and sees the list.
    "ledger.contribute.waits": _contribution_waits,
    "contribution.submit": _own_household,  # target: the household
    "contribution.view": _sees_waiting_record,
    "contribution.decide": _coordinator,  # confirm or decline; target: the record
    "contribution.list_waiting": _coordinator,  # target: the community
    "ledger.distribute": _coordinator,
    "ledger.transfer": _own_household_or_coordinator,
    # The household that received the work confirms it; a worker cannot credit themselves.
    "ledger.work": _own_household_or_coordinator,
    "ledger.adjust": _committee,
    "ledger.reverse": _coordinator_or_committee,
    "ledger.view_receivers": _sees_receivers,  # target: the community
    # Whose movements a form offers to record: any household's, or only one's own.
    "ledger.record_for_any_household": _coordinator,
    "need.post": _own_household_or_coordinator,  # target: the household in need
    "need.view": _sees_need,
    "need.view_note": _sees_need_note,
    "need.change": _own_household_of("household_id"),
    "need.list_all": _coordinator_or_committee,
    "need.see_all": _sees_all_needs,  # target: the community
    # A need nobody has answered (no promise, no share in an open round) waits for those who
    # promise from a store or open a round: on their home page's list (web.attention).
    "need.answer": _coordinator,  # target: the community
    "offer.post": _own_household_or_coordinator,
    "offer.view": _member,
    "offer.change": _own_household_of("household_id"),
    "commitment.make": _makes_commitment,  # target: a proposal with giver/receiver households
    "commitment.view": _sees_commitment,
    # The receiving household confirms a delivery, as with work: nobody credits themselves.
    "commitment.fulfil": _own_household_of("receiver_household_id"),
    # Only the giver household consents to owe (see _answers_commitment).
    "commitment.answer": _answers_commitment,
    # Coordinators may take back a proposal nobody has answered.
    "commitment.withdraw": _coordinator,
    "commitment.fail": _coordinator,
    "commitment.list_overdue": _coordinator_or_committee,
    "commitment.list_all": _coordinator_or_committee,
    "round.open": _coordinator,
    "round.edit": _coordinator,
    "round.execute": _coordinator,
    "round.decide": _committee,
    "round.view": _member,
    "round.view_shares": _coordinator_or_committee,
    # A round's note and the committee's decision notes can name a household and its situation:
    # the page, the API and the audit chain (a private entry) all follow this one rule.
    "round.view_notes": _coordinator_or_committee,
    "share.view": _sees_share,
    "appeal.file": _own_household_of("household_id"),  # target: the share
    "appeal.decide": _committee,
    # News is for the member it was written to, and nobody else.
    "notification.view": _own_notification,
    # How one hears the news (by e-mail at once, in the digest, here only): the person's own
    # choice, which nobody else sees or makes for them. Target: the membership.
    "notification.settings": _self,
    # A drill names the households that would run short, and what they would be given.
    "drill.run": _coordinator_or_committee,
    # Whether to offer a form at all (the service then checks the household or pool chosen).
    "ledger.contribute.form": _has_household_or_coordinator,
    "ledger.distribute.form": _coordinator,
    "ledger.transfer.form": _has_household_or_coordinator,
    "ledger.work.form": _has_household_or_coordinator,
    "ledger.adjust.form": _committee,
    "ledger.reverse.form": _coordinator_or_committee,
}


def community_of(target) -> int | None:
    if isinstance(target, Community):
        return target.id
    return getattr(target, "community_id", None)


def can(actor: Membership | None, permission: str, target) -> bool:
    rule = RULES[permission]  # a KeyError here is a programming error, not a refusal
    if actor is None or not actor.is_active:
        return False
    if community_of(target) != actor.community_id:
        return False
    return rule(actor, target)


def allowed_among(actor: Membership | None, permission: str, targets) -> list:
    """The targets `can` allows, for a list page: the same rule, the bylaws read once."""
    token = _rules_read.set({})
    try:
        return [target for target in targets if can(actor, permission, target)]
    finally:
        _rules_read.reset(token)


def require(actor: Membership | None, permission: str, target) -> None:
    if not can(actor, permission, target):
        raise NotAllowed(_("You are not allowed to do this here."))


def require_visible(actor: Membership | None, permission: str, target) -> None:
    """For an object whose very existence is private (a need, a promise): one the actor may not
    see answers 404, as one that does not exist, on every page and endpoint. A 403 would tell a
    member that another household asked for something, and the ids would count how often."""
    if not can(actor, permission, target):
        raise Http404


# Founding comes before any membership, so it is a rule about a person, not a RULES entry: the
# site setting POMOCHI_FOUNDING says whether anyone with an account may found a community, or
# only accounts the site admin approved (User.may_found_communities; a superuser always may).
def may_found(user) -> bool:
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if settings.POMOCHI_FOUNDING == "approved":
        return user.may_found_communities or user.is_superuser
    return True


def require_may_found(user) -> None:
    if not may_found(user):
        raise NotAllowed(
            _(
                "On this server only accounts the site's administrator has approved may found "
                "a community. Ask them to approve yours."
            )
        )
