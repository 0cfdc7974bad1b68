from django.shortcuts import render

from pomochi.audit.models import AuditEntry
from pomochi.audit.selectors import audit_chain_for, audit_head, chain_links_verify
from pomochi.web.decorators import require_membership


@require_membership
def chain(request, community):
    """The chain, a page at a time, with the links of this page checked from digests alone."""
    try:
        number = max(1, int(request.GET.get("page", 1)))
    except ValueError:
        number = 1
    page, links = audit_chain_for(
        actor=request.membership, community=community, page=number, per_page=50
    )
    prev = None
    if links and links[0].seq > 1:
        prev = AuditEntry.objects.get(community=community, seq=links[0].seq - 1).hash
    bad_seq = chain_links_verify(links, **({"prev_hash": prev} if prev else {}))
    return render(
        request,
        "audit/chain.html",
        {
            "community": community,
            "head": audit_head(community=community),
            "page": page,
            "links": links,
            "bad_seq": bad_seq,
        },
    )
