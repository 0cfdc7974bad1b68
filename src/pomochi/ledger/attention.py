"""The ledger on the home page (registered in LedgerConfig.ready): the records waiting for a
coordinator's confirmation (mutual checks) as one item of "needs attention", and a member's own
household's records waiting or declined. A fixed number of queries each."""

from datetime import date

from django.urls import reverse
from django.utils.translation import ngettext

from pomochi.communities import policy
from pomochi.communities.models import Community, Membership
from pomochi.ledger.presenters import waiting_record_view
from pomochi.ledger.selectors import records_of_household, records_waiting
from pomochi.web.attention import WAITING, Item


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


SENTENCES = {
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

    register_attention(records_to_confirm, sentences=SENTENCES)


def own_records(*, actor: Membership, community: Community) -> list[dict]:
    """The member's household's records waiting for confirmation, and those lately declined
    (with the reason), as waiting_record_view shows them; [] without a household."""
    if actor.household_id is None or actor.community_id != community.id:
        return []
    rows = records_of_household(community=community, household_id=actor.household_id)
    return [view for r in rows if (view := waiting_record_view(actor=actor, obj=r))]
