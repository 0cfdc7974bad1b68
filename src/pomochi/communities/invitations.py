"""Invitations: how a person comes into a community, by their own act.

A coordinator invites (by e-mail, or with a one-time code handed over on paper, one slip or a
sheet of them for a list of households); the invitee accepts while logged in, or creates an
account through the invitation. An existing account is never added to a community without its
owner accepting, and nothing here tells the inviter which usernames or e-mail addresses exist.
An invitation may grant roles, if its maker may grant them. A member who has no e-mail and
forgot their password is given a password code the same way, on paper.

Codes are 12 characters (shown 4-4-4) from a 31-letter alphabet, about 2^59 of them: the
issue's example has 6, but a code is all that stands between a stranger typing guesses into the
invitation page and a seat in the community (or a member's account), and 12 characters keep
that out of reach of online guessing while still being easy to copy from paper.
"""

import hashlib
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import override

from pomochi.accounts.services import account_create
from pomochi.audit.services import audit_append
from pomochi.communities import policy
from pomochi.communities.models import Community, Household, Invitation, Membership
from pomochi.communities.services import _membership_data  # one payload for a membership
from pomochi.errors import Conflict, InvalidInput, NotAllowed
from pomochi.notify.delivery import mail_queue
from pomochi.notify.services import announce
from pomochi.text import text_or_refuse

# No 0/O, 1/I/L: a code read aloud or copied from paper is typed right the first time.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 12  # 31^12 ≈ 2^59 codes, each usable once and only until it expires
VALID_DAYS = 14
PASSWORD_CODE_DAYS = 3  # a password code is a key to an account: short-lived
MAX_SLIPS = 100  # households on one sheet of slips
EMAIL_LENGTH = Invitation._meta.get_field("email").max_length


@dataclass(frozen=True)
class Issued:
    """An invitation and its code: the code is shown once and stored only as a digest."""

    invitation: Invitation
    code: str

    @property
    def printable(self) -> str:
        return "-".join(self.code[i : i + 4] for i in range(0, len(self.code), 4))


def code_normalise(text: str) -> str:
    """The code as typed (any case, spaces or dashes) in its canonical form."""
    return "".join(ch for ch in text.upper() if ch.isalnum())


def code_digest(code: str) -> str:
    return hashlib.sha256(code_normalise(code).encode()).hexdigest()


def _code_new() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def _code_for_key(actor: Membership, key: str) -> str:
    """The code of the invitation an actor makes with this Idempotency-Key.

    Derived from the key with the site's secret, so a retry finds the invitation it made by the
    code's digest and answers the same code again, although no code is stored. Without the secret
    the key says nothing about the code; a key is the actor's own (another actor's same key
    makes another code)."""
    mac = salted_hmac(
        "pomochi.invitations.idempotency", f"{actor.id}:{key}", algorithm="sha256"
    ).digest()
    number, chars = int.from_bytes(mac, "big"), []
    for _position in range(CODE_LENGTH):  # 256 bits for 59: the remainders are as good as uniform
        number, index = divmod(number, len(CODE_ALPHABET))
        chars.append(CODE_ALPHABET[index])
    return "".join(chars)


def _by_code(code: str) -> Invitation | None:
    """The invitation with this code, in whatever state."""
    normal = code_normalise(code)
    if len(normal) != CODE_LENGTH:
        return None
    return (
        Invitation.objects.select_related(
            "community", "household", "created_by__user", "for_membership__user"
        )
        .filter(code_digest=code_digest(normal))
        .first()
    )


def invitation_find(*, code: str, now=None) -> Invitation | None:
    """The open invitation (or password code) with this code, or None: used, revoked, expired
    and unknown codes all read the same, so a code reveals nothing about another."""
    invitation = _by_code(code)
    if invitation is None or invitation.state(now or timezone.now()) != "open":
        return None
    return invitation


def _prospect(community: Community, household: Household | None) -> Membership:
    """The membership an invitation would make, to ask the policy who may grant it roles: the
    rules of membership_set_roles, unchanged (nobody is granting a role to themselves)."""
    return Membership(community=community, household=household)


