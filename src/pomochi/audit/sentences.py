"""Audit entries as sentences in the reader's language, with amounts in their units.

The chain stores facts (ids, amounts in minor units); a member reads "Natalia recorded a
contribution of 6 h of labour". Each app registers the sentences of its own verbs in its
`AppConfig.ready` (the audit app cannot import the apps above it); a verb nobody registered
reads as its name. Who may read an entry's facts is the policy's `audit.read_payload`: for an
entry the reader may not read, the sentence says only what kind of entry it is — the same
words every member sees, whoever it is about.
"""

import json
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pomochi.communities.models import Community, Household, Membership, ResourceType
from pomochi.communities.presenters import member_name
from pomochi.communities.quantities import format_quantity


class Names:
    """The names a page of entries refers to, and only those: `entry_sentences` first lets the
    sentences say which rows they name (`collecting`), loads those by id, one query per kind,
    then lets them speak. A page of 50 entries never reads a town's every household."""

    def __init__(self, community_id: int, actor: Membership | None = None):
        self.community_id = community_id
        self.actor = actor  # the reader: a former member's name is theirs to read or not
        self.collecting = False
        self._wanted: dict[type, set] = defaultdict(set)
        self._rows: dict[type, dict] = {}
        self._zone = None

    def _row(self, model, pk, *, by: str = "pk"):
        if self.collecting:
            self._wanted[(model, by)].add(pk)
            return None
        return self._rows.get((model, by), {}).get(pk)

    def load(self) -> None:
        for (model, by), pks in self._wanted.items():
            rows = model.objects.filter(community_id=self.community_id, **{f"{by}__in": pks})
            if model is Membership:
                rows = rows.select_related("user")
            self._rows[(model, by)] = {getattr(row, by): row for row in rows}
        self._wanted.clear()
        self.collecting = False

    def row(self, model, pk):
        """The row itself (another app's, by id within the community), or None: while
        collecting, and for an id not found."""
        return self._row(model, pk)

    @property
    def zone(self):
        """The community's clock, for the days a sentence names (read once a page)."""
        if self._zone is None:
            self._zone = Community.objects.get(pk=self.community_id).zone
        return self._zone

    def of(self, model, pk) -> str:
        row = self._row(model, pk)
        return str(row) if row is not None else _("(unknown)")

    def member(self, pk) -> str:
        if pk is None:
            return _("The system")
        row = self._row(Membership, pk)
        return member_name(actor=self.actor, obj=row)

    def user(self, user_pk) -> str:
        """A person by their account, as a member of this community."""
        row = self._row(Membership, user_pk, by="user_id")
        return member_name(actor=self.actor, obj=row)

    def household(self, pk) -> str:
        return self.of(Household, pk)

    def amount(self, resource_pk, quantity) -> str:
        """`6 h of labour`, in the resource's unit and the reader's number format."""
        resource = self._row(ResourceType, resource_pk)
        if resource is None or not isinstance(quantity, int):
            return _("(unknown amount)")
        return _("%(amount)s of %(resource)s") % {
            "amount": format_quantity(quantity, resource=resource),
            "resource": resource.name,
        }


Render = Callable[[dict, Names], str]


@dataclass(frozen=True)
class Sentence:
    label: object  # lazy: what kind of entry this is, said to anyone
    render: Render | None  # the facts, said to whoever may read them


_SENTENCES: dict[str, Sentence] = {}


def register_sentence(verb: str, *, label, render: Render | None = None) -> None:
    """Say how entries of `verb` read: `label` to every member, `render(data, names)` to those
    who may read the entry's facts (without it, they read the label too)."""
    _SENTENCES[verb] = Sentence(label=label, render=render)


def verb_label(verb: str) -> str:
    known = _SENTENCES.get(verb)
    return str(known.label) if known else verb


def verb_kinds() -> list[str]:
    return sorted(_SENTENCES)


