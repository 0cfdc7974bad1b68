from datetime import datetime

from ninja import Field, Query, Router, Schema

from pomochi.api.common import ERRORS, PageMeta, caller
from pomochi.audit.selectors import audit_chain_for, audit_head

router = Router(tags=["audit"])

MAX_PER_PAGE = 1000  # entries a page


class HeadOut(Schema):
    seq: int
    hash: str


class LinkOut(Schema):
    """An entry of the chain. `payload` and `salt` are null where the caller may not read the
    payload; with both, `payload_digest` = SHA-256(salt ‖ payload) (version 2; version 1 entries
    have an empty salt and digest the payload alone)."""

    seq: int
    at: datetime
    verb: str
    version: int
    payload_digest: str
    prev_hash: str
    hash: str
    payload: str | None
    salt: str | None


class ChainPage(Schema):
    meta: PageMeta
    items: list[LinkOut]


class ChainQuery(Schema):
    page: int = Field(1, ge=1)
    per_page: int = Field(100, ge=1, le=MAX_PER_PAGE)


@router.get("/communities/{slug}/audit/head", response={200: HeadOut, **ERRORS})
def get_head(request, slug: str):
    community, _m = caller(request, slug)
    head = audit_head(community=community)
    return HeadOut(seq=head.seq, hash=head.hash)


@router.get("/communities/{slug}/audit/entries", response={200: ChainPage, **ERRORS})
def list_entries(request, slug: str, query: Query[ChainQuery]):
    """Oldest first. Digests for every member; a payload only where the policy allows it."""
    community, membership = caller(request, slug)
    page, links = audit_chain_for(
        actor=membership, community=community, page=query.page, per_page=query.per_page
    )
    meta = PageMeta(
        count=page.paginator.count,
        page=page.number,
        pages=page.paginator.num_pages,
        per_page=query.per_page,
    )
    return ChainPage(meta=meta, items=[LinkOut(**link.__dict__) for link in links])
