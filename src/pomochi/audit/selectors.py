"""Reading the chain: digests for every member, payloads only where the policy allows."""

from dataclasses import dataclass
from datetime import datetime

from django.core.paginator import Paginator

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


def chain_links_verify(links: list[ChainLink], *, prev_hash: str = GENESIS_HASH) -> int | None:
    """Check a run of links from digests alone; return the first bad seq, or None if intact.

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
