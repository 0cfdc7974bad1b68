"""An outbox row made into an e-mail: multipart (plain text and simple HTML), in the
recipient's language, with a link to change one's preferences and a one-click unsubscribe
header (RFC 8058) on every mail to a member."""

from collections.abc import Callable

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from pomochi.notify.models import Mail

# kind → a function from the row to (subject, context for notify/mail/<template>.txt|html,
# template name); "notification" is here, others are registered by the modules that write them
# (the digest, for one). Rows worded when written need none.
_COMPOSERS: dict[str, Callable[[Mail], tuple[str, dict, str]]] = {}


def register_composer(kind: str, composer: Callable[[Mail], tuple[str, dict, str]]) -> None:
    _COMPOSERS[kind] = composer


def absolute(path: str) -> str:
    return f"{settings.POMOCHI_SITE_URL}{path}"


def compose(mail: Mail) -> EmailMultiAlternatives:
    with translation.override(mail.language or settings.LANGUAGE_CODE):
        if mail.kind in _COMPOSERS:
            subject, context, template = _COMPOSERS[mail.kind](mail)
            context = context | _footer(mail)
            text = render_to_string(f"notify/mail/{template}.txt", context)
            html = render_to_string(f"notify/mail/{template}.html", context)
        else:
            subject, text, html = mail.subject, mail.text, mail.html
        headers = {"Message-ID": _message_id(mail)}
        footer = _footer(mail)
        if footer:
            headers["List-Unsubscribe"] = f"<{footer['unsubscribe_url']}>"
            headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
        message = EmailMultiAlternatives(
            subject=" ".join(subject.split())[:200],
            body=text,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[mail.to],
            headers=headers,
        )
        if html:
            message.attach_alternative(html, "text/html")
    return message


def _message_id(mail: Mail) -> str:
    domain = settings.POMOCHI_SITE_URL.split("://", 1)[-1].split("/", 1)[0].split(":")[0]
    return f"<pomochi.{mail.pk}.{int(mail.created_at.timestamp())}@{domain or 'localhost'}>"


def _footer(mail: Mail) -> dict:
    """The preferences and unsubscribe links, for mail to a member of a community."""
    if mail.recipient_id is None:
        return {}
    from pomochi.notify.links import unsubscribe_token

    slug = mail.recipient.community.slug
    return {
        "community_name": mail.recipient.community.name,
        "preferences_url": absolute(reverse("notification-settings", args=[slug])),
        "unsubscribe_url": absolute(
            reverse("unsubscribe", args=[unsubscribe_token(mail.recipient)])
        ),
    }


def _notification(mail: Mail) -> tuple[str, dict, str]:
    from pomochi.notify.messages import render
    from pomochi.notify.presenters import notification_link

    n = mail.notification
    text = render(n.kind, n.params)
    community = mail.recipient.community
    link = notification_link(n, community.slug)
    return (
        f"[{community.name}] {text}",
        {"text": text, "link": absolute(link) if link else "", "actions": _actions(mail)},
        "notification",
    )


def _actions(mail: Mail) -> list[dict]:
    """One-click actions that fit this news ([{label, url}]), signed for its reader."""
    from pomochi.notify.links import actions_for

    return actions_for(mail.notification, mail.recipient)


register_composer("notification", _notification)