def _require_grants(actor: Membership, target: Membership, *, coordinator: bool, committee: bool):
    if coordinator and not policy.can(actor, "membership.grant_coordinator", target):
        raise NotAllowed(_("You may not make anyone a coordinator."))
    if committee and not policy.can(actor, "membership.grant_committee", target):
        raise NotAllowed(_("Only the committee elects members to the committee."))


def _email(email: str) -> str:
    email = text_or_refuse(email, field="email", max_length=EMAIL_LENGTH, multiline=False)
    if email:
        try:
            validate_email(email)
        except ValidationError:
            raise InvalidInput(_("Enter a valid e-mail address."), field="email") from None
    return email


@transaction.atomic
def invitation_create(
    *,
    actor: Membership,
    community: Community,
    household: Household | None = None,
    email: str = "",
    coordinator: bool = False,
    committee: bool = False,
    accept_url: str | None = None,
    idempotency_key: str | None = None,
) -> Issued:
    """A one-time invitation to this community, into a household if given, granting the roles
    asked (refused, changing nothing, unless the actor may grant them: membership_set_roles'
    rules).

    With an e-mail address, the code is mailed (after commit) as a link built from accept_url,
    which must contain "{code}"; either way the caller shows the code once, for paper. With an
    idempotency key, a retry of the same request answers the same invitation and code and makes
    nothing; the same key for a different request is refused.
    """
    policy.require(actor, "membership.invite", community)
    _require_grants(
        actor, _prospect(community, household), coordinator=coordinator, committee=committee
    )
    email = _email(email)
    if household is not None and household.community_id != community.id:
        raise InvalidInput(_("That household belongs to another community."), field="household")
    if household is not None and household.archived_at is not None:
        raise InvalidInput(_("That household is archived: nobody joins it."), field="household")
    wanted = {
        "household_id": household.id if household else None,
        "email": email,
        "grants_coordinator": coordinator,
        "grants_committee": committee,
    }
    code = _code_new() if idempotency_key is None else _code_for_key(actor, idempotency_key)
    if idempotency_key is not None and (replay := _replay(actor, code, wanted)):
        return replay
    now = timezone.now()
    try:
        with transaction.atomic():
            invitation = Invitation.objects.create(
                community=community,
                code_digest=code_digest(code),
                created_at=now,
                created_by=actor,
                expires_at=now + timedelta(days=VALID_DAYS),
                **wanted,
            )
    except IntegrityError:
        if idempotency_key is None:
            raise
        # The same key in a request running alongside: it made the invitation first.
        return _replay(actor, code, wanted)
    audit_append(
        community_id=community.id,
        actor_id=actor.id,
        verb="invitation.create",
        object_type="invitation",
        object_id=invitation.id,
        data={
            "household": invitation.household_id,
            "by_email": bool(email),
            "coordinator": coordinator,
            "committee": committee,
            "expires_at": invitation.expires_at.isoformat(),
        },
        private=True,  # whom a coordinator invites is theirs and the committee's to know
    )
    issued = Issued(invitation=invitation, code=code)
    if email and accept_url:
        link = accept_url.format(code=code)
        _mail(issued, link, language=community.language)
    return issued


def _replay(actor: Membership, code: str, wanted: dict) -> Issued | None:
    """The invitation this actor already made with this key's code, if the request is the same."""
    first = Invitation.objects.filter(code_digest=code_digest(code)).first()
    if first is None:
        return None
    same = first.created_by_id == actor.id and first.for_membership_id is None
    if not same or any(getattr(first, name) != value for name, value in wanted.items()):
        raise Conflict(_("This idempotency key was already used for a different request."))
    return Issued(invitation=first, code=code)


@transaction.atomic
def invitations_create_batch(
    *, actor: Membership, community: Community, households: Iterable[Household]
) -> list[Issued]:
    """One invitation (code on paper) per household, all or nothing, in the order given."""
    policy.require(actor, "membership.invite", community)
    households = list(dict.fromkeys(households))
    if not households:
        raise InvalidInput(_("Choose at least one household."), field="households")
    if len(households) > MAX_SLIPS:
        raise InvalidInput(
            _("At most %(max)d households on one sheet; print the rest on another.")
            % {"max": MAX_SLIPS},
            field="households",
        )
    return [
        invitation_create(actor=actor, community=community, household=household)
        for household in households
    ]


