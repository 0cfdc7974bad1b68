"""News is written by the services that have it, in their own transaction (`announce`); how it
reaches each reader is decided after that transaction commits, by the delivery job
(notify.delivery), so a mail server that is slow or down never holds up or undoes the news."""

from collections.abc import Iterable

from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from pomochi.communities import policy
from pomochi.communities.models import Household, Membership
from pomochi.errors import Conflict, InvalidInput
from pomochi.notify.kinds import KINDS
from pomochi.notify.models import (
    ActionUse,
    Delivery,
    DigestFrequency,
    MailSettings,
    Notification,
    Preference,
)


def announce(
    *,
    kind: str,
    community_id: int,
    params: dict,
    about: str = "",
    about_id: int | None = None,
    household: Household | None = None,
    people: Iterable[Membership] = (),
    exclude: Membership | None = None,
    url: str = "",
) -> int:
    """Tell the audience that notify.kinds names for `kind` (call inside the service's
    transaction). `household` is the household the news is about (for "household" and
    "giver"), `people` the memberships for "people"; `exclude` is the one who acted, who needs
    no news of their own act. Returns how many were told."""
    audience = KINDS[kind].to
    members = Membership.objects.filter(community_id=community_id, is_active=True)
    if audience == "household" or (audience == "giver" and household is not None):
        if household is None:
            raise ValueError(f"{kind} is news for a household: name it")
        members = members.filter(household=household)
    elif audience in ("coordinators", "giver"):
        members = members.filter(is_coordinator=True)
    elif audience == "committee":
        members = members.filter(is_committee=True)
    else:
        members = members.filter(pk__in=[p.pk for p in people])
    if exclude is not None:
        members = members.exclude(pk=exclude.pk)
    now = timezone.now()
    rows = [
        Notification(
            community_id=community_id,
            recipient=m,
            kind=kind,
            params=params,
            about=about,
            about_id=about_id,
            url=url,
            created_at=now,
        )
        for m in members.only("id", "community_id")
    ]
    Notification.objects.bulk_create(rows)
    if rows:
        deliver_after_commit()
    return len(rows)


def deliver_after_commit() -> None:
    """Start the delivery job once the current transaction commits: once per atomic block,
    however much news is written in it (a second start would find nothing left to do)."""
    here = set(getattr(connection, "savepoint_ids", []))
    for sids, callback, *_rest in getattr(connection, "run_on_commit", []):
        if callback is _enqueue_delivery and set(sids) == here:
            return
    transaction.on_commit(_enqueue_delivery)


def _enqueue_delivery() -> None:
    from pomochi.notify.tasks import deliver

    deliver.enqueue()


@transaction.atomic
def notifications_mark_read(*, actor: Membership, ids: list[int] | None = None) -> int:
    """Mark the member's own notifications read (all unread ones when no ids are given)."""
    unread = Notification.objects.filter(recipient=actor, read_at__isnull=True)
    if ids is not None:
        unread = unread.filter(pk__in=ids)
    return unread.update(read_at=timezone.now())


@transaction.atomic
def preferences_set(
    *,
    actor: Membership,
    membership: Membership,
    deliveries: dict[str, str],
    digest: str,
    no_mail: bool,
) -> None:
    """A member's whole choice of how news reaches them: for each kind of news, by e-mail at
    once, in the digest or here only (a kind not named goes back to its default, as does one
    set to its default, so a later change of the default reaches it); how often the digest
    comes; and whether no e-mail at all. Only the member themself. Refuses an unknown kind or
    value, naming it, and then changes nothing."""
    policy.require(actor, "notification.settings", membership)
    unknown = sorted(name for name in deliveries if name not in KINDS)
    if unknown:
        raise InvalidInput(
            _("There is no such kind of news: %(kinds)s.") % {"kinds": ", ".join(unknown)},
            field="kinds",
        )
    for name, delivery in deliveries.items():
        if delivery not in Delivery.values:
            raise InvalidInput(
                _("“%(value)s” is not a way to hear “%(kind)s”; choose one of: %(choices)s.")
                % {
                    "value": delivery,
                    "kind": KINDS[name].label,
                    "choices": ", ".join(str(label) for label in Delivery.labels),
                },
                field="kinds",
            )
    if digest not in DigestFrequency.values:
        raise InvalidInput(
            _("“%(value)s” is not how often a digest can come; choose one of: %(choices)s.")
            % {
                "value": digest,
                "choices": ", ".join(str(label) for label in DigestFrequency.labels),
            },
            field="digest",
        )
    if not isinstance(no_mail, bool):
        raise InvalidInput(_("Say yes or no."), field="no_mail")
    chosen = {
        name: delivery for name, delivery in deliveries.items() if delivery != KINDS[name].default
    }
    Preference.objects.filter(membership=membership).delete()
    Preference.objects.bulk_create(
        Preference(membership=membership, kind=name, delivery=delivery)
        for name, delivery in chosen.items()
    )
    MailSettings.objects.update_or_create(
        membership=membership,
        defaults={"digest": digest, "no_mail": no_mail, "changed_at": timezone.now()},
    )


@transaction.atomic
def mail_unsubscribe(*, membership: Membership) -> None:
    """No more e-mail to this member from this community (the unsubscribe link, one click).
    The signed link is the authority, not a log-in: it only ever turns mail off, and the member
    turns it on again on their settings page."""
    MailSettings.objects.update_or_create(
        membership=membership, defaults={"no_mail": True, "changed_at": timezone.now()}
    )


class LinkUsed(Conflict):
    """A one-click link works once."""


@transaction.atomic
def action_perform(*, actor: Membership, action: str, object_id: int, nonce: str, version=None):
    """Do what a one-click link in an e-mail says, as the member it was sent to, once.

    The link's nonce is claimed first (a unique row: of two clicks, even at once, one wins);
    then the action runs through its own service, whose policy is the check (a member who left
    or lost the role is refused there). Claim and act are one transaction: a refused action
    leaves the link unused, an action done leaves it used. Returns the object acted on."""
    from pomochi.notify.links import action_named, action_target

    act = action_named(action)
    target = action_target(act, actor=actor, object_id=object_id, version=version)
    try:
        with transaction.atomic():
            ActionUse.objects.create(
                nonce=nonce, membership=actor, action=action, used_at=timezone.now()
            )
    except IntegrityError:
        raise LinkUsed(_("This link was already used: what it does is done.")) from None
    act.perform(actor, target)
    return target
