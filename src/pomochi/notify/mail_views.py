"""Pages behind the links in e-mail: a one-click action, and unsubscribing.

The signed link is the authority here, not a log-in: a member opens it from their mailbox, on
any device. So GET never acts (mail scanners and previews follow links): it says exactly what
the button will do; the button POSTs. Each page speaks the member's language.
"""

from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from pomochi.communities.models import Membership
from pomochi.errors import Conflict, DomainError, NotAllowed
from pomochi.notify.links import (
    LinkBad,
    LinkExpired,
    action_link_read,
    action_named,
    action_page,
    action_target,
    unsubscribe_read,
)
from pomochi.notify.models import ActionUse
from pomochi.notify.services import LinkUsed, action_perform, mail_unsubscribe


def _membership(pk: int) -> Membership | None:
    return Membership.objects.select_related("user", "community", "household").filter(pk=pk).first()


def _language(request, membership: Membership) -> str:
    """The language chosen on this device (its cookie), else the member's, else the
    community's: a link opened from e-mail on a phone with no choice yet speaks the member's."""
    if settings.LANGUAGE_COOKIE_NAME in request.COOKIES:
        return translation.get_language()
    return membership.user.language or membership.community.language or translation.get_language()


def _page(request, membership, template: str, context: dict, status: int = 200) -> HttpResponse:
    language = _language(request, membership)
    with translation.override(language):
        response = render(request, template, context, status=status)
    response["Content-Language"] = language
    return response


def _message(
    request, membership, *, title: str, message: str, page: str = "", page_label="", status: int
):
    context = {"title": title, "message": message, "page": page, "page_label": page_label}
    return _page(request, membership, "notify/link_message.html", context, status)


def _refused(request) -> HttpResponse:
    """A link this site did not make, or altered: as plain as a page that is not there."""
    return render(request, "notify/link_refused.html", status=404)


@require_http_methods(["GET", "HEAD", "POST"])
def action(request, token):
    try:
        link = action_link_read(token)
    except LinkBad:
        return _refused(request)
    except LinkExpired as expired:
        membership = _membership(expired.link.membership_id)
        if membership is None:
            return _refused(request)
        act = action_named(expired.link.action)
        with translation.override(_language(request, membership)):
            return _message(
                request,
                membership,
                title=_("This link has expired"),
                message=_("This link has expired; open the page instead."),
                page=action_page(act, membership=membership, object_id=expired.link.object_id),
                status=410,
            )
    membership = _membership(link.membership_id)
    if membership is None:
        return _refused(request)
    act = action_named(link.action)
    page = action_page(act, membership=membership, object_id=link.object_id)
    with translation.override(_language(request, membership)):
        if request.method == "POST":
            return _act(request, membership, link, page)
        if ActionUse.objects.filter(nonce=link.nonce).exists():
            return _used(request, membership, page)
        try:
            target = action_target(
                act, actor=membership, object_id=link.object_id, version=link.version
            )
        except DomainError as refusal:
            return _message(
                request,
                membership,
                title=_("This link cannot be used now"),
                message=refusal.message,
                page=page,
                status=409,
            )
        if not act.offered(membership, target):
            return _message(
                request,
                membership,
                title=_("This link cannot be used now"),
                message=_(
                    "There is nothing to do here now: it was answered already, or it is no "
                    "longer yours to do."
                ),
                page=page,
                status=403,
            )
        return _page(
            request,
            membership,
            "notify/act.html",
            {
                "community": membership.community,
                "label": act.label,
                "description": act.describe(target),
                "page": page,
            },
        )


def _act(request, membership, link, page: str) -> HttpResponse:
    try:
        action_perform(
            actor=membership,
            action=link.action,
            object_id=link.object_id,
            nonce=link.nonce,
            version=link.version,
        )
    except LinkUsed:
        return _used(request, membership, page)
    except DomainError as refusal:
        status = (
            403
            if isinstance(refusal, NotAllowed)
            else 409
            if isinstance(refusal, Conflict)
            else 422
        )
        return _message(
            request,
            membership,
            title=_("This was not done"),
            message=refusal.message,
            page=page,
            status=status,
        )
    return _message(
        request, membership, title=_("Done"), message=_("It is recorded."), page=page, status=200
    )


def _used(request, membership, page: str) -> HttpResponse:
    return _message(
        request,
        membership,
        title=_("This link was already used"),
        message=_("This link was already used: what it does is done."),
        page=page,
        status=409,
    )


# The one-click unsubscribe of RFC 8058: a mail program POSTs "List-Unsubscribe=One-Click" to the
# link with no CSRF token. Safe without one: the signed link is the authority, and all it can do
# is turn mail off.
@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
def unsubscribe(request, token):
    try:
        membership = _membership(unsubscribe_read(token))
    except LinkBad:
        return _refused(request)
    if membership is None:
        return _refused(request)
    settings_url = reverse("notification-settings", args=[membership.community.slug])
    with translation.override(_language(request, membership)):
        if request.method == "POST":
            mail_unsubscribe(membership=membership)
            return _message(
                request,
                membership,
                title=_("No more e-mail"),
                message=_(
                    "Pomochi sends you no more e-mail from %(community)s. News waits for you "
                    "on its notifications page; you can turn e-mail on again in your settings."
                )
                % {"community": membership.community.name},
                page=settings_url,
                page_label=_("Notification settings"),
                status=200,
            )
        return _page(
            request,
            membership,
            "notify/unsubscribe.html",
            {"community": membership.community, "settings_url": settings_url},
        )