def _mail(issued: Issued, link: str, *, language: str) -> None:
    invitation = issued.invitation
    with override(language):
        subject = _("You are invited to join %(community)s") % {
            "community": invitation.community.name
        }
        body = _(
            "%(who)s invites you to join %(community)s on pomochi.\n\n"
            "Open this link to accept (you can create an account there):\n%(link)s\n\n"
            "Or type the code %(code)s on the invitation page. It can be used once, "
            "until %(until)s."
        ) % {
            "who": invitation.created_by.user,
            "community": invitation.community.name,
            "link": link,
            "code": issued.printable,
            "until": date_format(timezone.localtime(invitation.expires_at), "DATE_FORMAT"),
        }
    # Through the outbox, sent after this transaction commits; the code is wiped once sent.
    mail_queue(
        kind="invitation", to=invitation.email, language=language, subject=subject, text=body
    )


@transaction.atomic
def invitation_revoke(*, actor: Membership, invitation: Invitation) -> Invitation:
    policy.require(actor, "membership.invite", invitation)
    locked = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if locked.state(timezone.now()) != "open":
        raise Conflict(_("This invitation is no longer open."))
    locked.revoked_at = timezone.now()
    locked.save(update_fields=["revoked_at"])
    audit_append(
        community_id=locked.community_id,
        actor_id=actor.id,
        verb="invitation.revoke",
        object_type="invitation",
        object_id=locked.id,
        data={},
        private=True,
    )
    return locked


def _not_valid() -> InvalidInput:
    return InvalidInput(
        _("This invitation is not valid: it may have been used, withdrawn or expired."),
        field="code",
    )


@transaction.atomic
def invitation_accept(*, user, code: str) -> Membership:
    """The invitee's own act: join the community of this invitation (and its household), with
    the roles it grants if whoever made it may still grant them.

    Refuses, changing nothing, a code that is not open (or is a password code), or a person who
    is a member already. A code this same person already accepted answers their membership.
    """
    seen = _by_code(code)
    if seen is not None and seen.accepted_by_id and seen.accepted_by.user_id == user.id:
        return seen.accepted_by  # a retry of one's own acceptance: nothing more to do
    found = invitation_find(code=code)
    if found is None or found.for_membership_id is not None:
        raise _not_valid()
    invitation = (
        Invitation.objects.select_for_update().select_related("created_by").get(pk=found.pk)
    )
    now = timezone.now()
    if invitation.state(now) != "open":  # accepted meanwhile by someone else
        raise _not_valid()
    if not user.is_active:
        raise _not_valid()
    try:
        with transaction.atomic():
            membership = Membership.objects.create(
                user=user, community_id=invitation.community_id, household=invitation.household
            )
    except IntegrityError:
        raise Conflict(
            _("You are already a member of %(community)s.") % {"community": found.community.name}
        ) from None
    invitation.accepted_at = now
    invitation.accepted_by = membership
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    audit_append(
        community_id=invitation.community_id,
        actor_id=membership.id,
        verb="membership.add",
        object_type="membership",
        object_id=membership.id,
        data=_membership_data(membership) | {"invitation": invitation.id},
        household_id=membership.household_id,
    )
    if invitation.grants_coordinator or invitation.grants_committee:
        _grant(invitation, membership)
    announce(
        kind="invitation.accepted",
        community_id=invitation.community_id,
        people=[invitation.created_by],
        params={"member": user.display_name or user.username},
        url=reverse("members", args=[found.community.slug]),
    )
    return membership


def _grant(invitation: Invitation, membership: Membership) -> None:
    """The roles an invitation names, granted by whoever made it, audited as any role change.

    Their right is asked again now: a coordinator who has since lost the role cannot still grant
    it through an invitation made before."""
    try:
        _require_grants(
            invitation.created_by,
            membership,
            coordinator=invitation.grants_coordinator,
            committee=invitation.grants_committee,
        )
    except NotAllowed:
        raise Conflict(
            _(
                "Whoever invited you may no longer grant the roles this invitation names; "
                "ask a coordinator for a new invitation."
            ),
            field="code",
        ) from None
    membership.is_coordinator = invitation.grants_coordinator
    membership.is_committee = invitation.grants_committee
    membership.save(update_fields=["is_coordinator", "is_committee"])
    audit_append(
        community_id=membership.community_id,
        actor_id=invitation.created_by_id,
        verb="membership.set_roles",
        object_type="membership",
        object_id=membership.id,
        data=_membership_data(membership) | {"invitation": invitation.id},
        household_id=membership.household_id,
    )


