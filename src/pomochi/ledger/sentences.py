"""How the ledger's audit entries read (registered with the audit app in LedgerConfig.ready)."""

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pomochi.audit.sentences import register_sentence
from pomochi.ledger.models import Action, Event, Pool


def _parties(data, names):
    def side(prefix):
        if data.get(f"{prefix}_pool"):
            return names.of(Pool, data[f"{prefix}_pool"])
        if data.get(f"{prefix}_household"):
            return names.household(data[f"{prefix}_household"])
        return "—"

    return {
        "amount": names.amount(data["resource"], data["quantity"]),
        "giver": side("provider"),
        "receiver": side("receiver"),
        "note": data.get("note") or "",
    }


def _with_note(sentence: str, data) -> str:
    return f"{sentence} — {data['note']}" if data.get("note") else sentence


def _contribute(data, names):
    said = _("recorded a contribution of %(amount)s by %(giver)s into %(receiver)s")
    return _with_note(said % _parties(data, names), data)


def _distribute(data, names):
    said = _("recorded a distribution of %(amount)s from %(giver)s to %(receiver)s")
    return _with_note(said % _parties(data, names), data)


def _transfer(data, names):
    said = _("recorded a gift of %(amount)s from %(giver)s to %(receiver)s")
    return _with_note(said % _parties(data, names), data)


def _work(data, names):
    said = _("recorded %(amount)s of work by %(giver)s for %(receiver)s")
    return _with_note(said % _parties(data, names), data)


def _adjust(data, names):
    parts = _parties(data, names)
    if data.get("provider_pool"):  # stock taken out of the store: a loss, its sign kept
        said = _("adjusted %(giver)s by −%(amount)s")
    else:
        said = _("adjusted %(receiver)s by +%(amount)s")
    return _with_note(said % parts, data)


def _reverse(data, names):
    # The reversal runs the other way: its receiver gave the original, its giver received it.
    original = names.row(Event, data["reverses"])
    parties = _parties(data, names)
    if original is None:  # an entry no longer in the table (or the first pass, collecting)
        return correction_sentence(
            phrase=_("entry no. %(event)s") % {"event": data["reverses"]},
            reason=data.get("note") or "",
        )
    amount = parties["amount"]
    if original.action == Action.ADJUST:
        amount = ("−" if data.get("receiver_pool") else "+") + amount
    phrase = movement_phrase(
        action=original.action,
        amount=amount,
        giver=parties["receiver"],
        receiver=parties["giver"],
        on=day(original.occurred_at, names.zone),
    )
    return correction_sentence(phrase=phrase, reason=data.get("note") or "")


def day(moment, zone) -> str:
    """The day of an entry as a sentence names it: "3 Dec" this year, "3 Dec 2025" before."""
    local = timezone.localtime(moment, zone)
    this_year = timezone.localtime(timezone.now(), zone).year
    return date_format(local, "j M" if local.year == this_year else "j M Y")


def movement_phrase(*, action: str, amount: str, giver: str, receiver: str, on: str) -> str:
    """An entry named in a sentence, worded once for every door that names one (the reverse
    form, a correction on the pages and in the API, the audit chain): "the contribution of
    1,000 kg of grain by Safonovs to Granary on 3 Dec". `amount` is "1,000 kg of grain" (for
    an adjustment with its sign); `giver` and `receiver` as the reader may see them ("a
    household" when hidden); for an adjustment the store is whichever side it is on."""
    parts = {"amount": amount, "giver": giver, "receiver": receiver, "on": on}
    if action == Action.CONTRIBUTE:
        said = _("the contribution of %(amount)s by %(giver)s to %(receiver)s on %(on)s")
    elif action == Action.DISTRIBUTE:
        said = _("the distribution of %(amount)s from %(giver)s to %(receiver)s on %(on)s")
    elif action == Action.TRANSFER:
        said = _("the gift of %(amount)s from %(giver)s to %(receiver)s on %(on)s")
    elif action == Action.WORK:
        said = _("the work of %(amount)s by %(giver)s for %(receiver)s on %(on)s")
    elif action == Action.ADJUST:
        store = receiver if receiver != "—" else giver
        return _("the adjustment of %(store)s by %(amount)s on %(on)s") % {
            "store": store,
            "amount": amount,
            "on": on,
        }
    else:
        said = _("the %(action)s of %(amount)s from %(giver)s to %(receiver)s on %(on)s")
        parts["action"] = Action(action).label
    return said % parts


def correction_sentence(*, phrase: str, reason: str) -> str:
    """A reversal as people read it: "Correction: <the entry> was a mistake — <reason>"."""
    said = _("Correction: %(entry)s was a mistake") % {"entry": phrase}
    return f"{said} — {reason}" if reason else said


def _submit(data, names):
    said = _("says %(giver)s brought %(amount)s to %(receiver)s: waiting for confirmation")
    return _with_note(said % _waiting(data, names), data)


def _decline(data, names):
    said = _("declined the record of %(amount)s by %(giver)s into %(receiver)s: %(reason)s")
    return said % (_waiting(data, names) | {"reason": data.get("reason") or ""})


def _waiting(data, names):
    return {
        "amount": names.amount(data["resource"], data["quantity"]),
        "giver": names.household(data["household"]) if data.get("household") else "—",
        "receiver": names.of(Pool, data["pool"]),
    }


def _pool(data, names):
    return _("store “%(name)s”") % {"name": data["name"]}


def register() -> None:
    for verb, label, render in (
        ("event.contribute", gettext_lazy("A contribution was recorded"), _contribute),
        ("event.distribute", gettext_lazy("A distribution was recorded"), _distribute),
        ("event.transfer", gettext_lazy("A gift between households was recorded"), _transfer),
        ("event.work", gettext_lazy("Work was recorded"), _work),
        ("event.adjust", gettext_lazy("A store's stock was adjusted"), _adjust),
        ("event.reverse", gettext_lazy("An entry was corrected"), _reverse),
        ("pool.create", gettext_lazy("A store was added"), _pool),
        ("pool.update", gettext_lazy("A store was changed"), _pool),
        ("pool.archive", gettext_lazy("A store was archived"), _pool),
        (
            "contribution.submit",
            gettext_lazy("A contribution was recorded, waiting for confirmation"),
            _submit,
        ),
        (
            "contribution.decline",
            gettext_lazy("A record waiting for confirmation was declined"),
            _decline,
        ),
    ):
        register_sentence(verb, label=label, render=render)
