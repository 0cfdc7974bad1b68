"""Pages of allocation rounds: totals for all, shares only where the policy allows."""

from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Sum
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from pomochi.aid import forms, rounds, selectors
from pomochi.aid.explain import rule_name
from pomochi.aid.filters import RoundFilterForm
from pomochi.aid.models import (
    AllocationRound,
    AllocationShare,
    Appeal,
    Decision,
    Need,
    RoundStatus,
)
from pomochi.aid.presenters import round_view
from pomochi.aid.views.common import (
    _add_error,
    _amount_text,
    _has_errors,
    _list_template,
    _page,
    _status,
)
from pomochi.communities import policy
from pomochi.communities.selectors import rules_current
from pomochi.errors import DomainError
from pomochi.ledger.selectors import holdings_for_pool
from pomochi.web.decorators import require_membership


@require_membership
def round_list(request, community):
    filters = RoundFilterForm(request.GET, actor=request.membership, community=community)
    page = None
    if filters.is_valid():
        page = _page(
            request, selectors.rounds_listed(community=community, criteria=filters.criteria)
        )
    return render(
        request,
        _list_template("aid/rounds.html", request),
        {
            "community": community,
            "filters": filters,
            "query": filters.query(),
            "page": page,
            "rows": [(r, rule_name(r.rule), selectors.round_totals(round=r)) for r in page or []],
            "can_open": policy.can(request.membership, "round.open", community),
        },
        status=filters.status,
    )


def _open_needs(actor, community, resource) -> list[Need]:
    needs = selectors.needs_visible_to(actor=actor, community=community).filter(resource=resource)
    return selectors.open_needs(needs)


def _receivable(needs, exclude_round=None) -> int:
    """What these needs may still receive, together (the figure a round shares)."""
    figures = selectors.needs_receivable(
        need_ids=[n.pk for n in needs], exclude_round=exclude_round
    )
    return sum(max(0, left) for left in figures.values())


def _stock(pool, resource) -> int:
    holding = holdings_for_pool(pool=pool).filter(resource=resource).first()
    return holding.quantity if holding else 0


