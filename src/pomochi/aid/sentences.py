"""How the aid app's audit entries read (registered with the audit app in AidConfig.ready)."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pomochi.audit.sentences import register_sentence


def _need(data, names):
    return _("a need of %(household)s for %(amount)s") % {
        "household": names.household(data["household"]),
        "amount": names.amount(data["resource"], data["quantity"]),
    }


def _offer(data, names):
    if data.get("resource"):
        what = names.amount(data["resource"], data["quantity"])
    else:
        what = data.get("skill") or "—"
    return _("an offer of %(what)s by %(household)s") % {
        "household": names.household(data["household"]),
        "what": what,
    }


def _promise(data, names):
    return _("a promise of %(amount)s to %(receiver)s, due %(due)s") % {
        "amount": names.amount(data["resource"], data["quantity"]),
        "receiver": names.household(data["receiver"]),
        "due": data["due_on"],
    }


def register() -> None:
    said = {
        "need.post": (gettext_lazy("A need was posted"), _need),
        "need.edit": (gettext_lazy("A need was changed"), _need),
        "need.withdraw": (gettext_lazy("A need was withdrawn"), None),
        "offer.post": (gettext_lazy("An offer was posted"), _offer),
        "offer.edit": (gettext_lazy("An offer was changed"), _offer),
        "offer.withdraw": (gettext_lazy("An offer was withdrawn"), None),
        "commitment.make": (gettext_lazy("A promise was made"), _promise),
        "commitment.accept": (gettext_lazy("A promise was accepted"), None),
        "commitment.decline": (gettext_lazy("A promise was declined"), None),
        "commitment.withdraw": (gettext_lazy("A promise was withdrawn"), None),
        "commitment.fulfil": (gettext_lazy("A promise was kept"), _promise),
        "commitment.fail": (gettext_lazy("A promise was not kept"), _promise),
        "commitment.reopen": (gettext_lazy("A promise was reopened"), _promise),
        "commitment.delivery_reversed": (
            gettext_lazy("A promised delivery was corrected"),
            _promise,
        ),
        "round.open": (gettext_lazy("An allocation round was drafted"), None),
        "round.edit": (gettext_lazy("An allocation round was changed"), None),
        "round.approve": (gettext_lazy("A committee member approved a round"), None),
        "round.reject": (gettext_lazy("A committee member rejected a round"), None),
        "round.decision_note": (gettext_lazy("A committee member's note on a round"), None),
        "round.shares": (gettext_lazy("The shares of a round"), None),
        "round.execute": (gettext_lazy("An allocation round was carried out"), None),
        "round.cancel": (gettext_lazy("An allocation round was cancelled"), None),
        "round.delivery_reversed": (gettext_lazy("A share of a round was corrected"), None),
        "appeal.file": (gettext_lazy("An appeal was filed"), None),
        "appeal.decide": (gettext_lazy("An appeal was decided"), None),
    }
    for verb, (label, render) in said.items():
        register_sentence(verb, label=label, render=render)
