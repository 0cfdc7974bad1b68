from datetime import timedelta

from django.http import JsonResponse
from django.shortcuts import render

from pomochi.audit.forms import ChainFilterForm, HeadForm
from pomochi.audit.models import AuditEntry
from pomochi.audit.selectors import (
    audit_entries_for,
    audit_head,
    audit_head_check,
    audit_links_after,
    chain_links_verify,
)
from pomochi.audit.sentences import entry_sentences
from pomochi.web.decorators import require_membership

LINKS_PER_REQUEST = 2000  # what the in-browser check fetches at a time


@require_membership
def chain(request, community):
    """The chain, newest first, as sentences; a page's links checked from digests alone."""
    filters = ChainFilterForm(request.GET or None)
    criteria = filters.cleaned_data if filters.is_bound and filters.is_valid() else {}
    try:
        number = max(1, int(request.GET.get("page", 1)))
    except ValueError:
        number = 1
    page, links = audit_entries_for(
        actor=request.membership,
        community=community,
        kind=criteria.get("kind") or None,
        since=community.day_start(criteria["since"]) if criteria.get("since") else None,
        until=(
            community.day_start(criteria["until"] + timedelta(days=1))
            if criteria.get("until")
            else None
        ),
        page=number,
        per_page=50,
    )
    rows = list(
        zip(
            links,
            entry_sentences(links, community_id=community.id, actor=request.membership),
            strict=True,
        )
    )
    bad_seq = None
    filtered = any(criteria.get(k) for k in ("kind", "since", "until"))
    if links and not filtered:  # a run of consecutive entries: its links can be checked here
        ascending = list(reversed(links))
        first = ascending[0].seq
        prev = {}
        if first > 1:
            prev = {"prev_hash": AuditEntry.objects.get(community=community, seq=first - 1).hash}
        bad_seq = chain_links_verify(ascending, **prev)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "audit/chain.html",
        {
            "community": community,
            "head": audit_head(community=community),
            "page": page,
            "rows": rows,
            "bad_seq": bad_seq,
            "checked": bool(links) and not filtered,
            "filters": filters,
            "query": query.urlencode(),
            "head_form": HeadForm(),
        },
    )


@require_membership
def check_head(request, community):
    """'Check the record': is a head a member noted still in the chain, at which entry?"""
    form = HeadForm(request.GET or None)
    result = None
    if form.is_bound and form.is_valid():
        result = audit_head_check(
            actor=request.membership, community=community, head=form.cleaned_data["head"]
        )
    return render(
        request,
        "audit/check.html",
        {"community": community, "form": form, "result": result},
        status=200,
    )


@require_membership
def verify_in_browser(request, community):
    """A page whose script fetches the links and recomputes the chain in the member's browser."""
    return render(
        request,
        "audit/verify.html",
        {"community": community, "head": audit_head(community=community)},
    )


@require_membership
def links(request, community):
    """The links from `after` + 1 on, as the member may see them, for the in-browser check."""
    try:
        after = max(0, int(request.GET.get("after", 0)))
    except ValueError:
        after = 0
    found = audit_links_after(
        actor=request.membership, community=community, after=after, limit=LINKS_PER_REQUEST
    )
    head = audit_head(community=community)
    return JsonResponse(
        {
            "head": {"seq": head.seq, "hash": head.hash} if head else None,
            "links": [
                {
                    "seq": link.seq,
                    "version": link.version,
                    "payload_digest": link.payload_digest,
                    "prev_hash": link.prev_hash,
                    "hash": link.hash,
                    "payload": link.payload,
                    "salt": link.salt,
                }
                for link in found
            ],
        }
    )
