"""What each kind of notification says, rendered in the reader's language when it is read."""

from collections.abc import Callable

from django.utils.translation import gettext as _

# kind → a function from the stored facts to the template's words, registered by the app that
# writes that kind (notify imports no app above it): amounts in the smallest unit become text,
# an explanation becomes a sentence, in the reader's language.
_PARAMS: dict[str, Callable[[dict], dict]] = {}


def register_params(kind: str, words: Callable[[dict], dict]) -> None:
    _PARAMS[kind] = words


def render(kind: str, params: dict) -> str:
    templates = {
        "match": _("A match was found for your need of %(resource)s."),
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
    }
    template = templates.get(kind)
    if template is None:
        return kind
    try:
        words = _PARAMS.get(kind)
        return template % (words(params) if words else params)
    except (KeyError, TypeError, ValueError):
        return template
