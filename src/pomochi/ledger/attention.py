"""The ledger on the home page (registered in LedgerConfig.ready): the records waiting for a
coordinator's confirmation (mutual checks) as one item of "needs attention", and a member's own
household's records waiting or declined. A fixed number of queries each."""

from datetime import date

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from pomochi.communities import policy
from pomochi.communities.models import Community, Membership
from pomochi.ledger.presenters import waiting_record_view
from pomochi.ledger.selectors import records_of_household, records_waiting
from pomochi.web.attention import LATE, NOW, SHOWN, WAITING, Item


def records_to_confirm(*, actor: Membership, community: Community, today: date) -> list[Item]:
    """ "N records waiting for confirmation", for those who confirm them (contribution.decide
    on each; contribution.list_waiting for the list)."""
    if not policy.can(actor, "contribution.list_waiting", community):
        return []
    count = records_waiting(community=community).count()
    if not count:
        return []
    link = reverse("waiting-records", args=[community.slug])
    return [Item(kind="contribution.waiting", params={}, link=link, order=WAITING, count=count)]


def stores_low(*, actor: Membership, community: Community, today: date) -> list[Item]:
    """The stores whose cover (ledger.cover: the shorter of the recent rate and the standard
    ration) is under the bylaws' threshold, shortest first, each linked to its page; the first
    few and one item counting the rest. Four queries."""
    from pomochi.ledger.cover import community_covers

    if not policy.can(actor, "attention.view", community):
        return []
    low = sorted(
        (c for c in community_covers(community=community) if c.low),
        key=lambda c: (c.weeks, c.pool_name, c.resource.name),
    )
    items = [
        Item(
            kind="store.cover_low",
            params={
                "pool": c.pool_name,
                "resource": c.resource.name,
                "weeks": c.weeks,
                "threshold": c.threshold,
            },
            link=reverse("pool", args=[community.slug, c.pool_id]),
            # empty: someone may go without today; low: weeks ahead, after urgent needs
            order=NOW if c.weeks == 0 else LATE,
            urgent=c.weeks == 0,
        )
        for c in low[:SHOWN]
    ]
    if len(low) > SHOWN:
        link = reverse("community", args=[community.slug])
        items.append(
            Item(
                kind="store.cover_low",
                params={},
                link=link,
                order=items[-1].order,
                count=len(low) - SHOWN,
            )
        )
    return items


def _cover_low(p: dict, count: int) -> str:
    if not p:  # the rest, counted
        return ngettext(
            "%(n)d more store under its cover", "%(n)d more stores under their cover", count
        ) % {"n": count}
    if p["weeks"] == 0:
        return _("%(pool)s: the %(resource)s lasts less than a week") % p
    return (
        ngettext(
            "%(pool)s: the %(resource)s lasts %(weeks)d week, under the bylaws' %(threshold)d",
            "%(pool)s: the %(resource)s lasts %(weeks)d weeks, under the bylaws' %(threshold)d",
            p["weeks"],
        )
        % p
    )


SENTENCES = {
    "store.cover_low": _cover_low,
    "contribution.waiting": lambda p, count: (
        ngettext(
            "%(n)d record waiting for confirmation",
            "%(n)d records waiting for confirmation",
            count,
        )
        % {"n": count}
    ),
}


def register() -> None:
    from pomochi.web.attention import register_attention

    register_attention(stores_low, sentences={"store.cover_low": SENTENCES["store.cover_low"]})
    register_attention(
        records_to_confirm, sentences={"contribution.waiting": SENTENCES["contribution.waiting"]}
    )


def own_records(*, actor: Membership, community: Community) -> list[dict]:
    """The member's household's records waiting for confirmation, and those lately declined
    (with the reason), as waiting_record_view shows them; [] without a household."""
    if actor.household_id is None or actor.community_id != community.id:
        return []
    rows = records_of_household(community=community, household_id=actor.household_id)
    return [view for r in rows if (view := waiting_record_view(actor=actor, obj=r))]
