"""Reads for founding and the first-run checklist."""

from pomochi.communities.models import Community, Invitation, Membership

# The first-run checklist, in the order a founder meets it. A step is done when:
#   stores      the community has a store (a pool);
#   resources   it keeps track of something (a resource type, with its unit);
#   households  it has a household;
#   invite      someone was invited, or someone besides the founder is a member;
#   bylaws      the bylaws were changed since founding. Reading them leaves no trace (a page
#               view is not a change on the record), so a founder content with the founding
#               bylaws marks the step with its button ("they suit us"), which is a skip.
# Any step may be skipped (Community.setup_skipped); the checklist is gone when every step is
# done or skipped.
STEPS = ("stores", "resources", "households", "invite", "bylaws")


def setup_done(*, community: Community) -> dict[str, bool]:
    """Which steps of the checklist the community's records show done."""
    return {
        "stores": community.pools.exists(),
        "resources": community.resources.exists(),
        "households": community.households.exists(),
        "invite": Invitation.objects.filter(community=community).exists()
        or Membership.objects.filter(community=community, is_active=True)
        .exclude(user_id=community.founded_by_id)
        .exists(),
        "bylaws": community.bylaws.filter(version__gt=1).exists(),
    }


def setup_states(*, community: Community) -> dict[str, str]:
    """Each step, in order: "done", "skipped" (and not done) or "todo"."""
    done = setup_done(community=community)
    skipped = set(community.setup_skipped or ())
    return {
        step: "done" if done[step] else "skipped" if step in skipped else "todo" for step in STEPS
    }


def setup_remaining(*, community: Community) -> list[str]:
    """The steps neither done nor skipped, in order; empty when the set-up is finished."""
    return [step for step, state in setup_states(community=community).items() if state == "todo"]
