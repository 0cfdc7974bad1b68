"""Each share in words, in the reader's language, from the facts the rule left behind."""

from fractions import Fraction

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from pomochi.communities.quantities import format_quantity


def rule_name(rule: str) -> str:
    return {
        "max_min": _("max-min fairness"),
        "equal_per_household": _("a flat ration per household"),
        "per_person": _("shares per person"),
        "proportional": _("shares in proportion to need"),
        "priority_tiers": _("priority tiers"),
    }.get(rule, rule)


def rule_description(rule: str) -> str:
    """What the rule does, in plain words, for the page that lets a coordinator choose one."""
    return {
        "max_min": _(
            "Everyone gets the same share, but never more than they asked; what small "
            "needs leave over is shared among the larger ones."
        ),
        "equal_per_household": _(
            "A flat ration: the same ration for every household (never more than it asked); "
            "what is left stays in the store, even when others asked for more."
        ),
        "per_person": _(
            "Shares in proportion to household size, capped at what was asked; the "
            "surplus is shared among the rest the same way."
        ),
        "proportional": _("Everyone gets the same fraction of what they asked."),
        "priority_tiers": _(
            "Urgent needs and vulnerable households first, then the rest; "
            "within a tier, max-min fairness."
        ),
    }.get(rule, rule)


def share_sentence(share, resource) -> str:
    """E.g. "You asked 30 kg; 42 households shared 500 kg by max-min fairness; everyone's cap
    was 11.9 kg; you receive 11.9 kg." """
    e = share.explanation

    def q(value) -> str:
        return format_quantity(int(value), resource=resource)

    parts = [
        _("You asked %(asked)s") % {"asked": q(e["asked"])},
        ngettext(
            "%(n)d household shared %(total)s by %(rule)s",
            "%(n)d households shared %(total)s by %(rule)s",
            e["households"],
        )
        % {"n": e["households"], "total": q(e["shared_total"]), "rule": rule_name(e["rule"])},
    ]
    if e.get("tier"):
        parts.append(_("higher tiers were served first"))
    if e["cap"] is None:
        parts.append(_("there was enough for everyone"))
    else:
        cap = Fraction(*e["cap"])
        rounded = int((cap * 2 + 1) // 2)
        if e["rule"] == "equal_per_household":
            parts.append(_("the ration was %(cap)s") % {"cap": q(rounded)})
        elif e["rule"] == "max_min":
            parts.append(_("everyone's cap was %(cap)s") % {"cap": q(rounded)})
        else:
            parts.append(_("your cap was %(cap)s") % {"cap": q(rounded)})
    if e["rule"] == "equal_per_household" and e["handed_out"] < e["shared_total"]:
        parts.append(
            _("%(kept)s stays in the store") % {"kept": q(e["shared_total"] - e["handed_out"])}
        )
    parts.append(_("you receive %(share)s") % {"share": q(e["share"])})
    return "; ".join(parts) + "."


def kept_sentence(*, quantity: int, shared: int, asked: int, resource) -> str:
    """Why part of a round stays in the store, for its page; "" when all of it is handed out.
    Only a flat ration (equal_per_household) keeps stock back from needs that asked for it."""
    kept = quantity - shared
    if kept <= 0:
        return ""
    amount = format_quantity(kept, resource=resource)
    if asked > shared:
        return _(
            "%(kept)s stays in the store: a flat ration gives every household the same "
            "ration, and what a household does not need of it stays in the store rather "
            "than going to the others."
        ) % {"kept": amount}
    return _("%(kept)s stays in the store: the needs in this round asked for no more.") % {
        "kept": amount
    }
