"""Reading the chain: digests for every member, payloads only where the policy allows."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.core.paginator import Paginator
from django.db.models import Q

from pomochi.audit.chain import GENESIS_HASH, chain_hash
from pomochi.audit.models import AuditEntry, AuditHead
from pomochi.communities import policy
from pomochi.communities.models import Community, Membership


def audit_head(*, community: Community) -> AuditHead | None:
    return AuditHead.objects.filter(community=community).first()


@dataclass(frozen=True)
class ChainLink:
    """One entry as a member may see it. `payload` and `salt` are None where the payload is not
    theirs to read: the salt is what keeps a hidden payload from being guessed from its digest."""

    seq: int
    at: datetime
    verb: str
    version: int
    payload_digest: str
    prev_hash: str
    hash: str
    payload: str | None
    salt: str | None


def audit_chain_for(*, actor: Membership, community: Community, page: int = 1, per_page: int = 100):
    """A page of the chain, oldest first. Refuses non-members (NotAllowed)."""
    policy.require(actor, "audit.view_chain", community)
    entries = AuditEntry.objects.filter(community=community).order_by("seq")
    paginated = Paginator(entries, per_page).get_page(page)
    links = [chain_link(e, actor=actor) for e in paginated.object_list]
    return paginated, links


def chain_link(entry: AuditEntry, *, actor: Membership) -> ChainLink:
    """What this actor sees of one entry: the page and the API both show exactly this."""
    readable = policy.can(actor, "audit.read_payload", entry)
    return ChainLink(
        seq=entry.seq,
        at=entry.at,
        verb=entry.verb,
        version=entry.version,
        payload_digest=entry.payload_digest,
        prev_hash=entry.prev_hash,
        hash=entry.hash,
        payload=entry.payload if readable else None,
        salt=(entry.salt if readable else None),
    )


def chain_links_verify(links: Iterable, *, prev_hash: str = GENESIS_HASH) -> int | None:
    """Check a run of links (anything with seq, prev_hash, payload_digest and hash: ChainLinks,
    or rows read straight from the table) from digests alone; return the first bad seq, or
    None if intact.

    This is what a member without payload access can check: the hashes link up.
    """
    for link in links:
        if (
            link.prev_hash != prev_hash
            or chain_hash(link.seq, prev_hash, link.payload_digest) != link.hash
        ):
            return link.seq
        prev_hash = link.hash
    return None


# Kinds of entry a member can filter the chain by, as verb prefixes.
KINDS = {
    "stock": ("event.", "pool."),
    "aid": ("need.", "offer.", "commitment."),
    "rounds": ("round.", "appeal."),
    "people": ("household.", "membership.", "invitation."),
    "rules": ("community.", "bylaws.", "resource."),
}


def audit_entries_for(
    *,
    actor: Membership,
    community: Community,
    kind: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    page: int = 1,
    per_page: int = 50,
):
    """A page of the chain, newest first, of one kind of entry and between two moments.
    Refuses non-members (NotAllowed). What each entry shows is `chain_link`'s, as everywhere."""
    policy.require(actor, "audit.view_chain", community)
    entries = AuditEntry.objects.filter(community=community).order_by("-seq")
    if kind:
        matching = Q()
        for prefix in KINDS[kind]:
            matching |= Q(verb__startswith=prefix)
        entries = entries.filter(matching)
    if since:
        entries = entries.filter(at__gte=since)
    if until:
        entries = entries.filter(at__lt=until)
    paginated = Paginator(entries, per_page).get_page(page)
    return paginated, [chain_link(e, actor=actor) for e in paginated.object_list]


@dataclass(frozen=True)
class HeadCheck:
    """What a member learns from checking a head they noted: whether it is still entry `seq`
    of the chain, and whether every link from the start to today's head still holds."""

    head: str
    seq: int | None
    at: datetime | None
    entries: int
    links_hold: bool
    broken_at: int | None


def head_normalise(text: str) -> str | None:
    """A head as pasted (any case, spaces, a line break from an e-mail), or None if it is not
    one: 64 hexadecimal digits."""
    head = "".join(text.split()).lower()
    if len(head) != 64 or head.strip("0123456789abcdef"):
        return None
    return head


def audit_head_check(*, actor: Membership, community: Community, head: str) -> HeadCheck:
    """Is a head noted earlier still in this community's chain, and do the links still hold?
    The links are checked from digests alone, which every member may read."""
    policy.require(actor, "audit.view_chain", community)
    found = AuditEntry.objects.filter(community=community, hash=head).values("seq", "at").first()
    rows = (
        AuditEntry.objects.filter(community=community)
        .order_by("seq")
        .values_list("seq", "prev_hash", "payload_digest", "hash", named=True)
    )
    broken = chain_links_verify(rows.iterator(chunk_size=5000))
    head_row = audit_head(community=community)
    return HeadCheck(
        head=head,
        seq=found["seq"] if found else None,
        at=found["at"] if found else None,
        entries=head_row.seq if head_row else 0,
        links_hold=broken is None,
        broken_at=broken,
    )


def audit_links_after(*, actor: Membership, community: Community, after: int, limit: int):
    """Links in order from `after` + 1, for a member's own browser to recompute the chain."""
    policy.require(actor, "audit.view_chain", community)
    entries = AuditEntry.objects.filter(community=community, seq__gt=after).order_by("seq")
    return [chain_link(e, actor=actor) for e in entries[:limit]]