@require_membership
def round_new(request, community):
    """Two steps, each a plain form: choose the store and resource, then the quantity, the rule
    and the needs. Step one is a GET, so the chosen pair is in the address."""
    actor = request.membership
    policy.require(actor, "round.open", community)
    data = request.POST if request.method == "POST" else request.GET
    chosen = request.method == "POST" or {"pool", "resource"} & set(data)
    choose = forms.RoundChooseForm(data if chosen else None, community=community)
    context = {"community": community, "choose": choose}
    if not (choose.is_bound and choose.is_valid()):
        return render(request, "aid/round_new.html", context, status=_status(choose))
    pool, resource = choose.cleaned_data["pool"], choose.cleaned_data["resource"]
    policy.require(actor, "round.open", pool)
    rules = rules_current(community_id=community.id)
    needs = _open_needs(actor, community, resource)
    form = forms.RoundForm(
        request.POST if request.method == "POST" else None,
        actor=actor,
        resource=resource,
        needs=needs,
        default_rule=rules["allocation_rule"],
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            round_ = rounds.round_open(
                actor=actor,
                pool=pool,
                resource=resource,
                quantity=d["amount"],
                needs=list(d["needs"]),
                rule=d["rule"],
                note=d["note"],
            )
        except DomainError as exc:
            form.add_domain_error(exc)
        else:
            messages.success(request, _("The round is drafted; the committee is asked to decide."))
            return redirect("round", slug=community.slug, round_id=round_.id)
    context |= {
        "form": form,
        "pool": pool,
        "resource": resource,
        "stock": _stock(pool, resource),
        "asked": _receivable(needs),
        "default_rule": rule_name(rules["allocation_rule"]),
    }
    return render(request, "aid/round_new.html", context, status=_status(form))


def _round(community, round_id: int) -> AllocationRound:
    return get_object_or_404(
        AllocationRound.objects.select_related("pool", "resource", "created_by__user"),
        community=community,
        pk=round_id,
    )


def _history(round_: AllocationRound, sees_notes: bool) -> list[dict]:
    """Every revision, newest first: its totals (from its shares) and its decisions. Older
    revisions keep their rule and quantity in their shares' explanations."""
    totals = {
        row["revision"]: row
        for row in round_.shares.values("revision").annotate(
            households=Count("id"), asked=Sum("asked"), shared=Sum("share")
        )
    }
    decisions: dict[int, list] = {}
    for d in round_.decisions.select_related("member__user").order_by("at", "id"):
        decisions.setdefault(d.revision, []).append(d)
    history = []
    for revision in range(round_.revision, 0, -1):
        t = totals.get(revision, {"households": 0, "asked": 0, "shared": 0})
        shares = round_.shares.filter(revision=revision).order_by("id")
        e = shares.values_list("explanation", flat=True).first() or {}
        history.append(
            {
                "revision": revision,
                "current": revision == round_.revision,
                "rule": rule_name(e.get("rule", round_.rule)),
                "quantity": round_.resource.format(e.get("shared_total", round_.quantity)),
                "households": t["households"],
                "asked": round_.resource.format(t["asked"] or 0),
                "shared": round_.resource.format(t["shared"] or 0),
                "decisions": [
                    (d, d.note if sees_notes else "") for d in decisions.get(revision, [])
                ],
            }
        )
    return history


def _own_share(actor, round_: AllocationRound) -> AllocationShare | None:
    if actor.household_id is None:
        return None
    return (
        round_.shares.filter(revision=round_.revision, household_id=actor.household_id)
        .select_related("household", "round")
        .first()
    )


def _round_page(
    request, community, round_, *, decide=None, appeal=None, decisions=None, action_error=None
):
    actor = request.membership
    rules = rules_current(community_id=community.id)
    status = round_.status
    current = list(round_.decisions.filter(revision=round_.revision))
    decided = any(d.member_id == actor.id for d in current)
    can_decide = (
        status == RoundStatus.DRAFT and not decided and policy.can(actor, "round.decide", round_)
    )
    if can_decide and decide is None:
        decide = forms.DecideForm(auto_id="id_decide_%s")
    own_share = _own_share(actor, round_)
    own_appeal = Appeal.objects.filter(share=own_share).first() if own_share else None
    deadline = None
    if round_.executed_at:
        deadline = round_.executed_at + timedelta(days=rules["appeal_window_days"])
    can_appeal = (
        own_share is not None
        and own_appeal is None
        and status == RoundStatus.EXECUTED
        and deadline is not None
        and timezone.now() <= deadline
        and policy.can(actor, "appeal.file", own_share)
    )
    if can_appeal and appeal is None:
        appeal = forms.AppealForm(auto_id="id_appeal_%s")
    view = round_view(round_, actor=actor)
    sees_all, sees_notes = view.sees_all_shares, view.sees_notes
    decides_appeals = policy.can(actor, "appeal.decide", round_)
    appeals = []
    if sees_all:
        decisions = decisions or {}
        for a in round_.appeals.select_related("household", "decided_by__user").order_by("id"):
            form = None
            if decides_appeals and not a.decided_at:
                form = decisions.get(a.id) or forms.AppealDecideForm(auto_id=f"id_a{a.id}_%s")
            appeals.append((a, form))
    elif own_appeal is not None:
        appeals.append((own_appeal, None))
    return render(
        request,
        "aid/round.html",
        {
            "community": community,
            "round": round_,
            "view": view,
            "rule": view.rule,
            "rule_text": view.rule_text,
            "totals": view.totals,
            "kept": view.kept,
            "shares": [(v.share, v.why) for v in view.shares],
            "sees_all": sees_all,
            "sees_notes": sees_notes,
            "own_share": own_share,
            "quorum": rules["approval_quorum"],
            "approvals": sum(d.decision == Decision.APPROVE for d in current),
            "rejections": sum(d.decision == Decision.REJECT for d in current),
            "decide_form": decide if can_decide or _has_errors(decide) else None,
            "decided": decided,
            "can_edit": status in (RoundStatus.DRAFT, RoundStatus.REJECTED)
            and policy.can(actor, "round.edit", round_),
            "can_execute": status == RoundStatus.APPROVED
            and policy.can(actor, "round.execute", round_),
            "can_cancel": status not in (RoundStatus.EXECUTED, RoundStatus.CANCELLED)
            and policy.can(actor, "round.edit", round_),
            "appeal_form": appeal if can_appeal or _has_errors(appeal) else None,
            "deadline": deadline,
            "appeals": appeals,
            "history": _history(round_, sees_notes),
            "action_error": action_error,
        },
        status=422
        if action_error or any(f.errors for f in (decisions or {}).values())
        else _status(decide, appeal),
    )


@require_membership
def round_detail(request, community, round_id: int):
    round_ = _round(community, round_id)
    policy.require(request.membership, "round.view", round_)
    return _round_page(request, community, round_)


@require_POST
@require_membership
def round_decide(request, community, round_id: int):
    actor = request.membership
    round_ = _round(community, round_id)
    policy.require(actor, "round.decide", round_)
    form = forms.DecideForm(request.POST, auto_id="id_decide_%s")
    if form.is_valid():
        try:
            round_ = rounds.round_decide(
                actor=actor,
                round=round_,
                approve=form.cleaned_data["approve"],
                note=form.cleaned_data["note"],
            )
        except DomainError as exc:
            _add_error(form, exc)
        else:
            messages.success(
                request,
                _("Your approval is recorded.")
                if form.cleaned_data["approve"]
                else _("Your rejection is recorded."),
            )
            return redirect("round", slug=community.slug, round_id=round_.id)
    return _round_page(request, community, round_, decide=form)


def _carry_out_sentence(round_: AllocationRound) -> tuple[str, int]:
    """What carrying out the round will do, in words: how many households receive how much of
    what from which store, and that it cannot be undone. With the total handed out."""
    receiving = round_.shares.filter(revision=round_.revision, share__gt=0).aggregate(
        households=Count("household", distinct=True), total=Sum("share")
    )
    total = receiving["total"] or 0
    sentence = ngettext(
        "%(n)d household receives %(amount)s of %(resource)s from %(pool)s; this cannot be "
        "undone, only corrected entry by entry.",
        "%(n)d households receive %(amount)s of %(resource)s from %(pool)s; this cannot be "
        "undone, only corrected entry by entry.",
        receiving["households"],
    ) % {
        "n": receiving["households"],
        "amount": round_.resource.format(total),
        "resource": round_.resource.name,
        "pool": round_.pool.name,
    }
    return sentence, total


def _not_ready(round_: AllocationRound) -> str:
    if round_.status == RoundStatus.EXECUTED:
        return _("This round has already been carried out.")
    return _("The committee has not approved this round yet.")


@require_http_methods(["GET", "POST"])
@require_membership
def round_execute(request, community, round_id: int):
    """GET: the confirmation, saying what will happen; POST: carry the round out."""
    actor = request.membership
    round_ = _round(community, round_id)
    policy.require(actor, "round.execute", round_)
    if request.method == "GET":
        if round_.status != RoundStatus.APPROVED:
            return _round_page(request, community, round_, action_error=_not_ready(round_))
        sentence, total = _carry_out_sentence(round_)
        stock = _stock(round_.pool, round_.resource)
        view = round_view(round_, actor=actor)
        return render(
            request,
            "aid/round_execute.html",
            {
                "community": community,
                "round": round_,
                "sentence": sentence,
                "stock": round_.resource.format(stock),
                "left": round_.resource.format(stock - total) if stock >= total else None,
                "shares": [v.share for v in view.shares if v.share.share > 0],
            },
        )
    try:
        round_ = rounds.round_execute(actor=actor, round=round_)
    except DomainError as exc:
        return _round_page(request, community, round_, action_error=exc.message)
    messages.success(
        request,
        _("Carried out: %(amount)s of %(resource)s handed out from %(pool)s.")
        % {
            "amount": selectors.round_totals(round=round_)["shared_text"],
            "resource": round_.resource.name,
            "pool": round_.pool.name,
        },
    )
    return redirect("round", slug=community.slug, round_id=round_.id)


@require_POST
@require_membership
def round_cancel(request, community, round_id: int):
    actor = request.membership
    round_ = _round(community, round_id)
    policy.require(actor, "round.edit", round_)
    try:
        round_ = rounds.round_cancel(actor=actor, round=round_)
    except DomainError as exc:
        return _round_page(request, community, round_, action_error=exc.message)
    messages.success(request, _("The round is cancelled."))
    return redirect("round", slug=community.slug, round_id=round_.id)


@require_membership
def round_edit(request, community, round_id: int):
    """A new revision: the same store and resource; quantity, rule and needs may change."""
    actor = request.membership
    round_ = _round(community, round_id)
    policy.require(actor, "round.edit", round_)
    current = [
        s.need
        for s in round_.shares.filter(revision=round_.revision).select_related(
            "need__household", "need__resource"
        )
    ]
    needs = {n.pk: n for n in _open_needs(actor, community, round_.resource)}
    needs |= {n.pk: n for n in current}
    form = forms.RoundForm(
        request.POST or None,
        actor=actor,
        resource=round_.resource,
        needs=list(needs.values()),
        default_rule=round_.rule,
        edit=True,
        initial={
            "quantity": _amount_text(round_.quantity, round_.resource),
            "needs": [n.pk for n in current],
        },
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            round_ = rounds.round_edit(
                actor=actor,
                round=round_,
                quantity=d["amount"],
                needs=list(d["needs"]),
                rule=d["rule"],
            )
        except DomainError as exc:
            form.add_domain_error(exc)
        else:
            messages.success(
                request,
                _("Revision %(n)d is drafted; the committee decides again.")
                % {"n": round_.revision},
            )
            return redirect("round", slug=community.slug, round_id=round_.id)
    return render(
        request,
        "aid/round_new.html",
        {
            "community": community,
            "round": round_,
            "form": form,
            "pool": round_.pool,
            "resource": round_.resource,
            "stock": _stock(round_.pool, round_.resource),
            "asked": _receivable(needs.values(), exclude_round=round_),
        },
        status=_status(form),
    )


@require_POST
@require_membership
def round_appeal(request, community, round_id: int):
    actor = request.membership
    round_ = _round(community, round_id)
    share = _own_share(actor, round_)
    if share is None:
        raise PermissionDenied  # no share of one's own in this round: nothing to appeal
    policy.require(actor, "appeal.file", share)
    form = forms.AppealForm(request.POST, auto_id="id_appeal_%s")
    if form.is_valid():
        try:
            rounds.appeal_file(actor=actor, share=share, reason=form.cleaned_data["reason"])
        except DomainError as exc:
            _add_error(form, exc)
        else:
            messages.success(request, _("Your appeal is sent to the committee."))
            return redirect("round", slug=community.slug, round_id=round_.id)
    return _round_page(request, community, round_, appeal=form)


@require_POST
@require_membership
def appeal_decide(request, community, round_id: int, appeal_id: int):
    actor = request.membership
    round_ = _round(community, round_id)
    appeal = get_object_or_404(Appeal, round=round_, pk=appeal_id)
    policy.require(actor, "appeal.decide", round_)
    form = forms.AppealDecideForm(request.POST, auto_id=f"id_a{appeal.id}_%s")
    if form.is_valid():
        try:
            rounds.appeal_decide(
                actor=actor,
                appeal=appeal,
                upheld=form.cleaned_data["upheld"],
                note=form.cleaned_data["note"],
            )
        except DomainError as exc:
            _add_error(form, exc)
        else:
            messages.success(request, _("The decision on the appeal is recorded."))
            return redirect("round", slug=community.slug, round_id=round_.id)
    return _round_page(request, community, round_, decisions={appeal.id: form})
