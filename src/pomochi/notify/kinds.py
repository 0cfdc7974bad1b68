"""Who hears what, decided here and nowhere else.

Each kind of news names its audience, how its readers hear of it unless they chose otherwise
(at once by e-mail, in the digest, or here only), the words of the preferences page, and the
page it is followed up on when the object it is about has none of its own. Services say what
happened (`notify.services.announce`); this table says who is told and how.

Audiences:
- "household": the active members of the household the news is about;
- "giver": the giver's household, or, for a store's promise, the community's coordinators;
- "coordinators", "committee": those of the community;
- "people": the memberships the service names (the one who asked, made or submitted).
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from pomochi.notify.models import Delivery

AUDIENCES = ("household", "giver", "coordinators", "committee", "people")


@dataclass(frozen=True)
class Kind:
    to: str
    default: str
    label: str
    page: str = ""


NOW, DIGEST, APP = Delivery.NOW, Delivery.DIGEST, Delivery.APP

KINDS: dict[str, Kind] = {
    "need.urgent": Kind("coordinators", NOW, _("An urgent need is posted"), "needs"),
    "need.posted": Kind("coordinators", DIGEST, _("A need is posted"), "needs"),
    "match": Kind("household", DIGEST, _("Someone offers what your household needs"), "offers"),
    "distribution.received": Kind(
        "household", NOW, _("Your household receives a distribution"), "movements"
    ),
    "commitment.proposed": Kind("giver", NOW, _("You are asked to promise something"), "promises"),
    "commitment.made": Kind("household", NOW, _("A promise to or from you is made"), "promises"),
    "commitment.accepted": Kind("people", NOW, _("A promise you proposed is accepted"), "promises"),
    "commitment.declined": Kind("people", NOW, _("A promise you proposed is declined"), "promises"),
    "commitment.due_soon": Kind("giver", NOW, _("Your promise is due tomorrow"), "promises"),
    "commitment.due": Kind("giver", NOW, _("Your promise is overdue"), "promises"),
    "commitment.fulfilled": Kind("household", NOW, _("A promise to you is kept"), "promises"),
    "allocation.share": Kind("household", NOW, _("Your household's share in a round"), "rounds"),
    "allocation.decide": Kind(
        "committee", NOW, _("A round awaits the committee's decision"), "rounds"
    ),
    "allocation.approved": Kind("coordinators", NOW, _("A round is approved"), "rounds"),
    "allocation.executed": Kind("coordinators", DIGEST, _("A round is carried out"), "rounds"),
    "appeal.filed": Kind("committee", NOW, _("A household appeals its share"), "rounds"),
    "appeal.decided": Kind("household", NOW, _("Your appeal is decided"), "rounds"),
    "contribution.waiting": Kind(
        "coordinators", DIGEST, _("A member's record waits for confirmation"), "waiting-records"
    ),
    "contribution.confirmed": Kind(
        "people", DIGEST, _("Your record is confirmed"), "waiting-records"
    ),
    "contribution.declined": Kind("people", NOW, _("Your record is declined"), "waiting-records"),
    "invitation.accepted": Kind("people", DIGEST, _("Someone you invited joins"), "members"),
}

# Older rows of kinds no longer written still read and link as they did.
RETIRED: dict[str, Kind] = {}


def kind_of(name: str) -> Kind | None:
    return KINDS.get(name) or RETIRED.get(name)


def heard_by(kind: Kind, membership) -> bool:
    """Whether this member is, by their household and roles now, among the kind's audience
    (as `announce` chooses it). A role held later brings its news; the choices wait for it."""
    if kind.to == "household":
        return membership.household_id is not None
    if kind.to == "giver":  # a household's promise, or a store's (the coordinators')
        return membership.household_id is not None or membership.is_coordinator
    if kind.to == "coordinators":
        return membership.is_coordinator
    if kind.to == "committee":
        return membership.is_committee
    return True  # "people": anyone may be the one who asked, proposed or invited
