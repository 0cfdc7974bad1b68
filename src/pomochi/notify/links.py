"""Signed links in e-mail: one-click actions and unsubscribing.

An action link carries, signed (django.core.signing, its own salt, with the time it was made),
the membership it was sent to, the action's name, the object's id, a random nonce and, where
the action names one, the object's version when the mail was sent (a round's revision). The
link is the authority: whoever opens it acts as that member, so it expires
(POMOCHI_ACTION_LINK_DAYS), works once (the nonce, claimed in notify.services.action_perform)
and does nothing on GET, which mail scanners follow: GET shows what will happen and a button.

notify sits below the apps whose objects the actions change, so the apps register their actions
here (`register_action`, from their AppConfig.ready); notify never imports them.
"""

import secrets
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils.translation import gettext as _

from pomochi.errors import Conflict

UNSUBSCRIBE_SALT = "pomochi.notify.unsubscribe"
ACTION_SALT = "pomochi.notify.action"


def unsubscribe_token(membership) -> str:
    """A link that turns this member's e-mail off (no expiry: an old mail must still work)."""
    return signing.dumps({"m": membership.pk}, salt=UNSUBSCRIBE_SALT, compress=True)


def unsubscribe_read(token: str) -> int:
    """The membership id an unsubscribe link names; LinkBad if it was not made here."""
    try:
        payload = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        raise LinkBad from None
    if not isinstance(payload, dict) or not isinstance(payload.get("m"), int):
        raise LinkBad
    return payload["m"]


@dataclass(frozen=True)
class Action:
    """One thing a member may do from an e-mail with one click.

    load(membership, id): the object within the member's community, or None;
    offered(membership, obj): whether to put the link in the mail and show its button (the
      policy's rules, and the object still waiting for it);
    describe(obj): exactly what the button will do, a sentence in the active language;
    perform(membership, obj): do it, through the app's own service;
    page: the URL name of the object's page (slug, id), for "open the page instead";
    version(obj): what must not have changed since the mail was sent (a round's revision).
    """

    name: str
    label: object
    kinds: tuple[str, ...]
    load: Callable
    offered: Callable
    describe: Callable
    perform: Callable
    page: str
    version: Callable | None = None


_ACTIONS: dict[str, Action] = {}


def register_action(
    *,
    name: str,
    label,
    kinds: tuple[str, ...],
    load: Callable,
    offered: Callable,
    describe: Callable,
    perform: Callable,
    page: str,
    version: Callable | None = None,
) -> None:
    """An app offers an action for mail of these kinds of news (called from its ready())."""
    _ACTIONS[name] = Action(
        name, label, tuple(kinds), load, offered, describe, perform, page, version
    )


class LinkBad(Exception):
    """Not a link this site made, or altered, or naming what is not there."""


class LinkExpired(Exception):
    """A genuine link, too old to act on; `link` says what it was about."""

    def __init__(self, link: "ActionLink"):
        super().__init__("expired")
        self.link = link


@dataclass(frozen=True)
class ActionLink:
    membership_id: int
    action: str
    object_id: int
    nonce: str
    version: int | str | None = None


def action_token(*, membership, action: str, object_id: int, version=None) -> str:
    payload = {
        "m": membership.pk,
        "a": action,
        "o": object_id,
        "n": secrets.token_urlsafe(16),
    }
    if version is not None:
        payload["v"] = version
    return signing.dumps(payload, salt=ACTION_SALT, compress=True)


def action_link_read(token: str) -> ActionLink:
    """What a link says, if this site signed it and it has not expired. LinkExpired (genuine
    but old) or LinkBad (anything else)."""
    max_age = settings.POMOCHI_ACTION_LINK_DAYS * 24 * 3600
    try:
        return _link(signing.loads(token, salt=ACTION_SALT, max_age=max_age))
    except signing.SignatureExpired:
        raise LinkExpired(_link(signing.loads(token, salt=ACTION_SALT))) from None
    except signing.BadSignature:
        raise LinkBad from None


def _link(payload) -> ActionLink:
    try:
        link = ActionLink(
            membership_id=payload["m"],
            action=payload["a"],
            object_id=payload["o"],
            nonce=payload["n"],
            version=payload.get("v"),
        )
    except (KeyError, TypeError):
        raise LinkBad from None
    if link.action not in _ACTIONS or not isinstance(link.object_id, int):
        raise LinkBad
    return link


def action_named(name: str) -> Action:
    return _ACTIONS[name]


def action_target(act: Action, *, actor, object_id: int, version=None):
    """The object a link acts on, as it is now; Conflict if it is gone or has changed since the
    mail was sent (the member then decides on the page, seeing it as it is)."""
    target = act.load(actor, object_id)
    if target is None:
        raise Conflict(_("What this link is about is not there any more."))
    if act.version is not None and act.version(target) != version:
        raise Conflict(
            _("This has changed since the e-mail was sent: open the page to see it as it is now.")
        )
    return target


def action_page(act: Action, *, membership, object_id: int) -> str:
    return reverse(act.page, args=[membership.community.slug, object_id])


def actions_for(notification, membership) -> list[dict]:
    """The one-click actions that fit this news for its reader ([{label, url}], absolute URLs),
    each signed for them alone: only what they may do now, on an object still waiting for it."""
    from pomochi.notify.compose import absolute

    if notification is None or not notification.about_id:
        return []
    found = []
    for act in _ACTIONS.values():
        if notification.kind not in act.kinds:
            continue
        target = act.load(membership, notification.about_id)
        if target is None or not act.offered(membership, target):
            continue
        token = action_token(
            membership=membership,
            action=act.name,
            object_id=target.pk,
            version=act.version(target) if act.version else None,
        )
        found.append(
            {"label": str(act.label), "url": absolute(reverse("mail-action", args=[token]))}
        )
    return found
