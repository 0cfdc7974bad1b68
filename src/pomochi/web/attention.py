"""What needs attention: the short list a coordinator's or a committee member's home starts with.

The facts belong to the apps (needs and rounds to aid, a store's cover to the ledger, members'
records to communities), so the list is open: each app registers its sources in its
`AppConfig.ready` with `register_attention`, and `attention_for` asks them all. A source is a
function `source(*, actor, community, today) -> list[Item]` that asks the policy itself and
returns only what this actor is to act on (the committee the rounds awaiting its decision,
coordinators the rounds ready to carry out), most pressing first; it reads a fixed number of
queries however many objects there are, showing the first few of each kind and one item that
counts the rest (`capped`). The list is sorted by each item's order (NOW, LATE, WAITING), and
within one by the sources' order of registration and their own.

An item keeps facts, not words: its sentence is made when the page is rendered, in the reader's
language, by the function its source registered for the item's kind.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date

from django.utils import timezone

from pomochi.communities import policy
from pomochi.communities.models import Community, Membership

# Where an item stands in the list, most pressing first (Item.order).
NOW = 10  # someone may be going without today: an urgent need nobody answered, a store too low
LATE = 20  # a date has passed: a need's or a promise's
WAITING = 30  # a decision or an act waits for this person: a round, an appeal, a record

# How many items of one kind the list shows before it says "and N more".
SHOWN = 3

# kind → sentence(params, count): the item's words, in the language active when it is read.
Sentence = Callable[[dict, int], str]
_SENTENCES: dict[str, Sentence] = {}
_SOURCES: dict[str, Callable] = {}


@dataclass(frozen=True)
class Item:
    """One line of the list: what kind of thing waits, its facts, where it is acted on."""

    kind: str  # "need.unanswered", "round.execute", … (a registered sentence)
    params: dict  # the facts its sentence is made of: names, amounts in units, ISO dates
    link: str  # the page where it is acted on
    order: int  # NOW, LATE or WAITING: smallest first; within one, in its source's own order
    count: int = 1  # how many things it stands for: more than one for a kind's "and N more"
    urgent: bool = field(default=False)  # drawn as urgent

    @property
    def sentence(self) -> str:
        return _SENTENCES[self.kind](self.params, self.count)


def register_attention(source: Callable, *, sentences: dict[str, Sentence]) -> None:
    """Add a source of items and the sentences of its kinds (once per source: a second call for
    the same function replaces the first)."""
    _SOURCES[f"{source.__module__}.{source.__qualname__}"] = source
    _SENTENCES.update(sentences)


def today_in(community: Community) -> date:
    """Today where the community is: needs and promises are overdue by its calendar."""
    return timezone.localdate(timezone=community.zone)


def capped(items: Sequence[Item], *, of, kind: str, link: str) -> list[Item]:
    """A kind's first SHOWN items, and for the rest of `of` (the queryset they were read from,
    counted only when SHOWN were read) one item that counts them, placed with the last one
    shown (the rest are no more pressing than it)."""
    shown = list(items[:SHOWN])
    total = of.count() if len(shown) == SHOWN else len(shown)
    if total > len(shown):
        rest = Item(kind=kind, params={}, link=link, order=shown[-1].order, count=total - SHOWN)
        shown.append(rest)
    return shown


def attention_for(
    *, actor: Membership, community: Community, today: date | None = None
) -> list[Item]:
    """What waits for this coordinator or committee member, most pressing first; [] for anyone
    else (`attention.view`). Every source reads a fixed number of queries."""
    if not policy.can(actor, "attention.view", community):
        return []
    today = today or today_in(community)
    items: list[Item] = []
    for source in _SOURCES.values():
        items.extend(source(actor=actor, community=community, today=today))
    return sorted(items, key=lambda item: item.order)  # stable: each source's order kept
