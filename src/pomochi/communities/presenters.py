"""What a given member sees of a household or a membership, decided once.

A presenter returns a dict of exactly the fields this actor may see: a field they may not see is
absent, not blanked. Pages render the dict (never the model, so a template cannot reach past
it), the API's schemas are filled from it, and the exports write it. An actor who may not see
the object at all (another community's member) gets an empty dict.
"""

from django.utils.translation import gettext as _

from pomochi.communities import policy
from pomochi.communities.models import Household, Membership

# What the audit chain's payload may carry of each object: for each key of an entry's data, the
# kinds of entry in which it may have a value (not null, not empty; false is a value)
# (docs/architecture.md, "Presenters"; tests/test_presenters_audit.py checks every verb):
# "public" (every member reads it), "household" (tagged with the household it is about: that
# household and the committee read it), "private" (coordinators and the committee). A key not
# listed may not be in the payload at all.
PUBLIC, HOUSEHOLD, PRIVATE = "public", "household", "private"
ANY = frozenset({PUBLIC, HOUSEHOLD, PRIVATE})
NOT_PUBLIC = frozenset({HOUSEHOLD, PRIVATE})
ONLY_PRIVATE = frozenset({PRIVATE})

AUDIT_PAYLOADS: dict[str, dict[str, frozenset]] = {
    "community": dict.fromkeys(("slug", "name", "timezone", "language", "kind"), ANY),
    # Size is public; the vulnerability flags are need data: never in a public entry (a
    # household's entries are tagged with it).
    "household": {
        "name": ANY,
        "size": ANY,
        "children": NOT_PUBLIC,
        "elderly": NOT_PUBLIC,
        "ill_or_disabled": NOT_PUBLIC,
        # merge and archive: where it went, how many members moved, that it is archived.
        "merged_into": ANY,
        "members": ANY,
        "archived": ANY,
        # an API create's Idempotency-Key, as a keyed digest (communities.services)
        "request": ANY,
    },
    # Who belongs where and with which roles is the community's to know (the members page).
    # Why the committee removed someone can name a quarrel: a private entry only.
    "membership": dict.fromkeys(
        ("user", "household", "coordinator", "committee", "active", "invitation"), ANY
    )
    | {"reason": ONLY_PRIVATE},
    # The bylaws and the reason for a change are for everyone to read.
    "bylaws": dict.fromkeys(("version", "rules", "reason"), ANY),
    # create and update; an API create's Idempotency-Key as a keyed digest (request_mark).
    "resourcetype": dict.fromkeys(("name", "unit", "kind", "decimal_places", "request"), ANY),
    # Whom a coordinator invites: only whether by e-mail (never the address), in private entries.
    "invitation": dict.fromkeys(
        ("household", "by_email", "coordinator", "committee", "expires_at"), ONLY_PRIVATE
    ),
}


def member_name(*, actor: Membership | None, obj: Membership | None) -> str:
    """How a person is named to this reader, wherever names are shown (the members page, the
    audit's sentences, who recorded a movement): by name while they are a member; once they
    have left or been removed, "a former member" to everyone but coordinators and the
    committee (`membership.name_former`)."""
    if obj is None:
        return _("(unknown)")
    if obj.is_active or policy.can(actor, "membership.name_former", obj):
        return str(obj.user)
    return _("a former member")


def household_view(*, actor: Membership, obj: Household) -> dict:
    """A household as this member may see it.

    - id, name, size, archived, merged_into: every member of the community (the members page
      lists them).
    - has_children, has_elderly, has_ill_or_disabled: need data, only where the policy's
      `household.view_private` allows (the household itself, coordinators, the committee).
    """
    if not policy.can(actor, "community.view", obj):
        return {}
    view = {
        "id": obj.id,
        "name": obj.name,
        "size": obj.size,
        "archived": obj.archived_at is not None,
        "merged_into": obj.merged_into_id,
    }
    if policy.can(actor, "household.view_private", obj):
        view |= {
            "has_children": obj.has_children,
            "has_elderly": obj.has_elderly,
            "has_ill_or_disabled": obj.has_ill_or_disabled,
        }
    return view


def membership_view(*, actor: Membership, obj: Membership) -> dict:
    """A membership as this member may see it.

    - id, name (`member_name`: "a former member" once they left, but to coordinators and the
      committee), household, household_name, roles, active: every member of the community.
    - joined_at, left_at, removed_at, removal_reason: `membership.view_private` (the person
      themselves, coordinators, the committee): a removal's reason can name a quarrel.
    """
    if not policy.can(actor, "community.view", obj):
        return {}
    view = {
        "id": obj.id,
        "name": member_name(actor=actor, obj=obj),
        "household": obj.household_id,
        "household_name": obj.household.name if obj.household_id else None,
        "roles": obj.roles,
        "active": obj.is_active,
    }
    if policy.can(actor, "membership.view_private", obj):
        view |= {
            "joined_at": obj.joined_at,
            "left_at": obj.left_at,
            "removed_at": obj.removed_at,
            "removal_reason": obj.removal_reason,
        }
    return view
