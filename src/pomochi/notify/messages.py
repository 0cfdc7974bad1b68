"""What each kind of notification says, rendered in the reader's language when it is read."""

from collections.abc import Callable
from datetime import date

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from pomochi.communities.quantities import format_quantity, format_quantity_plain

# kind → a function from the stored facts of several notifications of that kind to the
# template's words for each, registered by the app that writes that kind (notify imports no app
# above it): amounts in the smallest unit become text, a share's explanation (read from the share,
# once for a page of notifications) becomes a sentence, in the reader's language.
_PARAMS: dict[str, Callable[[list[dict]], list[dict]]] = {}


def register_params(kind: str, words: Callable[[list[dict]], list[dict]]) -> None:
    _PARAMS[kind] = words


def amount_facts(quantity: int, *, resource) -> dict:
    """What a notification stores of an amount: the number in the smallest unit and its unit,
    worded in the reader's language when read ("12,5 кг"); "amount" is the same amount for
    machines ("12.5 kg"), which is all that rows written before these facts carry."""
    return {
        "amount": format_quantity_plain(quantity, resource=resource),
        "quantity": int(quantity),
        "unit": resource.unit,
        "decimal_places": resource.decimal_places,
    }


def _facts_worded(params: dict) -> dict:
    """The facts every kind may carry, worded in the reader's language: an amount, a due date
    (stored as an ISO date), an appeal's outcome (stored as a yes or no)."""
    params = _amount_worded(params)
    if isinstance(params.get("due"), str):
        try:
            due = date.fromisoformat(params["due"])
        except ValueError:
            pass
        else:
            params = params | {"due": date_format(due, "DATE_FORMAT")}
    if isinstance(params.get("upheld"), bool):
        params = params | {"decision": _("upheld") if params["upheld"] else _("dismissed")}
    return params


def _amount_worded(params: dict) -> dict:
    if not {"quantity", "unit", "decimal_places"} <= params.keys():
        return params
    try:
        amount = format_quantity(
            params["quantity"], decimal_places=params["decimal_places"], unit=params["unit"]
        )
    except (TypeError, ValueError, ArithmeticError):
        return params  # a malformed row keeps the words it was written with
    return params | {"amount": amount}


def render(kind: str, params: dict) -> str:
    return render_many([(kind, params)])[0]


def render_many(items: list[tuple[str, dict]]) -> list[str]:
    """Each (kind, params) as render would word it; the facts of one kind gathered at once."""
    words: list[dict | None] = [None] * len(items)
    for kind, facts in _PARAMS.items():
        at = [i for i, (k, _params) in enumerate(items) if k == kind]
        if at:
            group = [items[i][1] for i in at]
            try:
                worded = facts(group)
            except (KeyError, TypeError, ValueError):
                worded = [_words_of_one(facts, params) for params in group]  # one bad row: itself
            for i, w in zip(at, worded, strict=True):
                words[i] = w
    return [
        _worded(kind, _facts_worded(params if w is None else w))
        for (kind, params), w in zip(items, words, strict=True)
    ]


def _words_of_one(facts: Callable[[list[dict]], list[dict]], params: dict) -> dict | None:
    try:
        return facts([params])[0]
    except (KeyError, TypeError, ValueError):
        return None  # its template is shown as it is


def _worded(kind: str, params: dict) -> str:
    templates = {
        "need.urgent": _("Urgent: %(household)s needs %(amount)s of %(resource)s."),
        "need.posted": _("%(household)s needs %(amount)s of %(resource)s."),
        "match": _("A match was found for your need of %(resource)s."),
        "distribution.received": _(
            "Your household received %(amount)s of %(resource)s from %(pool)s."
        ),
        "commitment.due_soon": _(
            "Your promise of %(amount)s of %(resource)s is due tomorrow, %(due)s."
        ),
        "allocation.executed": _(
            "The round of %(resource)s from %(pool)s was carried out (households: %(households)s)."
        ),
        "contribution.waiting": _(
            "%(household)s recorded %(amount)s of %(resource)s into %(pool)s; it waits for a "
            "coordinator's confirmation."
        ),
        "invitation.accepted": _("%(member)s accepted your invitation and joined."),
        "commitment.made": _(
            "%(giver)s promised %(amount)s of %(resource)s to %(receiver)s by %(due)s."
        ),
        "commitment.proposed": _(
            "You are asked to promise %(amount)s of %(resource)s to %(receiver)s by %(due)s: "
            "accept or decline it."
        ),
        "commitment.accepted": _(
            "%(giver)s accepted to give %(amount)s of %(resource)s to %(receiver)s by %(due)s."
        ),
        "commitment.declined": _(
            "The proposed promise of %(amount)s of %(resource)s from %(giver)s to %(receiver)s "
            "was declined or withdrawn."
        ),
        "commitment.due": _("Your promise of %(amount)s of %(resource)s was due on %(due)s."),
        "commitment.fulfilled": _("%(amount)s of %(resource)s was delivered as promised."),
        "allocation.share": _("Your share of %(resource)s from %(pool)s: %(amount)s. %(why)s"),
        "allocation.decide": _(
            "An allocation of %(resource)s from %(pool)s awaits the committee's decision."
        ),
        "allocation.approved": _(
            "The allocation of %(resource)s from %(pool)s is approved and can be carried out."
        ),
        "appeal.filed": _("A household appealed its share of %(resource)s."),
        "appeal.decided": _("Your appeal about %(resource)s was decided: %(decision)s."),
        "contribution.confirmed": _(
            "Your contribution of %(amount)s of %(resource)s to %(pool)s was confirmed; it is "
            "in the ledger."
        ),
        "contribution.declined": _(
            "Your record of %(amount)s of %(resource)s to %(pool)s was declined: %(reason)s"
        ),
    }
    template = templates.get(kind)
    if template is None:
        return kind
    try:
        return template % params
    except (KeyError, TypeError, ValueError):
        return template
