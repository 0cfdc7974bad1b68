"""Invitations: how a person comes into a community, by their own act.

A coordinator invites (by e-mail, or with a one-time code handed over on paper); the invitee
accepts while logged in, or creates an account through the invitation. An existing account is
never added to a community without its owner accepting, and nothing here tells the inviter
which usernames or e-mail addresses exist.
"""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from pomochi.audit.services import audit_append
from pomochi.communities import policy
from pomochi.communities.models import Community, Household, Invitation, Membership
from pomochi.errors import Conflict, InvalidInput
from pomochi.text import text_or_refuse

# No 0/O, 1/I/L: a code read aloud or copied from paper is typed right the first time.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 12  # 31^12 ≈ 2^59 codes, each usable once and only until it expires
VALID_DAYS = 14
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


def invitation_find(*, code: str, now=None) -> Invitation | None:
    """The open invitation with this code, or None: used, revoked, expired and unknown codes
    all read the same, so a code reveals nothing about another."""
    now = now or timezone.now()
    normal = code_normalise(code)
    if len(normal) != CODE_LENGTH:
        return None
    invitation = (
        Invitation.objects.select_related("community", "household")
        .filter(code_digest=code_digest(normal))
        .first()
    )
    if invitation is None or invitation.state(now) != "open":
        return None
    return invitation


@transaction.atomic
def invitation_create(
    *,
    actor: Membership,
    community: Community,
    household: Household | None = None,
    email: str = "",
    accept_url: str | None = None,
) -> Issued:
    """A one-time invitation to this community, into a household if given.

    With an e-mail address, the code is mailed (after commit) as a link built from accept_url,
    which must contain "{code}"; either way the caller shows the code once, for paper.
    """
    policy.require(actor, "membership.invite", community)
    email = text_or_refuse(email, field="email", max_length=EMAIL_LENGTH, multiline=False)
    if household is not None and household.community_id != community.id:
        raise InvalidInput(_("That household belongs to another community."), field="household")
    email = email.strip()
    now = timezone.now()
    code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    invitation = Invitation.objects.create(
        community=community,
        household=household,
        email=email,
        code_digest=code_digest(code),
        created_at=now,
        created_by=actor,
        expires_at=now + timedelta(days=VALID_DAYS),
    )
    audit_append(
        community_id=community.id,
        actor_id=actor.id,
        verb="invitation.create",
        object_type="invitation",
        object_id=invitation.id,
        data={
            "household": invitation.household_id,
            "by_email": bool(email),
            "expires_at": invitation.expires_at.isoformat(),
        },
        private=True,  # whom a coordinator invites is theirs and the committee's to know
    )
    issued = Issued(invitation=invitation, code=code)
    if email and accept_url:
        link = accept_url.format(code=code)
        transaction.on_commit(lambda: _mail(issued, link, language=community.language))
    return issued


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
            "until": invitation.expires_at.date().isoformat(),
        }
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [invitation.email])


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
    """The invitee's own act: join the community of this invitation (and its household).

    Refuses, changing nothing, a code that is not open, or a person who is a member already.
    """
    found = invitation_find(code=code)
    if found is None:
        raise _not_valid()
    invitation = Invitation.objects.select_for_update().get(pk=found.pk)
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
        data={
            "user": user.id,
            "household": membership.household_id,
            "coordinator": False,
            "committee": False,
            "active": True,
            "invitation": invitation.id,
        },
        household_id=membership.household_id,
    )
    return membership


@transaction.atomic
def account_create_and_accept(
    *, code: str, username: str, password: str, email: str = "", display_name: str = ""
) -> Membership:
    """Create one's own account through an invitation and join, in one act, all or nothing."""
    from pomochi.accounts.models import User

    if invitation_find(code=code) is None:
        raise _not_valid()
    username = username.strip()  # Django's validators judge it: they refuse control characters
    email = text_or_refuse(email, field="email", max_length=EMAIL_LENGTH, multiline=False)
    display_name = text_or_refuse(
        display_name, field="display_name", max_length=150, multiline=False
    )
    user = User(username=username, email=email.strip(), display_name=display_name.strip())
    try:
        user.full_clean(exclude=["password"])  # Django's username validators, e-mail, lengths
    except ValidationError as e:
        field, messages = next(iter(e.message_dict.items()))
        raise InvalidInput(" ".join(messages), field=field) from None
    if User.objects.filter(username__iexact=username).exists():
        raise Conflict(_("That username is taken; choose another."), field="username")
    try:
        validate_password(password, user)
    except ValidationError as e:
        raise InvalidInput(" ".join(e.messages), field="password") from None
    user.set_password(password)
    user.save()
    return invitation_accept(user=user, code=code)
