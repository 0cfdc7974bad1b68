"""Signed links in e-mail: one-click actions and unsubscribing."""

from django.core import signing

UNSUBSCRIBE_SALT = "pomochi.notify.unsubscribe"


def unsubscribe_token(membership) -> str:
    """A link that turns this member's e-mail off (no expiry: an old mail must still work)."""
    return signing.dumps({"m": membership.pk}, salt=UNSUBSCRIBE_SALT, compress=True)


def actions_for(notification, membership) -> list[dict]:
    return []
