"""How the ledger's audit entries read (registered with the audit app in LedgerConfig.ready)."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pomochi.audit.sentences import register_sentence
from pomochi.ledger.models import Pool


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
    said = _(
        "corrected entry no. %(event)s (a mistake): %(amount)s back from %(giver)s to %(receiver)s"
    )
    return _with_note(said % (_parties(data, names) | {"event": data["reverses"]}), data)


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
    ):
        register_sentence(verb, label=label, render=render)