@transaction.atomic
def account_create_and_accept(
    *, code: str, username: str, password: str, email: str = "", display_name: str = ""
) -> Membership:
    """Create one's own account through an invitation and join, in one act, all or nothing.
    No e-mail address is needed (a forgotten password is then reset by a password code)."""
    found = invitation_find(code=code)
    if found is None or found.for_membership_id is not None:
        raise _not_valid()
    user = account_create(
        username=username, password=password, email=email, display_name=display_name
    )
    return invitation_accept(user=user, code=code)


# ---- a forgotten password, for a member without e-mail ------------------------------------


@transaction.atomic
def invitation_reissue_password(*, actor: Membership, membership: Membership) -> Issued:
    """A one-time code that lets this member set a new password, for a coordinator to hand over
    on paper. Earlier unused password codes of the member stop working. The audit entry names
    the member and is private (coordinators and the committee); the code is never in it."""
    policy.require(actor, "membership.reissue_password", membership)
    now = timezone.now()
    earlier = Invitation.objects.filter(
        for_membership=membership, accepted_at__isnull=True, revoked_at__isnull=True
    )
    withdrawn = earlier.filter(expires_at__gt=now).count()
    earlier.update(revoked_at=now)
    code = _code_new()
    invitation = Invitation.objects.create(
        community_id=membership.community_id,
        household_id=membership.household_id,
        for_membership=membership,
        code_digest=code_digest(code),
        created_at=now,
        created_by=actor,
        expires_at=now + timedelta(days=PASSWORD_CODE_DAYS),
    )
    audit_append(
        community_id=membership.community_id,
        actor_id=actor.id,
        verb="membership.password_code",
        object_type="membership",
        object_id=membership.id,
        data={
            "member": membership.id,
            "user": membership.user_id,
            "invitation": invitation.id,
            "earlier_withdrawn": withdrawn,
            "expires_at": invitation.expires_at.isoformat(),
        },
        private=True,
    )
    return Issued(invitation=invitation, code=code)


@transaction.atomic
def password_code_redeem(*, code: str, password: str) -> Membership:
    """Set a new password with a password code (the code is the authority: no log-in). Works
    once; refuses, changing nothing, a code that is not an open password code, or a password
    Django's validators refuse. Every API token of the account stops working, as on any change
    of password. Returns the membership, whose user the caller may now log in."""
    found = invitation_find(code=code)
    if found is None or found.for_membership_id is None:
        raise _not_valid()
    invitation = Invitation.objects.select_for_update().get(pk=found.pk)
    now = timezone.now()
    membership = Membership.objects.select_related("user", "community").get(
        pk=invitation.for_membership_id
    )
    user = membership.user
    still_allowed = policy.can(
        invitation.created_by, "membership.reissue_password", membership
    )  # a member elected to the committee since is no longer this coordinator's to hand over
    if invitation.state(now) != "open" or not user.is_active or not still_allowed:
        raise _not_valid()
    try:
        validate_password(password, user)
    except ValidationError as e:
        raise InvalidInput(" ".join(e.messages), field="password") from None
    user.set_password(password)
    user.save(update_fields=["password"])  # accounts.signals revokes the API tokens
    invitation.accepted_at = now
    invitation.save(update_fields=["accepted_at"])
    audit_append(
        community_id=membership.community_id,
        actor_id=membership.id,
        verb="membership.password_set",
        object_type="membership",
        object_id=membership.id,
        data={"member": membership.id, "invitation": invitation.id},
        private=True,
    )
    # Whoever forgot a password has often been locked out by failed log-ins: the new one works.
    transaction.on_commit(lambda: _lockout_lift(user.username))
    return membership


def _lockout_lift(username: str) -> None:
    from axes.utils import reset

    reset(username=username)