def entry_sentence(*, verb: str, payload: str | None, names: Names) -> str:
    """One entry as a sentence: its facts where `payload` is given (the reader may read it),
    else only its kind."""
    known = _SENTENCES.get(verb)
    if known is None:
        return verb
    if payload is None or known.render is None:
        return str(known.label)
    document = json.loads(payload)
    data = document.get("data") or {}
    try:
        said = known.render(data, names)
    except (KeyError, TypeError, ValueError):
        return str(known.label)  # an entry written by an older pomochi: its kind at least
    return _("%(actor)s: %(what)s") % {"actor": names.member(document.get("actor")), "what": said}


def entry_sentences(links, *, community_id: int, actor: Membership | None = None) -> list[str]:
    """The sentences of a page of links (ChainLinks, as the reader may see them), with the
    names they use read in one query per kind of row, as `actor` may read them."""
    names = Names(community_id, actor)
    names.collecting = True
    for link in links:
        entry_sentence(verb=link.verb, payload=link.payload, names=names)
    names.load()
    return [entry_sentence(verb=link.verb, payload=link.payload, names=names) for link in links]


def _community_create(data, names):
    return _("founded the community “%(name)s”") % {"name": data["name"]}


def _household(data, names):
    return _("household “%(name)s” (%(size)s people)") % {
        "name": data["name"],
        "size": data["size"],
    }


def _membership(data, names):
    roles = [
        str(role)
        for role, on in (
            (_("coordinator"), data.get("coordinator")),
            (_("committee"), data.get("committee")),
        )
        if on
    ]
    household = names.household(data["household"]) if data.get("household") else _("no household")
    return _("%(person)s — household: %(household)s; roles: %(roles)s") % {
        "person": names.user(data.get("user")),
        "household": household,
        "roles": ", ".join(roles) or _("member"),
    }


def _household_merge(data, names):
    return _("merged household “%(name)s” into %(into)s") % {
        "name": data["name"],
        "into": names.household(data["merged_into"]),
    }


def _household_archive(data, names):
    return _("archived household “%(name)s”") % {"name": data["name"]}


def _membership_left(data, names):
    return _("%(person)s left the community") % {"person": names.user(data.get("user"))}


def _membership_removed(data, names):
    return _("removed %(person)s from the community: %(reason)s") % {
        "person": names.user(data.get("user")),
        "reason": data.get("reason") or "—",
    }


def _resource(data, names):
    return _("“%(name)s”, counted in %(unit)s") % {"name": data["name"], "unit": data["unit"]}


def _bylaws(data, names):
    return _("new bylaws: %(reason)s") % {"reason": data.get("reason") or "—"}


# The communities' own verbs: the audit app sits above communities, so it says them itself.
register_sentence(
    "community.create", label=gettext_lazy("A community was founded"), render=_community_create
)
register_sentence(
    "household.create", label=gettext_lazy("A household was added"), render=_household
)
register_sentence(
    "household.update", label=gettext_lazy("A household was changed"), render=_household
)
for _verb, _label in (
    ("membership.add", gettext_lazy("A member joined")),
    ("membership.set_household", gettext_lazy("A member's household was set")),
    ("membership.set_roles", gettext_lazy("A member's roles were changed")),
):
    register_sentence(_verb, label=_label, render=_membership)
register_sentence(
    "household.merge", label=gettext_lazy("Two households were merged"), render=_household_merge
)
register_sentence(
    "household.archive", label=gettext_lazy("A household was archived"), render=_household_archive
)
register_sentence("membership.leave", label=gettext_lazy("A member left"), render=_membership_left)
register_sentence(
    "membership.remove", label=gettext_lazy("A member was removed"), render=_membership_removed
)
register_sentence("resource.create", label=gettext_lazy("A resource was added"), render=_resource)
register_sentence("resource.update", label=gettext_lazy("A resource was changed"), render=_resource)
register_sentence("bylaws.change", label=gettext_lazy("The bylaws were changed"), render=_bylaws)
register_sentence("invitation.create", label=gettext_lazy("An invitation was made"))
register_sentence("invitation.revoke", label=gettext_lazy("An invitation was revoked"))
